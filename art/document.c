/* document.c - md4c's callbacks to styled, wrapped lines (see document.h). */
#include "art/document.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/doc_internal.h"
#include "art/file_view.h"
#include "common/vis.h"

#define CODE_COLOUR "#87AFAF"
#define NOTE_INDENT L"    "

static const wchar_t *const bullets[] = {L"• ", L"◦ ", L"▪ "};
static bool raw_text;

void doc_set_raw(bool raw)
{
    raw_text = raw;
}

static struct ink text_ink(const struct doc_ctx *x)
{
    uint8_t a = 0;
    if (x->bold || x->heading)
        a |= INK_BOLD;
    if (x->em)
        a |= INK_ITALIC;
    if (x->del)
        a |= INK_STRIKE;
    if (x->link || (x->heading > 0 && x->heading <= 2))
        a |= INK_UNDER;
    return x->code ? ink_hex(CODE_COLOUR, a) : ink_attrs(a);
}

/* One character of text: a placeholder becomes its cut passage or note number. */
static int put_char(struct doc_ctx *x, uint32_t cp, struct ink ink)
{
    struct rich *r = &x->cur->r;
    if (cp >= DOC_CUT_BASE && cp < DOC_CUT_BASE + x->nparts && x->parts[cp - DOC_CUT_BASE].redacted)
        return art_redaction(r, &x->parts[cp - DOC_CUT_BASE].needed);
    if (cp > DOC_NOTE_BASE && cp <= DOC_NOTE_BASE + DOC_NOTES_MAX) {
        char num[16];
        snprintf(num, sizeof(num), "[%u]", (unsigned)(cp - DOC_NOTE_BASE));
        return rich_append(r, num, ink_attrs(INK_BOLD));
    }
    if (cp >= DOC_PUA_FIRST)
        cp = 0xFFFD;
    if (cp == '\t')
        cp = ' ';
    return rich_append_char(r, (wchar_t)cp, ink);
}

/* Text as md4c hands it over, every control character made a visible escape. */
static int put_text(struct doc_ctx *x, const char *t, size_t n)
{
    char stackbuf[1024];
    size_t need = VIS_SIZE(n);
    char *esc = need <= sizeof(stackbuf) ? stackbuf : malloc(need);
    if (esc == NULL)
        return -1;
    if (raw_text) {
        memcpy(esc, t, n);
        esc[n] = '\0';
    } else {
        vis_encode(esc, need, t, n, VIS_TAB | VIS_NL);
    }
    struct ink ink = text_ink(x);
    int rc = 0;
    for (const char *p = esc; *p && rc == 0;) {
        wchar_t ch;
        p += layout_utf8_decode(p, &ch);
        rc = put_char(x, (uint32_t)ch, ink);
    }
    if (esc != stackbuf)
        free(esc);
    return rc;
}

/* "&amp;" and the like: the common names and numeric references; others as written. */
static int put_entity(struct doc_ctx *x, const char *t, size_t n)
{
    static const struct {
        const char *name;
        const char *text;
    } named[] = {{"&amp;", "&"},    {"&lt;", "<"},   {"&gt;", ">"},    {"&quot;", "\""},
                 {"&apos;", "'"},   {"&nbsp;", " "}, {"&mdash;", "—"}, {"&ndash;", "–"},
                 {"&hellip;", "…"}, {"&copy;", "©"}};
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (strlen(named[i].name) == n && memcmp(named[i].name, t, n) == 0)
            return put_text(x, named[i].text, strlen(named[i].text));
    if (n > 3 && t[1] == '#') {
        bool hex = t[2] == 'x' || t[2] == 'X';
        unsigned long cp = strtoul(t + (hex ? 3 : 2), NULL, hex ? 16 : 10);
        char u[4];
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp >= DOC_PUA_FIRST)
            cp = 0xFFFD;
        return put_text(x, u, layout_utf8_encode((wchar_t)cp, u));
    }
    return put_text(x, t, n);
}

/* The paragraph so far, wrapped to what the prefixes leave, as output lines. */
static int flush(struct doc_ctx *x)
{
    struct doc_buf *b = &x->para;
    while (b->r.len > 0 && b->r.g[b->r.len - 1].ch == L'\n')
        b->r.len--;
    if (b->r.len == 0)
        return 0;
    int avail = x->width - doc_prefix_width(x);
    struct wrapped w = {0};
    int rc = doc_buf_scan(b);
    if (rc == 0)
        rc = layout_wrap(b->r.g, b->r.len, avail > 0 ? avail : 1, &w);
    for (size_t i = 0; i < w.count && rc == 0; i++) {
        rc = doc_line_begin(x);
        if (rc == 0)
            rc = doc_put(x, b, w.lines[i].start, w.lines[i].len);
        if (rc == 0)
            rc = doc_line_end(x);
    }
    wrapped_free(&w);
    doc_buf_reset(b);
    return rc;
}

