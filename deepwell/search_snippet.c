/*
 * search_snippet.c - the snippet of a search hit (search.h: dw_search_snippet).
 *
 * Words are split as FTS5's unicode61 tokenizer splits them, near enough for a
 * preview: letters and digits, any other character a separator, and the common
 * non-ASCII punctuation (dashes, quotes, ellipses, no-break spaces) a separator too.
 * Case is folded for ASCII only, so a word in another script is marked when it is
 * written as the reader typed it.
 */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "deepwell/search.h"

#define SNIPPET_WORDS  16
#define SNIPPET_BEFORE 3   /* words shown before the first marked one */
#define SNIPPET_BYTES  480 /* of text; op_search cuts the reply's shorter still */
static const char ELLIPSIS[] = "\xe2\x80\xa6";

/* The length of the character at s (len > 0 bytes left; a stray byte is one); *cp its code point.
 */
static size_t char_at(const unsigned char *s, size_t len, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    uint32_t v;
    size_t n = utf8_decode(s, len, &v);
    *cp = n > 0 ? v : s[0];
    return n > 0 ? n : 1;
}

static bool separator(unsigned cp)
{
    if (cp < 0x80)
        return !((cp | 0x20) - 'a' < 26 || cp - '0' < 10); /* isalnum, without the locale */
    return (cp >= 0xa0 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7 ||
           (cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff01 && cp <= 0xff0f);
}

/* The next word of text (len bytes) at or after *pos into [*start, *end); false at its end. */
static bool next_word(const char *text, size_t len, size_t *pos, size_t *start, size_t *end)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = *pos, n;
    unsigned cp;
    while (i < len && separator((n = char_at(t + i, len - i, &cp), cp)))
        i += n;
    if (i == len)
        return false;
    *start = i;
    while (i < len && !separator((n = char_at(t + i, len - i, &cp), cp)))
        i += n;
    *end = *pos = i;
    return true;
}

/* The query's words split as the text is; the last piece of a prefix word stays one. */
struct mark {
    const char *word;
    size_t len;
    bool prefix;
};

struct marks {
    struct mark m[DW_SEARCH_MARKS_MAX * 4];
    size_t count;
};

static void split_marks(const struct dw_search_parsed *parsed, struct marks *out)
{
    out->count = 0;
    for (int i = 0; i < parsed->nmarks; i++) {
        const char *w = parsed->marks[i].word;
        size_t pos = 0, start, end, first = out->count;
        while (out->count < sizeof(out->m) / sizeof(out->m[0]) &&
               next_word(w, strlen(w), &pos, &start, &end))
            out->m[out->count++] = (struct mark){w + start, end - start, false};
        if (parsed->marks[i].prefix && out->count > first)
            out->m[out->count - 1].prefix = true;
    }
}

static bool marked(const struct marks *marks, const char *word, size_t len)
{
    for (size_t i = 0; i < marks->count; i++) {
        size_t n = marks->m[i].len;
        if (n > len || (n < len && !marks->m[i].prefix))
            continue;
        size_t k = 0;
        while (k < n && tolower((unsigned char)word[k]) == (unsigned char)marks->m[i].word[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

/*
 * The snippet being written: never past SNIPPET_BYTES of text, cut between characters;
 * the stars and ellipses have room of their own (put_mark).
 */
struct out {
    char *buf;
    size_t len;
    bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full)
        return;
    if (o->len + n > SNIPPET_BYTES) {
        n = SNIPPET_BYTES - o->len;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        o->full = true;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void put_mark(struct out *o, const char *s)
{
    memcpy(o->buf + o->len, s, strlen(s));
    o->len += strlen(s);
}

/* What lies between two words, with each run of white space one space. */
static void put_between(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isspace((unsigned char)s[i])) {
            while (i + 1 < n && isspace((unsigned char)s[i + 1]))
                i++;
            put(o, " ", 1);
        } else {
            put(o, s + i, 1);
        }
    }
}

char *dw_search_snippet(const char *text, const struct dw_search_parsed *parsed)
{
    size_t len = strlen(text);
    struct marks marks;
    split_marks(parsed, &marks);
    /* Where to begin: SNIPPET_BEFORE words before the first marked one. */
    size_t ring[SNIPPET_BEFORE + 1] = {0}, pos = 0, start, end, words = 0, from = 0;
    bool found = false;
    while (!found && next_word(text, len, &pos, &start, &end)) {
        ring[words++ % (SNIPPET_BEFORE + 1)] = start;
        found = marked(&marks, text + start, end - start);
    }
    if (found)
        from = ring[words > SNIPPET_BEFORE ? words % (SNIPPET_BEFORE + 1) : 0];

    /* Up to SNIPPET_BYTES of text, 2 * 2 stars for each word, and two ellipses. */
    struct out o = {malloc(SNIPPET_BYTES + 4 * SNIPPET_WORDS + 2 * sizeof(ELLIPSIS)), 0, false};
    if (o.buf == NULL)
        return NULL;
    size_t first = 0, last;
    pos = 0;
    if (next_word(text, len, &pos, &first, &end) && from > first)
        put_mark(&o, ELLIPSIS);
    pos = from;
    last = from;
    size_t shown = 0;
    while (shown < SNIPPET_WORDS && !o.full && next_word(text, len, &pos, &start, &end)) {
        if (shown > 0)
            put_between(&o, text + last, start - last);
        bool hit = marked(&marks, text + start, end - start);
        if (hit)
            put_mark(&o, "**");
        put(&o, text + start, end - start);
        if (hit)
            put_mark(&o, "**");
        last = end;
        shown++;
    }
    if (o.full || next_word(text, len, &pos, &start, &end)) {
        put_mark(&o, ELLIPSIS);
    } else if (shown > 0) {
        /* The text's end: what follows its last word, but trailing white space. */
        size_t stop = len;
        while (stop > last && isspace((unsigned char)text[stop - 1]))
            stop--;
        put_between(&o, text + last, stop - last);
    }
    assert(o.len < SNIPPET_BYTES + 4 * SNIPPET_WORDS + 2 * sizeof(ELLIPSIS));
    o.buf[o.len] = '\0';
    return o.buf;
}
