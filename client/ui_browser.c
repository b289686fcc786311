/* ui_browser.c - the list of files of one kind: switching kinds, search and paging. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/ui_state.h"
#include "common/foundation.h"

#define CTRL(c) ((c)&0x1f)

struct browser {
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
    unsigned version; /* ui->data_version when last fetched */
};

static void free_browser(void *state)
{
    struct browser *b = state;
    art_list_free(&b->list);
}

static const char *const locations[FOUNDATION_REF_KINDS] = {
    [REF_SCP] = "SCP DATABASE",
    [REF_SITE] = "SITE REGISTRY",
    [REF_MTF] = "MOBILE TASK FORCES",
    [REF_USER] = "PERSONNEL",
};

static enum foundation_ref_kind kind_of(const char *name)
{
    enum foundation_ref_kind kind;
    return foundation_ref_kind_parse(name, &kind) ? kind : REF_SCP;
}

/* Ask for the page the browser shows (again, after a reconnect: b is then the asker). */
static void fetch(struct ui *ui, void *state, const char *arg)
{
    struct browser *b = state;
    if (b == NULL)
        return;
    b->page = art_browser_page_rows(ui->canvas.rows);
    json_t *req = proto_request("list");
    json_object_set_new(req, "kind", json_string(foundation_ref_kind_name(b->kind)));
    if (b->query.len > 0)
        json_object_set_new(req, "query", json_string(b->query.text));
    json_object_set_new(req, "offset", json_integer(b->offset));
    json_object_set_new(req, "limit", json_integer(b->page));
    struct proto_reply r;
    b->version = ui->data_version;
    if (ui_request(ui, req, &r, fetch, NULL) != 0)
        return;
    b->message[0] = '\0';
    if (!r.ok) {
        snprintf(b->message, sizeof(b->message), "%.40s: %.150s", r.code, r.message);
        proto_reply_free(&r);
        return;
    }
    struct art_list l;
    if (proto_parse_list(r.root, &l) != 0) {
        snprintf(b->message, sizeof(b->message), "THE SERVER'S LIST CANNOT BE READ");
    } else {
        art_list_free(&b->list);
        b->list = l;
        b->loaded = true;
        if (b->selected >= (int)l.count)
            b->selected = l.count ? (int)l.count - 1 : 0;
    }
    proto_reply_free(&r);
}

void ui_browser_open(struct ui *ui, const char *kind, const char *query)
{
    struct browser *b = ui_push(ui, &ui_browser_ops);
    if (b == NULL)
        return;
    b->kind = kind_of(kind);
    input_set(&b->query, query ? query : "");
    fetch(ui, b, NULL);
}

static void resized(struct ui *ui, void *state)
{
    struct browser *b = state;
    /* A taller or shorter screen holds another number of items: ask for a page that fits,
     * starting where the selected item stays selected, on its row if it can. */
    int page = art_browser_page_rows(ui->canvas.rows);
    if (page != b->page) {
        long at = b->offset + b->selected;
        int row = b->selected < page ? b->selected : page - 1;
        b->offset = at - row;
        b->selected = row;
        fetch(ui, b, NULL);
    }
}

static void render(struct ui *ui, void *state)
{
    struct browser *b = state;
    const char *keys =
        b->searching ? "type to search  Enter apply  Esc cancel"
                     : "Tab/1-4 kind  / search  f filter  n/p page  Enter open  : cmd  ? help  "
                       "q back";
    struct art_frame f = ui_frame(ui, locations[b->kind], keys);
    struct art_browser ab = {foundation_ref_kind_name(b->kind),
                             b->loaded ? &b->list : NULL,
                             b->selected,
                             b->query.text,
                             b->searching,
                             b->search.text,
                             b->message[0] ? b->message : NULL,
                             input_tail_width(&b->search)};
    art_browser(&ui->canvas, &f, &ab);
}

static void switch_kind(struct ui *ui, struct browser *b, enum foundation_ref_kind kind)
{
    b->kind = kind;
    b->offset = 0;
    b->selected = 0;
    input_clear(&b->query);
    fetch(ui, b, NULL);
}

/* The next or previous page; going back with Up lands on its last row (to_last). */
static void page(struct ui *ui, struct browser *b, int direction, bool to_last)
{
    long next = b->offset + direction * b->page;
    if (next < 0)
        next = 0;
    if (next >= b->list.total || next == b->offset)
        return;
    b->offset = next;
    b->selected = to_last ? b->page - 1 : 0; /* fetch keeps it within what arrives */
    fetch(ui, b, NULL);
}

