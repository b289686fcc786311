/*
 * paint.h - copy a canvas to the terminal with ncursesw, mapping inks to colour pairs
 * (art/colours.h decides how exact the colours can be).
 */
#ifndef SCIPNET_ART_PAINT_H
#define SCIPNET_ART_PAINT_H

#include "art/canvas.h"
#include "art/colours.h"
#include "art/palette.h"

/* After initscr() and setlocale(): set up colours for theme, and ASCII stand-ins when the
 * locale cannot carry Unicode.  Returns the colour mode chosen. */
enum colour_mode paint_init(enum art_theme theme);
/* Draw every cell, place the cursor and refresh. */
void paint_canvas(const struct canvas *c);
/* Before endwin(): restore any palette entries init_color changed. */
void paint_finish(void);

#endif
