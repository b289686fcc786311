/* notice.c - a centred box with a title and a few lines. */
#include "art/notice.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/layout.h"

#define NOTICE_MIN_WIDTH 44
#define NOTICE_PADDING   3

void art_notice_init(struct art_notice *n, const char *title, struct ink title_ink,
                     struct ink border)
{
    memset(n, 0, sizeof(*n));
    snprintf(n->title, sizeof(n->title), "%s", title);
    n->title_ink = title_ink;
    n->border = border;
}

void art_notice_add(struct art_notice *n, struct ink ink, const char *fmt, ...)
{
    if (n->count >= ART_NOTICE_LINES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->lines[n->count].text, sizeof(n->lines[n->count].text), fmt, ap);
    va_end(ap);
    n->lines[n->count].ink = ink;
    n->count++;
}

void art_notice_draw(struct canvas *c, const struct art_area *a, const struct art_notice *n)
{
    int widest = layout_text_width(n->title);
    for (size_t i = 0; i < n->count; i++) {
        int w = layout_text_width(n->lines[i].text);
        widest = w > widest ? w : widest;
    }
    int box_w = widest + 2 * NOTICE_PADDING + 2;
    if (box_w < NOTICE_MIN_WIDTH)
        box_w = NOTICE_MIN_WIDTH;
    if (box_w > a->cols - 2)
        box_w = a->cols - 2;
    int inner = box_w - 2 * NOTICE_PADDING - 2;
    if (inner < 1)
        inner = 1;

    struct rich text[ART_NOTICE_LINES] = {{0}};
    struct wrapped wraps[ART_NOTICE_LINES] = {{0}};
    int body_rows = 0;
    for (size_t i = 0; i < n->count; i++) {
        rich_append(&text[i], n->lines[i].text, n->lines[i].ink);
        layout_wrap(text[i].g, text[i].len, inner, &wraps[i]);
        body_rows += wraps[i].count ? (int)wraps[i].count : 1;
    }
    int box_h = body_rows + 4; /* border, title, blank, ..., border */
    int y = a->top + (a->rows > box_h ? (a->rows - box_h) / 2 : 0);
    int x = a->left + (a->cols - box_w) / 2;
    for (int row = y; row < y + box_h; row++)
        canvas_fill(c, row, x, box_w, L' ', ink_plain());
    layout_box(c, y, x, box_h, box_w, n->border);
    layout_center(c, y + 1, x + 1, box_w - 2, n->title, n->title_ink);
    int row = y + 3;
    for (size_t i = 0; i < n->count; i++) {
        if (wraps[i].count == 0)
            row++;
        for (size_t l = 0; l < wraps[i].count; l++, row++) {
            const struct line_span *s = &wraps[i].lines[l];
            int start = x + 1 + (box_w - 2 - s->width) / 2;
            canvas_glyphs(c, row, start, text[i].g + s->start, s->len, inner);
        }
        rich_free(&text[i]);
        wrapped_free(&wraps[i]);
    }
}

char *art_notice_plain(const struct art_notice *n)
{
    size_t size = strlen(n->title) + 2;
    for (size_t i = 0; i < n->count; i++)
        size += strlen(n->lines[i].text) + 1;
    char *out = malloc(size);
    if (out == NULL)
        return NULL;
    size_t len = (size_t)sprintf(out, "%s\n", n->title);
    for (size_t i = 0; i < n->count; i++)
        len += (size_t)sprintf(out + len, "%s\n", n->lines[i].text);
    return out;
}
