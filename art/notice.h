/*
 * notice.h - a centred box with a title and a few lines: the shape of the ACCESS DENIED,
 * INSUFFICIENT CLEARANCE, DATA EXPUNGED and connection screens.  The same lines print
 * as plain text in batch mode.
 */
#ifndef SCIPNET_ART_NOTICE_H
#define SCIPNET_ART_NOTICE_H

#include <stddef.h>

#include "art/canvas.h"
#include "art/frame.h"

#define ART_NOTICE_LINES 12
#define ART_NOTICE_TEXT  512

struct art_notice_line {
    char text[ART_NOTICE_TEXT]; /* "" is a blank line */
    struct ink ink;
};

struct art_notice {
    char title[64];
    struct ink title_ink;
    struct ink border;
    size_t count;
    struct art_notice_line lines[ART_NOTICE_LINES];
};

void art_notice_init(struct art_notice *n, const char *title, struct ink title_ink,
                     struct ink border);
/* Add a line (printf-style); silently stops at ART_NOTICE_LINES. */
void art_notice_add(struct art_notice *n, struct ink ink, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Draw centred in the area; long lines wrap inside the box. */
void art_notice_draw(struct canvas *c, const struct art_area *a, const struct art_notice *n);
/* Title and lines, one per line, no escape codes (malloc'd). */
char *art_notice_plain(const struct art_notice *n);

#endif
