/* browser.c - one list per kind (SCP, SITE, MTF, USER) with search and paging. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/layout.h"
#include "art/levels.h"
#include "art/browser.h"
#include "common/foundation.h"

#define RESTRICTED "[ACCESS RESTRICTED]"
#define LEVEL_W    9
#define TITLE_MIN  24 /* the title keeps this much before the class column gives way */
#define HEAD_ROWS  3

/* Column widths from what the page holds: the title takes what the others leave. */
struct columns {
    int ref, cls;
};

int art_browser_page_rows(int screen_rows)
{
    int rows = screen_rows - 3 - HEAD_ROWS - 1; /* frame, heading, footer */
    return rows < 1 ? 1 : rows;
}

static void tabs(struct canvas *c, int y, int x, const char *kind)
{
    for (int i = 0; i < FOUNDATION_REF_KINDS; i++) {
        const char *name = foundation_ref_kind_name((enum foundation_ref_kind)i);
        bool current = strcmp(name, kind) == 0;
        char upper[8], label[32];
        layout_upper(upper, sizeof(upper), name);
        /* "[1 SCP]": the digit is the key that opens the tab */
        snprintf(label, sizeof(label), current ? "[%d %s]" : " %d %s ", i + 1, upper);
        x += canvas_text(c, y, x, label, ink_attrs(current ? INK_BOLD | INK_REVERSE : 0)) + 2;
    }
}

static const char *class_column_title(const char *kind)
{
    if (strcmp(kind, "scp") == 0)
        return "CLASS";
    if (strcmp(kind, "site") == 0)
        return "LOCATION";
    if (strcmp(kind, "mtf") == 0)
        return "STATE";
    return "JOB TITLE";
}

static const char *class_text(const struct art_list_item *it)
{
    return it->containment.set ? it->containment.name : it->detail;
}

static struct columns size_columns(const struct art_list *l, const char *kind, int cols)
{
    struct columns w = {layout_text_width("REF"), layout_text_width(class_column_title(kind))};
    for (size_t i = 0; l != NULL && i < l->count; i++) {
        int ref = layout_text_width(l->items[i].ref);
        int cls = layout_text_width(class_text(&l->items[i]));
        w.ref = ref > w.ref ? ref : w.ref;
        w.cls = cls > w.cls ? cls : w.cls;
    }
    w.ref += 2;
    w.cls += 2;
    /* Before the title gets narrow, the class column gives way (down to 8, cut with '…'). */
    int room = cols - 2 - w.ref - LEVEL_W - TITLE_MIN;
    if (w.cls > room)
        w.cls = room < 8 ? 8 : room;
    return w;
}

static void item_row(struct canvas *c, int y, const struct art_area *a, const struct columns *w,
                     const struct art_list_item *it, bool selected)
{
    uint8_t sel = selected ? INK_REVERSE : 0;
    if (selected)
        canvas_fill(c, y, a->left, a->cols, L' ', ink_attrs(sel));
    int x = a->left;
    canvas_text(c, y, x, selected ? ">" : " ", ink_attrs(sel | INK_BOLD));
    canvas_text_fit(c, y, x + 2, it->ref, ink_attrs(sel | INK_BOLD), w->ref - 2);
    x += 2 + w->ref;
    char level[16];
    snprintf(level, sizeof(level), "LEVEL %d", it->classification.level);
    canvas_text(c, y, x, level, art_level_ink(&it->classification, sel | INK_BOLD));
    x += LEVEL_W;
    if (it->containment.set)
        canvas_text_fit(c, y, x, it->containment.name, ink_hex(it->containment.colour, sel),
                        w->cls - 2);
    else if (it->detail != NULL)
        canvas_text_fit(c, y, x, it->detail, ink_attrs(sel), w->cls - 2);
    x += w->cls;
    int room = a->left + a->cols - x - 1;
    struct rich title = {0};
    if (it->title != NULL)
        rich_append(&title, it->title, ink_attrs(sel));
    if (!it->accessible) {
        if (it->title != NULL)
            rich_append(&title, " ", ink_attrs(sel));
        rich_append(&title, RESTRICTED, ink_hex("#C40233", sel | INK_BOLD));
    }
    if (it->containment.set && it->detail != NULL && strcmp(it->detail, "active") != 0) {
        rich_append(&title, " (", ink_attrs(sel | INK_DIM));
        rich_append(&title, it->detail, ink_attrs(sel | INK_DIM));
        rich_append(&title, ")", ink_attrs(sel | INK_DIM));
    }
    canvas_glyphs_fit(c, y, x, title.g, title.len, room);
    rich_free(&title);
}

