/*
 * history.h - the command line's history: Up/Down walk it, and it is kept between runs
 * in $XDG_STATE_HOME/scipnet/history (~/.local/state/scipnet/history), mode 0600.  A
 * line that mentions a password is never kept.
 */
#ifndef SCIPNET_CLIENT_HISTORY_H
#define SCIPNET_CLIENT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "client/input.h"

#define HISTORY_MAX 200 /* lines kept; older ones are forgotten */

struct history {
    char lines[HISTORY_MAX][INPUT_MAX];
    int count;             /* oldest first */
    int at;                /* while walking: the line shown; count when back at the new line */
    char draft[INPUT_MAX]; /* what was typed before walking away from it */
};

/* The file's path into buf; -1 when neither XDG_STATE_HOME nor HOME is set. */
int history_default_path(char *buf, size_t size);
/* Read the file (missing: empty).  Returns 0, or -1 when it exists but cannot be read. */
int history_load(struct history *h, const char *path);
/* Add a line run (not empty, not the previous one, no password, no control characters). */
bool history_add(struct history *h, const char *line);
/* Write the file (and its directory), replacing it.  Returns 0 or -1. */
int history_save(const struct history *h, const char *path);
/* Up (-1) or Down (+1) from what is in *in; true when *in changed. */
bool history_walk(struct history *h, struct input *in, int direction);
/* Back at the new line: the next walk starts from the newest. */
void history_reset(struct history *h);

#endif
