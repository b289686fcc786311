/*
 * ui_state.h - what the interactive client remembers between keys, shared by the
 * ui_*.c files (one per screen area).  Not a public interface.
 */
#ifndef SCIPNET_CLIENT_UI_STATE_H
#define SCIPNET_CLIENT_UI_STATE_H

#include <stdbool.h>
#include <wchar.h>

#include "art/canvas.h"
#include "art/model.h"
#include "art/screens.h"
#include "client/input.h"
#include "client/options.h"
#include "client/protocol.h"
#include "client/session.h"
#include "common/foundation.h"

#define UI_STACK      16
#define UI_ATTEMPTS   3
#define CREATE_FIELDS 12
#define UI_TYPEAHEAD  64 /* keys typed while a request waits; more are dropped */

enum ui_screen {
    UI_BANNER,
    UI_LOGIN,
    UI_LOGIN_FAILED,
    UI_WELCOME,
    UI_BROWSER,
    UI_FILE,
    UI_REDACTED,
    UI_DENIED,
    UI_EXPUNGED,
    UI_CREATE,
    UI_HELP,
    UI_CONN_LOST,
    UI_UNTRUSTED,
};

/* What to do again after a reconnect. */
enum ui_action {
    ACT_NONE,
    ACT_CONNECT,
    ACT_LOGIN,
    ACT_LIST,
    ACT_READ,
    ACT_CREATE,
    ACT_LOGOUT,
};

/* A key: a character (is_key false) or a KEY_* code. */
struct ui_key {
    bool is_key;
    wint_t code;
};

/* What get_wch returned, kept until the loop can handle it. */
struct ui_typed {
    int rc;
    wint_t ch;
};

struct ui_browser {
    enum foundation_ref_kind kind;
    struct art_list list;
    bool loaded;
    int selected;
    long offset;
    int page;
    struct input query;
    bool searching;
    struct input search;
    char message[200];
};

struct ui_create {
    char kind[8];
    struct input values[CREATE_FIELDS];
    size_t count;
    int focus;
    char message[300];
    bool message_ok;
};

struct ui {
    const struct client_options *opt;
    struct session session;
    struct canvas canvas;
    bool running;
    int exit_code;
    enum ui_screen stack[UI_STACK];
    int depth;

    /* login */
    struct input login_name, login_password;
    int login_focus;
    int login_failures;
    char login_reason[200];
    struct art_user user;
    struct art_login_screen welcome;
    bool logged_in;

    /* the command line and the status line */
    bool cmdline;
    struct input cmd;
    char status[300];
    bool status_alarm;

    /* screens */
    struct ui_browser browser;
    struct art_file file;
    bool have_file;
    struct art_file_view view;
    struct art_redacted_screen redacted;
    struct art_denied_screen denied;
    struct art_expunged_screen expunged;
    struct ui_create create;
    int help_scroll;

    /* the connection */
    char banner_status[200];
    char conn_title[64];
    char conn_message[1024];
    enum ui_action pending;
    char pending_ref[32];
    struct ui_typed typeahead[UI_TYPEAHEAD];
    int ntypeahead;
};

/* ui.c */
enum ui_screen ui_top(const struct ui *ui);
void ui_push(struct ui *ui, enum ui_screen s);
void ui_pop(struct ui *ui);
void ui_reset_to(struct ui *ui, enum ui_screen s);
void ui_set_status(struct ui *ui, bool alarm, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct art_frame ui_frame(struct ui *ui, const char *location, const char *keys);
/*
 * Send a request.  Returns 0 with the reply (ok or not) in *reply, or -1 when the
 * connection failed, the server was refused or the session is gone: the screen has
 * already changed to say so, and action is remembered for a reconnect.
 */
int ui_request(struct ui *ui, json_t *req, struct proto_reply *reply, enum ui_action action);
/* Show an error reply that no screen is made for, in the status line. */
void ui_show_error(struct ui *ui, const struct proto_reply *r);
void ui_run_command(struct ui *ui, const char *line);
void ui_render(struct ui *ui);

/* ui_connect.c */
bool ui_connect(struct ui *ui);
void ui_render_banner(struct ui *ui);
void ui_render_connection(struct ui *ui);
void ui_connection_key(struct ui *ui, struct ui_key k);
bool ui_ask_trust(void *ctx, const char *hostport, const char *fingerprint, const char *path);

/* ui_login.c */
void ui_login_start(struct ui *ui, const char *message);
void ui_login_submit(struct ui *ui);
void ui_logout(struct ui *ui);
void ui_render_login(struct ui *ui);
void ui_login_key(struct ui *ui, struct ui_key k);
void ui_login_failed_key(struct ui *ui, struct ui_key k);
void ui_render_welcome(struct ui *ui);

/* ui_browser.c */
void ui_browser_open(struct ui *ui, const char *kind, const char *query);
void ui_browser_fetch(struct ui *ui);
void ui_render_browser(struct ui *ui);
void ui_browser_key(struct ui *ui, struct ui_key k);
void ui_browser_resized(struct ui *ui);

/* ui_file.c */
void ui_file_open(struct ui *ui, const char *ref);
void ui_render_file(struct ui *ui);
void ui_file_key(struct ui *ui, struct ui_key k);
void ui_render_notice(struct ui *ui);

/* ui_create.c */
void ui_create_open(struct ui *ui, const char *kind);
void ui_create_submit(struct ui *ui);
void ui_render_create(struct ui *ui);
void ui_create_key(struct ui *ui, struct ui_key k);

#endif
