/* ui_file.c - opening a file: the file view, or the screen the server sends instead. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/ui_state.h"

struct file {
    struct art_file file;
    struct art_file_view view;
};

static void free_file(void *state)
{
    struct file *fs = state;
    art_file_free(&fs->file);
}

static void open_again(struct ui *ui, void *asker, const char *ref)
{
    ui_file_open(ui, ref);
}

void ui_file_open(struct ui *ui, const char *ref_in)
{
    /* A copy: ref_in may live in the screen this one replaces. */
    char ref[ART_REF_MAX];
    snprintf(ref, sizeof(ref), "%s", ref_in);
    json_t *req = proto_request("read");
    json_object_set_new(req, "ref", json_string(ref));
    struct proto_reply r;
    if (ui_request(ui, req, &r, open_again, ref) != 0)
        return;
    ui->status[0] = '\0';
    if (r.ok) {
        struct art_file f;
        struct file *fs;
        if (proto_parse_file(r.root, &f) != 0) {
            ui_set_status(ui, true, "THE SERVER'S FILE CANNOT BE READ");
        } else if ((fs = ui_push(ui, &ui_file_ops)) == NULL) {
            art_file_free(&f);
        } else {
            fs->file = f;
            fs->view.file = &fs->file;
        }
    } else if (!ui_notice_open(ui, &r, NULL)) {
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

static void render(struct ui *ui, void *state)
{
    static const char *const keys[] = {
        "Up/Down PgUp/PgDn scroll  a addenda  : command  ? help  q back",
        "Up/Down select  Enter open  q back",
        "Up/Down PgUp/PgDn scroll  q back to addenda",
    };
    struct file *fs = state;
    struct art_frame f = ui_frame(ui, fs->file.ref, keys[fs->view.mode]);
    art_file_view(&ui->canvas, &f, &fs->view);
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

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct file *fs = state;
    struct art_file_view *v = &fs->view;
    int addenda = (int)art_file_addendum_count(&fs->file);
    bool back = !k.is_key && (k.code == 'q' || k.code == KEY_ESC);
    bool enter = (!k.is_key && k.code == '\n') || (k.is_key && k.code == KEY_ENTER);
    bool used = true; /* other characters are left for ':' and '?' */
    switch (v->mode) {
    case ART_FILE_BODY:
        if (back)
            ui_pop(ui); /* fs is gone from here */
        else if (!k.is_key && (k.code == 'a' || k.code == 'A'))
            v->mode = ART_FILE_ADDENDA;
        else if (!k.is_key && k.code == ' ')
            scroll_key(v, KEY_NPAGE);
        else if (k.is_key)
            scroll_key(v, k.code);
        else
            used = false;
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
        } else {
            used = k.is_key;
        }
        break;
    case ART_FILE_ADDENDUM:
        if (back) {
            v->mode = ART_FILE_ADDENDA;
            v->scroll = 0;
        } else if (k.is_key) {
            scroll_key(v, k.code);
        } else {
            used = false;
        }
        break;
    }
    return used;
}

const struct ui_screen_ops ui_file_ops = UI_SCREEN_OPS(
    "file", UI_SCREEN_COMMANDS | UI_SCREEN_HELP, sizeof(struct file), render, key, NULL, free_file);
