/* doc_internal.h - shared by the document renderer's modules (art/doc_*.c, document.c). */
#ifndef SCIPNET_ART_DOC_INTERNAL_H
#define SCIPNET_ART_DOC_INTERNAL_H

#include <md4c.h>
#include <stdbool.h>

#include "art/document.h"

/* Holds a cut passage together when lines wrap; drawn as a space. */
#define DOC_GLUE L'\u00A0'
/* Private-use code points standing for a cut passage (+ part index) or a footnote
 * reference (+ number) in the source given to md4c; the text's own are replaced. */
#define DOC_CUT_BASE  0xF0000
#define DOC_NOTE_BASE 0xF8000
#define DOC_PUA_FIRST 0xF0000

/* A ref found in a buffer, by glyph index. */
struct doc_plink {
    size_t start;
    size_t len;
    char ref[ART_REF_MAX];
};

/* Inline text of one paragraph or table cell, before it is wrapped. */
struct doc_buf {
    struct rich r;
    struct doc_plink *links;
    size_t nlinks, cap;
    size_t next; /* the next link to place in the output */
    size_t open; /* the output link being placed, or SIZE_MAX */
};

/* The source given to md4c and the footnotes taken out of it. */
struct doc_note {
    char label[33];
    char *text;
    int number; /* 1.., in the order of first reference */
};

struct doc_src {
    char *text;
    size_t len;
    struct doc_note notes[DOC_NOTES_MAX];
    int nnotes;
};

/* A prefix that containers (quotes, list items, code) put before each line. */
struct doc_seg {
    wchar_t first[16]; /* on the first line of a list item */
    wchar_t rest[16];
    struct ink ink;
    bool used; /* the first line was put */
};

struct doc_cell {
    struct doc_buf b;
    int row, col;
    bool head;
    MD_ALIGN align;
};

struct doc_table {
    struct doc_cell *cells;
    size_t n, cap;
    int rows, cols;
};

struct doc_ctx {
    const struct art_part *parts;
    size_t nparts;
    int width;
    struct rich *out;
    struct doc_links *links;
    struct doc_seg segs[DOC_DEPTH_MAX];
    int nsegs, segs_over; /* segs_over: containers past DOC_DEPTH_MAX */
    struct {
        bool ordered;
        unsigned next;
    } lists[DOC_DEPTH_MAX];
    int nlists, lists_over;
    struct doc_buf para;
    struct doc_buf *cur; /* &para, or the table cell being filled */
    int bold, em, del, code, link, heading;
    bool gap; /* a blank line goes before the next line */
    bool any; /* a line was put */
    bool in_table;
    struct doc_table table;
    int err;
};

/* doc_source.c */
int doc_src_build(const struct art_part *parts, size_t nparts, struct doc_src *s);
void doc_src_free(struct doc_src *s);
/* doc_buf.c */
int doc_buf_scan(struct doc_buf *b);
void doc_buf_reset(struct doc_buf *b);
void doc_buf_free(struct doc_buf *b);
int doc_put(struct doc_ctx *x, struct doc_buf *b, size_t from, size_t n);
int doc_prefix_width(const struct doc_ctx *x);
int doc_gap(struct doc_ctx *x);
int doc_line_begin(struct doc_ctx *x);
int doc_line_end(struct doc_ctx *x);
/* doc_table.c */
int doc_table_cell(struct doc_ctx *x, bool head, MD_ALIGN align, int row, int col);
int doc_table_emit(struct doc_ctx *x);
void doc_table_free(struct doc_table *t);

#endif
