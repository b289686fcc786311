/*
 * colours.h - how the Foundation's colours reach a terminal: the exact colour where the
 * palette can be changed, else the nearest xterm-256 colour, else the nearest of the 8
 * basic colours, else none (NO_COLOR, monochrome).
 */
#ifndef SCIPNET_ART_COLOURS_H
#define SCIPNET_ART_COLOURS_H

#include <stdbool.h>
#include <stdint.h>

enum colour_mode {
    COLOUR_NONE,     /* NO_COLOR set or a monochrome terminal: attributes only */
    COLOUR_BASIC8,   /* the 8 ANSI colours */
    COLOUR_XTERM256, /* nearest of the 256-colour palette */
    COLOUR_EXACT,    /* init_color with the exact RGB */
};

/* Decide from what the terminal offers; no_color is true when NO_COLOR is set and non-empty. */
enum colour_mode colours_choose(bool has_colors, int ncolors, bool can_change, bool no_color);
/* Nearest xterm-256 index (16-255: the 6x6x6 cube and the grey ramp). */
int colours_xterm256(uint32_t rgb);
/* Nearest basic colour 0-7 (black, red, green, yellow, blue, magenta, cyan, white) by hue. */
int colours_basic8(uint32_t rgb);

#endif
