/*
 * document.h - a section's text (CommonMark with GFM tables and strikethrough, see
 * docs/markup.md) rendered to styled lines for a given width: headings, emphasis, lists,
 * quotes, boxed tables, code, rules and footnotes as numbered notes.  Cut passages keep
 * their "██████████ [LEVEL n REQUIRED]" look wherever they stand, and refs in the text
 * (SCP-049, SITE-19, ...) are found with foundation_ref_parse and returned as links.
 * No terminal code: the file view, batch mode and the tests all use it.
 */
#ifndef SCIPNET_ART_DOCUMENT_H
#define SCIPNET_ART_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "art/layout.h"
#include "art/model.h"

#define DOC_LINKS_MAX 4096 /* links kept per render; refs past this are plain text */
#define DOC_NOTES_MAX 99   /* footnotes per section; more definitions stay as text */
#define DOC_DEPTH_MAX 64   /* quotes and list items nested deeper are not indented further */

/* A ref in the rendered text: glyphs [start, end) of the rich it was appended to. */
struct doc_link {
    size_t start;
    size_t end;
    char ref[ART_REF_MAX]; /* canonical ("SCP-049-ARC") */
};

struct doc_links {
    struct doc_link *v;
    size_t count;
    size_t cap;
};

/*
 * Appends the parts (text and cut passages) rendered as lines to out: each line ends in
 * '\n' and is at most width columns.  Control characters in the text come out as visible
 * escapes (common/vis.h).  links (may be NULL) gets the refs found.  0, or -1 when out of
 * memory.
 */
int doc_render(const struct art_part *parts, size_t nparts, int width, struct rich *out,
               struct doc_links *links);
/*
 * The markdown source as the reader may see it: the text parts as sent, each cut passage
 * as "██████████ [LEVEL n REQUIRED]" (malloc'd; NULL when out of memory).
 */
char *doc_source(const struct art_part *parts, size_t nparts);
void doc_links_free(struct doc_links *l);
/* --raw (batch only, set once at start-up): text keeps its control characters, for a
 * script that needs the bytes (see vis_set_raw). */
void doc_set_raw(bool raw);

#endif