void art_browser(struct canvas *c, const struct art_frame *f, const struct art_browser *b)
{
    struct art_area a = art_frame_draw(c, f);
    int y = a.top;
    tabs(c, y, a.left + 1, b->kind);
    const struct art_list *l = b->list;
    if (l != NULL && l->total > 0) {
        char range[64];
        long first = l->count ? l->offset + 1 : 0;
        snprintf(range, sizeof(range), "%ld-%ld of %ld", first, l->offset + (long)l->count,
                 l->total);
        layout_right(c, y, a.left + a.cols - 1, range, ink_attrs(INK_DIM));
    }
    y++;
    if (b->searching) {
        int x = a.left + 1 + canvas_text(c, y, a.left + 1, "SEARCH: ", ink_attrs(INK_BOLD));
        layout_input(c, y, x, a.left + a.cols - 1 - x, b->search_input, b->search_back,
                     ink_attrs(INK_UNDER));
    } else if (b->query != NULL && b->query[0]) {
        char line[300];
        snprintf(line, sizeof(line), "SEARCH: %s", b->query);
        canvas_text(c, y, a.left + 1, line, ink_attrs(INK_BOLD));
    }
    y++;
    struct ink head = ink_attrs(INK_DIM | INK_UNDER);
    struct columns w = size_columns(l, b->kind, a.cols);
    canvas_fill(c, y, a.left, a.cols, L' ', head);
    canvas_text(c, y, a.left + 2, "REF", head);
    canvas_text(c, y, a.left + 2 + w.ref, "LEVEL", head);
    canvas_text_fit(c, y, a.left + 2 + w.ref + LEVEL_W, class_column_title(b->kind), head,
                    w.cls - 2);
    canvas_text(c, y, a.left + 2 + w.ref + LEVEL_W + w.cls, "TITLE", head);
    y++;
    int page = art_browser_page_rows(c->rows);
    if (l == NULL || l->count == 0) {
        canvas_text(c, y + 1, a.left + 2,
                    b->message ? b->message : (l ? "NO MATCHING FILES." : "LOADING…"),
                    ink_attrs(INK_BOLD));
        return;
    }
    for (int i = 0; i < page && i < (int)l->count; i++)
        item_row(c, y + i, &a, &w, &l->items[i], i == b->selected);
    if (b->message != NULL)
        canvas_text(c, a.top + a.rows - 1, a.left + 1, b->message, ink_hex("#C40233", INK_BOLD));
}

char *art_list_item_plain(const struct art_list_item *it)
{
    char *out = NULL;
    const char *cls = it->containment.set ? it->containment.name : (it->detail ? it->detail : "");
    const char *title = it->title ? it->title : "";
    const char *sep = it->title && !it->accessible ? " " : "";
    const char *restricted = it->accessible ? "" : RESTRICTED;
    const char *status =
        it->containment.set && it->detail && strcmp(it->detail, "active") != 0 ? it->detail : "";
    if (asprintf(&out, "%-10s LEVEL %d  %-14s %s%s%s%s%s%s", it->ref, it->classification.level, cls,
                 title, sep, restricted, status[0] ? " (" : "", status, status[0] ? ")" : "") < 0)
        return NULL;
    return out;
}
