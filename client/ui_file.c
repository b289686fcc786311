/* ui_file.c - opening a file: the file view, or the screen the server sends instead. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/ui_state.h"

#define KEY_ESC 27

void ui_file_open(struct ui *ui, const char *ref)
{
    json_t *req = proto_request("read");
    json_object_set_new(req, "ref", json_string(ref));
    /* Remembered for a reconnect (ref may be pending_ref itself, so copy after use). */
    memmove(ui->pending_ref, ref, strnlen(ref, sizeof(ui->pending_ref) - 1));
    ui->pending_ref[strnlen(ref, sizeof(ui->pending_ref) - 1)] = '\0';
    struct proto_reply r;
    if (ui_request(ui, req, &r, ACT_READ) != 0)
        return;
    ui->status[0] = '\0';
    if (r.ok) {
        struct art_file f;
        if (proto_parse_file(r.root, &f) == 0) {
            art_file_free(&ui->file);
            ui->file = f;
            ui->have_file = true;
            memset(&ui->view, 0, sizeof(ui->view));
            ui->view.file = &ui->file;
            ui_push(ui, UI_FILE);
        } else {
            ui_set_status(ui, true, "THE SERVER'S FILE CANNOT BE READ");
        }
    } else if (strcmp(r.code, "redacted") == 0 &&
               proto_parse_redacted(r.root, &ui->redacted) == 0) {
        ui_push(ui, UI_REDACTED);
    } else if (strcmp(r.code, "expunged") == 0 &&
               proto_parse_expunged(r.root, &ui->expunged) == 0) {
        ui_push(ui, UI_EXPUNGED);
    } else if (strcmp(r.code, "clearance_denied") == 0 &&
               proto_parse_denied(r.root, &ui->denied) == 0) {
        ui_push(ui, UI_DENIED);
    } else {
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

void ui_render_file(struct ui *ui)
{
    static const char *const keys[] = {
        "Up/Down PgUp/PgDn scroll  a addenda  : command  ? help  q back",
        "Up/Down select  Enter open  q back",
        "Up/Down PgUp/PgDn scroll  q back to addenda",
    };
    struct art_frame f = ui_frame(ui, ui->file.ref, keys[ui->view.mode]);
    ui->view.file = &ui->file;
    art_file_view(&ui->canvas, &f, &ui->view);
}

static void scroll_key(struct art_file_view *v, wint_t code)
{
    int page = v->page > 1 ? v->page - 1 : 1;
    switch (code) {
    case KEY_UP:
        v->scroll--;
        break;
    case KEY_DOWN:
        v->scroll++;
        break;
    case KEY_PPAGE:
        v->scroll -= page;
        break;
    case KEY_NPAGE:
        v->scroll += page;
        break;
    case KEY_HOME:
        v->scroll = 0;
        break;
    case KEY_END:
        v->scroll = v->max_scroll;
        break;
    }
    if (v->scroll > v->max_scroll)
        v->scroll = v->max_scroll;
    if (v->scroll < 0)
        v->scroll = 0;
}

void ui_file_key(struct ui *ui, struct ui_key k)
{
    struct art_file_view *v = &ui->view;
    int addenda = (int)art_file_addendum_count(&ui->file);
    bool back = !k.is_key && (k.code == 'q' || k.code == KEY_ESC);
    bool enter = (!k.is_key && k.code == '\n') || (k.is_key && k.code == KEY_ENTER);
    switch (v->mode) {
    case ART_FILE_BODY:
        if (back)
            ui_pop(ui);
        else if (!k.is_key && (k.code == 'a' || k.code == 'A'))
            v->mode = ART_FILE_ADDENDA;
        else if (!k.is_key && k.code == ' ')
            scroll_key(v, KEY_NPAGE);
        else if (k.is_key)
            scroll_key(v, k.code);
        break;
    case ART_FILE_ADDENDA:
        if (back) {
            v->mode = ART_FILE_BODY;
        } else if (enter && addenda > 0) {
            v->mode = ART_FILE_ADDENDUM;
            v->scroll = 0;
        } else if (k.is_key && k.code == KEY_UP && v->selected > 0) {
            v->selected--;
        } else if (k.is_key && k.code == KEY_DOWN && v->selected + 1 < addenda) {
            v->selected++;
        } else if (!k.is_key && k.code >= '1' && k.code <= '9' && (int)(k.code - '1') < addenda) {
            v->selected = (int)(k.code - '1');
            v->mode = ART_FILE_ADDENDUM;
            v->scroll = 0;
        }
        break;
    case ART_FILE_ADDENDUM:
        if (back) {
            v->mode = ART_FILE_ADDENDA;
            v->scroll = 0;
        } else if (k.is_key) {
            scroll_key(v, k.code);
        }
        break;
    }
}

void ui_render_notice(struct ui *ui)
{
    struct art_frame f = ui_frame(ui, NULL, "q back  : command  ? help");
    switch (ui_top(ui)) {
    case UI_REDACTED:
        art_redacted(&ui->canvas, &f, &ui->redacted);
        break;
    case UI_DENIED:
        art_denied(&ui->canvas, &f, &ui->denied);
        break;
    default:
        art_expunged(&ui->canvas, &f, &ui->expunged);
        break;
    }
}
