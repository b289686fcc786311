/* doc_buf.c - the renderer's paragraph buffers: refs found in them, lines put out. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/doc_internal.h"
#include "common/foundation.h"

static bool ref_char(wchar_t ch)
{
    return (ch >= L'0' && ch <= L'9') || (ch >= L'A' && ch <= L'Z') || (ch >= L'a' && ch <= L'z') ||
           ch == L'-';
}

static int add_plink(struct doc_buf *b, size_t start, size_t len, const struct foundation_ref *ref)
{
    if (b->nlinks == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        struct doc_plink *v = realloc(b->links, cap * sizeof(*v));
        if (v == NULL)
            return -1;
        b->links = v;
        b->cap = cap;
    }
    struct doc_plink *l = &b->links[b->nlinks++];
    l->start = start;
    l->len = len;
    foundation_ref_format(ref, l->ref, sizeof(l->ref));
    return 0;
}

/*
 * A token of letters, digits and dashes is a ref when foundation_ref_parse says so; when
 * not, it is tried without its last "-part" ("SCP-049-ARC-B" holds SCP-049-ARC), so
 * "SCP-173-x" still links what it can.  The grammar itself is only the parser's.
 */
static int scan_token(struct doc_buf *b, size_t start, size_t len)
{
    char tok[40];
    if (len >= sizeof(tok))
        return 0;
    for (size_t i = 0; i < len; i++)
        tok[i] = (char)b->r.g[start + i].ch;
    tok[len] = '\0';
    while (len > 0) {
        struct foundation_ref ref;
        if (foundation_ref_parse(tok, &ref))
            return add_plink(b, start, len, &ref);
        char *dash = strrchr(tok, '-');
        if (dash == NULL)
            return 0;
        *dash = '\0';
        len = (size_t)(dash - tok);
    }
    return 0;
}

int doc_buf_scan(struct doc_buf *b)
{
    b->nlinks = b->next = 0;
    b->open = SIZE_MAX;
    size_t i = 0, n = b->r.len;
    while (i < n) {
        if (!ref_char(b->r.g[i].ch) || b->r.g[i].ch == L'-') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && ref_char(b->r.g[j].ch))
            j++;
        /* "x_SCP-1" or "é" before: a word that merely contains a ref-like part */
        bool word_before = i > 0 && (b->r.g[i - 1].ch == L'_' || b->r.g[i - 1].ch > 0x7f);
        if (!word_before && scan_token(b, i, j - i) != 0)
            return -1;
        i = j;
    }
    return 0;
}

void doc_buf_reset(struct doc_buf *b)
{
    b->r.len = 0;
    b->nlinks = b->next = 0;
    b->open = SIZE_MAX;
}

void doc_buf_free(struct doc_buf *b)
{
    rich_free(&b->r);
    free(b->links);
    memset(b, 0, sizeof(*b));
}

static int add_link(struct doc_links *l, size_t at, const char *ref)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct doc_link *v = realloc(l->v, cap * sizeof(*v));
        if (v == NULL)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    struct doc_link *k = &l->v[l->count++];
    k->start = at;
    k->end = at;
    snprintf(k->ref, sizeof(k->ref), "%s", ref);
    return 0;
}

/* Copies glyphs [from, from+n) of b to the output, glue made a space, links placed. */
int doc_put(struct doc_ctx *x, struct doc_buf *b, size_t from, size_t n)
{
    for (size_t i = from; i < from + n; i++) {
        const struct doc_plink *l = b->next < b->nlinks ? &b->links[b->next] : NULL;
        while (l != NULL && i >= l->start + l->len) { /* not copied (cut by a wrap) */
            b->next++;
            b->open = SIZE_MAX;
            l = b->next < b->nlinks ? &b->links[b->next] : NULL;
        }
        if (l != NULL && i == l->start && x->links != NULL && x->links->count < DOC_LINKS_MAX) {
            if (add_link(x->links, x->out->len, l->ref) != 0)
                return -1;
            b->open = x->links->count - 1;
        }
        struct glyph g = b->r.g[i];
        if (rich_append_char(x->out, g.ch == DOC_GLUE ? L' ' : g.ch, g.ink) != 0)
            return -1;
        /* A ref cut by a wrap (a narrow table column) is marked in its first piece only,
         * so the mark never covers what lies between its pieces. */
        if (b->open != SIZE_MAX && x->links->v[b->open].end == x->out->len - 1)
            x->links->v[b->open].end = x->out->len;
        if (l != NULL && i + 1 == l->start + l->len) {
            b->next++;
            b->open = SIZE_MAX;
        }
    }
    return 0;
}

static int seg_width(const wchar_t *s)
{
    int w = 0;
    for (; *s; s++)
        w += layout_char_width(*s);
    return w;
}

int doc_prefix_width(const struct doc_ctx *x)
{
    int w = 0;
    for (int i = 0; i < x->nsegs; i++)
        w += seg_width(x->segs[i].rest);
    return w;
}

static int put_prefix(struct doc_ctx *x, bool blank)
{
    for (int i = 0; i < x->nsegs; i++) {
        struct doc_seg *s = &x->segs[i];
        const wchar_t *p = s->used || blank ? s->rest : s->first;
        struct ink ink = s->ink;
        ink.attrs |= INK_DECOR;
        if (!blank)
            s->used = true;
        for (; *p; p++)
            if (rich_append_char(x->out, *p, ink) != 0)
                return -1;
    }
    if (blank) /* a blank line keeps its quote bars, not its indent */
        while (x->out->len > 0 && x->out->g[x->out->len - 1].ch == L' ')
            x->out->len--;
    return 0;
}

/* The blank line owed between blocks, if one is. */
int doc_gap(struct doc_ctx *x)
{
    if (x->gap && x->any) {
        if (put_prefix(x, true) != 0 || rich_append_char(x->out, L'\n', ink_plain()) != 0)
            return -1;
    }
    x->gap = false;
    return 0;
}

/* Starts an output line: the blank line owed, then the prefixes. */
int doc_line_begin(struct doc_ctx *x)
{
    if (doc_gap(x) != 0)
        return -1;
    x->any = true;
    return put_prefix(x, false);
}

int doc_line_end(struct doc_ctx *x)
{
    return rich_append_char(x->out, L'\n', ink_plain());
}
