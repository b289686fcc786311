/*
 * markup.h - classified passages inside section text (see docs/markup.md).
 *
 * "Before [[LEVEL 4]]secret[[/LEVEL]] after" parses into three segments that point
 * into the original text, with the marker bytes left out: "Before " (level 0 = the
 * section's own level), "secret" (level 4) and " after" (level 0).  A passage's
 * level is the highest of its own marker and every enclosing one.  Anything
 * malformed is cut at level 6 from the bad marker to the end, so a typo in the
 * markup can never leak a passage.
 */
#ifndef SCIPNET_MARKUP_H
#define SCIPNET_MARKUP_H

#include <stddef.h>

#define MARKUP_LEVEL_MAX 6
#define MARKUP_MAX_DEPTH 16

struct markup_segment {
    size_t offset; /* into the parsed text */
    size_t length;
    int level; /* 0 = unmarked, else 1..6 */
};

struct markup_doc {
    struct markup_segment *segments;
    size_t count;
    int malformed; /* 1 when a marker was malformed or unterminated */
};

/* 0 on success, -1 when out of memory.  Free with markup_free. */
int markup_parse(const char *text, size_t length, struct markup_doc *out);
void markup_free(struct markup_doc *doc);

/*
 * The highest level any passage of text needs (0 when nothing is marked; 6 when the
 * markup is malformed, as that is how it is cut); -1 when out of memory.
 */
int markup_max_level(const char *text, size_t length);

#endif
