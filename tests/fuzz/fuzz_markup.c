/*
 * fuzz_markup.c - classified-passage markup (common/markup.c) and the server's
 * redaction (server/redact.c) against an independent model of docs/markup.md.
 *
 * Input: byte 0 picks the section level (1..6) and byte 1 the field kind; the rest
 * is section text.  For the text the target works out, with its own small parser
 * written from docs/markup.md (not from markup.c), the level every byte needs, or
 * that the byte belongs to a marker and is never shown.  Then for every reader
 * level 1..6 it checks:
 *
 *   - markup_parse covers exactly the non-marker bytes, in order, at those levels;
 *   - redact_section / redact_section_cleared send exactly the bytes the reader may
 *     read, each cut as one {"redacted","needed_clearance"} part needing the
 *     highest level of the bytes it hides, with nothing else in the part; a section
 *     above the reader carries no title, text or parts;
 *   - redact_string / redact_string_cleared give the readable bytes with each cut
 *     replaced by "[REDACTED]".
 *
 * THE INVARIANT: no byte that needs a level above the reader's appears in what
 * the reader is sent.  Any difference from the model aborts (a leak says so).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/markup.h"
#include "server/clearance.h"
#include "server/redact.h"
#include "server/utf8.h"

#define MARK (-1) /* a byte of a well-formed marker: never shown to anyone */

static void die(const char *what, const char *text, size_t len, int reader)
{
    fprintf(stderr, "fuzz_markup: %s (reader level %d)\ntext (%zu bytes): ", what, reader, len);
    fwrite(text, 1, len, stderr);
    fputc('\n', stderr);
    abort();
}

/* ---- the model: docs/markup.md, byte by byte --------------------------------------- */

static int starts(const char *p, size_t left, const char *word)
{
    size_t n = strlen(word);
    return left >= n && memcmp(p, word, n) == 0;
}

/*
 * "[[LEVEL" or "[[/LEVEL" in any case starts a marker, and so does text that ends
 * part-way through one ("...[[LEV", "...[[", as a field cut to length may).
 */
static int marker_like(const char *p, size_t left)
{
    if (left < 2 || p[0] != '[' || p[1] != '[')
        return 0;
    size_t k = 2;
    if (k < left && p[k] == '/')
        k++;
    size_t rest = left - k < 5 ? left - k : 5;
    return strncasecmp(p + k, "LEVEL", rest) == 0;
}

/*
 * The bytes of a marker-like token in a cut tail: "[[", "/"?, LEVEL (or what is
 * left of it), spaces and digits, up to two "]".  docs/markup.md says only that a
 * level-6 reader sees the cut text "with the markers removed"; this grammar is the
 * one common/markup.c uses for that.
 */
static size_t token_length(const char *p, size_t left)
{
    size_t n = 2;
    if (n < left && p[n] == '/')
        n++;
    n += left - n < 5 ? left - n : 5;
    while (n < left && (p[n] == ' ' || (p[n] >= '0' && p[n] <= '9')))
        n++;
    for (int i = 0; i < 2 && n < left && p[n] == ']'; i++)
        n++;
    return n;
}

/* From `from` to the end: level 6, with marker-like tokens left out. */
static void cut_tail(const char *t, size_t len, size_t from, int *need)
{
    size_t k = from;
    while (k < len) {
        if (marker_like(t + k, len - k)) {
            size_t n = token_length(t + k, len - k);
            for (size_t j = 0; j < n; j++)
                need[k + j] = MARK;
            k += n;
        } else {
            need[k++] = MARKUP_LEVEL_MAX;
        }
    }
}

/*
 * Fills need[0..len) with the level each byte needs from its markers alone (0 =
 * unmarked) or MARK.  Returns 1 when the text is malformed (something was cut at 6).
 */
static int model(const char *t, size_t len, int *need)
{
    int levels[MARKUP_MAX_DEPTH + 1];
    size_t opened_at[MARKUP_MAX_DEPTH + 1];
    size_t depth = 0;
    levels[0] = 0;
    size_t i = 0;
    while (i < len) {
        if (!marker_like(t + i, len - i)) {
            need[i++] = levels[depth];
            continue;
        }
        /* "[[LEVEL N]]": capitals, one space, one digit 1-6, two brackets. */
        if (starts(t + i, len - i, "[[LEVEL ") && len - i >= 11 && t[i + 8] >= '1' &&
            t[i + 8] <= '6' && t[i + 9] == ']' && t[i + 10] == ']') {
            if (depth == MARKUP_MAX_DEPTH) {
                cut_tail(t, len, i, need); /* nesting deeper than 16 */
                return 1;
            }
            int lv = t[i + 8] - '0';
            depth++;
            levels[depth] = lv > levels[depth - 1] ? lv : levels[depth - 1];
            opened_at[depth] = i;
            for (int k = 0; k < 11; k++)
                need[i++] = MARK;
            continue;
        }
        if (starts(t + i, len - i, "[[/LEVEL]]")) {
            if (depth == 0) {
                cut_tail(t, len, 0, need); /* a close with no open: the whole section */
                return 1;
            }
            depth--;
            for (int k = 0; k < 10; k++)
                need[i++] = MARK;
            continue;
        }
        cut_tail(t, len, i, need); /* a malformed marker: from it to the end */
        return 1;
    }
    if (depth > 0) {
        /* Unterminated: from the outermost open marker still pending to the end. */
        cut_tail(t, len, opened_at[1], need);
        return 1;
    }
    return 0;
}

