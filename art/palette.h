/*
 * palette.h - the colours a person reads: the Foundation's colours (sent by the server as
 * RGB) shown in a theme chosen for the terminal's background, with at least WCAG 4.5:1
 * contrast, and in 8 colours with attributes so the six levels and the classes stay apart.
 */
#ifndef SCIPNET_ART_PALETTE_H
#define SCIPNET_ART_PALETTE_H

#include <stdbool.h>
#include <stdint.h>

#include "art/colours.h"

enum art_theme {
    THEME_DARK,  /* light text on a dark background (the default) */
    THEME_LIGHT, /* dark text on a light background */
    THEME_MONO,  /* no colour: attributes only, as with NO_COLOR */
};

/* "dark", "light" or "mono"; returns 0, or -1 for anything else. */
int art_theme_parse(const char *name, enum art_theme *out);
/* The background a theme assumes: black or white. */
uint32_t art_theme_background(enum art_theme theme);
/* The RGB a Foundation colour is shown in: a readable one of the same hue family. */
uint32_t palette_display_rgb(uint32_t rgb, enum art_theme theme);

/* A terminal colour (-1: the default) and attributes (INK_*) to add. */
struct palette_ink {
    int colour;
    uint8_t attrs;
};

/* How rgb reaches a terminal in mode (never COLOUR_EXACT: that one uses the RGB itself). */
struct palette_ink palette_terminal(uint32_t rgb, enum art_theme theme, enum colour_mode mode);

/* WCAG 2 contrast ratio of two sRGB colours (1 to 21). */
double palette_contrast(uint32_t a, uint32_t b);
/* The RGB of an xterm-256 palette entry 16-255. */
uint32_t colours_xterm256_rgb(int index);

#endif
