/* layout.c - display widths, rich text, word wrap, boxes and centring. */
#include "art/layout.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/vis.h"

/* East Asian wide ranges, used when the C library's wcwidth does not know the character
 * (a non-UTF-8 locale): layout must not depend on how the process was started. */
static bool is_wide_fallback(wchar_t ch)
{
    return (ch >= 0x1100 && ch <= 0x115F) || (ch >= 0x2E80 && ch <= 0xA4CF) ||
           (ch >= 0xAC00 && ch <= 0xD7A3) || (ch >= 0xF900 && ch <= 0xFAFF) ||
           (ch >= 0xFE30 && ch <= 0xFE4F) || (ch >= 0xFF00 && ch <= 0xFF60) ||
           (ch >= 0xFFE0 && ch <= 0xFFE6) || (ch >= 0x1F300 && ch <= 0x1FAFF) ||
           (ch >= 0x20000 && ch <= 0x3FFFD);
}

int layout_char_width(wchar_t ch)
{
    if (ch == 0)
        return 0;
    if (vis_hidden_codepoint((uint32_t)ch))
        return 1; /* drawn as '?' */
    int w = wcwidth(ch);
    if (w >= 0)
        return w > 2 ? 2 : w;
    return is_wide_fallback(ch) ? 2 : 1;
}

size_t layout_utf8_decode(const char *s, wchar_t *out)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t cp;
    size_t n;
    if (u[0] < 0x80) {
        *out = u[0];
        return 1;
    } else if ((u[0] & 0xE0) == 0xC0) {
        cp = u[0] & 0x1F;
        n = 2;
    } else if ((u[0] & 0xF0) == 0xE0) {
        cp = u[0] & 0x0F;
        n = 3;
    } else if ((u[0] & 0xF8) == 0xF0) {
        cp = u[0] & 0x07;
        n = 4;
    } else {
        *out = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *out = 0xFFFD;
            return 1;
        }
        cp = cp << 6 | (u[i] & 0x3F);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (n == 2 && cp < 0x80) ||
        (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
        cp = 0xFFFD;
    *out = (wchar_t)cp;
    return n;
}