/* Quotes, list items and code push a prefix; past half the width they indent no more. */
static void push_seg(struct doc_ctx *x, const wchar_t *first, const wchar_t *rest, struct ink ink)
{
    if (x->nsegs == DOC_DEPTH_MAX) {
        x->segs_over++;
        return;
    }
    struct doc_seg *s = &x->segs[x->nsegs++];
    memset(s, 0, sizeof(*s));
    s->ink = ink;
    if (doc_prefix_width(x) + (int)wcslen(rest) > x->width / 2)
        return; /* an empty prefix */
    wcsncpy(s->first, first, sizeof(s->first) / sizeof(s->first[0]) - 1);
    wcsncpy(s->rest, rest, sizeof(s->rest) / sizeof(s->rest[0]) - 1);
}

static void pop_seg(struct doc_ctx *x)
{
    if (x->segs_over > 0)
        x->segs_over--;
    else if (x->nsegs > 0)
        x->nsegs--;
}

static void list_item(struct doc_ctx *x)
{
    wchar_t first[16], rest[16];
    int depth = x->nlists > 0 ? x->nlists - 1 : 0;
    if (x->nlists > 0 && x->lists_over == 0 && x->lists[x->nlists - 1].ordered)
        swprintf(first, 16, L"%u. ", x->lists[x->nlists - 1].next++ % 1000000000u);
    else
        swprintf(first, 16, L"%ls", bullets[depth % 3]);
    size_t n = wcslen(first);
    for (size_t i = 0; i < n; i++)
        rest[i] = L' ';
    rest[n] = L'\0';
    push_seg(x, first, rest, ink_plain());
}

static int rule(struct doc_ctx *x)
{
    int avail = x->width - doc_prefix_width(x);
    if (doc_line_begin(x) != 0 ||
        rich_repeat(x->out, L'─', avail > 0 ? avail : 1, ink_attrs(INK_DIM | INK_DECOR)) != 0)
        return -1;
    x->gap = true;
    return doc_line_end(x);
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *data)
{
    struct doc_ctx *x = data;
    if (x->in_table) {
        if (type == MD_BLOCK_TR)
            x->table.rows++;
        if (type == MD_BLOCK_TH || type == MD_BLOCK_TD) {
            const MD_BLOCK_TD_DETAIL *d = detail;
            x->err |= doc_table_cell(x, type == MD_BLOCK_TH, d->align, x->table.rows - 1, -1);
        }
        return 0;
    }
    x->err |= flush(x);
    switch (type) {
    case MD_BLOCK_QUOTE:
        x->err |= doc_gap(x); /* before the bar: the blank line above a quote has none */
        push_seg(x, L"│ ", L"│ ", ink_attrs(INK_DIM));
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (x->nlists == DOC_DEPTH_MAX) {
            x->lists_over++;
            break;
        }
        x->lists[x->nlists].ordered = type == MD_BLOCK_OL;
        x->lists[x->nlists].next = type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
        x->nlists++;
        break;
    case MD_BLOCK_LI:
        list_item(x);
        break;
    case MD_BLOCK_H:
        x->heading = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        break;
    case MD_BLOCK_CODE:
        push_seg(x, L"    ", L"    ", ink_plain());
        x->code++;
        break;
    case MD_BLOCK_HR:
        x->err |= rule(x);
        break;
    case MD_BLOCK_TABLE:
        x->in_table = true;
        memset(&x->table, 0, sizeof(x->table));
        break;
    default:
        break;
    }
    return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *data)
{
    struct doc_ctx *x = data;
    if (x->in_table && type != MD_BLOCK_TABLE) {
        if (type == MD_BLOCK_TH || type == MD_BLOCK_TD)
            x->cur = &x->para;
        return 0;
    }
    x->err |= flush(x);
    switch (type) {
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_LI:
        pop_seg(x);
        x->gap |= type == MD_BLOCK_QUOTE;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (x->lists_over > 0)
            x->lists_over--;
        else if (x->nlists > 0)
            x->nlists--;
        x->gap |= x->nlists == 0;
        break;
    case MD_BLOCK_CODE:
        pop_seg(x);
        x->code--;
        x->gap = true;
        break;
    case MD_BLOCK_H:
        x->heading = 0;
        x->gap = true;
        break;
    case MD_BLOCK_P:
    case MD_BLOCK_HTML:
        x->gap = true;
        break;
    case MD_BLOCK_TABLE:
        x->in_table = false;
        x->err |= doc_table_emit(x);
        doc_table_free(&x->table);
        x->gap = true;
        break;
    default:
        break;
    }
    return 0;
}

