/* ui.c - the interactive client's loop: screens on a stack, keys, the command line. */
#define NCURSES_WIDECHAR 1
#include "client/ui.h"

#include <curses.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "art/paint.h"
#include "client/commands.h"
#include "client/ui_state.h"
#include "common/vis.h"

#define KEY_ESC 27

enum ui_screen ui_top(const struct ui *ui)
{
    return ui->depth > 0 ? ui->stack[ui->depth - 1] : UI_BANNER;
}

void ui_push(struct ui *ui, enum ui_screen s)
{
    /* Opening the same kind of screen again replaces it rather than stacking copies. */
    if (ui->depth > 0 && ui->stack[ui->depth - 1] == s)
        return;
    if (ui->depth == UI_STACK) {
        memmove(ui->stack, ui->stack + 1, sizeof(ui->stack[0]) * (UI_STACK - 1));
        ui->depth--;
    }
    ui->stack[ui->depth++] = s;
}

void ui_pop(struct ui *ui)
{
    if (ui->depth > 1)
        ui->depth--;
    ui->status[0] = '\0';
}

void ui_reset_to(struct ui *ui, enum ui_screen s)
{
    ui->depth = 0;
    ui->stack[ui->depth++] = s;
    ui->cmdline = false;
    input_clear(&ui->cmd);
}

void ui_set_status(struct ui *ui, bool alarm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
    va_end(ap);
    ui->status_alarm = alarm;
}

struct art_frame ui_frame(struct ui *ui, const char *location, const char *keys)
{
    static char user[ART_NAME_MAX + ART_LEVEL_MAX + 8];
    struct art_frame f = {0};
    f.location = location;
    f.keys = keys;
    if (ui->logged_in) {
        snprintf(user, sizeof(user), "%s · %s", ui->user.name, ui->user.clearance.name);
        f.user = user;
        f.user_ink = art_level_ink(&ui->user.clearance, 0);
    }
    if (ui->status[0]) {
        f.status = ui->status;
        f.status_ink = ui->status_alarm ? ink_hex("#C40233", INK_BOLD) : ink_attrs(INK_BOLD);
    }
    bool prompt = ui->logged_in && (ui->cmdline || ui_top(ui) == UI_WELCOME);
    if (prompt) {
        f.prompt = ui_top(ui) == UI_WELCOME ? "SCiPNET> " : ":";
        f.input = ui->cmd.text;
    }
    return f;
}

void ui_show_error(struct ui *ui, const struct proto_reply *r)
{
    if (strcmp(r->code, "rate_limited") == 0 && r->retry_after > 0)
        ui_set_status(ui, true, "%s: %s (retry in %ld s)", r->code, r->message, r->retry_after);
    else
        ui_set_status(ui, true, "%s%s%s", r->code, r->message[0] ? ": " : "", r->message);
}

int ui_request(struct ui *ui, json_t *req, struct proto_reply *reply, enum ui_action action)
{
    char err[1024] = "";
    if (!ui->running) {
        /* Ctrl-C already ended the run: nothing more goes to the server. */
        json_decref(req);
        memset(reply, 0, sizeof(*reply));
        return -1;
    }
    enum session_result res = session_call(&ui->session, req, reply, err, sizeof(err));
    if (res == SESSION_CANCELLED) {
        ui->running = false;
        return -1;
    }
    if (res == SESSION_OK) {
        ui->pending = ACT_NONE;
        /* The server no longer knows the token (expired, revoked): identify again. */
        if (!reply->ok && strcmp(reply->code, "unauthenticated") == 0 && action != ACT_LOGIN &&
            ui->logged_in) {
            proto_reply_free(reply);
            ui_login_start(ui, "SESSION ENDED - PLEASE IDENTIFY AGAIN");
            return -1;
        }
        /* The server failed, not the request: offer to try again rather than a dead end. */
        if (!reply->ok &&
            (strcmp(reply->code, "internal") == 0 || strcmp(reply->code, "unavailable") == 0)) {
            ui->pending = action;
            snprintf(ui->conn_title, sizeof(ui->conn_title), "SERVER ERROR");
            snprintf(ui->conn_message, sizeof(ui->conn_message), "%s: %s", reply->code,
                     reply->message[0] ? reply->message : "the server could not answer");
            proto_reply_free(reply);
            ui_push(ui, UI_CONN_LOST);
            return -1;
        }
        return 0;
    }
    ui->pending = action;
    snprintf(ui->conn_message, sizeof(ui->conn_message), "%s", err);
    if (res == SESSION_UNTRUSTED) {
        snprintf(ui->conn_title, sizeof(ui->conn_title), "%s",
                 ui->session.changed ? "SERVER IDENTIFICATION HAS CHANGED" : "SERVER NOT TRUSTED");
        ui_push(ui, UI_UNTRUSTED);
    } else {
        snprintf(ui->conn_title, sizeof(ui->conn_title), "%s",
                 res == SESSION_BAD_REPLY ? "SERVER ERROR" : "CONNECTION LOST");
        ui_push(ui, UI_CONN_LOST);
    }
    return -1;
}

