/* ui_file.c - opening a file: the file view, or the screen the server sends instead. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/file_logs.h"
#include "client/info.h"
#include "client/ui_state.h"

struct file {
    struct art_file file;
    struct art_file_view view;
    int body_scroll; /* the body's scroll while the addenda are shown */
    bool finding;    /* '/' typed: the line below takes the text to find */
    bool searched;   /* a find was asked: say so if nothing matched */
    struct input typed;
    char find[INPUT_MAX];
};

static void free_file(void *state)
{
    struct file *fs = state;
    art_file_view_free(&fs->view);
    art_file_free(&fs->file);
}

static void open_again(struct ui *ui, void *asker, const char *ref)
{
    ui_file_open(ui, ref);
}

void ui_file_show(struct ui *ui, struct art_file *f)
{
    struct file *fs = ui_push(ui, &ui_file_ops);
    if (fs == NULL) {
        art_file_free(f);
        return;
    }
    fs->file = *f;
    fs->view.file = &fs->file;
    fs->view.keep = true; /* a key re-renders no text: only a resize or an addendum does */
}

struct art_file_view *ui_file_view(const struct ui *ui)
{
    struct file *fs = ui_top_state(ui, &ui_file_ops);
    return fs != NULL ? &fs->view : NULL;
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
        int parsed = proto_parse_file(r.root, &f);
        /* A personnel file read at level 5 carries audit rows: a table of the view here
         * (batch prints its own). */
        if (parsed == 0 && file_logs_audit(r.root, &f) != 0) {
            art_file_free(&f);
            parsed = -1;
        }
        if (parsed != 0)
            ui_set_status(ui, true, "THE SERVER'S FILE CANNOT BE READ");
        else if (ui_file_add_statuses(ui, &f) != 0)
            art_file_free(&f);
        else
            ui_file_show(ui, &f);
    } else if (!ui_notice_open(ui, &r, NULL)) {
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

static void info_again(struct ui *ui, void *asker, const char *topic)
{
    ui_info_open(ui, topic);
}

void ui_info_open(struct ui *ui, const char *topic_in)
{
    char topic[200];
    snprintf(topic, sizeof(topic), "%s", topic_in);
    json_t *req = proto_request("info");
    json_object_set_new(req, "topic", json_string(topic));
    struct proto_reply r;
    if (ui_request(ui, req, &r, info_again, topic) != 0)
        return;
    ui->status[0] = '\0';
    if (r.ok) {
        struct art_file f;
        if (info_reply_file(r.root, &f) != 0)
            ui_set_status(ui, true, "THE SERVER'S ANSWER CANNOT BE READ");
        else
            ui_file_show(ui, &f);
    } else if (!ui_notice_open(ui, &r, "clearance_denied")) {
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

static void render(struct ui *ui, void *state)
{
    static const char *const keys[] = {
        "j/k Space/b scroll  / find  Tab link  a addenda  h history  ? help  q back",
        "j/k select  Enter open  q back",
        "j/k Space/b g/G scroll  / find  Tab link  q back to addenda",
    };
    struct file *fs = state;
    struct art_frame f =
        ui_frame(ui, fs->file.ref, fs->finding ? "Enter find  Esc cancel" : keys[fs->view.mode]);
    if (fs->finding) {
        f.prompt = "/";
        f.input = fs->typed.text;
        f.input_back = input_tail_width(&fs->typed);
    }
    art_file_view(&ui->canvas, &f, &fs->view);
    if (fs->searched) {
        fs->searched = false;
        if (!fs->view.found)
            ui_set_status(ui, true, "NOT FOUND: %s", fs->find);
    }
}

/* The text to find, typed after '/': Enter looks from the top line shown, Esc gives up. */
static void finding_key(struct file *fs, struct ui_key k)
{
    bool enter =
        (!k.is_key && (k.code == '\n' || k.code == '\r')) || (k.is_key && k.code == KEY_ENTER);
    if (enter && fs->typed.len > 0) {
        snprintf(fs->find, sizeof(fs->find), "%s", fs->typed.text);
        fs->view.find = fs->find;
        fs->view.find_dir = 2;
        fs->searched = true;
    }
    if (enter || (!k.is_key && k.code == KEY_ESC)) {
        fs->finding = false;
        input_clear(&fs->typed);
        return;
    }
    input_edit(&fs->typed, k.is_key, k.code);
}

/* '/', n and N, as in less; false when the key is none of them. */
static bool find_key(struct ui *ui, struct file *fs, struct ui_key k)
{
    if (k.is_key || (k.code != '/' && k.code != 'n' && k.code != 'N'))
        return false;
    if (k.code == '/') {
        fs->finding = true;
        input_clear(&fs->typed);
    } else if (fs->find[0] == '\0') {
        ui_set_status(ui, false, "NOTHING TO FIND YET: TYPE / FIRST");
    } else {
        fs->view.find_dir = k.code == 'n' ? 1 : -1;
        fs->searched = true;
        ui->status[0] = '\0';
    }
    return true;
}

#define CTRL(c) ((c)&0x1f)

/* How far a key scrolls, as in less; false when it is no scrolling key. */
static bool scroll_by(struct ui_key k, int page, int *delta, int *to)
{
    int half = page / 2 > 1 ? page / 2 : 1;
    *to = -1; /* -1: relative; 0 the top; 1 the end */
    if (k.is_key) {
        switch (k.code) {
        case KEY_UP:
            *delta = -1;
            return true;
        case KEY_DOWN:
            *delta = 1;
            return true;
        case KEY_PPAGE:
            *delta = -page;
            return true;
        case KEY_NPAGE:
            *delta = page;
            return true;
        case KEY_HOME:
            *to = 0;
            return true;
        case KEY_END:
            *to = 1;
            return true;
        default:
            return false;
        }
    }
    switch (k.code) {
    case 'k':
    case 'y':
        *delta = -1;
        return true;
    case 'j':
    case 'e':
        *delta = 1;
        return true;
    case 'b':
    case CTRL('B'):
        *delta = -page;
        return true;
    case ' ':
    case 'f':
    case CTRL('F'):
        *delta = page;
        return true;
    case 'u':
    case CTRL('U'):
        *delta = -half;
        return true;
    case 'd':
    case CTRL('D'):
        *delta = half;
        return true;
    case 'g':
    case '<':
        *to = 0;
        return true;
    case 'G':
    case '>':
        *to = 1;
        return true;
    default:
        return false;
    }
}

static bool scroll_key(struct art_file_view *v, struct ui_key k)
{
    int page = v->page > 1 ? v->page - 1 : 1; /* a line of the last page stays in sight */
    int delta = 0, to;
    if (!scroll_by(k, page, &delta, &to))
        return false;
    if (to == 0)
        v->scroll = 0;
    else if (to == 1)
        v->scroll = v->max_scroll;
    else
        v->scroll += delta;
    if (v->scroll > v->max_scroll)
        v->scroll = v->max_scroll;
    if (v->scroll < 0)
        v->scroll = 0;
    return true;
}

/* The addenda list: j/k or Up/Down choose, g/G the first and last, Enter or 1-9 open. */
static bool addenda_key(struct file *fs, struct ui_key k, bool enter)
{
    struct art_file_view *v = &fs->view;
    int addenda = (int)art_file_addendum_count(&fs->file);
    bool up = (k.is_key && k.code == KEY_UP) || (!k.is_key && k.code == 'k');
    bool down = (k.is_key && k.code == KEY_DOWN) || (!k.is_key && k.code == 'j');
    if (enter && addenda > 0) {
        v->mode = ART_FILE_ADDENDUM;
        v->scroll = 0;
    } else if (up) {
        v->selected -= v->selected > 0;
    } else if (down) {
        v->selected += v->selected + 1 < addenda;
    } else if ((k.is_key && k.code == KEY_HOME) || (!k.is_key && k.code == 'g')) {
        v->selected = 0;
    } else if ((k.is_key && k.code == KEY_END) || (!k.is_key && k.code == 'G')) {
        v->selected = addenda > 0 ? addenda - 1 : 0;
    } else if (!k.is_key && k.code >= '1' && k.code <= '9' && (int)(k.code - '1') < addenda) {
        v->selected = (int)(k.code - '1');
        v->mode = ART_FILE_ADDENDUM;
        v->scroll = 0;
    } else {
        return k.is_key;
    }
    return true;
}

/* Tab and Shift-Tab choose a ref in the text, Enter follows it (q or Backspace come back). */
static bool link_key(struct ui *ui, struct art_file_view *v, struct ui_key k, bool enter)
{
    if (!k.is_key && k.code == '\t') {
        v->link_step = 1;
    } else if (k.is_key && k.code == KEY_BTAB) {
        v->link_step = -1;
    } else if (enter && v->link > 0 && v->link_ref[0] != '\0') {
        ui_file_open(ui, v->link_ref); /* a file above the reader: the redacted screen */
    } else {
        return false;
    }
    return true;
}

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct file *fs = state;
    struct art_file_view *v = &fs->view;
    if (fs->finding) {
        finding_key(fs, k);
        return true;
    }
    if (v->mode != ART_FILE_ADDENDA && find_key(ui, fs, k))
        return true;
    bool back = (!k.is_key && (k.code == 'q' || k.code == KEY_ESC)) ||
                (v->mode != ART_FILE_ADDENDA && ((k.is_key && k.code == KEY_BACKSPACE) ||
                                                 (!k.is_key && (k.code == 127 || k.code == 8))));
    bool enter =
        (!k.is_key && (k.code == '\n' || k.code == '\r')) || (k.is_key && k.code == KEY_ENTER);
    if (v->mode != ART_FILE_ADDENDA && link_key(ui, v, k, enter))
        return true;
    switch (v->mode) {
    case ART_FILE_BODY:
        if (back) {
            ui_pop(ui); /* fs is gone from here */
        } else if (!k.is_key && (k.code == 'a' || k.code == 'A')) {
            fs->body_scroll = v->scroll; /* the body is found again where it was left */
            v->mode = ART_FILE_ADDENDA;
            v->link = 0;
        } else if (!k.is_key && k.code == 'h' && strcmp(fs->file.kind, "scp") == 0) {
            ui_history_open(ui, fs->file.ref); /* who changed it, when and why */
        } else {
            return scroll_key(v, k) || k.is_key; /* other characters: ':' and '?' */
        }
        return true;
    case ART_FILE_ADDENDA:
        if (!back)
            return addenda_key(fs, k, enter);
        v->mode = ART_FILE_BODY;
        v->scroll = fs->body_scroll;
        v->link = 0;
        return true;
    case ART_FILE_ADDENDUM:
        if (!back)
            return scroll_key(v, k) || k.is_key;
        v->mode = ART_FILE_ADDENDA;
        v->scroll = 0;
        v->link = 0;
        return true;
    }
    return false;
}

/* Files stack: q from a file opened in a file goes back to the first, where it was left. */
const struct ui_screen_ops ui_file_ops =
    UI_SCREEN_OPS("file", UI_SCREEN_COMMANDS | UI_SCREEN_HELP | UI_SCREEN_STACKS,
                  sizeof(struct file), render, key, NULL, free_file);
