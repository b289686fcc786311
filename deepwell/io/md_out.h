/*
 * md_out.h - markdown written out a piece at a time (internal to deepwell/io/): a
 * growing buffer with a size limit, the line prefix of quotes and lists, pending
 * breaks and spaces, and the page's own text escaped so it is never read as syntax.
 * scp_html.c walks a page and writes through it.
 */
#ifndef SCIPNET_DEEPWELL_IO_MD_OUT_H
#define SCIPNET_DEEPWELL_IO_MD_OUT_H

#include <stdbool.h>
#include <stddef.h>

#define MD_OUT_PREFIX_MAX 256

struct md_out {
    char *p;
    size_t len, cap, max; /* max: output larger than this is refused, not grown */
    bool failed;          /* out of memory or too large */
    bool too_deep;
    int depth;
    char prefix[MD_OUT_PREFIX_MAX]; /* written at each line start: "> ", list indents */
    size_t plen;
    /* the prefix of the last line written: a blank line keeps only what it shares
       with the next one */
    size_t last_plen;
    bool line_start;    /* nothing but (unwritten) prefix on the current line */
    int need_break;     /* before the next content: 1 newline, 2 blank line */
    bool pending_space; /* collapsed white space, written before the next content */
    bool fresh_item;    /* just after a list marker: no break before the item's text */
    bool in_cell;       /* a table cell: one line, breaks become spaces */
};

/* Appends n bytes as they are; sets failed (and stops writing) past max or out of memory. */
void md_put(struct md_out *o, const char *s, size_t n);
void md_puts(struct md_out *o, const char *s);
/* Writes the pending break and the line's prefix before content. */
void md_begin_content(struct md_out *o);
/* Before a '[' of ours: never right after the page's (escaped) '[', which would make "[[". */
void md_open_bracket(struct md_out *o);
/* Asks for a break before the next content: 1 a newline, 2 a blank line. */
void md_want_break(struct md_out *o, int kind);
/* Appends to the line prefix; false (and too_deep set) when it would not fit. */
bool md_push_prefix(struct md_out *o, const char *s);
/* The page's own text: white space collapsed, markdown syntax escaped. */
void md_text(struct md_out *o, const char *s);

#endif