/* ---- checks ------------------------------------------------------------------------ */

static void check_parse(const char *t, size_t len, const int *need, int malformed)
{
    struct markup_doc doc;
    if (markup_parse(t, len, &doc) != 0)
        die("markup_parse failed", t, len, 0);
    if (doc.malformed != malformed)
        die(malformed ? "malformed text not flagged" : "well-formed text flagged malformed", t, len,
            0);
    size_t covered = 0;
    size_t next = 0; /* segments are in order and do not overlap */
    for (size_t s = 0; s < doc.count; s++) {
        const struct markup_segment *seg = &doc.segments[s];
        if (seg->length == 0 || seg->offset < next || seg->offset > len ||
            seg->length > len - seg->offset)
            die("segment empty, out of order or out of bounds", t, len, 0);
        if (seg->level < 0 || seg->level > MARKUP_LEVEL_MAX)
            die("segment level out of range", t, len, 0);
        for (size_t k = seg->offset; k < seg->offset + seg->length; k++) {
            if (need[k] == MARK)
                die("a marker byte is inside a segment", t, len, 0);
            if (need[k] != seg->level)
                die(need[k] > seg->level ? "LEAK: segment level below what a byte needs"
                                         : "segment level above what a byte needs",
                    t, len, 0);
        }
        covered += seg->length;
        next = seg->offset + seg->length;
    }
    size_t want = 0;
    for (size_t k = 0; k < len; k++)
        want += need[k] != MARK;
    if (covered != want)
        die("segments do not cover every non-marker byte", t, len, 0);
    markup_free(&doc);
}

/* What a reader should get: runs of readable bytes and of cut bytes (markers skipped). */
struct run {
    int cut;     /* 0 = text, else the level the cut needs */
    size_t from; /* index into out */
    size_t len;
};

struct expect {
    char *text; /* readable bytes in order */
    size_t text_len;
    struct run *runs;
    size_t nruns;
};

static void expect_build(const char *t, size_t len, const int *need, int base, int reader,
                         struct expect *e)
{
    e->text = malloc(len + 1);
    e->runs = malloc((len + 1) * sizeof(*e->runs));
    e->text_len = 0;
    e->nruns = 0;
    for (size_t k = 0; k < len; k++) {
        if (need[k] == MARK)
            continue;
        int lv = need[k] > base ? need[k] : base;
        int cut = lv > reader ? lv : 0;
        struct run *last = e->nruns ? &e->runs[e->nruns - 1] : NULL;
        if (last == NULL || (last->cut == 0) != (cut == 0)) {
            e->runs[e->nruns++] = (struct run){cut, e->text_len, 0};
            last = &e->runs[e->nruns - 1];
        }
        if (cut) {
            if (cut > last->cut)
                last->cut = cut;
        } else {
            e->text[e->text_len++] = t[k];
            last->len++;
        }
    }
}

static void expect_free(struct expect *e)
{
    free(e->text);
    free(e->runs);
}

static void check_level_object(json_t *v, int level, const char *t, size_t len, int reader)
{
    if (!json_is_object(v) || json_integer_value(json_object_get(v, "level")) != level ||
        !json_is_string(json_object_get(v, "name")) || json_object_size(v) != 3)
        die("needed_clearance is not the expected level object", t, len, reader);
}

/* The bytes sent in a string, checked against the readable bytes of its runs. */
static void check_text_piece(json_t *s, const struct expect *e, const struct run *r, const char *t,
                             size_t len, int reader)
{
    if (!json_is_string(s))
        die("text part is not a string", t, len, reader);
    size_t n = json_string_length(s);
    if (n != r->len || memcmp(json_string_value(s), e->text + r->from, n) != 0)
        die(n > r->len ? "LEAK: a text part is longer than the readable text"
                       : "a text part differs from the readable text",
            t, len, reader);
}

