/* paint.c - a canvas onto the terminal through ncursesw. */
#define NCURSES_WIDECHAR 1
#include "art/paint.h"

#include <curses.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "art/glyphs.h"

#define PAIR_CACHE 64

static enum colour_mode mode = COLOUR_NONE;
static enum art_theme theme = THEME_DARK;
static bool ascii; /* the locale cannot carry box drawing: draw ASCII stand-ins */

/* rgb -> colour pair (and the attributes the palette adds), filled on first use. */
static struct {
    uint32_t rgb;
    short pair;
    uint8_t attrs;
} pairs[PAIR_CACHE];
static int npairs;
static short next_exact_colour;

/* tmux and screen accept init_color but do not pass palette changes on to the terminal:
 * there the nearest xterm-256 colour is the exact colour that is really possible. */
static bool palette_really_changes(void)
{
    const char *term = getenv("TERM");
    if (getenv("TMUX") != NULL || getenv("STY") != NULL)
        return false;
    return term == NULL || (strncmp(term, "screen", 6) != 0 && strncmp(term, "tmux", 4) != 0);
}

enum colour_mode paint_init(enum art_theme chosen)
{
    const char *no_color = getenv("NO_COLOR");
    bool has = has_colors() && chosen != THEME_MONO;
    theme = chosen;
    ascii = !art_charset_unicode(nl_langinfo(CODESET));
    if (has && (no_color == NULL || no_color[0] == '\0'))
        start_color();
    mode =
        colours_choose(has, has ? COLORS : 0, has && can_change_color() && palette_really_changes(),
                       no_color != NULL && no_color[0] != '\0');
    if (mode != COLOUR_NONE)
        use_default_colors();
    npairs = 0;
    next_exact_colour = (short)(COLORS > 256 ? 255 : COLORS - 1);
    return mode;
}

static short colour_for(uint32_t rgb, uint8_t *attrs)
{
    struct palette_ink p;
    switch (mode) {
    case COLOUR_EXACT:
        rgb = palette_display_rgb(rgb, theme);
        /* Borrow palette entries from the top, away from the 16 the terminal's text uses. */
        if (next_exact_colour > 16) {
            short n = next_exact_colour--;
            init_color(n, (short)((rgb >> 16 & 0xFF) * 1000 / 255),
                       (short)((rgb >> 8 & 0xFF) * 1000 / 255), (short)((rgb & 0xFF) * 1000 / 255));
            return n;
        }
        return (short)colours_xterm256(rgb);
    case COLOUR_XTERM256:
    case COLOUR_BASIC8:
        p = palette_terminal(rgb, theme, mode);
        *attrs = p.attrs;
        return (short)p.colour;
    case COLOUR_NONE:
        break;
    }
    return -1;
}

static short pair_for(uint32_t rgb, uint8_t *attrs)
{
    for (int i = 0; i < npairs; i++) {
        if (pairs[i].rgb == rgb) {
            *attrs |= pairs[i].attrs;
            return pairs[i].pair;
        }
    }
    if (npairs >= PAIR_CACHE || npairs + 1 >= COLOR_PAIRS)
        return 0;
    uint8_t extra = 0;
    short colour = colour_for(rgb, &extra);
    short pair = (short)(npairs + 1);
    if (init_pair(pair, colour, -1) == ERR)
        return 0;
    pairs[npairs].rgb = rgb;
    pairs[npairs].pair = pair;
    pairs[npairs].attrs = extra;
    npairs++;
    *attrs |= extra;
    return pair;
}

static attr_t attrs_of(struct ink ink)
{
    attr_t a = A_NORMAL;
    if (ink.attrs & INK_BOLD)
        a |= A_BOLD;
    if (ink.attrs & INK_REVERSE)
        a |= A_REVERSE;
    if (ink.attrs & INK_DIM)
        a |= A_DIM;
    if (ink.attrs & INK_UNDER)
        a |= A_UNDERLINE;
    if (ink.attrs & INK_ITALIC)
        a |= A_ITALIC;
    if (ink.attrs & INK_STRIKE)
        a |= A_DIM;
    /* Without colour, coloured text is made bold so it still stands out. */
    if (mode == COLOUR_NONE && ink.coloured)
        a |= A_BOLD;
    return a;
}

void paint_canvas(const struct canvas *c)
{
    int rows = c->rows < LINES ? c->rows : LINES;
    int cols = c->cols < COLS ? c->cols : COLS;
    for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
            const struct glyph *g = canvas_at(c, y, x);
            struct ink ink = g->ink;
            wchar_t wch[2] = {g->ch, 0};
            if (g->ch == 0 && !ascii)
                continue; /* the right half of a wide character */
            if (ascii)    /* a wide character's right half becomes '?' too */
                wch[0] = art_ascii_glyph(g->ch == 0 ? L'?' : g->ch, &ink.attrs);
            cchar_t cc;
            short pair = (mode != COLOUR_NONE && ink.coloured) ? pair_for(ink.rgb, &ink.attrs) : 0;
            if (setcchar(&cc, wch, attrs_of(ink), pair, NULL) == OK)
                mvadd_wch(y, x, &cc);
        }
    }
    if (c->cursor_y >= 0 && c->cursor_y < rows && c->cursor_x < cols) {
        curs_set(1);
        move(c->cursor_y, c->cursor_x);
    } else {
        curs_set(0);
        move(rows - 1, 0);
    }
    refresh();
}

void paint_finish(void)
{
    npairs = 0;
}
