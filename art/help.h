/* help.h - keys and commands. */
#ifndef SCIPNET_ART_HELP_H
#define SCIPNET_ART_HELP_H

#include "art/canvas.h"
#include "art/frame.h"

/* The widest help line, in columns (it must fit 80 with a margin). */
int art_help_widest(void);
/* How many lines the help has. */
int art_help_count(void);
/* Draw from line scroll (at most the last page); returns how many lines a page shows. */
int art_help(struct canvas *c, const struct art_frame *f, int scroll);

#endif
