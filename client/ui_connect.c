/* ui_connect.c - the start banner, the trust question, and lost or refused connections. */
#define NCURSES_WIDECHAR 1
#include <assert.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "art/paint.h"
#include "client/ui_state.h"

/* A lost or refused connection, and what to do again once it is back. */
struct connection {
    char title[64];
    char message[1024];
    bool untrusted; /* only quitting is offered: reconnecting would ask the same */
    ui_again_fn *again;
    const struct ui_screen_ops *asker; /* the screen on top when the request failed */
    char arg[64];
};

/* The banner while connecting; the trust question is drawn over it. */
static const char *trust_detail;
static const char *trust_question;
/* The connection steps as they happen, while ui_connect runs. */
_Static_assert(NET_STEPS == ART_STARTUP_STEPS, "a row on the start screen for every step");
static struct art_startup startup;
static long long hello_start_us, connect_start_us;

static void render_banner(struct ui *ui)
{
    struct art_frame f =
        ui_frame(ui, NULL, trust_question ? "y trust and remember  n refuse" : "q quit");
    struct art_banner b = {
        ui->opt->hostport, ui->banner_status, trust_detail, trust_question, false, &startup};
    art_banner(&ui->canvas, &f, &b);
}

static void set_step(enum net_step step, enum art_step_state state, long long us,
                     const char *detail)
{
    struct art_step *s = &startup.steps[step];
    s->state = state;
    s->us = us;
    snprintf(s->detail, sizeof(s->detail), "%s", detail ? detail : "");
}

/* net.c and session.c report each step: drawn at once, as it happens. */
static void on_step(void *ctx, enum net_step step, long long us, const char *detail)
{
    struct ui *ui = ctx;
    assert(step < ART_STARTUP_STEPS);
    set_step(step, us < 0 ? ART_STEP_RUNNING : ART_STEP_DONE, us < 0 ? 0 : us, detail);
    if (step == NET_STEP_FINGERPRINT && us >= 0) {
        /* The hello goes out next, on this connection. */
        hello_start_us = net_now_us();
        set_step(NET_STEP_HELLO, ART_STEP_RUNNING, 0, NULL);
    }
    render_banner(ui);
    paint_canvas(&ui->canvas);
}

bool ui_ask_trust(void *ctx, const char *hostport, const char *fingerprint, const char *path)
{
    struct ui *ui = ctx;
    char detail[1024];
    snprintf(detail, sizeof(detail),
             "The authenticity of server %s cannot be established. Its certificate's SHA-256 "
             "fingerprint is %s. Compare it with the one the server's operator gives you. If "
             "you trust it, it is remembered in %s.",
             hostport, fingerprint, path);
    trust_detail = detail;
    trust_question = "Trust this server? (y/N)";
    snprintf(ui->banner_status, sizeof(ui->banner_status), "UNKNOWN SERVER");
    bool answer = false;
    for (;;) {
        render_banner(ui);
        paint_canvas(&ui->canvas);
        wint_t ch;
        int rc = get_wch(&ch);
        if (rc == ERR)
            continue;
        if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
            canvas_free(&ui->canvas);
            canvas_init(&ui->canvas, LINES, COLS);
            continue;
        }
        if (rc == KEY_CODE_YES)
            continue;
        if (ch == 'y' || ch == 'Y') {
            answer = true;
            break;
        }
        if (ch == 'n' || ch == 'N' || ch == '\r' || ch == '\n' || ch == KEY_ESC || ch == 'q' ||
            ch == 3)
            break;
    }
    trust_detail = NULL;
    trust_question = NULL;
    return answer;
}

static void connect_again(struct ui *ui, void *asker, const char *arg)
{
    ui_connect(ui);
}

