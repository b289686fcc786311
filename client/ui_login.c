/* ui_login.c - identification: the login form, its failures, the welcome and logout. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/ui_state.h"

#define ATTEMPTS 3 /* failed logins before the client gives up */

struct login {
    struct input name, password;
    int focus; /* 0 name, 1 password */
    int failures;
    bool failed; /* showing why the last attempt failed */
    char reason[200];
};

static void free_login(void *state)
{
    struct login *l = state;
    input_clear(&l->password); /* zeroed, not only forgotten */
}

void ui_login_start(struct ui *ui, const char *message)
{
    session_forget_token(&ui->session);
    ui->logged_in = false;
    struct login *l = ui_reset_to(ui, &ui_login_ops);
    if (l == NULL)
        return;
    input_set(&l->name, ui->login_name);
    l->focus = l->name.len ? 1 : 0;
    if (message)
        ui_set_status(ui, true, "%s", message);
    else
        ui->status[0] = '\0';
}

static void login_failed(struct login *l, const struct proto_reply *r)
{
    l->failures++;
    if (strcmp(r->code, "rate_limited") == 0)
        snprintf(l->reason, sizeof(l->reason), "TOO MANY FAILED ATTEMPTS. RETRY IN %ld SECONDS.",
                 r->retry_after);
    else if (strcmp(r->code, "account_disabled") == 0)
        snprintf(l->reason, sizeof(l->reason), "ACCOUNT DISABLED.");
    else if (strcmp(r->code, "auth_failed") == 0)
        snprintf(l->reason, sizeof(l->reason), "ACCESS REFUSED.");
    else
        snprintf(l->reason, sizeof(l->reason), "%.40s: %.150s", r->code, r->message);
    input_clear(&l->password);
    l->focus = 1;
    l->failed = true;
}

/* Log in (again, after a reconnect: l is then the asker, password and all). */
static void submit(struct ui *ui, void *state, const char *arg)
{
    struct login *l = state;
    if (l == NULL)
        return;
    struct proto_reply r;
    snprintf(ui->login_name, sizeof(ui->login_name), "%s", l->name.text);
    json_t *req = proto_request("login");
    json_object_set_new(req, "user", json_string(l->name.text));
    json_object_set_new(req, "password", json_string(l->password.text));
    if (ui_request(ui, req, &r, submit, NULL) != 0)
        return;
    if (!r.ok) {
        login_failed(l, &r);
        proto_reply_free(&r);
        return;
    }
    int rc = proto_parse_login(r.root, ui->session.token, sizeof(ui->session.token), &ui->user,
                               &ui->welcome);
    proto_reply_free(&r);
    input_clear(&l->password);
    if (rc != 0) {
        ui_set_status(ui, true, "THE SERVER'S LOGIN REPLY CANNOT BE READ");
        return;
    }
    ui->logged_in = true;
    ui->status[0] = '\0';
    ui_reset_to(ui, &ui_welcome_ops); /* l is gone from here */
}

static void logout_again(struct ui *ui, void *asker, const char *arg)
{
    ui_logout(ui);
}

void ui_logout(struct ui *ui)
{
    struct proto_reply r;
    if (ui_request(ui, proto_request("logout"), &r, logout_again, NULL) != 0)
        return;
    proto_reply_free(&r);
    ui_login_start(ui, "LOGGED OUT");
}

static void render_login(struct ui *ui, void *state)
{
    struct login *l = state;
    if (l->failed) {
        struct art_frame f = ui_frame(
            ui, "IDENTIFICATION", l->failures >= ATTEMPTS ? "any key: quit" : "any key: try again");
        art_login_failed(&ui->canvas, &f, l->reason, ATTEMPTS - l->failures);
        return;
    }
    struct art_frame f = ui_frame(ui, "IDENTIFICATION",
                                  "Tab switch field  Enter next/log in  "
                                  "Esc quit");
    struct art_login_form form = {ui->opt->hostport,
                                  ui->banner_status[0] ? ui->banner_status : NULL,
                                  l->name.text,
                                  strlen(l->password.text),
                                  l->focus,
                                  NULL,
                                  ATTEMPTS - l->failures};
    art_login(&ui->canvas, &f, &form);
}

/* Any key after a failure: try again, or give up after the last attempt. */
static void failed_key(struct ui *ui, struct login *l)
{
    if (l->failures >= ATTEMPTS) {
        ui->running = false;
        ui->exit_code = 2;
        return;
    }
    l->failed = false;
}

static bool login_key(struct ui *ui, void *state, struct ui_key k)
{
    struct login *l = state;
    if (l->failed) {
        failed_key(ui, l);
        return true;
    }
    struct input *field = l->focus == 0 ? &l->name : &l->password;
    if (k.is_key) {
        if (k.code == KEY_BACKSPACE)
            input_backspace(field);
        else if (k.code == KEY_UP || k.code == KEY_DOWN || k.code == KEY_BTAB)
            l->focus = !l->focus;
        return true;
    }
    switch (k.code) {
    case KEY_ESC:
    case 3:
        ui->running = false;
        break;
    case '\t':
        l->focus = !l->focus;
        break;
    case '\n':
        if (l->focus == 0)
            l->focus = 1;
        else if (l->name.len > 0)
            submit(ui, l, NULL); /* may replace this screen: l is not used after */
        else
            l->focus = 0;
        break;
    case 127:
    case 8:
        input_backspace(field);
        break;
    default:
        input_add(field, (wchar_t)k.code);
        ui->status[0] = '\0';
        break;
    }
    return true;
}

const struct ui_screen_ops ui_login_ops =
    UI_SCREEN_OPS("login", 0, sizeof(struct login), render_login, login_key, NULL, free_login);

static void render_welcome(struct ui *ui, void *state)
{
    struct art_frame f = ui_frame(ui, "WELCOME",
                                  "Enter run command (empty: browse)  "
                                  "? help  Esc clear  LOGOUT  QUIT");
    art_welcome(&ui->canvas, &f, &ui->welcome);
}

/* The welcome's prompt (UI_SCREEN_PROMPT) takes every key before the screen would. */
static bool welcome_key(struct ui *ui, void *state, struct ui_key k)
{
    return false;
}

const struct ui_screen_ops ui_welcome_ops =
    UI_SCREEN_OPS("welcome", UI_SCREEN_COMMANDS | UI_SCREEN_HELP | UI_SCREEN_PROMPT, 0,
                  render_welcome, welcome_key, NULL, NULL);
