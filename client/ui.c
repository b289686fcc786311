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
#include "client/settings.h"
#include "client/history.h"
#include "client/ui_state.h"
#include "common/vis.h"

const struct ui_screen_ops *ui_top(const struct ui *ui)
{
    const struct ui_screen *top = ui_stack_top(&ui->stack);
    return top != NULL ? top->ops : NULL;
}

void *ui_top_state(const struct ui *ui, const struct ui_screen_ops *ops)
{
    return ui_stack_top_state(&ui->stack, ops);
}

void *ui_push(struct ui *ui, const struct ui_screen_ops *ops)
{
    void *state = ui_stack_push(&ui->stack, ops);
    if (state == NULL)
        ui_set_status(ui, true, "OUT OF MEMORY");
    return state;
}

void ui_pop(struct ui *ui)
{
    ui_stack_pop(&ui->stack);
    ui->status[0] = '\0';
    void *list = ui_top_state(ui, &ui_browser_ops);
    if (list != NULL)
        ui_browser_shown(ui, list);
}

void *ui_reset_to(struct ui *ui, const struct ui_screen_ops *ops)
{
    void *state = ui_stack_reset(&ui->stack, ops);
    if (state == NULL) {
        ui_set_status(ui, true, "OUT OF MEMORY");
        return NULL;
    }
    ui->cmdline = false;
    input_clear(&ui->cmd);
    return state;
}

