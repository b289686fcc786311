/* doc_source.c - the text md4c parses: cut passages as placeholders, footnotes taken out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/doc_internal.h"

struct sbuf {
    char *p;
    size_t len, cap;
};

static int sb_add(struct sbuf *s, const char *p, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *q = realloc(s->p, cap);
        if (q == NULL)
            return -1;
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
    return 0;
}

static int sb_cp(struct sbuf *s, uint32_t cp)
{
    char u[4];
    size_t n = layout_utf8_encode((wchar_t)cp, u);
    return sb_add(s, u, n);
}

/* The text as sent, its own private-use characters of planes 15-16 made U+FFFD: only the
 * renderer's placeholders may stand for a cut passage or a note. */
static int add_text(struct sbuf *s, const char *t)
{
    while (*t) {
        wchar_t ch;
        size_t n = layout_utf8_decode(t, &ch);
        int rc = (uint32_t)ch >= DOC_PUA_FIRST ? sb_cp(s, 0xFFFD) : sb_add(s, t, n);
        if (rc != 0)
            return -1;
        t += n;
    }
    return 0;
}

/* "[^label]" at p: its length, the label copied out; 0 when it is none. */
static size_t note_mark(const char *p, char *label, size_t size)
{
    if (p[0] != '[' || p[1] != '^')
        return 0;
    size_t n = 2;
    while (p[n] && p[n] != ']' && p[n] != ' ' && p[n] != '\n' && p[n] != '[' && n - 2 < size - 1)
        n++;
    if (p[n] != ']' || n == 2)
        return 0;
    memcpy(label, p + 2, n - 2);
    label[n - 2] = '\0';
    return n + 1;
}

static struct doc_note *find_note(struct doc_src *s, const char *label)
{
    for (int i = 0; i < s->nnotes; i++)
        if (strcmp(s->notes[i].label, label) == 0)
            return &s->notes[i];
    return NULL;
}

/* A line "[^label]: text" (up to three spaces before) defines a note; it is taken out. */
static int take_definitions(struct doc_src *s, const char *text, struct sbuf *rest)
{
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        const char *p = line;
        while (p - line < 3 && *p == ' ')
            p++;
        char label[sizeof(s->notes[0].label)];
        size_t m = note_mark(p, label, sizeof(label));
        if (m > 0 && p[m] == ':' && s->nnotes < DOC_NOTES_MAX && find_note(s, label) == NULL) {
            const char *body = p + m + 1;
            size_t blen = (size_t)(line + len - body);
            struct doc_note *nt = &s->notes[s->nnotes];
            if ((nt->text = strndup(body, blen)) == NULL)
                return -1;
            snprintf(nt->label, sizeof(nt->label), "%s", label);
            s->nnotes++;
        } else if (sb_add(rest, line, len) != 0) {
            return -1;
        }
        line += len;
    }
    return 0;
}

/* Each "[^label]" of a defined note becomes its placeholder, numbered by first use. */
static int mark_references(struct doc_src *s, const char *text, struct sbuf *out)
{
    int next = 1;
    for (const char *p = text; *p;) {
        char label[sizeof(s->notes[0].label)];
        size_t m = note_mark(p, label, sizeof(label));
        struct doc_note *nt = m > 0 ? find_note(s, label) : NULL;
        if (nt == NULL) { /* on to the next "[^", in one copy */
            const char *mark = strstr(p + 1, "[^");
            size_t run = mark != NULL ? (size_t)(mark - p) : strlen(p);
            if (sb_add(out, p, run) != 0)
                return -1;
            p += run;
            continue;
        }
        if (nt->number == 0)
            nt->number = next++;
        if (sb_cp(out, DOC_NOTE_BASE + (uint32_t)nt->number) != 0)
            return -1;
        p += m;
    }
    for (int i = 0; i < s->nnotes; i++) /* notes never referred to come last */
        if (s->notes[i].number == 0)
            s->notes[i].number = next++;
    return 0;
}

int doc_src_build(const struct art_part *parts, size_t nparts, struct doc_src *s)
{
    struct sbuf joined = {0}, rest = {0}, out = {0};
    memset(s, 0, sizeof(*s));
    int rc = sb_add(&joined, "", 0);
    for (size_t i = 0; i < nparts && rc == 0; i++) {
        if (parts[i].redacted)
            rc = i < DOC_NOTE_BASE - DOC_CUT_BASE ? sb_cp(&joined, DOC_CUT_BASE + (uint32_t)i)
                                                  : sb_cp(&joined, 0xFFFD);
        else
            rc = add_text(&joined, parts[i].text ? parts[i].text : "");
    }
    if (rc == 0)
        rc = sb_add(&rest, "", 0);
    if (rc == 0)
        rc = take_definitions(s, joined.p, &rest);
    if (rc == 0)
        rc = sb_add(&out, "", 0);
    if (rc == 0)
        rc = mark_references(s, rest.p, &out);
    free(joined.p);
    free(rest.p);
    if (rc != 0) {
        free(out.p);
        doc_src_free(s);
        return -1;
    }
    s->text = out.p;
    s->len = out.len;
    return 0;
}

void doc_src_free(struct doc_src *s)
{
    for (int i = 0; i < s->nnotes; i++)
        free(s->notes[i].text);
    s->nnotes = 0;
    free(s->text);
    s->text = NULL;
}

char *doc_source(const struct art_part *parts, size_t nparts)
{
    struct sbuf s = {0};
    int rc = sb_add(&s, "", 0);
    for (size_t i = 0; i < nparts && rc == 0; i++) {
        if (parts[i].redacted) {
            char tag[80];
            snprintf(tag, sizeof(tag), "██████████ [LEVEL %d REQUIRED]", parts[i].needed.level);
            rc = sb_add(&s, tag, strlen(tag));
        } else if (parts[i].text != NULL) {
            rc = sb_add(&s, parts[i].text, strlen(parts[i].text));
        }
    }
    if (rc != 0) {
        free(s.p);
        return NULL;
    }
    return s.p;
}