size_t layout_utf8_encode(wchar_t ch, char *buf)
{
    uint32_t cp = (uint32_t)ch;
    if (cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | cp >> 6);
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | cp >> 12);
        buf[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | cp >> 18);
    buf[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    buf[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int layout_text_width(const char *utf8)
{
    int width = 0;
    while (utf8 != NULL && *utf8) {
        wchar_t ch;
        utf8 += layout_utf8_decode(utf8, &ch);
        width += layout_char_width(ch);
    }
    return width;
}

static int rich_reserve(struct rich *r, size_t more)
{
    if (r->len + more <= r->cap)
        return 0;
    size_t cap = r->cap ? r->cap * 2 : 256;
    while (cap < r->len + more)
        cap *= 2;
    struct glyph *g = realloc(r->g, cap * sizeof(*g));
    if (g == NULL)
        return -1;
    r->g = g;
    r->cap = cap;
    return 0;
}

int rich_append_char(struct rich *r, wchar_t ch, struct ink ink)
{
    if (rich_reserve(r, 1) != 0)
        return -1;
    r->g[r->len].ch = ch;
    r->g[r->len].ink = ink;
    r->len++;
    return 0;
}

int rich_append(struct rich *r, const char *utf8, struct ink ink)
{
    while (utf8 != NULL && *utf8) {
        wchar_t ch;
        utf8 += layout_utf8_decode(utf8, &ch);
        if (ch == L'\r')
            continue;
        if (ch == L'\t')
            ch = L' ';
        if (rich_append_char(r, ch, ink) != 0)
            return -1;
    }
    return 0;
}

int rich_repeat(struct rich *r, wchar_t ch, int count, struct ink ink)
{
    for (int i = 0; i < count; i++)
        if (rich_append_char(r, ch, ink) != 0)
            return -1;
    return 0;
}

int rich_cell(struct rich *r, const char *text, int cols, struct ink ink)
{
    int used = 0, rc = 0;
    bool cut = layout_text_width(text) > cols - 1;
    for (const char *p = text; *p != '\0';) {
        wchar_t ch;
        p += layout_utf8_decode(p, &ch);
        int w = layout_char_width(ch);
        if (cut && used + w > cols - 2)
            break;
        rc |= rich_append_char(r, ch, ink);
        used += w;
    }
    if (cut) {
        rc |= rich_append_char(r, L'…', ink);
        used++;
    }
    if (cols > used)
        rc |= rich_repeat(r, L' ', cols - used, ink_plain());
    return rc;
}

void rich_free(struct rich *r)
{
    free(r->g);
    r->g = NULL;
    r->len = r->cap = 0;
}

static int emit_line(struct wrapped *out, const struct glyph *g, size_t start, size_t end)
{
    while (end > start && g[end - 1].ch == L' ')
        end--; /* trailing spaces take no room */
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        struct line_span *l = realloc(out->lines, cap * sizeof(*l));
        if (l == NULL)
            return -1;
        out->lines = l;
        out->cap = cap;
    }
    int width = 0;
    for (size_t i = start; i < end; i++)
        width += layout_char_width(g[i].ch);
    out->lines[out->count].start = start;
    out->lines[out->count].len = end - start;
    out->lines[out->count].width = width;
    out->count++;
    return 0;
}

int layout_wrap(const struct glyph *g, size_t n, int width, struct wrapped *out)
{
    size_t i = 0;
    if (width < 1)
        width = 1;
    while (i < n) {
        size_t j = i;
        size_t last_space = (size_t)-1;
        int used = 0;
        while (j < n && g[j].ch != L'\n') {
            int w = layout_char_width(g[j].ch);
            if (used + w > width)
                break;
            used += w;
            if (g[j].ch == L' ')
                last_space = j;
            j++;
        }
        if (j >= n || g[j].ch == L'\n') {
            if (emit_line(out, g, i, j) != 0)
                return -1;
            i = j + 1;
            continue;
        }
        /* The line is full: break after the last space, or cut a word too long to fit. */
        if (g[j].ch == L' ') {
            if (emit_line(out, g, i, j) != 0)
                return -1;
            i = j;
        } else if (last_space != (size_t)-1) {
            if (emit_line(out, g, i, last_space) != 0)
                return -1;
            i = last_space + 1;
        } else {
            if (j == i)
                j++; /* a wide character in a one-column line still moves forward */
            if (emit_line(out, g, i, j) != 0)
                return -1;
            i = j;
        }
        while (i < n && g[i].ch == L' ')
            i++;
    }
    return 0;
}

void wrapped_free(struct wrapped *w)
{
    free(w->lines);
    w->lines = NULL;
    w->count = w->cap = 0;
}

static void box_with(struct canvas *c, int y, int x, int h, int w, struct ink ink,
                     const wchar_t *parts)
{
    /* parts: top-left, horizontal, top-right, vertical, bottom-left, bottom-right */
    if (h < 2 || w < 2)
        return;
    canvas_put(c, y, x, parts[0], ink);
    canvas_fill(c, y, x + 1, w - 2, parts[1], ink);
    canvas_put(c, y, x + w - 1, parts[2], ink);
    for (int row = y + 1; row < y + h - 1; row++) {
        canvas_put(c, row, x, parts[3], ink);
        canvas_put(c, row, x + w - 1, parts[3], ink);
    }
    canvas_put(c, y + h - 1, x, parts[4], ink);
    canvas_fill(c, y + h - 1, x + 1, w - 2, parts[1], ink);
    canvas_put(c, y + h - 1, x + w - 1, parts[5], ink);
}

void layout_box(struct canvas *c, int y, int x, int h, int w, struct ink ink)
{
    box_with(c, y, x, h, w, ink, L"┌─┐│└┘");
}

void layout_double_box(struct canvas *c, int y, int x, int h, int w, struct ink ink)
{
    box_with(c, y, x, h, w, ink, L"╔═╗║╚╝");
}

int layout_center(struct canvas *c, int y, int x, int width, const char *utf8, struct ink ink)
{
    int tw = layout_text_width(utf8);
    int start = x + (tw < width ? (width - tw) / 2 : 0);
    canvas_text(c, y, start, utf8, ink);
    return start;
}

void layout_right(struct canvas *c, int y, int x_end, const char *utf8, struct ink ink)
{
    int start = x_end - layout_text_width(utf8);
    canvas_text(c, y, start < 0 ? 0 : start, utf8, ink);
}

void layout_upper(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    if (size == 0)
        return;
    for (; src != NULL && src[i] && i + 1 < size; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = '\0';
}

int layout_input(struct canvas *c, int y, int x, int width, const char *utf8, int back,
                 struct ink ink)
{
    const char *shown = utf8 != NULL ? utf8 : "";
    int total = layout_text_width(shown);
    back = back < 0 ? 0 : back > total ? total : back;
    /* The cursor needs its own column, so what is before it takes at most width - 1. */
    while (*shown && total - back >= width) {
        wchar_t ch;
        shown += layout_utf8_decode(shown, &ch);
        total = layout_text_width(shown);
    }
    if (width > 0)
        canvas_text_fit(c, y, x, shown, ink, width);
    c->cursor_y = y;
    c->cursor_x = x + total - back;
    return c->cursor_x;
}
