/*
 * ui_state.h - what the interactive client keeps for the whole run, shared by the
 * ui_*.c files.  What a screen shows lives in that screen's own state (ui_screen.h);
 * here are only the session, the frame around every screen and the screen stack.
 * Not a public interface.
 */
#ifndef SCIPNET_CLIENT_UI_STATE_H
#define SCIPNET_CLIENT_UI_STATE_H

#include <stdbool.h>
#include <wchar.h>

#include "art/canvas.h"
#include "art/model.h"
#include "art/screens.h"
#include "client/history.h"
#include "client/input.h"
#include "client/options.h"
#include "client/protocol.h"
#include "client/session.h"
#include "client/ui_screen.h"

#define UI_TYPEAHEAD     64  /* keys typed while a request waits; more are dropped */
#define UI_COMPLETE_REFS 256 /* refs Tab completes from, those of the lists on the stack */

/* What get_wch returned, kept until the loop can handle it. */
struct ui_typed {
    int rc;
    wint_t ch;
};

/*
 * What to do again after a reconnect.  asker is the state of the screen that made the
 * request, back on top (NULL if it is not); arg is a copy ("" when there was none).
 */
typedef void ui_again_fn(struct ui *ui, void *asker, const char *arg);

struct ui {
    const struct client_options *opt;
    struct session session;
    struct canvas canvas;
    bool running;
    int exit_code;
    struct ui_stack stack;

    /* who is logged in */
    bool logged_in;
    struct art_user user;
    struct art_login_screen welcome; /* the server's greeting, for the welcome screen */
    char login_name[INPUT_MAX];      /* offered again at the next login */

    /* the frame: the command line and the status line */
    bool cmdline;
    struct input cmd;
    char status[300];
    bool status_alarm;
    struct history history;  /* the command line's, Up and Down */
    char history_path[4096]; /* "" when it is not kept */
    unsigned data_version;   /* counts files created: a list below refreshes when shown */

    /* the connection */
    char banner_status[200];
    bool connected_once; /* a reply came this run: a failure now is a lost connection */
    struct ui_typed typeahead[UI_TYPEAHEAD];
    int ntypeahead;
};

/* ui.c: the stack, seen from a screen */
const struct ui_screen_ops *ui_top(const struct ui *ui);
/* The top screen's state when it is of kind ops, else NULL. */
void *ui_top_state(const struct ui *ui, const struct ui_screen_ops *ops);
/*
 * Push a screen and return its zeroed state to fill in; NULL when out of memory (the
 * status line says so and the screen stays as it was).
 */
