/*
 * ui_passwd.c - PASSWD: the old password, the new one and the new one again, none of
 * them shown (not even as stars), then the passwd op.  The fields are zeroed as soon as
 * they are sent and when the screen goes; a reconnect never sends them again.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "art/frame.h"
#include "art/layout.h"
#include "client/ui_state.h"

enum { FIELD_OLD, FIELD_NEW, FIELD_AGAIN, FIELDS };

struct passwd {
    struct input field[FIELDS];
    int focus;
    char message[200];
};

static void forget(struct passwd *p)
{
    for (int i = 0; i < FIELDS; i++)
        input_clear(&p->field[i]);
}

void ui_passwd_open(struct ui *ui)
{
    ui_push(ui, &ui_passwd_ops); /* zeroed: every field empty, the old one first */
}

static void render(struct ui *ui, void *state)
{
    static const char *const labels[FIELDS] = {
        "CURRENT PASSWORD:", "NEW PASSWORD:", "NEW PASSWORD AGAIN:"};
    struct passwd *p = state;
    struct art_frame f =
        ui_frame(ui, "PASSWD", "type (nothing is shown)  Enter next  Up/Down field  Esc back");
    struct art_area a = art_frame_draw(&ui->canvas, &f);
    canvas_text_fit(&ui->canvas, a.top + 1, a.left + 2,
                    "Every other session of yours ends when the password changes.", ink_plain(),
                    a.cols - 2);
    for (int i = 0; i < FIELDS; i++) {
        char line[64];
        snprintf(line, sizeof(line), "%s %-20s %s", i == p->focus ? ">" : " ", labels[i],
                 p->field[i].len > 0 ? "(typed)" : "");
        canvas_text_fit(&ui->canvas, a.top + 3 + 2 * i, a.left + 2, line,
                        i == p->focus ? ink_attrs(INK_BOLD) : ink_plain(), a.cols - 2);
    }
    if (p->message[0])
        canvas_text_fit(&ui->canvas, a.top + 4 + 2 * FIELDS, a.left + 2, p->message,
                        ink_attrs(INK_BOLD), a.cols - 2);
}

static void refused(struct passwd *p, const struct proto_reply *r)
{
    json_t *left = json_object_get(json_object_get(r->root, "error"), "attempts_left");
    if (strcmp(r->code, "auth_failed") == 0 && json_is_integer(left))
        snprintf(p->message, sizeof(p->message),
                 "THE CURRENT PASSWORD IS WRONG (%lld ATTEMPTS LEFT)",
                 (long long)json_integer_value(left));
    else if (strcmp(r->code, "rate_limited") == 0)
        snprintf(p->message, sizeof(p->message), "TOO MANY WRONG PASSWORDS: WAIT %ld S",
                 r->retry_after > 0 ? r->retry_after : 1);
    else
        snprintf(p->message, sizeof(p->message), "%.40s: %.150s", r->code, r->message);
}

static void submit(struct ui *ui, struct passwd *p)
{
    if (strcmp(p->field[FIELD_NEW].text, p->field[FIELD_AGAIN].text) != 0) {
        snprintf(p->message, sizeof(p->message), "THE TWO NEW PASSWORDS DIFFER");
        input_clear(&p->field[FIELD_NEW]);
        input_clear(&p->field[FIELD_AGAIN]);
        p->focus = FIELD_NEW;
        return;
    }
    json_t *req = proto_request("passwd");
    json_object_set_new(req, "old", json_string(p->field[FIELD_OLD].text));
    json_object_set_new(req, "new", json_string(p->field[FIELD_NEW].text));
    forget(p);
    p->focus = FIELD_OLD;
    struct proto_reply r;
    if (ui_request(ui, req, &r, NULL, NULL) != 0)
        return; /* the screen has changed to say why; nothing is sent again */
    if (r.ok) {
        long long ended = (long long)json_integer_value(json_object_get(r.root, "sessions_ended"));
        ui_pop(ui);
        ui_set_status(ui, false, "PASSWORD CHANGED; %lld OTHER SESSION%s ENDED", ended,
                      ended == 1 ? "" : "S");
    } else {
        refused(p, &r);
    }
    proto_reply_free(&r);
}

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct passwd *p = state;
    bool enter = k.is_key ? k.code == KEY_ENTER : k.code == '\n';
    if (!k.is_key && k.code == KEY_ESC) {
        ui_pop(ui);
    } else if (enter && p->focus < FIELD_AGAIN) {
        p->focus++;
    } else if (enter) {
        submit(ui, p);
    } else if (k.is_key && k.code == KEY_UP) {
        p->focus -= p->focus > 0;
    } else if ((k.is_key && k.code == KEY_DOWN) || (!k.is_key && k.code == '\t')) {
        p->focus += p->focus < FIELD_AGAIN;
    } else {
        (void)input_edit(&p->field[p->focus], k.is_key, k.code);
    }
    return true; /* every key is the form's: a 'q' or '?' may be part of a password */
}

static void free_passwd(void *state)
{
    forget(state);
}

const struct ui_screen_ops ui_passwd_ops =
    UI_SCREEN_OPS("passwd", 0, sizeof(struct passwd), render, key, NULL, free_passwd);
