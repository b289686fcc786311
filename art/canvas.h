/*
 * canvas.h - a plain grid of character cells that every screen draws into.
 *
 * Screens never call ncurses: they fill a canvas, which art/paint.c copies to the
 * terminal and tests (and batch mode) read back as text.  That keeps layout testable.
 */
#ifndef SCIPNET_ART_CANVAS_H
#define SCIPNET_ART_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#define INK_BOLD    0x01u
#define INK_REVERSE 0x02u
#define INK_DIM     0x04u
#define INK_UNDER   0x08u
#define INK_ITALIC  0x10u /* emphasis in a document */
#define INK_STRIKE  0x20u /* struck-out text: curses has no strike, so it is dimmed */
/* Drawn by the layout (a list's indent, a table's border), not part of the text: not
 * counted when a resize looks for the same text again.  Not an attribute on screen. */
#define INK_DECOR 0x40u

/* How a cell looks: an optional foreground colour and attributes. */
struct ink {
    uint32_t rgb; /* 0xRRGGBB, used only when coloured */
    bool coloured;
    uint8_t attrs; /* INK_* */
};

/* One character with its ink.  In a canvas ch == 0 marks the right half of a wide char. */
struct glyph {
    wchar_t ch;
    struct ink ink;
};

struct canvas {
    int rows;
    int cols;
    struct glyph *cells;
    int cursor_y; /* where the terminal cursor goes; -1 hides it */
    int cursor_x;
};

struct ink ink_plain(void);
struct ink ink_attrs(uint8_t attrs);
/* Colour from "#RRGGBB"; an invalid or NULL string gives an uncoloured ink. */
struct ink ink_hex(const char *hex, uint8_t attrs);

int canvas_init(struct canvas *c, int rows, int cols);
void canvas_free(struct canvas *c);
/* Fill with spaces. */
void canvas_clear(struct canvas *c);

/* Put one character; returns the columns used (0 when it does not fit). */
int canvas_put(struct canvas *c, int y, int x, wchar_t ch, struct ink ink);
/* Put UTF-8 text clipped at the right edge; returns the columns written. */
int canvas_text(struct canvas *c, int y, int x, const char *utf8, struct ink ink);
/* Put glyphs, at most max_width columns; returns the columns written. */
int canvas_glyphs(struct canvas *c, int y, int x, const struct glyph *g, size_t n, int max_width);
/* As canvas_text and canvas_glyphs, within width columns (and the canvas): what does not fit
 * is cut and ends in '…', so a cut always shows.  Return the columns written. */
int canvas_text_fit(struct canvas *c, int y, int x, const char *utf8, struct ink ink, int width);
int canvas_glyphs_fit(struct canvas *c, int y, int x, const struct glyph *g, size_t n, int width);
/* Repeat ch over width columns. */
void canvas_fill(struct canvas *c, int y, int x, int width, wchar_t ch, struct ink ink);
/* Change the ink of width cells without touching their characters. */
void canvas_paint(struct canvas *c, int y, int x, int width, struct ink ink);

const struct glyph *canvas_at(const struct canvas *c, int y, int x);
/* Row y as UTF-8 without trailing spaces; returns the bytes written (always terminated). */
size_t canvas_row_utf8(const struct canvas *c, int y, char *buf, size_t size);
/* Every row, each ending in '\n' (malloc'd; NULL when out of memory). */
char *canvas_dump(const struct canvas *c);

#endif
