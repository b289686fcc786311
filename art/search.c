/* search.c - the search screen's hits, the words that matched in bold. */
#include "art/search.h"

#include <stdio.h>
#include <string.h>

#include "art/layout.h"
#include "art/levels.h"

#define HEAD_ROWS 3 /* the query line, a count line, a blank */

int art_search_page_rows(int screen_rows)
{
    int rows = (screen_rows - 4 - HEAD_ROWS) / 2; /* the frame takes 4 rows */
    return rows < 1 ? 1 : rows > 50 ? 50 : rows;
}

/* The snippet on one row: "**" toggles bold, line breaks are spaces, cut at width. */
static void snippet_row(struct canvas *c, int y, int x, int width, const char *snippet)
{
    char piece[512];
    bool bold = false;
    int used = 0;
    const char *p = snippet;
    while (*p != '\0' && used < width) {
        const char *mark = strstr(p, "**");
        size_t n = mark != NULL ? (size_t)(mark - p) : strlen(p);
        if (n >= sizeof(piece))
            n = sizeof(piece) - 1;
        memcpy(piece, p, n);
        piece[n] = '\0';
        for (char *q = piece; *q != '\0'; q++)
            if (*q == '\n' || *q == '\r' || *q == '\t')
                *q = ' ';
        used += canvas_text(c, y, x + used, piece, ink_attrs(bold ? INK_BOLD : INK_DIM));
        if (mark == NULL)
            break;
        bold = !bold;
        p = mark + 2;
    }
}

void art_search(struct canvas *c, const struct art_frame *f, const struct art_search *s)
{
    struct art_area a = art_frame_draw(c, f);
    int y = a.top;
    char line[400];
    if (s->typing) { /* the query as it is typed, the cursor where it is */
        int x = a.left + 1 + canvas_text(c, y, a.left + 1, "SEARCH: ", ink_attrs(INK_BOLD));
        layout_input(c, y++, x, a.left + a.cols - 1 - x, s->query, s->query_back,
                     ink_attrs(INK_BOLD));
    } else {
        snprintf(line, sizeof(line), "SEARCH: %s", s->query != NULL ? s->query : "");
        canvas_text(c, y++, a.left + 1, line, ink_attrs(INK_BOLD));
    }
    if (s->message != NULL)
        snprintf(line, sizeof(line), "%s", s->message);
    else if (s->typing)
        snprintf(line, sizeof(line), "words, \"a phrase\", prefix*, kind: class: level: tag:");
    else if (s->total == 0)
        snprintf(line, sizeof(line), "NO FILE YOU MAY READ MATCHES");
    else
        snprintf(line, sizeof(line), "%ld-%ld OF %ld", s->offset + 1, s->offset + (long)s->count,
                 s->total);
    canvas_text(c, y++, a.left + 1, line, ink_attrs(s->message != NULL ? INK_BOLD : INK_DIM));
    y++;
    for (size_t i = 0; i < s->count && y + 1 < a.top + a.rows; i++) {
        const struct art_search_hit *h = &s->hits[i];
        bool sel = (int)i == s->selected && !s->typing;
        snprintf(line, sizeof(line), "%s %-10s %s", sel ? ">" : " ", h->ref,
                 h->title[0] != '\0' ? h->title : "[TITLE WITHHELD]");
        int w = canvas_text(c, y, a.left + 1, line, ink_attrs(sel ? INK_REVERSE : INK_BOLD));
        canvas_text(c, y, a.left + 2 + w, h->classification->name,
                    art_level_ink(h->classification, 0));
        snippet_row(c, y + 1, a.left + 4, a.cols - 5, h->snippet);
        y += 2;
    }
}
