/* doc_table.c - GFM tables drawn boxed, columns fitted to the width left for them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "art/doc_internal.h"

#define COL_MIN 3 /* narrower columns than this: the table is listed row by row instead */

int doc_table_cell(struct doc_ctx *x, bool head, MD_ALIGN align, int row, int col)
{
    struct doc_table *t = &x->table;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct doc_cell *v = realloc(t->cells, cap * sizeof(*v));
        if (v == NULL)
            return -1;
        t->cells = v;
        t->cap = cap;
    }
    if (col < 0)
        col = t->n > 0 && t->cells[t->n - 1].row == row ? t->cells[t->n - 1].col + 1 : 0;
    struct doc_cell *c = &t->cells[t->n++];
    memset(c, 0, sizeof(*c));
    c->b.open = SIZE_MAX;
    c->row = row < 0 ? 0 : row;
    c->col = col;
    c->head = head;
    c->align = align;
    if (col + 1 > t->cols)
        t->cols = col + 1;
    x->cur = &c->b;
    return 0;
}

void doc_table_free(struct doc_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        doc_buf_free(&t->cells[i].b);
    free(t->cells);
    memset(t, 0, sizeof(*t));
}

static int buf_width(const struct doc_buf *b)
{
    int w = 0;
    for (size_t i = 0; i < b->r.len; i++)
        w += layout_char_width(b->r.g[i].ch);
    return w;
}

/* Natural widths, shrunk in proportion when the table is wider than avail. */
static void fit_columns(const struct doc_table *t, int inner, int *w)
{
    long total = 0;
    for (int c = 0; c < t->cols; c++)
        w[c] = 1;
    for (size_t i = 0; i < t->n; i++) {
        int cw = buf_width(&t->cells[i].b);
        if (cw > w[t->cells[i].col])
            w[t->cells[i].col] = cw;
    }
    for (int c = 0; c < t->cols; c++)
        total += w[c];
    if (total <= inner)
        return;
    int used = 0;
    for (int c = 0; c < t->cols; c++) {
        long share = (long)inner * w[c] / total;
        w[c] = share < COL_MIN ? COL_MIN : (int)share;
        used += w[c];
    }
    for (int c = t->cols - 1; used > inner && c >= 0; c--) /* rounding up by COL_MIN */
        while (used > inner && w[c] > COL_MIN) {
            w[c]--;
            used--;
        }
}

static int border(struct doc_ctx *x, const int *w, int cols, const wchar_t *parts)
{
    struct ink ink = ink_attrs(INK_DIM | INK_DECOR);
    int rc = doc_line_begin(x);
    rc |= rich_append_char(x->out, parts[0], ink);
    for (int c = 0; c < cols && rc == 0; c++) {
        rc |= rich_repeat(x->out, L'─', w[c] + 2, ink);
        rc |= rich_append_char(x->out, c + 1 < cols ? parts[1] : parts[2], ink);
    }
    return rc | doc_line_end(x);
}

static int put_cell_line(struct doc_ctx *x, struct doc_cell *cell, const struct wrapped *wr,
                         size_t line, int width)
{
    int used = 0, rc = 0;
    const struct line_span *s = cell != NULL && line < wr->count ? &wr->lines[line] : NULL;
    int have = s != NULL ? s->width : 0;
    int before = 0;
    if (cell != NULL && cell->align == MD_ALIGN_RIGHT)
        before = width - have;
    else if (cell != NULL && cell->align == MD_ALIGN_CENTER)
        before = (width - have) / 2;
    rc |= rich_repeat(x->out, L' ', 1 + before, ink_plain());
    if (s != NULL)
        rc |= doc_put(x, &cell->b, s->start, s->len);
    used = before + have;
    rc |= rich_repeat(x->out, L' ', width - used + 1, ink_plain());
    return rc | rich_append_char(x->out, L'│', ink_attrs(INK_DIM | INK_DECOR));
}

