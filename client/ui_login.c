/* ui_login.c - identification: the login form, its failures, the welcome and logout. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/ui_state.h"

#define KEY_ESC 27

void ui_login_start(struct ui *ui, const char *message)
{
    session_forget_token(&ui->session);
    ui->logged_in = false;
    input_clear(&ui->login_password);
    ui->login_focus = ui->login_name.len ? 1 : 0;
    ui->login_failures = 0;
    if (message)
        ui_set_status(ui, true, "%s", message);
    else
        ui->status[0] = '\0';
    ui_reset_to(ui, UI_LOGIN);
}

static void login_failed(struct ui *ui, const struct proto_reply *r)
{
    ui->login_failures++;
    if (strcmp(r->code, "rate_limited") == 0)
        snprintf(ui->login_reason, sizeof(ui->login_reason),
                 "TOO MANY FAILED ATTEMPTS. RETRY IN %ld SECONDS.", r->retry_after);
    else if (strcmp(r->code, "account_disabled") == 0)
        snprintf(ui->login_reason, sizeof(ui->login_reason), "ACCOUNT DISABLED.");
    else if (strcmp(r->code, "auth_failed") == 0)
        snprintf(ui->login_reason, sizeof(ui->login_reason), "ACCESS REFUSED.");
    else
        snprintf(ui->login_reason, sizeof(ui->login_reason), "%.40s: %.150s", r->code, r->message);
    input_clear(&ui->login_password);
    ui->login_focus = 1;
    ui_reset_to(ui, UI_LOGIN_FAILED);
}

void ui_login_submit(struct ui *ui)
{
    struct proto_reply r;
    json_t *req = proto_request("login");
    json_object_set_new(req, "user", json_string(ui->login_name.text));
    json_object_set_new(req, "password", json_string(ui->login_password.text));
    if (ui_request(ui, req, &r, ACT_LOGIN) != 0)
        return;
    if (!r.ok) {
        login_failed(ui, &r);
        proto_reply_free(&r);
        return;
    }
    int rc = proto_parse_login(r.root, ui->session.token, sizeof(ui->session.token), &ui->user,
                               &ui->welcome);
    proto_reply_free(&r);
    input_clear(&ui->login_password);
    if (rc != 0) {
        ui_set_status(ui, true, "THE SERVER'S LOGIN REPLY CANNOT BE READ");
        return;
    }
    ui->logged_in = true;
    ui->login_failures = 0;
    ui->status[0] = '\0';
    ui_reset_to(ui, UI_WELCOME);
}

void ui_logout(struct ui *ui)
{
    struct proto_reply r;
    if (ui_request(ui, proto_request("logout"), &r, ACT_LOGOUT) != 0)
        return;
    proto_reply_free(&r);
    ui_login_start(ui, "LOGGED OUT");
}

void ui_render_login(struct ui *ui)
{
    if (ui_top(ui) == UI_LOGIN_FAILED) {
        struct art_frame f =
            ui_frame(ui, "IDENTIFICATION",
                     ui->login_failures >= UI_ATTEMPTS ? "any key: quit" : "any key: try again");
        art_login_failed(&ui->canvas, &f, ui->login_reason, UI_ATTEMPTS - ui->login_failures);
        return;
    }
    struct art_frame f = ui_frame(ui, "IDENTIFICATION",
                                  "Tab switch field  Enter next/log in  "
                                  "Esc quit");
    struct art_login_form l = {ui->opt->hostport,
                               ui->banner_status[0] ? ui->banner_status : NULL,
                               ui->login_name.text,
                               strlen(ui->login_password.text),
                               ui->login_focus,
                               NULL,
                               UI_ATTEMPTS - ui->login_failures};
    art_login(&ui->canvas, &f, &l);
}

void ui_login_key(struct ui *ui, struct ui_key k)
{
    struct input *field = ui->login_focus == 0 ? &ui->login_name : &ui->login_password;
    if (k.is_key) {
        if (k.code == KEY_BACKSPACE)
            input_backspace(field);
        else if (k.code == KEY_UP || k.code == KEY_DOWN || k.code == KEY_BTAB)
            ui->login_focus = !ui->login_focus;
        return;
    }
    switch (k.code) {
    case KEY_ESC:
    case 3:
        ui->running = false;
        break;
    case '\t':
        ui->login_focus = !ui->login_focus;
        break;
    case '\n':
        if (ui->login_focus == 0)
            ui->login_focus = 1;
        else if (ui->login_name.len > 0)
            ui_login_submit(ui);
        else
            ui->login_focus = 0;
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
}

void ui_login_failed_key(struct ui *ui, struct ui_key k)
{
    if (ui->login_failures >= UI_ATTEMPTS) {
        ui->running = false;
        ui->exit_code = 2;
        return;
    }
    ui_reset_to(ui, UI_LOGIN);
}

void ui_render_welcome(struct ui *ui)
{
    struct art_frame f = ui_frame(ui, "WELCOME",
                                  "Enter run command (empty: browse)  "
                                  "? help  Esc clear  LOGOUT  QUIT");
    art_welcome(&ui->canvas, &f, &ui->welcome);
}
