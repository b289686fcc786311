/* markup.c - split section text into passages by clearance level. */
#include "common/markup.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int push_segment(struct markup_doc *doc, size_t *cap, size_t offset, size_t length,
                        int level)
{
    if (length == 0)
        return 0;
    if (doc->count > 0) {
        struct markup_segment *last = &doc->segments[doc->count - 1];
        /* Marker removal joins neighbours of one level into one passage. */
        if (last->level == level && last->offset + last->length == offset) {
            last->length += length;
            return 0;
        }
    }
    if (doc->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        struct markup_segment *grown = realloc(doc->segments, ncap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        doc->segments = grown;
        *cap = ncap;
    }
    doc->segments[doc->count++] = (struct markup_segment){offset, length, level};
    return 0;
}

/*
 * Looks like an attempt at a marker: "[[" then "LEVEL" or "/LEVEL", any case.  Text
 * that ends inside such a start ("...[[LEV", as a truncated field may) counts too.
 */
static int marker_attempt(const char *p, size_t left)
{
    if (left < 2 || p[0] != '[' || p[1] != '[')
        return 0;
    p += 2;
    left -= 2;
    if (left > 0 && *p == '/') {
        p++;
        left--;
    }
    if (left < 5)
        return strncasecmp(p, "LEVEL", left) == 0;
    return strncasecmp(p, "LEVEL", 5) == 0;
}

/* "[[LEVEL N]]" with N in 1..6, exactly; returns its length or 0. */
static size_t open_marker(const char *p, size_t left, int *level)
{
    static const char head[] = "[[LEVEL ";
    size_t hl = sizeof(head) - 1;
    if (left < hl + 3 || memcmp(p, head, hl) != 0)
        return 0;
    char d = p[hl];
    if (d < '1' || d > '0' + MARKUP_LEVEL_MAX || p[hl + 1] != ']' || p[hl + 2] != ']')
        return 0;
    *level = d - '0';
    return hl + 3;
}

static size_t close_marker(const char *p, size_t left)
{
    static const char tag[] = "[[/LEVEL]]";
    size_t tl = sizeof(tag) - 1;
    return left >= tl && memcmp(p, tag, tl) == 0 ? tl : 0;
}

/* Length of a marker-like token at p ("[[", "/"?, "LEVEL", spaces, digits, "]]"?). */
static size_t marker_token_length(const char *p, size_t left)
{
    size_t n = 2;
    if (n < left && p[n] == '/')
        n++;
    n += left - n < 5 ? left - n : 5; /* LEVEL (or what is left of it), see marker_attempt */
    while (n < left && (p[n] == ' ' || (p[n] >= '0' && p[n] <= '9')))
        n++;
    for (int i = 0; i < 2 && n < left && p[n] == ']'; i++)
        n++;
    return n;
}

/*
 * Cuts text[from..length) at level 6.  Marker-like tokens inside are left out, so
 * even a level-6 reader never receives markup.
 */
static int push_cut_tail(struct markup_doc *doc, size_t *cap, const char *text, size_t from,
                         size_t length)
{
    size_t run = from, i = from;
    while (i < length) {
        if (!marker_attempt(text + i, length - i)) {
            i++;
            continue;
        }
        if (push_segment(doc, cap, run, i - run, MARKUP_LEVEL_MAX) < 0)
            return -1;
        i += marker_token_length(text + i, length - i);
        run = i;
    }
    return push_segment(doc, cap, run, length - run, MARKUP_LEVEL_MAX);
}

int markup_parse(const char *text, size_t length, struct markup_doc *out)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0, run = 0, i = 0;
    int stack[MARKUP_MAX_DEPTH + 1];
    size_t open_at[MARKUP_MAX_DEPTH + 1];
    size_t depth = 0;
    stack[0] = 0;

    while (i < length) {
        if (!marker_attempt(text + i, length - i)) {
            i++;
            continue;
        }
        if (push_segment(out, &cap, run, i - run, stack[depth]) < 0)
            goto oom;
        int level = 0;
        size_t n = open_marker(text + i, length - i, &level);
        if (n > 0 && depth < MARKUP_MAX_DEPTH) {
            depth++;
            stack[depth] = level > stack[depth - 1] ? level : stack[depth - 1];
            open_at[depth] = i;
            i += n;
            run = i;
            continue;
        }
        n = close_marker(text + i, length - i);
        if (n > 0 && depth > 0) {
            depth--;
            i += n;
            run = i;
            continue;
        }
        /*
         * Malformed marker, too deep, or a close without an open.  For a stray
         * close we cannot tell where the passage began, so the whole section goes.
         */
        out->malformed = 1;
        if (n > 0) {
            out->count = 0;
            run = 0;
        } else {
            run = i;
        }
        if (push_cut_tail(out, &cap, text, run, length) < 0)
            goto oom;
        return 0;
    }
    if (depth > 0) {
        /* Unterminated: cut from the outermost open marker still pending. */
        out->malformed = 1;
        size_t from = open_at[1];
        while (out->count > 0 && out->segments[out->count - 1].offset >= from)
            out->count--;
        if (out->count > 0) {
            struct markup_segment *last = &out->segments[out->count - 1];
            if (last->offset + last->length > from)
                last->length = from - last->offset;
        }
        if (push_cut_tail(out, &cap, text, from, length) < 0)
            goto oom;
        return 0;
    }
    if (push_segment(out, &cap, run, length - run, stack[0]) < 0)
        goto oom;
    return 0;
oom:
    markup_free(out);
    return -1;
}

void markup_free(struct markup_doc *doc)
{
    free(doc->segments);
    doc->segments = NULL;
    doc->count = 0;
}

int markup_max_level(const char *text, size_t length)
{
    struct markup_doc doc;
    if (markup_parse(text, length, &doc) != 0)
        return -1;
    int highest = doc.malformed ? MARKUP_LEVEL_MAX : 0;
    for (size_t i = 0; i < doc.count; i++)
        if (doc.segments[i].level > highest)
            highest = doc.segments[i].level;
    markup_free(&doc);
    return highest;
}
