/*
 * ui_search.c - full-text search ("/" in the browser): type a query, Enter asks the
 * server; hits are files the reader may read, best first, Enter opens one, n/p page.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "art/search.h"
#include "client/search_reply.h"
#include "client/ui_state.h"

struct search {
    struct input query;
    bool typing;
    bool loaded;
    long offset;
    int page, selected;
    struct search_page result;
    char message[200];
};

static void fetch(struct ui *ui, void *state, const char *arg)
{
    struct search *s = state;
    (void)arg;
    if (s == NULL)
        return;
    s->page = art_search_page_rows(ui->canvas.rows);
    json_t *req = proto_request("search");
    json_object_set_new(req, "query", json_string(s->query.text));
    json_object_set_new(req, "offset", json_integer(s->offset));
    json_object_set_new(req, "limit", json_integer(s->page));
    struct proto_reply r;
    if (ui_request(ui, req, &r, fetch, NULL) != 0)
        return;
    s->message[0] = '\0';
    if (!r.ok) {
        snprintf(s->message, sizeof(s->message), "%.40s: %.150s", r.code, r.message);
        s->result.count = 0;
        s->result.total = 0;
    } else if (search_parse(r.root, &s->result) != 0) {
        snprintf(s->message, sizeof(s->message), "THE SERVER'S REPLY CANNOT BE READ");
    } else {
        s->loaded = true;
        if (s->selected >= (int)s->result.count)
            s->selected = s->result.count ? (int)s->result.count - 1 : 0;
    }
    proto_reply_free(&r);
}

void ui_search_open(struct ui *ui, const char *query)
{
    struct search *s = ui_push(ui, &ui_search_ops);
    if (s == NULL)
        return;
    input_set(&s->query, query != NULL ? query : "");
    s->typing = s->query.len == 0;
    if (!s->typing)
        fetch(ui, s, NULL);
}

static void render(struct ui *ui, void *state)
{
    struct search *s = state;
    const char *keys = s->typing ? "type the search  Enter search  Esc back"
                                 : "Up/Down move  Enter open  n/p page  / new search  q back";
    struct art_frame f = ui_frame(ui, "SEARCH", keys);
    struct art_search_hit hits[SEARCH_PAGE_MAX];
    for (size_t i = 0; i < s->result.count; i++) {
        const struct search_hit *h = &s->result.hits[i];
        hits[i] = (struct art_search_hit){h->ref, h->title, &h->classification, h->snippet};
    }
    struct art_search view = {.query = s->query.text,
                              .query_back = input_tail_width(&s->query),
                              .typing = s->typing,
                              .total = s->result.total,
                              .offset = s->offset,
                              .hits = hits,
                              .count = s->result.count,
                              .selected = s->selected,
                              .message = s->message[0] ? s->message : NULL};
    art_search(&ui->canvas, &f, &view);
}

static void page(struct ui *ui, struct search *s, int direction)
{
    long next = s->offset + direction * s->page;
    if (next < 0)
        next = 0;
    if (next >= s->result.total || next == s->offset)
        return;
    s->offset = next;
    s->selected = 0;
    fetch(ui, s, NULL);
}

/* While the query is typed every key is the query's: Enter searches, Esc leaves, the
 * rest edit the line where its cursor is (a key that edits nothing is ignored). */
static void typing_key(struct ui *ui, struct search *s, struct ui_key k)
{
    bool enter = k.is_key ? k.code == KEY_ENTER : k.code == '\n';
    if (enter && s->query.len > 0) {
        s->typing = false;
        s->offset = 0;
        s->selected = 0;
        fetch(ui, s, NULL);
    } else if (!k.is_key && k.code == KEY_ESC) {
        if (s->loaded)
            s->typing = false;
        else
            ui_pop(ui);
    } else if (!enter) {
        (void)input_edit(&s->query, k.is_key, k.code);
    }
}

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct search *s = state;
    if (s->typing) {
        typing_key(ui, s, k);
        return true;
    }
    int count = (int)s->result.count;
    bool open = false;
    if (k.is_key) {
        if (k.code == KEY_UP && s->selected > 0)
            s->selected--;
        else if (k.code == KEY_DOWN && s->selected + 1 < count)
            s->selected++;
        else if (k.code == KEY_NPAGE)
            page(ui, s, 1);
        else if (k.code == KEY_PPAGE)
            page(ui, s, -1);
        else if (k.code == KEY_ENTER)
            open = true;
    } else if (k.code == 'j' && s->selected + 1 < count) {
        s->selected++;
    } else if (k.code == 'k' && s->selected > 0) {
        s->selected--;
    } else if (k.code == 'n' || k.code == ' ') {
        page(ui, s, 1);
    } else if (k.code == 'p') {
        page(ui, s, -1);
    } else if (k.code == '/') {
        s->typing = true;
    } else if (k.code == 'r') {
        fetch(ui, s, NULL);
    } else if (k.code == '\n') {
        open = true;
    } else if (k.code == 'q' || k.code == KEY_ESC) {
        ui_pop(ui);
        return true;
    } else {
        return false;
    }
    if (open && s->selected < count)
        ui_file_open(ui, s->result.hits[s->selected].ref);
    return true;
}

static void resized(struct ui *ui, void *state)
{
    struct search *s = state;
    if (!s->typing && s->loaded && art_search_page_rows(ui->canvas.rows) != s->page)
        fetch(ui, s, NULL);
}

const struct ui_screen_ops ui_search_ops =
    UI_SCREEN_OPS("search", UI_SCREEN_COMMANDS | UI_SCREEN_HELP, sizeof(struct search), render, key,
                  resized, NULL);