static int span(MD_SPANTYPE type, void *detail, void *data, int step)
{
    struct doc_ctx *x = data;
    switch (type) {
    case MD_SPAN_EM:
        x->em += step;
        break;
    case MD_SPAN_STRONG:
        x->bold += step;
        break;
    case MD_SPAN_DEL:
        x->del += step;
        break;
    case MD_SPAN_CODE:
        x->code += step;
        break;
    case MD_SPAN_A:
        x->link += step;
        break;
    case MD_SPAN_IMG:
        x->err |= put_text(x, step > 0 ? "[image: " : "]", step > 0 ? 8 : 1);
        break;
    default:
        break;
    }
    return 0;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *data)
{
    return span(type, detail, data, 1);
}

static int leave_span(MD_SPANTYPE type, void *detail, void *data)
{
    return span(type, detail, data, -1);
}

static int text(MD_TEXTTYPE type, const MD_CHAR *t, MD_SIZE n, void *data)
{
    struct doc_ctx *x = data;
    switch (type) {
    case MD_TEXT_BR:
        x->err |= rich_append_char(&x->cur->r, x->in_table ? L' ' : L'\n', ink_plain());
        break;
    case MD_TEXT_SOFTBR:
        x->err |= rich_append_char(&x->cur->r, L' ', ink_plain());
        break;
    case MD_TEXT_NULLCHAR:
        x->err |= put_char(x, 0xFFFD, text_ink(x));
        break;
    case MD_TEXT_ENTITY:
        x->err |= put_entity(x, t, n);
        break;
    default:
        x->err |= put_text(x, t, n);
        break;
    }
    return x->err ? -1 : 0;
}

static const MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_NOHTML,
    .enter_block = enter_block,
    .leave_block = leave_block,
    .enter_span = enter_span,
    .leave_span = leave_span,
    .text = text,
};

static int parse(struct doc_ctx *x, const char *src, size_t len)
{
    x->cur = &x->para;
    if (md_parse(src, (MD_SIZE)len, &parser, x) != 0)
        x->err = -1;
    x->err |= flush(x);
    return x->err ? -1 : 0;
}

/* The notes, numbered in the order the text first refers to them. */
static int notes(struct doc_ctx *x, const struct doc_src *s)
{
    if (s->nnotes == 0)
        return 0;
    int avail = x->width < 12 ? x->width : 12;
    x->gap = true;
    if (doc_line_begin(x) != 0 ||
        rich_repeat(x->out, L'─', avail, ink_attrs(INK_DIM | INK_DECOR)) != 0 ||
        doc_line_end(x) != 0)
        return -1;
    for (int n = 1; n <= s->nnotes; n++) {
        for (int i = 0; i < s->nnotes; i++) {
            if (s->notes[i].number != n)
                continue;
            wchar_t first[16];
            swprintf(first, 16, L"[%d] ", n);
            push_seg(x, first, NOTE_INDENT, ink_attrs(INK_BOLD));
            x->gap = false;
            int rc = parse(x, s->notes[i].text, strlen(s->notes[i].text));
            pop_seg(x);
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

int doc_render(const struct art_part *parts, size_t nparts, int width, struct rich *out,
               struct doc_links *links)
{
    struct doc_src src;
    if (doc_src_build(parts, nparts, &src) != 0)
        return -1;
    struct doc_ctx *x = calloc(1, sizeof(*x));
    if (x == NULL) {
        doc_src_free(&src);
        return -1;
    }
    x->parts = parts;
    x->nparts = nparts;
    x->width = width > 0 ? width : 1;
    x->out = out;
    x->links = links;
    x->para.open = SIZE_MAX;
    int rc = parse(x, src.text, src.len);
    if (rc == 0)
        rc = notes(x, &src);
    doc_buf_free(&x->para);
    doc_table_free(&x->table);
    free(x);
    doc_src_free(&src);
    return rc;
}

void doc_links_free(struct doc_links *l)
{
    free(l->v);
    memset(l, 0, sizeof(*l));
}
