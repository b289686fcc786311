/* search.h - full-text search hits: each a heading and its snippet, matched words bold. */
#ifndef SCIPNET_ART_SEARCH_H
#define SCIPNET_ART_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "art/canvas.h"
#include "art/frame.h"
#include "art/model.h"

struct art_search_hit {
    const char *ref, *title; /* title "" when withheld */
    const struct art_level *classification;
    const char *snippet; /* matched words between "**" */
};

struct art_search {
    const char *query;
    int query_back; /* columns left of the query's end where its cursor is, while typing */
    bool typing;    /* the query line is being edited */
    long total, offset;
    const struct art_search_hit *hits;
    size_t count;
    int selected;
    const char *message; /* an error from the last request, or NULL */
};

/* How many hits (two rows each) fit on one page of a screen with this many rows. */
int art_search_page_rows(int screen_rows);
void art_search(struct canvas *c, const struct art_frame *f, const struct art_search *s);

#endif
