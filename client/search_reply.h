/*
 * search_reply.h - a "search" reply as the client holds it (docs/protocol.md),
 * bounded whatever the server sends; used by batch mode and the search screen.
 */
#ifndef SCIPNET_CLIENT_SEARCH_REPLY_H
#define SCIPNET_CLIENT_SEARCH_REPLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "art/model.h"

#define SEARCH_PAGE_MAX    50  /* the most hits one reply may hold (the server's limit) */
#define SEARCH_SNIPPET_MAX 400 /* longer snippets are cut */

struct search_hit {
    char ref[32];
    char title[256]; /* "" when the reader may not see it */
    struct art_level classification;
    char snippet[SEARCH_SNIPPET_MAX]; /* matched words between "**" */
    double score;
};

struct search_page {
    long total, offset;
    size_t count;
    struct search_hit hits[SEARCH_PAGE_MAX];
};

/* 0, or -1 when the reply is not a search page (too many hits, bad total). */
int search_parse(const json_t *root, struct search_page *out);

/* A hit's first line: "SCP-173  The Sculpture  [Level 2 - Restricted]". */
void search_hit_heading(const struct search_hit *hit, char *buf, size_t size);
/* Its snippet on one line (line breaks become spaces). */
void search_hit_snippet_line(const struct search_hit *hit, char *buf, size_t size);

#endif