static void step(struct ui *ui, struct browser *b, int direction)
{
    int count = (int)b->list.count;
    if (direction < 0 && b->selected > 0)
        b->selected--;
    else if (direction < 0)
        page(ui, b, -1, true);
    else if (b->selected + 1 < count)
        b->selected++;
    else
        page(ui, b, 1, false);
}

size_t ui_browser_refs(const struct ui *ui, const char **refs, size_t max)
{
    size_t n = 0;
    for (int i = ui->stack.depth - 1; i >= 0; i--) {
        const struct ui_screen *s = &ui->stack.screens[i];
        if (s->ops != &ui_browser_ops)
            continue;
        const struct browser *b = s->state;
        for (size_t j = 0; j < b->list.count && n < max; j++)
            refs[n++] = b->list.items[j].ref;
    }
    return n;
}

void ui_browser_shown(struct ui *ui, void *state)
{
    struct browser *b = state;
    /* A file was created while this list was below: it may be on it now. */
    if (b->version != ui->data_version)
        fetch(ui, b, NULL);
}

/* While a search is typed every key is the search's. */
static void search_key(struct ui *ui, struct browser *b, struct ui_key k)
{
    if (!k.is_key && k.code == '\n') {
        b->searching = false;
        b->query = b->search;
        b->offset = 0;
        b->selected = 0;
        fetch(ui, b, NULL);
    } else if (!k.is_key && k.code == KEY_ESC) {
        b->searching = false;
    } else {
        input_edit(&b->search, k.is_key, k.code);
    }
}

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct browser *b = state;
    if (b->searching) {
        search_key(ui, b, k);
        return true;
    }
    int count = (int)b->list.count;
    if (k.is_key) {
        switch (k.code) {
        case KEY_UP:
            step(ui, b, -1);
            break;
        case KEY_DOWN:
            step(ui, b, 1);
            break;
        case KEY_NPAGE:
            page(ui, b, 1, false);
            break;
        case KEY_PPAGE:
            page(ui, b, -1, false);
            break;
        case KEY_HOME:
            b->selected = 0;
            break;
        case KEY_END:
            b->selected = count ? count - 1 : 0;
            break;
        case KEY_BTAB:
            switch_kind(ui, b, (b->kind + FOUNDATION_REF_KINDS - 1) % FOUNDATION_REF_KINDS);
            break;
        case KEY_ENTER:
            if (b->selected < count)
                ui_file_open(ui, b->list.items[b->selected].ref);
            break;
        }
        return true;
    }
    switch (k.code) {
    case '\t':
        switch_kind(ui, b, (b->kind + 1) % FOUNDATION_REF_KINDS);
        break;
    case '/':
        ui_search_open(ui, NULL); /* the files' text, not this list's titles */
        break;
    case 'f':
        b->searching = true;
        b->search = b->query;
        break;
    case 'n':
    case ' ':
    case CTRL('F'):
        page(ui, b, 1, false);
        break;
    case 'p':
    case 'b':
    case CTRL('B'):
        page(ui, b, -1, false);
        break;
    case 'j':
        step(ui, b, 1);
        break;
    case 'k':
        step(ui, b, -1);
        break;
    case 'g':
        b->selected = 0;
        break;
    case 'G':
        b->selected = count ? count - 1 : 0;
        break;
    case 'r':
        fetch(ui, b, NULL);
        break;
    case '\n':
        if (b->selected < count)
            ui_file_open(ui, b->list.items[b->selected].ref);
        break;
    case 'q':
    case KEY_ESC:
        ui_pop(ui);
        break;
    default:
        /* 1 SCP, 2 SITE, ...: the tab's number */
        if (k.code < '1' || k.code >= '1' + FOUNDATION_REF_KINDS)
            return false;
        switch_kind(ui, b, (enum foundation_ref_kind)(k.code - '1'));
        break;
    }
    return true;
}

const struct ui_screen_ops ui_browser_ops =
    UI_SCREEN_OPS("browser", UI_SCREEN_COMMANDS | UI_SCREEN_HELP, sizeof(struct browser), render,
                  key, resized, free_browser);
