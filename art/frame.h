/*
 * frame.h - what every screen shares: the top bar, the status or command line and
 * the help line of keys at the bottom.
 */
#ifndef SCIPNET_ART_FRAME_H
#define SCIPNET_ART_FRAME_H

#include <stdbool.h>

#include "art/canvas.h"

struct art_frame {
    const char *location; /* "SCP DATABASE", in the top bar */
    const char *user;     /* "researcher · Level 2 - Restricted", or NULL */
    struct ink user_ink;
    const char *keys;   /* the help line */
    const char *status; /* a message above the help line, or NULL */
    struct ink status_ink;
    const char *prompt; /* command-line prompt ("SCiPNET> "); NULL hides the line */
    const char *input;  /* what has been typed at the prompt */
    int input_back;     /* columns left of the input's end where its cursor is */
};

/* The rows and columns left for a screen's own content. */
struct art_area {
    int top;
    int left;
    int rows;
    int cols;
};

/* The smallest window every screen is laid out for; below it only art_too_small is drawn. */
#define ART_MIN_COLS 60
#define ART_MIN_ROWS 20

bool art_too_small(const struct canvas *c);
/* One clear line saying the window is too small, and how big it must be. */
void art_too_small_draw(struct canvas *c);

/* Clear the canvas, draw the frame and return the content area. */
struct art_area art_frame_draw(struct canvas *c, const struct art_frame *f);

#endif