/* One table row: every cell wrapped to its column, as many lines as the tallest. */
static int row(struct doc_ctx *x, struct doc_cell **cells, const int *w, int cols)
{
    struct wrapped *wr = calloc((size_t)cols, sizeof(*wr));
    size_t height = 1;
    int rc = wr == NULL ? -1 : 0;
    for (int c = 0; c < cols && rc == 0; c++) {
        if (cells[c] == NULL)
            continue;
        rc = layout_wrap(cells[c]->b.r.g, cells[c]->b.r.len, w[c], &wr[c]);
        if (wr[c].count > height)
            height = wr[c].count;
    }
    for (size_t l = 0; l < height && rc == 0; l++) {
        rc |= doc_line_begin(x);
        rc |= rich_append_char(x->out, L'│', ink_attrs(INK_DIM | INK_DECOR));
        for (int c = 0; c < cols && rc == 0; c++)
            rc |= put_cell_line(x, cells[c], &wr[c], l, w[c]);
        rc |= doc_line_end(x);
    }
    for (int c = 0; wr != NULL && c < cols; c++)
        wrapped_free(&wr[c]);
    free(wr);
    return rc;
}

/* Too many columns for the width: each cell a line of its own, rows between rules. */
static int listed(struct doc_ctx *x, int avail)
{
    struct doc_table *t = &x->table;
    int rc = 0;
    for (size_t i = 0; i < t->n && rc == 0; i++) {
        struct doc_cell *cell = &t->cells[i];
        struct wrapped wr = {0};
        if (i > 0 && cell->row != t->cells[i - 1].row) {
            rc |= doc_line_begin(x);
            rc |= rich_repeat(x->out, L'─', avail < 3 ? avail : 3, ink_attrs(INK_DIM | INK_DECOR));
            rc |= doc_line_end(x);
        }
        rc |= layout_wrap(cell->b.r.g, cell->b.r.len, avail, &wr);
        for (size_t l = 0; l < wr.count && rc == 0; l++) {
            rc |= doc_line_begin(x);
            rc |= doc_put(x, &cell->b, wr.lines[l].start, wr.lines[l].len);
            rc |= doc_line_end(x);
        }
        wrapped_free(&wr);
    }
    return rc;
}

int doc_table_emit(struct doc_ctx *x)
{
    struct doc_table *t = &x->table;
    int avail = x->width - doc_prefix_width(x);
    int cols = t->cols;
    x->cur = &x->para;
    if (t->n == 0 || cols == 0)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        struct doc_cell *c = &t->cells[i];
        if (doc_buf_scan(&c->b) != 0)
            return -1;
        for (size_t k = 0; c->head && k < c->b.r.len; k++)
            c->b.r.g[k].ink.attrs |= INK_BOLD;
    }
    int inner = avail - (3 * cols + 1);
    if (inner < COL_MIN * cols)
        return listed(x, avail > 0 ? avail : 1);
    int *w = calloc((size_t)cols, sizeof(*w));
    struct doc_cell **line = calloc((size_t)cols, sizeof(*line));
    int rc = w == NULL || line == NULL ? -1 : 0;
    if (rc == 0) {
        fit_columns(t, inner, w);
        rc = border(x, w, cols, L"┌┬┐");
    }
    for (size_t i = 0; i < t->n && rc == 0;) {
        int r = t->cells[i].row;
        bool head = t->cells[i].head;
        memset(line, 0, (size_t)cols * sizeof(*line));
        for (; i < t->n && t->cells[i].row == r; i++)
            line[t->cells[i].col] = &t->cells[i];
        rc = row(x, line, w, cols);
        if (rc == 0 && head && i < t->n)
            rc = border(x, w, cols, L"├┼┤");
    }
    if (rc == 0)
        rc = border(x, w, cols, L"└┴┘");
    free(w);
    free(line);
    return rc;
}
