/* md_out.c - markdown written out a piece at a time: breaks, prefixes, escapes. */
#include "deepwell/io/md_out.h"

#include <ctype.h>
#include <string.h>
#include <stdlib.h>

void md_put(struct md_out *c, const char *s, size_t n)
{
    if (c->failed)
        return;
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (c->len + n + 1 > cap)
            cap *= 2;
        char *p = cap > c->max ? NULL : realloc(c->p, cap);
        if (p == NULL) {
            c->failed = true;
            return;
        }
        c->p = p;
        c->cap = cap;
    }
    memcpy(c->p + c->len, s, n);
    c->len += n;
    c->p[c->len] = '\0';
}

void md_puts(struct md_out *c, const char *s)
{
    md_put(c, s, strlen(s));
}

void md_begin_content(struct md_out *c)
{
    if (c->in_cell) {
        if (c->need_break || c->pending_space)
            if (c->len > 0 && c->p[c->len - 1] != ' ')
                md_put(c, " ", 1);
        c->need_break = 0;
        c->pending_space = false;
        return;
    }
    if (c->fresh_item) {
        c->need_break = 0;
        c->fresh_item = false;
    }
    if (c->need_break && c->len > 0) {
        if (!c->line_start)
            md_put(c, "\n", 1);
        if (c->need_break == 2) {
            /* a blank line inside a quote keeps its '>'; entering one, not yet */
            size_t n = c->plen < c->last_plen ? c->plen : c->last_plen;
            while (n > 0 && c->prefix[n - 1] == ' ')
                n--;
            md_put(c, c->prefix, n);
            md_put(c, "\n", 1);
        }
        c->line_start = true;
        c->pending_space = false;
    }
    c->need_break = 0;
    if (c->line_start) {
        md_put(c, c->prefix, c->plen);
        c->last_plen = c->plen;
        c->line_start = false;
        c->pending_space = false;
    } else if (c->pending_space) {
        md_put(c, " ", 1);
    }
    c->pending_space = false;
}

void md_open_bracket(struct md_out *c)
{
    if (c->len > 0 && c->p[c->len - 1] == '[')
        md_put(c, " ", 1);
}

void md_want_break(struct md_out *c, int kind)
{
    if (c->need_break < kind)
        c->need_break = kind;
}

bool md_push_prefix(struct md_out *c, const char *s)
{
    size_t n = strlen(s);
    if (c->plen + n >= MD_OUT_PREFIX_MAX) {
        c->too_deep = true;
        return false;
    }
    memcpy(c->prefix + c->plen, s, n);
    c->plen += n;
    return true;
}

/* Bytes written as they are: not white space, not markdown syntax anywhere in a line. */
static bool plain_byte(unsigned char ch)
{
    return ch > ' ' && strchr("\\`*_[]<>~|&!", ch) == NULL;
}

void md_text(struct md_out *c, const char *s)
{
    for (const unsigned char *q = (const unsigned char *)s; *q != '\0' && !c->failed; q++) {
        if (isspace(*q)) {
            c->pending_space = true;
            continue;
        }
        bool at_start = c->need_break || c->line_start;
        if (!at_start && plain_byte(*q)) { /* the common case: a run of ordinary bytes */
            const unsigned char *end = q + 1;
            while (plain_byte(*end))
                end++;
            md_begin_content(c);
            md_put(c, (const char *)q, (size_t)(end - q));
            q = end - 1;
            continue;
        }
        md_begin_content(c);
        if (at_start && !c->in_cell && isdigit(*q)) {
            /* "1." or "1)" at a line's start would open a list */
            const unsigned char *d = q;
            while (isdigit(*d))
                d++;
            md_put(c, (const char *)q, (size_t)(d - q));
            if (*d == '.' || *d == ')')
                md_put(c, "\\", 1);
            q = d - 1;
            continue;
        }
        if (strchr("\\`*_[]<>~|&!", *q) != NULL || (at_start && strchr("#+-=:", *q) != NULL))
            md_put(c, "\\", 1);
        md_put(c, (const char *)q, 1);
    }
}
