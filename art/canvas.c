/* canvas.c - a plain grid of character cells. */
#include "art/canvas.h"

#include <stdlib.h>
#include <string.h>

#include "art/layout.h"
#include "common/hex.h"
#include "common/vis.h"

struct ink ink_plain(void)
{
    struct ink ink = {0, false, 0};
    return ink;
}

struct ink ink_attrs(uint8_t attrs)
{
    struct ink ink = {0, false, attrs};
    return ink;
}

struct ink ink_hex(const char *hex, uint8_t attrs)
{
    struct ink ink = ink_attrs(attrs);
    if (hex == NULL || hex[0] != '#' || strlen(hex) != 7)
        return ink;
    uint32_t rgb = 0;
    for (int i = 1; i < 7; i++) {
        int d = hex_digit(hex[i]);
        if (d < 0)
            return ink;
        rgb = rgb << 4 | (uint32_t)d;
    }
    ink.rgb = rgb;
    ink.coloured = true;
    return ink;
}

int canvas_init(struct canvas *c, int rows, int cols)
{
    if (rows < 1)
        rows = 1;
    if (cols < 1)
        cols = 1;
    c->cells = calloc((size_t)rows * (size_t)cols, sizeof(*c->cells));
    if (c->cells == NULL)
        return -1;
    c->rows = rows;
    c->cols = cols;
    canvas_clear(c);
    return 0;
}

void canvas_free(struct canvas *c)
{
    free(c->cells);
    c->cells = NULL;
    c->rows = c->cols = 0;
}

void canvas_clear(struct canvas *c)
{
    c->cursor_y = c->cursor_x = -1;
    for (int i = 0; i < c->rows * c->cols; i++) {
        c->cells[i].ch = L' ';
        c->cells[i].ink = ink_plain();
    }
}

static struct glyph *cell(struct canvas *c, int y, int x)
{
    return &c->cells[y * c->cols + x];
}

/* Overwriting half of a wide character blanks its other half. */
static void break_wide_at(struct canvas *c, int y, int x)
{
    struct glyph *g = cell(c, y, x);
    if (g->ch == 0 && x > 0)
        cell(c, y, x - 1)->ch = L' ';
    if (g->ch != 0 && x + 1 < c->cols && cell(c, y, x + 1)->ch == 0)
        cell(c, y, x + 1)->ch = L' ';
}

int canvas_put(struct canvas *c, int y, int x, wchar_t ch, struct ink ink)
{
    if (y < 0 || y >= c->rows || x < 0 || x >= c->cols)
        return 0;
    int w = layout_char_width(ch);
    if (w == 0)
        return 0; /* combining marks are dropped: one cell holds one character */
    /* Controls, C1 and bidi overrides from a server are shown, never sent to the terminal. */
    if (vis_hidden_codepoint((uint32_t)ch))
        ch = L'?';
    if (x + w > c->cols)
        return 0;
    break_wide_at(c, y, x);
    if (w == 2)
        break_wide_at(c, y, x + 1);
    cell(c, y, x)->ch = ch;
    cell(c, y, x)->ink = ink;
    if (w == 2) {
        cell(c, y, x + 1)->ch = 0;
        cell(c, y, x + 1)->ink = ink;
    }
    return w;
}

int canvas_text(struct canvas *c, int y, int x, const char *utf8, struct ink ink)
{
    int used = 0;
    if (utf8 == NULL)
        return 0;
    while (*utf8) {
        wchar_t ch;
        utf8 += layout_utf8_decode(utf8, &ch);
        int w = layout_char_width(ch);
        if (w == 0)
            continue;
        if (canvas_put(c, y, x + used, ch, ink) == 0)
            break;
        used += w;
    }
    return used;
}

int canvas_glyphs(struct canvas *c, int y, int x, const struct glyph *g, size_t n, int max_width)
{
    int used = 0;
    for (size_t i = 0; i < n; i++) {
        int w = layout_char_width(g[i].ch);
        if (w == 0)
            continue;
        if (used + w > max_width || canvas_put(c, y, x + used, g[i].ch, g[i].ink) == 0)
            break;
        used += w;
    }
    return used;
}

int canvas_glyphs_fit(struct canvas *c, int y, int x, const struct glyph *g, size_t n, int width)
{
    if (x + width > c->cols)
        width = c->cols - x;
    if (width <= 0 || n == 0)
        return 0;
    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += layout_char_width(g[i].ch);
    if (total <= width)
        return canvas_glyphs(c, y, x, g, n, width);
    int used = canvas_glyphs(c, y, x, g, n, width - 1);
    size_t last = 0;
    for (int w = 0; last < n && w + layout_char_width(g[last].ch) <= used; last++)
        w += layout_char_width(g[last].ch);
    struct ink ink = g[last > 0 ? last - 1 : 0].ink;
    return used + canvas_put(c, y, x + used, L'…', ink);
}

int canvas_text_fit(struct canvas *c, int y, int x, const char *utf8, struct ink ink, int width)
{
    struct glyph g[512];
    size_t n = 0;
    while (utf8 != NULL && *utf8 && n < sizeof(g) / sizeof(g[0])) {
        utf8 += layout_utf8_decode(utf8, &g[n].ch);
        g[n++].ink = ink;
    }
    /* Longer text than a screen row can hold: the tail is cut, and shows it. */
    if (utf8 != NULL && *utf8 && n > 0) {
        g[n - 1].ch = L'…';
    }
    return canvas_glyphs_fit(c, y, x, g, n, width);
}

void canvas_fill(struct canvas *c, int y, int x, int width, wchar_t ch, struct ink ink)
{
    int w = layout_char_width(ch);
    if (w <= 0)
        return;
    for (int i = 0; i + w <= width; i += w)
        canvas_put(c, y, x + i, ch, ink);
}

void canvas_paint(struct canvas *c, int y, int x, int width, struct ink ink)
{
    if (y < 0 || y >= c->rows)
        return;
    for (int i = x < 0 ? 0 : x; i < x + width && i < c->cols; i++)
        cell(c, y, i)->ink = ink;
}

const struct glyph *canvas_at(const struct canvas *c, int y, int x)
{
    if (y < 0 || y >= c->rows || x < 0 || x >= c->cols)
        return NULL;
    return &c->cells[y * c->cols + x];
}

size_t canvas_row_utf8(const struct canvas *c, int y, char *buf, size_t size)
{
    size_t len = 0, keep = 0;
    if (size == 0)
        return 0;
    buf[0] = '\0';
    if (y < 0 || y >= c->rows)
        return 0;
    for (int x = 0; x < c->cols; x++) {
        wchar_t ch = c->cells[y * c->cols + x].ch;
        if (ch == 0)
            continue;
        char tmp[4];
        size_t n = layout_utf8_encode(ch, tmp);
        if (len + n + 1 > size)
            break;
        memcpy(buf + len, tmp, n);
        len += n;
        if (ch != L' ')
            keep = len;
    }
    buf[keep] = '\0';
    return keep;
}

char *canvas_dump(const struct canvas *c)
{
    size_t row_max = (size_t)c->cols * 4 + 1;
    char *out = malloc(row_max * (size_t)c->rows + 1);
    if (out == NULL)
        return NULL;
    size_t len = 0;
    for (int y = 0; y < c->rows; y++) {
        len += canvas_row_utf8(c, y, out + len, row_max);
        out[len++] = '\n';
    }
    out[len] = '\0';
    return out;
}
