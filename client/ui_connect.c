/* ui_connect.c - the start banner, the trust question, and lost or refused connections. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "art/paint.h"
#include "client/ui_state.h"

#define KEY_ESC 27

/* The banner while connecting; the trust question is drawn over it. */
static const char *trust_detail;
static const char *trust_question;

void ui_render_banner(struct ui *ui)
{
    struct art_frame f =
        ui_frame(ui, NULL, trust_question ? "y trust and remember  n refuse" : "q quit");
    struct art_banner b = {ui->opt->hostport, ui->banner_status, trust_detail, trust_question,
                           false};
    art_banner(&ui->canvas, &f, &b);
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
        ui_render_banner(ui);
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

/* Connect, trust and greet the server; then the login screen. */
bool ui_connect(struct ui *ui)
{
    snprintf(ui->banner_status, sizeof(ui->banner_status), "CONNECTING…");
    ui_render_banner(ui);
    paint_canvas(&ui->canvas);
    struct proto_reply r;
    if (ui_request(ui, proto_request("hello"), &r, ACT_CONNECT) != 0)
        return false;
    const char *server = json_string_value(json_object_get(r.root, "server"));
    const char *version = json_string_value(json_object_get(r.root, "version"));
    snprintf(ui->banner_status, sizeof(ui->banner_status), "CONNECTED · %s %s",
             server ? server : "server", version ? version : "");
    proto_reply_free(&r);
    if (ui->logged_in)
        return true;
    ui_login_start(ui, NULL);
    return true;
}

void ui_render_connection(struct ui *ui)
{
    bool untrusted = ui_top(ui) == UI_UNTRUSTED;
    struct art_frame f = ui_frame(ui, NULL, untrusted ? "q quit" : "r reconnect  q quit");
    f.prompt = NULL;
    const char *choices = untrusted ? "Press q to quit."
                          : strcmp(ui->conn_title, "SERVER ERROR") == 0
                              ? "Press r to try again, q to quit."
                              : "Press r to reconnect, q to quit.";
    struct art_connection c = {ui->conn_title, ui->opt->hostport, ui->conn_message, choices, true};
    art_connection(&ui->canvas, &f, &c);
}

/* Reconnect and do again what the lost connection interrupted, with the same token. */
static void reconnect(struct ui *ui)
{
    enum ui_action action = ui->pending;
    ui_pop(ui);
    snprintf(ui->banner_status, sizeof(ui->banner_status), "RECONNECTING…");
    switch (action) {
    case ACT_NONE:
    case ACT_CONNECT:
        ui_connect(ui);
        break;
    case ACT_LOGIN:
        ui_login_submit(ui);
        break;
    case ACT_LIST:
        ui_browser_fetch(ui);
        break;
    case ACT_READ:
        ui_file_open(ui, ui->pending_ref);
        break;
    case ACT_CREATE:
        ui_create_submit(ui);
        break;
    case ACT_LOGOUT:
        ui_logout(ui);
        break;
    }
}

void ui_connection_key(struct ui *ui, struct ui_key k)
{
    if (k.is_key)
        return;
    if (k.code == 'q' || k.code == 'Q' || k.code == KEY_ESC) {
        ui->running = false;
        ui->exit_code = 1;
    } else if ((k.code == 'r' || k.code == 'R') && ui_top(ui) == UI_CONN_LOST) {
        reconnect(ui);
    }
}