void ui_run_command(struct ui *ui, const char *line)
{
    struct command c;
    commands_parse(line, &c);
    ui->status[0] = '\0';
    switch (c.kind) {
    case CMD_NONE:
        if (ui_top(ui) == UI_WELCOME)
            ui_browser_open(ui, "scp", NULL);
        break;
    case CMD_ACCESS:
        ui_file_open(ui, c.ref);
        break;
    case CMD_LIST:
        ui_browser_open(ui, c.what, c.query[0] ? c.query : NULL);
        break;
    case CMD_CREATE:
        ui_create_open(ui, c.what);
        break;
    case CMD_LOGOUT:
        ui_logout(ui);
        break;
    case CMD_HELP:
        ui->help_scroll = 0;
        ui_push(ui, UI_HELP);
        break;
    case CMD_CLEAR:
        ui_reset_to(ui, UI_WELCOME);
        break;
    case CMD_QUIT:
        ui->running = false;
        break;
    case CMD_INVALID:
        ui_set_status(ui, true, "%s", c.error);
        break;
    }
}

static void render_help(struct ui *ui)
{
    struct art_frame f = ui_frame(ui, "HELP", "Up/Down scroll  q back");
    art_help(&ui->canvas, &f, ui->help_scroll);
}

void ui_render(struct ui *ui)
{
    switch (ui_top(ui)) {
    case UI_BANNER:
        ui_render_banner(ui);
        break;
    case UI_LOGIN:
    case UI_LOGIN_FAILED:
        ui_render_login(ui);
        break;
    case UI_WELCOME:
        ui_render_welcome(ui);
        break;
    case UI_BROWSER:
        ui_render_browser(ui);
        break;
    case UI_FILE:
        ui_render_file(ui);
        break;
    case UI_REDACTED:
    case UI_DENIED:
    case UI_EXPUNGED:
        ui_render_notice(ui);
        break;
    case UI_CREATE:
        ui_render_create(ui);
        break;
    case UI_HELP:
        render_help(ui);
        break;
    case UI_CONN_LOST:
    case UI_UNTRUSTED:
        ui_render_connection(ui);
        break;
    }
    paint_canvas(&ui->canvas);
}

static bool is_char(struct ui_key k, wint_t ch)
{
    return !k.is_key && k.code == ch;
}

/* The ':' command line (and the welcome prompt, which is always open). */
static bool command_line_key(struct ui *ui, struct ui_key k)
{
    bool welcome = ui_top(ui) == UI_WELCOME;
    if (!ui->cmdline && !welcome)
        return false;
    if (!k.is_key && (k.code == '\n' || k.code == '\r')) {
        char line[INPUT_MAX];
        snprintf(line, sizeof(line), "%s", ui->cmd.text);
        input_clear(&ui->cmd);
        ui->cmdline = false;
        ui_run_command(ui, line);
        return true;
    }
    if (is_char(k, KEY_ESC)) {
        input_clear(&ui->cmd);
        ui->cmdline = false;
        return true;
    }
    if ((k.is_key && k.code == KEY_BACKSPACE) || is_char(k, 127) || is_char(k, 8)) {
        if (ui->cmd.len == 0 && !welcome)
            ui->cmdline = false;
        input_backspace(&ui->cmd);
        return true;
    }
    if (welcome && ui->cmd.len == 0 && is_char(k, '?')) {
        ui_run_command(ui, "HELP");
        return true;
    }
    if (!k.is_key) {
        input_add(&ui->cmd, (wchar_t)k.code);
        return true;
    }
    return welcome; /* other keys do nothing at the welcome prompt */
}

static void help_key(struct ui *ui, struct ui_key k)
{
    if (k.is_key && k.code == KEY_DOWN)
        ui->help_scroll++;
    else if (k.is_key && k.code == KEY_UP && ui->help_scroll > 0)
        ui->help_scroll--;
    else if (is_char(k, 'q') || is_char(k, KEY_ESC) || is_char(k, '\n'))
        ui_pop(ui);
}

static void notice_key(struct ui *ui, struct ui_key k)
{
    if (is_char(k, 'q') || is_char(k, KEY_ESC) || is_char(k, '\n') || is_char(k, ' '))
        ui_pop(ui);
}

