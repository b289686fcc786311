/*
 * fuzz_document.c - the document renderer (art/document.c) on hostile markdown.
 *
 * Input: byte 0 picks the width (1..120); the rest is section text in which each 0xFF
 * byte stands for a passage the server cut (level 1 + the next byte % 6), as
 * proto_parse_file would give it.  Checks, for every input:
 *
 *   - doc_render succeeds, and rendering again gives the same glyphs;
 *   - every line ends in '\n' and is at most width columns;
 *   - no control character (C0 but the newline, DEL, C1, bidi) and no private-use
 *     placeholder of planes 15-16 reaches the output: controls come out as escapes;
 *   - every link lies within the output and its glyphs spell a ref foundation_ref_parse
 *     takes, whose canonical form is the link's ref;
 *   - doc_source gives exactly the text parts with each cut as its blocks and level.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/document.h"
#include "common/foundation.h"
#include "common/vis.h"

#define MAX_PARTS 64

static void die(const char *what)
{
    fprintf(stderr, "fuzz_document: %s\n", what);
    abort();
}

static void check_lines(const struct rich *r, int width)
{
    int col = 0;
    if (r->len > 0 && r->g[r->len - 1].ch != L'\n')
        die("the output does not end in a newline");
    for (size_t i = 0; i < r->len; i++) {
        uint32_t ch = (uint32_t)r->g[i].ch;
        if (ch == '\n') {
            col = 0;
            continue;
        }
        if (vis_hidden_codepoint(ch))
            die("a control character reached the output");
        if (ch >= 0xF0000)
            die("a private-use placeholder reached the output");
        col += layout_char_width(r->g[i].ch);
        if (col > width)
            die("a line is wider than the width");
    }
}

static void check_links(const struct rich *r, const struct doc_links *l)
{
    if (l->count > DOC_LINKS_MAX)
        die("more links than DOC_LINKS_MAX");
    for (size_t k = 0; k < l->count; k++) {
        const struct doc_link *d = &l->v[k];
        char text[64];
        size_t n = 0;
        if (d->start >= d->end || d->end > r->len || d->end - d->start >= sizeof(text))
            die("a link out of bounds");
        for (size_t i = d->start; i < d->end; i++) {
            wchar_t ch = r->g[i].ch;
            bool ref_char = (ch >= L'0' && ch <= L'9') || (ch >= L'A' && ch <= L'Z') ||
                            (ch >= L'a' && ch <= L'z') || ch == L'-';
            if (!ref_char || (r->g[i].ink.attrs & INK_DECOR))
                die("a link covers more than its ref");
            text[n++] = (char)ch;
        }
        text[n] = '\0';
        struct foundation_ref ref;
        char canon[ART_REF_MAX];
        /* A ref cut by a wrap is marked in its first piece, which ends its line (a newline or a
         * cell's border follows); such a piece may not parse, or parse as a shorter ref. */
        size_t e = d->end;
        while (e < r->len && r->g[e].ch == L' ' && !(r->g[e].ink.attrs & INK_DECOR))
            e++; /* a table cell's padding */
        bool may_be_cut = e == r->len || r->g[e].ch == L'\n' || (r->g[e].ink.attrs & INK_DECOR);
        if (!foundation_ref_parse(text, &ref)) {
            if (!may_be_cut)
                die("a whole link is not a ref");
            continue;
        }
        if (may_be_cut)
            continue;
        foundation_ref_format(&ref, canon, sizeof(canon));
        if (strcmp(canon, d->ref) != 0)
            die("a link's ref is not what it covers");
    }
}

static void check_source(const struct art_part *parts, size_t nparts)
{
    char *src = doc_source(parts, nparts);
    if (src == NULL)
        die("doc_source failed");
    const char *p = src;
    for (size_t i = 0; i < nparts; i++) {
        char tag[80];
        const char *want = parts[i].text;
        if (parts[i].redacted) {
            snprintf(tag, sizeof(tag), "██████████ [LEVEL %d REQUIRED]", parts[i].needed.level);
            want = tag;
        }
        if (strncmp(p, want, strlen(want)) != 0)
            die("doc_source differs from the parts");
        p += strlen(want);
    }
    if (*p != '\0')
        die("doc_source has more than the parts");
    free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int width = 1 + data[0] % 120;
    char *text = malloc(size + 1);
    struct art_part parts[MAX_PARTS];
    size_t nparts = 0, len = 0;
    char *start = text;
    for (size_t i = 1; i < size && nparts + 2 < MAX_PARTS; i++) {
        if (data[i] != 0xFF) {
            text[len++] = data[i] != 0 ? (char)data[i] : ' '; /* the text is a C string */
            continue;
        }
        text[len++] = '\0';
        parts[nparts++] = (struct art_part){.text = start};
        int level = 1 + (i + 1 < size ? data[++i] % 6 : 0);
        parts[nparts++] = (struct art_part){.redacted = true, .needed = {.level = level}};
        start = text + len;
    }
    text[len] = '\0';
    parts[nparts++] = (struct art_part){.text = start};

    struct rich a = {0}, b = {0};
    struct doc_links la = {0}, lb = {0};
    if (doc_render(parts, nparts, width, &a, &la) != 0 ||
        doc_render(parts, nparts, width, &b, NULL) != 0)
        die("doc_render failed");
    if (a.len != b.len || (a.len > 0 && memcmp(a.g, b.g, a.len * sizeof(*a.g)) != 0))
        die("two renderings differ");
    check_lines(&a, width);
    check_links(&a, &la);
    check_source(parts, nparts);
    rich_free(&a);
    rich_free(&b);
    doc_links_free(&la);
    doc_links_free(&lb);
    free(text);
    return 0;
}
