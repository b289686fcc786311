/*
 * ui_fields.c - EDIT SCP-002 CLASS KETER (TITLE, SECONDARY, DISRUPTION, RISK, LEVEL): one of
 * an SCP file's fields changed from the command line.  The screen shows the change and asks
 * why; Enter sends one "edit" of fields, based on the revision read, and shows the file
 * again.  The server decides every refusal; a conflict leaves nothing written.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "art/layout.h"
#include "client/ui_state.h"

struct fields_screen {
    char ref[ART_REF_MAX];
    char field[16]; /* as the protocol names it: "containment" */
    char old_value[ART_NAME_MAX + 8];
    char value[200]; /* "" clears a class */
    long long base;  /* the revision the file was read at */
    struct input reason;
    char message[200];
    bool message_ok;
};

static const char *field_name(const char *field)
{
    if (strcmp(field, "containment") == 0)
        return "CONTAINMENT CLASS";
    if (strcmp(field, "secondary") == 0)
        return "SECONDARY CLASS";
    if (strcmp(field, "disruption") == 0)
        return "DISRUPTION CLASS";
    if (strcmp(field, "risk") == 0)
        return "RISK CLASS";
    return strcmp(field, "level") == 0 ? "CLASSIFICATION LEVEL" : "TITLE";
}

/* The field's value in the file as read, for "OLD -> NEW". */
static void old_value(const struct art_file *f, const char *field, char *out, size_t size)
{
    const struct art_class *c = strcmp(field, "containment") == 0  ? &f->containment
                                : strcmp(field, "secondary") == 0  ? &f->secondary
                                : strcmp(field, "disruption") == 0 ? &f->disruption
                                : strcmp(field, "risk") == 0       ? &f->risk
                                                                   : NULL;
    if (c != NULL)
        snprintf(out, size, "%s", c->set ? c->name : "(none)");
    else if (strcmp(field, "level") == 0)
        snprintf(out, size, "%d", f->classification.level);
    else
        snprintf(out, size, "%s", f->title != NULL ? f->title : "");
}

/*
 * A class typed in any case ("KETER") named as the store has it ("Keter"): info finds a
 * class by name in any case.  Anything else, or a class of another kind, goes as typed and
 * the server says what is wrong with it.
 */
static void class_name(struct ui *ui, const char *field, char *value, size_t size)
{
    if (value[0] == '\0' || strcmp(field, "title") == 0 || strcmp(field, "level") == 0)
        return;
    json_t *req = proto_request("info");
    json_object_set_new(req, "topic", json_string(value));
    struct proto_reply r;
    if (ui_request(ui, req, &r, NULL, NULL) != 0)
        return;
    const json_t *info = json_object_get(r.root, "info");
    const char *kind = json_string_value(json_object_get(info, "kind"));
    const char *name = json_string_value(json_object_get(info, "name"));
    if (r.ok && kind != NULL && name != NULL && strcmp(kind, field) == 0 &&
        strcasecmp(name, value) == 0)
        snprintf(value, size, "%s", name);
    proto_reply_free(&r);
}

static void fields_again(struct ui *ui, void *asker, const char *ref)
{
    ui_set_status(ui, true, "RECONNECTED: TYPE THE EDIT COMMAND AGAIN");
}

void ui_fields_open(struct ui *ui, const char *ref_in, const char *field, const char *value)
{
    char ref[ART_REF_MAX], typed[200];
    snprintf(ref, sizeof(ref), "%s", ref_in); /* the command's, which a new screen replaces */
    snprintf(typed, sizeof(typed), "%s", value);
    json_t *req = proto_request("read");
    json_object_set_new(req, "ref", json_string(ref));
    struct proto_reply r;
    if (ui_request(ui, req, &r, fields_again, ref) != 0)
        return;
    struct art_file f;
    if (!r.ok) {
        if (!ui_notice_open(ui, &r, NULL))
            ui_show_error(ui, &r);
    } else if (proto_parse_file(r.root, &f) != 0) {
        ui_set_status(ui, true, "THE SERVER'S FILE CANNOT BE READ");
    } else {
        long long base =
            json_integer_value(json_object_get(json_object_get(r.root, "file"), "revision"));
        char old[sizeof(((struct fields_screen *)0)->old_value)];
        old_value(&f, field, old, sizeof(old));
        art_file_free(&f);
        class_name(ui, field, typed, sizeof(typed));
        struct fields_screen *s = ui_push(ui, &ui_fields_ops);
        if (s != NULL) {
            snprintf(s->ref, sizeof(s->ref), "%s", ref);
            snprintf(s->field, sizeof(s->field), "%s", field);
            snprintf(s->old_value, sizeof(s->old_value), "%s", old);
            snprintf(s->value, sizeof(s->value), "%s", typed);
            s->base = base;
            snprintf(s->message, sizeof(s->message), "TYPE WHY, THEN ENTER TO SAVE");
            s->message_ok = true;
        }
    }
    proto_reply_free(&r);
}

