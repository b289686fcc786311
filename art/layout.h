/*
 * layout.h - pure text layout: display widths (wcwidth), rich text, word wrap,
 * boxes and centring on a canvas.
 */
#ifndef SCIPNET_ART_LAYOUT_H
#define SCIPNET_ART_LAYOUT_H

#include <stddef.h>

#include "art/canvas.h"

/* Columns a character takes: 0, 1 or 2 (unprintable characters count as 1). */
int layout_char_width(wchar_t ch);
/* Decode one UTF-8 character; returns bytes used (invalid bytes decode as U+FFFD, 1 byte). */
size_t layout_utf8_decode(const char *s, wchar_t *out);
/* Encode ch; returns bytes written (buf needs 4). */
size_t layout_utf8_encode(wchar_t ch, char *buf);
/* Display width of UTF-8 text. */
int layout_text_width(const char *utf8);

/* Text with an ink per character: what screens build before wrapping. */
struct rich {
    struct glyph *g;
    size_t len;
    size_t cap;
};

int rich_append(struct rich *r, const char *utf8, struct ink ink);
int rich_append_char(struct rich *r, wchar_t ch, struct ink ink);
int rich_repeat(struct rich *r, wchar_t ch, int count, struct ink ink);
/* A table cell: text in exactly cols columns, cut with '…' when wider (one column stays
   free), else padded with spaces. */
int rich_cell(struct rich *r, const char *text, int cols, struct ink ink);
void rich_free(struct rich *r);

/* One wrapped line: glyphs [start, start+len) taking width columns. */
struct line_span {
    size_t start;
    size_t len;
    int width;
};

struct wrapped {
    struct line_span *lines;
    size_t count;
    size_t cap;
};

/*
 * Word-wrap glyphs to width columns: '\n' ends a line, lines break after spaces,
 * words wider than a line are cut.  Returns 0 or -1 (out of memory).
 */
int layout_wrap(const struct glyph *g, size_t n, int width, struct wrapped *out);
void wrapped_free(struct wrapped *w);

/* Single-line box (┌─┐) or double-line box (╔═╗) of h rows and w columns. */
void layout_box(struct canvas *c, int y, int x, int h, int w, struct ink ink);
void layout_double_box(struct canvas *c, int y, int x, int h, int w, struct ink ink);
/* Centre text within columns [x, x+width); returns the column it starts at. */
int layout_center(struct canvas *c, int y, int x, int width, const char *utf8, struct ink ink);
/* Put text ending at column x_end (exclusive). */
void layout_right(struct canvas *c, int y, int x_end, const char *utf8, struct ink ink);
/*
 * A line being typed, in width columns from x: when it is longer, the start scrolls out of
 * view so the cursor (back columns left of the text's end) stays in; text cut on the right
 * ends in '…'.  Puts the canvas cursor there and returns its column.
 */
int layout_input(struct canvas *c, int y, int x, int width, const char *utf8, int back,
                 struct ink ink);
/* Copy the upper-cased ASCII of src into dst. */
void layout_upper(char *dst, size_t size, const char *src);

#endif
