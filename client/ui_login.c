/* ui_login.c - identification: the login form, its failures, the welcome and logout. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/ui_state.h"

/*
 * A failed login never ends the program: the form stays, says what the server decided
 * (refused, attempts left if it tells, or a wait counted down) and only the user quits.
 */
struct login {
    struct input name, password;
    int focus; /* 0 name, 1 password */
    char reason[200];
    long attempts_left; /* from the server's reply; -1 when it does not say */
    long wait_until;    /* monotonic seconds: rate limited until then; 0 when not */
};

static void free_login(void *state)
{
    struct login *l = state;
    input_clear(&l->password); /* zeroed, not only forgotten */
}

static long now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec;
}

/* Seconds still to wait before the server takes another attempt; 0 when none. */
static long wait_left(const struct login *l)
{
    long left = l->wait_until - now_seconds();
    return l->wait_until != 0 && left > 0 ? left : 0;
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
    l->attempts_left = -1;
    if (message)
        ui_set_status(ui, true, "%s", message);
    else
        ui->status[0] = '\0';
}

static void login_failed(struct login *l, const struct proto_reply *r)
{
    json_t *left = json_object_get(json_object_get(r->root, "error"), "attempts_left");
    l->attempts_left = json_is_integer(left) ? (long)json_integer_value(left) : -1;
    l->wait_until = 0;
    if (strcmp(r->code, "rate_limited") == 0) {
        snprintf(l->reason, sizeof(l->reason), "TOO MANY FAILED ATTEMPTS.");
        l->wait_until = now_seconds() + (r->retry_after > 0 ? r->retry_after : 1);
    } else if (strcmp(r->code, "account_disabled") == 0) {
        snprintf(l->reason, sizeof(l->reason), "ACCOUNT DISABLED. ASK AN ADMINISTRATOR.");
    } else if (strcmp(r->code, "auth_failed") == 0) {
        snprintf(l->reason, sizeof(l->reason), "ACCESS REFUSED: NAME OR PASSWORD NOT RECOGNISED.");
    } else {
        snprintf(l->reason, sizeof(l->reason), "%.40s: %.150s", r->code, r->message);
    }
    input_clear(&l->password);
    l->focus = 1;
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
    json_object_set_new(req, "user", proto_login_user(l->name.text));
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
    /* The login before this one and the wrong passwords since, as a terminal greets. */
    char last[40] = "";
    json_t *jlast = json_object_get(r.root, "last_login");
    long long failed = (long long)json_integer_value(json_object_get(r.root, "failed_logins"));
    if (json_is_string(jlast))
        snprintf(last, sizeof(last), "%.32s", json_string_value(jlast));
    proto_reply_free(&r);
    input_clear(&l->password);
    if (rc != 0) {
        ui_set_status(ui, true, "THE SERVER'S LOGIN REPLY CANNOT BE READ");
        return;
    }
    ui->logged_in = true;
    ui->status[0] = '\0';
    ui_reset_to(ui, &ui_welcome_ops); /* l is gone from here */
    if (last[0] != '\0')
        ui_set_status(ui, failed > 0, "LAST LOGIN %s · %lld FAILED ATTEMPT%s SINCE", last, failed,
                      failed == 1 ? "" : "S");
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
    /* The next person types their own name: nothing of the last one is offered. */
    memset(ui->login_name, 0, sizeof(ui->login_name));
    ui_login_start(ui, "LOGGED OUT");
}

/* Columns the cursor sits left of the field's end (a password shows one '*' a character). */
static int cursor_back(const struct login *l)
{
    if (l->focus == 0)
        return input_tail_width(&l->name);
    int n = 0;
    for (size_t i = l->password.pos; i < l->password.len; i++)
        n += ((unsigned char)l->password.text[i] & 0xC0) != 0x80;
    return n;
}

/* The demo's logins, from the environment make demo sets, made printable. */
static const char *login_hint(char *buf, size_t size)
{
    const char *hint = getenv("SCIPNET_LOGIN_HINT");
    if (hint == NULL || hint[0] == '\0')
        return NULL;
    snprintf(buf, size, "%s", hint);
    for (char *p = buf; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n')
            *p = '?';
    return buf;
}

static void render_login(struct ui *ui, void *state)
{
    struct login *l = state;
    char detail[96] = "", hint[512];
    long wait = wait_left(l);
    if (wait > 0)
        snprintf(detail, sizeof(detail), "THE SERVER TAKES THE NEXT ATTEMPT IN %ld SECOND%s.", wait,
                 wait == 1 ? "" : "S");
    else if (l->wait_until != 0)
        snprintf(detail, sizeof(detail), "YOU MAY TRY AGAIN.");
    else if (l->attempts_left >= 0)
        snprintf(detail, sizeof(detail), "%ld ATTEMPT%s LEFT BEFORE A WAIT.", l->attempts_left,
                 l->attempts_left == 1 ? "" : "S");
    struct art_frame f = ui_frame(ui, "IDENTIFICATION",
                                  "Tab switch field  Enter next/log in  Esc clear  Ctrl-C quit");
    struct art_login_form form = {ui->opt->hostport,
                                  ui->banner_status[0] ? ui->banner_status : NULL,
                                  l->name.text,
                                  strlen(l->password.text),
                                  l->focus,
                                  cursor_back(l),
                                  l->reason[0] ? l->reason : NULL,
                                  detail[0] ? detail : NULL,
                                  login_hint(hint, sizeof(hint))};
    art_login(&ui->canvas, &f, &form);
}

/* Enter: the next field, or log in (not while the server asked to wait). */
static void enter(struct ui *ui, struct login *l)
{
    long wait = wait_left(l);
    if (l->focus == 0)
        l->focus = 1;
    else if (l->name.len == 0)
        l->focus = 0;
    else if (wait > 0)
        ui_set_status(ui, true, "WAIT %ld SECOND%s", wait, wait == 1 ? "" : "S");
    else
        submit(ui, l, NULL); /* may replace this screen: l is not used after */
}

/* Esc clears the field (then the last failure); it never quits: Ctrl-C does. */
static void escape(struct ui *ui, struct login *l)
{
    struct input *field = l->focus == 0 ? &l->name : &l->password;
    if (field->len > 0) {
        input_clear(field);
    } else if (l->wait_until == 0 || wait_left(l) == 0) {
        l->reason[0] = '\0';
        l->attempts_left = -1;
        l->wait_until = 0;
    }
    ui->status[0] = '\0';
}

static bool login_key(struct ui *ui, void *state, struct ui_key k)
{
    struct login *l = state;
    struct input *field = l->focus == 0 ? &l->name : &l->password;
    bool enter_key = (!k.is_key && k.code == '\n') || (k.is_key && k.code == KEY_ENTER);
    if (enter_key) {
        enter(ui, l);
    } else if (k.is_key && (k.code == KEY_UP || k.code == KEY_DOWN)) {
        l->focus = k.code == KEY_DOWN; /* up to the name, down to the password */
    } else if ((k.is_key && k.code == KEY_BTAB) || (!k.is_key && k.code == '\t')) {
        l->focus = !l->focus;
    } else if (!k.is_key && k.code == KEY_ESC) {
        escape(ui, l);
    } else if (!k.is_key && k.code == 3) {
        ui->running = false;
    } else if (input_edit(field, k.is_key, k.code) && !k.is_key) {
        ui->status[0] = '\0';
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