/* Connect, trust and greet the server, each step shown as it happens; then the login. */
bool ui_connect(struct ui *ui)
{
    struct net_progress progress = {on_step, ui};
    memset(&startup, 0, sizeof(startup));
    /* Already connected (a reconnect that found the connection back): no steps to show. */
    bool fresh = ui->session.conn == NULL;
    snprintf(ui->banner_status, sizeof(ui->banner_status), "CONNECTING…");
    render_banner(ui);
    paint_canvas(&ui->canvas);
    connect_start_us = hello_start_us = net_now_us();
    ui->session.progress = &progress;
    struct proto_reply r;
    int rc = ui_request(ui, proto_request("hello"), &r, connect_again, NULL);
    ui->session.progress = NULL; /* later reconnects draw over other screens: not them */
    if (rc != 0)
        return false;
    const char *server = json_string_value(json_object_get(r.root, "server"));
    const char *version = json_string_value(json_object_get(r.root, "version"));
    char detail[120], total[32];
    long long now = net_now_us();
    snprintf(detail, sizeof(detail), "%s %s", server ? server : "server", version ? version : "");
    set_step(NET_STEP_HELLO, ART_STEP_DONE, now - hello_start_us, detail);
    set_step(NET_STEP_SESSION, ART_STEP_WAITING, 0,
             ui->logged_in ? "kept: the token goes with the next request"
                           : "none yet: identification required");
    art_startup_duration(now - connect_start_us, total, sizeof(total));
    snprintf(ui->banner_status, sizeof(ui->banner_status), "CONNECTED · %s%s%s", detail,
             fresh ? " · IN " : "", fresh ? total : "");
    render_banner(ui);
    paint_canvas(&ui->canvas);
    proto_reply_free(&r);
    if (ui->logged_in)
        return true;
    ui_login_start(ui, NULL);
    return true;
}

void ui_connection_open(struct ui *ui, const char *title, const char *message, bool untrusted,
                        ui_again_fn *again, const char *arg)
{
    const struct ui_screen_ops *asker = ui_top(ui);
    struct connection *c = ui_push(ui, &ui_connection_ops);
    if (c == NULL)
        return;
    snprintf(c->title, sizeof(c->title), "%s", title);
    snprintf(c->message, sizeof(c->message), "%s", message);
    c->untrusted = untrusted;
    c->again = again;
    c->asker = asker;
    snprintf(c->arg, sizeof(c->arg), "%s", arg ? arg : "");
}

const char *ui_untrusted_message(const struct ui *ui)
{
    const struct connection *c = ui_top_state(ui, &ui_connection_ops);
    return c != NULL && c->untrusted ? c->message : NULL;
}

static void render_connection(struct ui *ui, void *state)
{
    struct connection *c = state;
    struct art_frame f = ui_frame(ui, NULL, c->untrusted ? "q quit" : "r reconnect  q quit");
    f.prompt = NULL;
    const char *choices = c->untrusted ? "Press q to quit."
                          : strcmp(c->title, "SERVER ERROR") == 0
                              ? "Press r to try again, q to quit."
                              : "Press r to reconnect, q to quit.";
    struct art_connection ac = {c->title, ui->opt->hostport, c->message, choices, true};
    art_connection(&ui->canvas, &f, &ac);
}

/* Reconnect and do again what the lost connection interrupted, with the same token. */
static void reconnect(struct ui *ui, struct connection *c)
{
    ui_again_fn *again = c->again;
    const struct ui_screen_ops *asker = c->asker;
    char arg[sizeof(c->arg)];
    memcpy(arg, c->arg, sizeof(arg));
    ui_pop(ui); /* c is gone from here; the screen that asked is back on top */
    snprintf(ui->banner_status, sizeof(ui->banner_status), "RECONNECTING…");
    if (again != NULL)
        again(ui, asker != NULL ? ui_top_state(ui, asker) : NULL, arg);
    else
        ui_connect(ui);
}

/* q quits; r reconnects where that is offered. */
static bool quit_or_reconnect(struct ui *ui, struct connection *c, struct ui_key k)
{
    if (k.is_key)
        return false;
    if (k.code == 'q' || k.code == 'Q' || k.code == KEY_ESC) {
        ui->running = false;
        ui->exit_code = 1;
        return true;
    }
    if ((k.code == 'r' || k.code == 'R') && c != NULL && !c->untrusted) {
        reconnect(ui, c);
        return true;
    }
    return false;
}

static bool connection_key(struct ui *ui, void *state, struct ui_key k)
{
    return quit_or_reconnect(ui, state, k);
}

static void render_banner_screen(struct ui *ui, void *state)
{
    render_banner(ui);
}

static bool banner_key(struct ui *ui, void *state, struct ui_key k)
{
    return quit_or_reconnect(ui, NULL, k);
}

const struct ui_screen_ops ui_banner_ops =
    UI_SCREEN_OPS("banner", 0, 0, render_banner_screen, banner_key, NULL, NULL);

const struct ui_screen_ops ui_connection_ops = UI_SCREEN_OPS(
    "connection", 0, sizeof(struct connection), render_connection, connection_key, NULL, NULL);
