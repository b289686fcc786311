/* help.h - keys and commands. */
#ifndef SCIPNET_ART_HELP_H
#define SCIPNET_ART_HELP_H

#include "art/canvas.h"
#include "art/frame.h"

/* The widest help line, in columns (it must fit 80 with a margin). */
int art_help_widest(void);
/* How many lines the help has (before wrapping). */
int art_help_count(void);
/*
 * Draw from row scroll (at most the last page), lines too long for the frame wrapped under
 * their description; returns how many rows a page shows, *rows (NULL: not wanted) how many
 * rows the wrapped help has in all.
 */
int art_help(struct canvas *c, const struct art_frame *f, int scroll, int *rows);

#endif