static void check_section(const char *t, size_t len, const int *need, int level, int base,
                          int reader, int cleared)
{
    struct reader r = {reader, 0, 0};
    json_t *sec = cleared ? redact_section_cleared(&r, "description", "Title", level, t)
                          : redact_section(&r, "description", "Title", level, t);
    if (sec == NULL)
        die("redact_section returned NULL for valid UTF-8", t, len, reader);
    const char *kind = json_string_value(json_object_get(sec, "kind"));
    if (json_integer_value(json_object_get(sec, "level")) != level || kind == NULL ||
        strcmp(kind, "description") != 0)
        die("section lost its kind or level", t, len, reader);

    if (base > reader) {
        /* Above the reader: kind, level, redacted, needed_clearance and nothing else. */
        if (json_object_size(sec) != 4 || !json_is_true(json_object_get(sec, "redacted")) ||
            json_object_get(sec, "title") || json_object_get(sec, "text") ||
            json_object_get(sec, "parts"))
            die("LEAK: a section above the reader carries more than its level", t, len, reader);
        check_level_object(json_object_get(sec, "needed_clearance"), base, t, len, reader);
        json_decref(sec);
        return;
    }

    struct expect e;
    expect_build(t, len, need, base, reader, &e);
    int any_cut = 0;
    for (size_t k = 0; k < e.nruns; k++)
        any_cut |= e.runs[k].cut != 0;
    json_t *text = json_object_get(sec, "text");
    json_t *parts = json_object_get(sec, "parts");
    if (json_object_size(sec) != 4 || !json_is_string(json_object_get(sec, "title")))
        die("readable section has unexpected fields", t, len, reader);
    if (!any_cut) {
        if (parts != NULL || !json_is_string(text))
            die("nothing cut, but no plain text field", t, len, reader);
        struct run all = {0, 0, e.text_len};
        check_text_piece(text, &e, &all, t, len, reader);
    } else {
        if (text != NULL || !json_is_array(parts))
            die("LEAK? something cut, but the section has a text field", t, len, reader);
        if (json_array_size(parts) != e.nruns)
            die("parts do not match the expected text/cut runs", t, len, reader);
        for (size_t k = 0; k < e.nruns; k++) {
            json_t *p = json_array_get(parts, k);
            if (e.runs[k].cut == 0) {
                if (json_object_size(p) != 1)
                    die("text part has extra fields", t, len, reader);
                check_text_piece(json_object_get(p, "text"), &e, &e.runs[k], t, len, reader);
            } else {
                if (json_object_size(p) != 2 || !json_is_true(json_object_get(p, "redacted")))
                    die("LEAK: a cut part carries more than its level", t, len, reader);
                json_t *nc = json_object_get(p, "needed_clearance");
                if (json_integer_value(json_object_get(nc, "level")) <= reader)
                    die("a cut part needs no more than the reader has", t, len, reader);
                check_level_object(nc, e.runs[k].cut, t, len, reader);
            }
        }
    }
    expect_free(&e);
    json_decref(sec);
}

static void check_string(const char *t, size_t len, const int *need, int level, int base,
                         int reader, int cleared)
{
    static const char ph[] = REDACT_PLACEHOLDER;
    struct reader r = {reader, 0, 0};
    json_t *s = cleared ? redact_string_cleared(&r, t) : redact_string(&r, level, t);
    if (!json_is_string(s))
        die("redact_string did not give a string for valid UTF-8", t, len, reader);
    const char *got = json_string_value(s);
    size_t got_len = json_string_length(s);
    if (base > reader) {
        if (strcmp(got, ph) != 0)
            die("LEAK: a field above the reader is not just the placeholder", t, len, reader);
        json_decref(s);
        return;
    }
    struct expect e;
    expect_build(t, len, need, base, reader, &e);
    size_t want_len = 0;
    for (size_t k = 0; k < e.nruns; k++)
        want_len += e.runs[k].cut ? sizeof(ph) - 1 : e.runs[k].len;
    char *want = malloc(want_len + 1), *w = want;
    for (size_t k = 0; k < e.nruns; k++) {
        if (e.runs[k].cut) {
            memcpy(w, ph, sizeof(ph) - 1);
            w += sizeof(ph) - 1;
        } else {
            memcpy(w, e.text + e.runs[k].from, e.runs[k].len);
            w += e.runs[k].len;
        }
    }
    if (got_len != want_len || memcmp(got, want, want_len) != 0)
        die(got_len > want_len ? "LEAK: redacted string is longer than the readable text"
                               : "redacted string differs from the model",
            t, len, reader);
    free(want);
    expect_free(&e);
    json_decref(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int level = 1 + data[0] % 6;
    int field = data[1] % 2; /* 0 = section, 1 = string field */
    const char *raw = (const char *)data + 2;
    size_t len = size - 2;

    /* The parser takes a length, so NUL bytes and bad UTF-8 are fair game. */
    int *need = malloc((len + 1) * sizeof(*need));
    int malformed = model(raw, len, need);
    check_parse(raw, len, need, malformed);

    /* Redaction takes the store's C strings, which are valid UTF-8 without NUL. */
    char *text = malloc(len + 1);
    memcpy(text, raw, len);
    text[len] = '\0';
    size_t tlen = strlen(text);
    if (tlen == len && utf8_valid(text, tlen)) {
        for (int reader = 1; reader <= 6; reader++) {
            for (int cleared = 0; cleared <= 1; cleared++) {
                int base = cleared ? 0 : level;
                if (field == 0)
                    check_section(text, tlen, need, level, base, reader, cleared);
                else
                    check_string(text, tlen, need, level, base, reader, cleared);
            }
        }
    } else {
        /* Not what the store holds, but it must still not crash (NULL is allowed). */
        struct reader r = {1 + data[1] % 6, 0, 0};
        json_decref(redact_section(&r, "addendum", NULL, level, text));
        json_decref(redact_string(&r, level, text));
    }
    free(text);
    free(need);
    return 0;
}