static void dispatch_key(struct ui *ui, struct ui_key k)
{
    enum ui_screen top = ui_top(ui);
    if (command_line_key(ui, k))
        return;
    bool logged_screen = top != UI_BANNER && top != UI_LOGIN && top != UI_LOGIN_FAILED &&
                         top != UI_CONN_LOST && top != UI_UNTRUSTED && top != UI_CREATE;
    bool searching = top == UI_BROWSER && ui->browser.searching;
    if (logged_screen && !searching && ui->logged_in) {
        if (is_char(k, ':')) {
            ui->cmdline = true;
            input_clear(&ui->cmd);
            return;
        }
        if (is_char(k, '?') && top != UI_HELP) {
            ui->help_scroll = 0;
            ui_push(ui, UI_HELP);
            return;
        }
    }
    switch (top) {
    case UI_LOGIN:
        ui_login_key(ui, k);
        break;
    case UI_LOGIN_FAILED:
        ui_login_failed_key(ui, k);
        break;
    case UI_BROWSER:
        ui_browser_key(ui, k);
        break;
    case UI_FILE:
        ui_file_key(ui, k);
        break;
    case UI_CREATE:
        ui_create_key(ui, k);
        break;
    case UI_HELP:
        help_key(ui, k);
        break;
    case UI_REDACTED:
    case UI_DENIED:
    case UI_EXPUNGED:
        notice_key(ui, k);
        break;
    case UI_CONN_LOST:
    case UI_UNTRUSTED:
    case UI_BANNER:
        ui_connection_key(ui, k);
        break;
    case UI_WELCOME:
        break;
    }
}

/*
 * The session calls this while it waits on the server and the terminal has input: Ctrl-C
 * gives up the wait (raw mode: it is a key, not a signal), other keys wait their turn.
 */
static bool check_cancel(void *ctx)
{
    struct ui *ui = ctx;
    bool stop = false;
    wint_t ch;
    int rc;
    nodelay(stdscr, TRUE);
    while ((rc = get_wch(&ch)) != ERR) {
        if (rc != KEY_CODE_YES && ch == 3) {
            stop = true;
            break;
        }
        if (ui->ntypeahead < UI_TYPEAHEAD)
            ui->typeahead[ui->ntypeahead++] = (struct ui_typed){rc, ch};
    }
    nodelay(stdscr, FALSE);
    return stop;
}

/* The next key: first those typed during a request, then the terminal's. */
static int next_key(struct ui *ui, wint_t *ch)
{
    if (ui->ntypeahead == 0)
        return get_wch(ch);
    struct ui_typed t = ui->typeahead[0];
    ui->ntypeahead--;
    memmove(ui->typeahead, ui->typeahead + 1, sizeof(ui->typeahead[0]) * (size_t)ui->ntypeahead);
    *ch = t.ch;
    return t.rc;
}

static int resize_canvas(struct ui *ui)
{
    canvas_free(&ui->canvas);
    return canvas_init(&ui->canvas, LINES, COLS);
}

static void setup_terminal(void)
{
    initscr();
    raw(); /* Ctrl-C reaches us as a key, so the terminal is always restored */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    paint_init();
}

int ui_run(const struct client_options *opt)
{
    static struct ui ui; /* large; lives for the whole run */
    memset(&ui, 0, sizeof(ui));
    ui.opt = opt;
    ui.running = true;
    session_init(&ui.session, opt, ui_ask_trust, &ui);
    session_set_cancel(&ui.session, STDIN_FILENO, check_cancel, &ui);
    setup_terminal();
    if (resize_canvas(&ui) != 0) {
        endwin();
        vis_fprintf(stderr, VIS_LINE, "scipnet: out of memory\n");
        return 1;
    }
    ui_reset_to(&ui, UI_BANNER);
    ui_connect(&ui);
    while (ui.running) {
        ui_render(&ui);
        wint_t ch;
        int rc = next_key(&ui, &ch);
        if (rc == ERR)
            continue;
        if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
            if (resize_canvas(&ui) != 0)
                break;
            if (ui_top(&ui) == UI_BROWSER)
                ui_browser_resized(&ui);
            continue;
        }
        struct ui_key k = {rc == KEY_CODE_YES, ch};
        if (!k.is_key && ch == '\r')
            k.code = '\n';        /* nonl(): Enter arrives as CR */
        if (!k.is_key && ch == 3) /* Ctrl-C */
            break;
        dispatch_key(&ui, k);
    }
    /* Before endwin: Ctrl-C (read through curses) still cuts a slow logout short. */
    if (ui.logged_in && ui.session.conn != NULL) {
        struct proto_reply r;
        char err[256];
        if (session_call(&ui.session, proto_request("logout"), &r, err, sizeof(err)) == SESSION_OK)
            proto_reply_free(&r);
    }
    endwin();
    if (ui_top(&ui) == UI_UNTRUSTED)
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", ui.conn_message);
    session_forget_token(&ui.session);
    session_disconnect(&ui.session);
    art_file_free(&ui.file);
    art_list_free(&ui.browser.list);
    canvas_free(&ui.canvas);
    input_clear(&ui.login_password);
    return ui.exit_code;
}