static bool top_has(const struct ui *ui, unsigned flag)
{
    const struct ui_screen_ops *top = ui_top(ui);
    return top != NULL && (top->flags & flag) != 0;
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
    bool welcome = top_has(ui, UI_SCREEN_PROMPT);
    if (ui->logged_in && (ui->cmdline || welcome)) {
        f.prompt = welcome ? "SCiPNET> " : ":";
        f.input = ui->cmd.text;
        f.input_back = input_tail_width(&ui->cmd);
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

/* Never connected this run: say so, why, and what to check, not that something was lost. */
static void could_not_connect(struct ui *ui, const char *err, ui_again_fn *again, const char *arg)
{
    char message[1536]; /* err (1024) and hostport (300) with the sentence */
    snprintf(message, sizeof(message),
             "%s. Check that the server is running and that %s is its address and port.", err,
             ui->opt->hostport);
    ui_connection_open(ui, "COULD NOT CONNECT", message, false, again, arg);
}

int ui_request(struct ui *ui, json_t *req, struct proto_reply *reply, ui_again_fn *again,
               const char *arg)
{
    char err[1024] = "";
    if (!ui->running) {
        /* Ctrl-C already ended the run: nothing more goes to the server. */
        json_decref(req);
        memset(reply, 0, sizeof(*reply));
        return -1;
    }
    const char *op = json_string_value(json_object_get(req, "op"));
    bool creates = op != NULL && strcmp(op, "create") == 0;
    enum session_result res = session_call(&ui->session, req, reply, err, sizeof(err));
    if (res == SESSION_CANCELLED) {
        ui->running = false;
        return -1;
    }
    if (res == SESSION_OK) {
        ui->connected_once = true;
        /* The server no longer knows the token (expired, revoked): identify again. */
        if (!reply->ok && strcmp(reply->code, "unauthenticated") == 0 && ui->logged_in) {
            proto_reply_free(reply);
            ui_login_start(ui, "SESSION ENDED - PLEASE IDENTIFY AGAIN");
            return -1;
        }
        /* The server failed, not the request: offer to try again rather than a dead end. */
        if (!reply->ok &&
            (strcmp(reply->code, "internal") == 0 || strcmp(reply->code, "unavailable") == 0)) {
            char message[1024];
            snprintf(message, sizeof(message), "%s: %s", reply->code,
                     reply->message[0] ? reply->message : "the server could not answer");
            proto_reply_free(reply);
            ui_connection_open(ui, "SERVER ERROR", message, false, again, arg);
            return -1;
        }
        if (creates && reply->ok)
            ui->data_version++;
        return 0;
    }
    if (res == SESSION_UNTRUSTED)
        ui_connection_open(
            ui, ui->session.changed ? "SERVER IDENTIFICATION HAS CHANGED" : "SERVER NOT TRUSTED",
            err, true, again, arg);
    else if (res == SESSION_BAD_REPLY)
        ui_connection_open(ui, "SERVER ERROR", err, false, again, arg);
    else if (ui->connected_once)
        ui_connection_open(ui, "CONNECTION LOST", err, false, again, arg);
    else
        could_not_connect(ui, err, again, arg);
    return -1;
}

void ui_run_command(struct ui *ui, const char *line)
{
    struct command c;
    commands_parse(line, &c);
    ui->status[0] = '\0';
    switch (c.kind) {
    case CMD_NONE:
        if (ui_top(ui) == &ui_welcome_ops)
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
    case CMD_INFO:
        ui_info_open(ui, c.query);
        break;
    case CMD_STATUS:
        ui_status_run(ui, c.ref, c.status, c.query);
        break;
    case CMD_EDIT:
        ui_edit_open(ui, c.ref, c.section, c.level, c.query);
        break;
    case CMD_FIELD:
        ui_fields_open(ui, c.ref, c.field, c.query);
        break;
    case CMD_HISTORY:
        ui_history_open(ui, c.ref);
        break;
    case CMD_LOGOUT:
        ui_logout(ui);
        break;
    case CMD_HELP:
        ui_help_open(ui);
        break;
    case CMD_CLEAR:
        ui_reset_to(ui, &ui_welcome_ops);
        break;
    case CMD_QUIT:
        ui->running = false;
        break;
    case CMD_WHO:
        ui_who_open(ui, c.query);
        break;
    case CMD_AUDIT:
        ui_audit_open(ui, c.query);
        break;
    case CMD_REVOKE:
        ui_revoke(ui, c.query);
        break;
    case CMD_PASSWD:
        ui_passwd_open(ui);
        break;
    case CMD_INVALID:
        ui_set_status(ui, true, "%s", c.error);
        break;
    }
}

void ui_render_canvas(struct ui *ui)
{
    const struct ui_screen *top = ui_stack_top(&ui->stack);
    if (art_too_small(&ui->canvas))
        art_too_small_draw(&ui->canvas); /* rather than screens drawn over each other */
    else if (top != NULL)
        top->ops->render(ui, top->state);
}

void ui_render(struct ui *ui)
{
    ui_render_canvas(ui);
    paint_canvas(&ui->canvas);
}

static bool is_char(struct ui_key k, wint_t ch)
{
    return !k.is_key && k.code == ch;
}

/* Tab: complete a command, a kind, or a ref of a list on the stack. */
static void complete(struct ui *ui)
{
    const char *refs[UI_COMPLETE_REFS];
    size_t nrefs = ui_browser_refs(ui, refs, UI_COMPLETE_REFS);
    char line[INPUT_MAX];
    int n = commands_complete(ui->cmd.text, refs, nrefs, line, sizeof(line));
    if (n == 0)
        return;
    input_set(&ui->cmd, line);
    if (n > 1)
        ui_set_status(ui, false, "%d MATCHES", n);
}

/* Enter: the line is run, and kept for Up (and the next run) unless it holds a password. */
static void run_line(struct ui *ui)
{
    char line[INPUT_MAX];
    snprintf(line, sizeof(line), "%s", ui->cmd.text);
    input_clear(&ui->cmd);
    ui->cmdline = false;
    if (history_add(&ui->history, line) && ui->history_path[0])
        (void)history_save(&ui->history, ui->history_path); /* a lost history is no error */
    ui_run_command(ui, line);
}

/* The ':' command line (and the welcome prompt, which is always open). */
static bool command_line_key(struct ui *ui, struct ui_key k)
{
    bool welcome = top_has(ui, UI_SCREEN_PROMPT);
    if (!ui->cmdline && !welcome)
        return false;
    if ((!k.is_key && (k.code == '\n' || k.code == '\r')) || (k.is_key && k.code == KEY_ENTER)) {
        run_line(ui);
        return true;
    }
    if (is_char(k, KEY_ESC)) {
        input_clear(&ui->cmd);
        history_reset(&ui->history);
        ui->cmdline = false;
        return true;
    }
    if ((k.is_key && k.code == KEY_BACKSPACE) || is_char(k, 127) || is_char(k, 8)) {
        if (ui->cmd.len == 0 && !welcome)
            ui->cmdline = false;
        input_backspace(&ui->cmd);
        return true;
    }
    if (k.is_key && (k.code == KEY_UP || k.code == KEY_DOWN)) {
        history_walk(&ui->history, &ui->cmd, k.code == KEY_UP ? -1 : 1);
        return true;
    }
    if (is_char(k, '\t')) {
        complete(ui);
        return true;
    }
    if (welcome && ui->cmd.len == 0 && is_char(k, '?')) {
        ui_run_command(ui, "HELP");
        return true;
    }
    if (input_edit(&ui->cmd, k.is_key, k.code))
        return true;
    return welcome; /* other keys do nothing at the welcome prompt */
}

/* The command line first, then the screen; keys the screen leaves may open the frame's. */
void ui_dispatch_key(struct ui *ui, struct ui_key k)
{
    if (command_line_key(ui, k))
        return;
    const struct ui_screen *top = ui_stack_top(&ui->stack);
    if (top == NULL || top->ops->key(ui, top->state, k) || !ui->logged_in)
        return;
    if (is_char(k, ':') && top_has(ui, UI_SCREEN_COMMANDS)) {
        ui->cmdline = true;
        input_clear(&ui->cmd);
    } else if (is_char(k, '?') && top_has(ui, UI_SCREEN_HELP)) {
        ui_help_open(ui);
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
    if (ui->ntypeahead == 0) {
        timeout(1000); /* a second without keys draws again: countdowns move */
        return get_wch(ch);
    }
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

static void setup_terminal(enum art_theme theme)
{
    initscr();
    raw(); /* Ctrl-C reaches us as a key, so the terminal is always restored */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    paint_init(theme);
}

int ui_run(const struct client_options *opt)
{
    static struct ui ui; /* large; lives for the whole run */
    struct client_settings settings;
    char path[4096], why[512];
    if (settings_load(&settings, settings_path(path, sizeof(path)) == 0 ? path : NULL, why,
                      sizeof(why)) != 0) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", why);
        return 2;
    }
    memset(&ui, 0, sizeof(ui));
    ui.opt = opt;
    ui.running = true;
    session_init(&ui.session, opt, ui_ask_trust, &ui);
    session_set_cancel(&ui.session, STDIN_FILENO, check_cancel, &ui);
    if (history_default_path(ui.history_path, sizeof(ui.history_path)) != 0 ||
        history_load(&ui.history, ui.history_path) != 0)
        ui.history_path[0] = '\0'; /* no history file: Up still walks this run's lines */
    setup_terminal(settings.theme);
    if (resize_canvas(&ui) != 0) {
        endwin();
        vis_fprintf(stderr, VIS_LINE, "scipnet: out of memory\n");
        return 1;
    }
    if (ui_reset_to(&ui, &ui_banner_ops) == NULL) {
        endwin();
        vis_fprintf(stderr, VIS_LINE, "scipnet: out of memory\n");
        return 1;
    }
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
            const struct ui_screen *top = ui_stack_top(&ui.stack);
            if (top != NULL && top->ops->resize != NULL)
                top->ops->resize(&ui, top->state);
            continue;
        }
        struct ui_key k = {rc == KEY_CODE_YES, ch};
        if (!k.is_key && ch == '\r')
            k.code = '\n';        /* nonl(): Enter arrives as CR */
        if (!k.is_key && ch == 3) /* Ctrl-C */
            break;
        ui_dispatch_key(&ui, k);
    }
    /* Before endwin: Ctrl-C (read through curses) still cuts a slow logout short. */
    if (ui.logged_in && ui.session.conn != NULL) {
        struct proto_reply r;
        char err[256];
        if (session_call(&ui.session, proto_request("logout"), &r, err, sizeof(err)) == SESSION_OK)
            proto_reply_free(&r);
    }
    endwin();
    const char *refused = ui_untrusted_message(&ui);
    if (refused != NULL)
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", refused);
    session_forget_token(&ui.session);
    session_disconnect(&ui.session);
    ui_stack_clear(&ui.stack); /* the screens free what they hold, and wipe typed passwords */
    canvas_free(&ui.canvas);
    return ui.exit_code;
}