void *ui_push(struct ui *ui, const struct ui_screen_ops *ops);
void ui_pop(struct ui *ui);
/* Forget every screen and show this one alone (its state, or NULL as ui_push). */
void *ui_reset_to(struct ui *ui, const struct ui_screen_ops *ops);
void ui_set_status(struct ui *ui, bool alarm, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct art_frame ui_frame(struct ui *ui, const char *location, const char *keys);
/*
 * Send a request.  Returns 0 with the reply (ok or not) in *reply, or -1 when the
 * connection failed, the server was refused or the session is gone: the screen has
 * already changed to say so, and again is kept to run after a reconnect.
 */
int ui_request(struct ui *ui, json_t *req, struct proto_reply *reply, ui_again_fn *again,
               const char *arg);
/* Show an error reply that no screen is made for, in the status line. */
void ui_show_error(struct ui *ui, const struct proto_reply *r);
void ui_run_command(struct ui *ui, const char *line);
/* Draw the top screen into the canvas (ui_render_canvas), and paint it on the terminal. */
void ui_render_canvas(struct ui *ui);
void ui_render(struct ui *ui);
/* Feed one key to the command line, the frame or the top screen. */
void ui_dispatch_key(struct ui *ui, struct ui_key k);

/* ui_connect.c: the banner, the trust question, lost and refused connections */
extern const struct ui_screen_ops ui_banner_ops, ui_connection_ops;
bool ui_connect(struct ui *ui);
void ui_connection_open(struct ui *ui, const char *title, const char *message, bool untrusted,
                        ui_again_fn *again, const char *arg);
/* The refusal to print when the run ends on an untrusted server, else NULL. */
const char *ui_untrusted_message(const struct ui *ui);
bool ui_ask_trust(void *ctx, const char *hostport, const char *fingerprint, const char *path);

/* ui_login.c: identification, the welcome and logout */
extern const struct ui_screen_ops ui_login_ops, ui_welcome_ops;
void ui_login_start(struct ui *ui, const char *message);
void ui_logout(struct ui *ui);

/* ui_browser.c: the list of one kind of files */
extern const struct ui_screen_ops ui_browser_ops;
void ui_browser_open(struct ui *ui, const char *kind, const char *query);
/* The refs of the lists on the stack, newest first, at most max (for Tab). */
size_t ui_browser_refs(const struct ui *ui, const char **refs, size_t max);
/* The list is on top again (ui_pop): fetched again when a file was created meanwhile. */
void ui_browser_shown(struct ui *ui, void *state);
/* ui_search.c: full-text search; an empty query opens it with the query line to type. */
extern const struct ui_screen_ops ui_search_ops;
void ui_search_open(struct ui *ui, const char *query);

/* ui_changes.c: STATUS, the EDIT screen (a section in $VISUAL, then why), HISTORY */
extern const struct ui_screen_ops ui_history_ops, ui_edit_ops;
void ui_status_run(struct ui *ui, const char *ref, const char *status, const char *reason);
void ui_history_open(struct ui *ui, const char *ref);
/* section 0: a new addendum of level and title. */
void ui_edit_open(struct ui *ui, const char *ref, int section, int level, const char *title);
/* An SCP file's newest status changes as fields of its header; -1 when the connection
 * failed (the screen already says so). */
int ui_file_add_statuses(struct ui *ui, struct art_file *f);
/* ui_fields.c: EDIT SCP-002 CLASS KETER, a field changed with a reason */
extern const struct ui_screen_ops ui_fields_ops;
/* field as the protocol names it ("containment"); value "" clears a class. */
void ui_fields_open(struct ui *ui, const char *ref, const char *field, const char *value);
/* ui_file.c: a file */
extern const struct ui_screen_ops ui_file_ops;
void ui_file_open(struct ui *ui, const char *ref);
/* INFO KETER: what a level or class means, in the file view (or the denied screen). */
void ui_info_open(struct ui *ui, const char *topic);
/* Show a file already read (the screen takes f over; it is freed on failure too). */
void ui_file_show(struct ui *ui, struct art_file *f);
/* The top file's view (mode, scroll), or NULL when no file is on top. */
struct art_file_view *ui_file_view(const struct ui *ui);

/* ui_notice.c: what the server sends instead of a file (redacted, expunged, denied) */
extern const struct ui_screen_ops ui_redacted_ops, ui_denied_ops, ui_expunged_ops;
/* Show the notice the error reply r is (only: that code alone, or NULL); false if none. */
bool ui_notice_open(struct ui *ui, const struct proto_reply *r, const char *only);

/* ui_create.c: a form for a new file */
extern const struct ui_screen_ops ui_create_ops;
void ui_create_open(struct ui *ui, const char *kind);

/* ui_staff.c: WHO and AUDIT tables, REVOKE; ui_passwd.c: PASSWD */
extern const struct ui_screen_ops ui_who_ops, ui_audit_ops, ui_passwd_ops;
void ui_who_open(struct ui *ui, const char *user);
void ui_audit_open(struct ui *ui, const char *filters);
void ui_revoke(struct ui *ui, const char *target);
void ui_passwd_open(struct ui *ui);

/* ui_help.c: the commands and keys */
extern const struct ui_screen_ops ui_help_ops;
void ui_help_open(struct ui *ui);

#endif