static void fields_render(struct ui *ui, void *state)
{
    struct fields_screen *s = state;
    char location[64], line[512];
    snprintf(location, sizeof(location), "EDIT %s", s->ref);
    struct art_frame f = ui_frame(ui, location, "Enter save  Esc back (nothing saved)");
    f.prompt = "REASON: ";
    f.input = s->reason.text;
    f.input_back = input_tail_width(&s->reason);
    struct art_area a = art_frame_draw(&ui->canvas, &f);
    int y = a.top + 1, x = a.left + 2, w = a.cols - 4;
    snprintf(line, sizeof(line), "CHANGE %s: %s", s->ref, field_name(s->field));
    canvas_text_fit(&ui->canvas, y++, x, line, ink_attrs(INK_BOLD), w);
    snprintf(line, sizeof(line), "%s -> %s", s->old_value, s->value[0] ? s->value : "(none)");
    canvas_text_fit(&ui->canvas, y++, x + 2, line, ink_plain(), w - 2);
    snprintf(line, sizeof(line), "BASED ON REVISION %lld", s->base);
    canvas_text_fit(&ui->canvas, y + 1, x, line, ink_plain(), w);
    canvas_text_fit(&ui->canvas, a.top + a.rows - 1, x, s->message,
                    s->message_ok ? ink_plain() : ink_attrs(INK_BOLD | INK_REVERSE), w);
}

static void fields_saved(struct ui *ui, const char *ref_in, const char *field, long long revision)
{
    char ref[ART_REF_MAX], what[32];
    snprintf(ref, sizeof(ref), "%s", ref_in); /* the screen's, gone after ui_pop */
    snprintf(what, sizeof(what), "%s", field_name(field));
    ui_pop(ui);
    /* The file as it was read is stale: shown again in its place, not on top of it. */
    struct art_file_view *v = ui_file_view(ui);
    if (v != NULL && strcmp(v->file->ref, ref) == 0)
        ui_pop(ui);
    ui->data_version++; /* lists show the title and class */
    ui_file_open(ui, ref);
    ui_set_status(ui, false, "%s %s SAVED AS REVISION %lld", ref, what, revision);
}

static void fields_submit(struct ui *ui, struct fields_screen *s)
{
    if (s->reason.len == 0) {
        snprintf(s->message, sizeof(s->message), "AN EDIT NEEDS A REASON");
        s->message_ok = false;
        return;
    }
    json_t *fields = json_object();
    json_object_set_new(fields, s->field,
                        strcmp(s->field, "level") == 0 ? json_integer(atoi(s->value))
                                                       : json_string(s->value));
    json_t *req = proto_request("edit");
    json_object_set_new(req, "ref", json_string(s->ref));
    json_object_set_new(req, "base_revision", json_integer(s->base));
    json_object_set_new(req, "fields", fields);
    json_object_set_new(req, "reason", json_string(s->reason.text));
    struct proto_reply r;
    if (ui_request(ui, req, &r, NULL, NULL) != 0)
        return;
    if (r.ok) {
        long long revision = json_integer_value(json_object_get(r.root, "revision"));
        proto_reply_free(&r);
        fields_saved(ui, s->ref, s->field, revision); /* s is gone from here */
        return;
    }
    if (strcmp(r.code, "conflict") == 0) {
        /* Never a silent overwrite: the user reads the file again and decides. */
        snprintf(s->message, sizeof(s->message),
                 "CONFLICT: %s CHANGED SINCE REVISION %lld (NOW %lld). NOTHING SAVED: "
                 "ESC, THEN EDIT AGAIN",
                 s->ref, s->base,
                 (long long)json_integer_value(json_object_get(r.root, "revision")));
        s->message_ok = false;
    } else if (!ui_notice_open(ui, &r, NULL)) {
        layout_upper(s->message, sizeof(s->message), r.message);
        s->message_ok = false;
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

static bool fields_key(struct ui *ui, void *state, struct ui_key k)
{
    struct fields_screen *s = state;
    if (!k.is_key && k.code == KEY_ESC) {
        ui_pop(ui);
        return true;
    }
    if ((!k.is_key && (k.code == '\n' || k.code == '\r')) || (k.is_key && k.code == KEY_ENTER)) {
        fields_submit(ui, s);
        return true;
    }
    (void)input_edit(&s->reason, k.is_key, k.code);
    return true; /* typed text is the reason's, ':' and '?' included */
}

const struct ui_screen_ops ui_fields_ops =
    UI_SCREEN_OPS("fields", 0, sizeof(struct fields_screen), fields_render, fields_key, NULL, NULL);
