/* file_view.c - a file's header bar and its sections; addenda listed and opened one by one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "art/document.h"
#include "art/layout.h"
#include "art/levels.h"
#include "art/file_view.h"
#include "art/acs_panel.h"
#include "art/site_tables.h"
#include "art/file_logs.h"

#define BLOCKS       10
#define HEADER_MAX   6
#define ADDENDA_HINT "Press a to list the addenda."
/* Holds a header label ("TASK FORCE: Epsilon-6") together when lines wrap; drawn as a space. */
#define GLUE L'\u00A0'

static int text_width(int cols)
{
    return cols < ART_TEXT_MAX ? cols : ART_TEXT_MAX;
}

static int append_glued(struct rich *r, const char *utf8, struct ink ink)
{
    size_t from = r->len;
    if (rich_append(r, utf8, ink) != 0)
        return -1;
    for (size_t i = from; i < r->len; i++)
        if (r->g[i].ch == L' ')
            r->g[i].ch = GLUE;
    return 0;
}

/* After wrapping, the glue is a plain space again. */
static void unglue(struct rich *r)
{
    for (size_t i = 0; i < r->len; i++)
        if (r->g[i].ch == GLUE)
            r->g[i].ch = L' ';
}

int art_redaction(struct rich *r, const struct art_level *needed)
{
    struct ink ink = art_level_ink(needed, INK_BOLD);
    char tag[48];
    snprintf(tag, sizeof(tag), " [LEVEL %d REQUIRED]", needed->level);
    /* Glued: the blocks and what they need never part at a line break. */
    if (rich_repeat(r, L'█', BLOCKS, ink) != 0 || append_glued(r, tag, ink) != 0)
        return -1;
    return 0;
}

static const char *kind_heading(const char *kind)
{
    static const struct {
        const char *kind, *heading;
    } headings[] = {
        {"containment", "SPECIAL CONTAINMENT PROCEDURES"},
        {"description", "DESCRIPTION"},
        {"addendum", "ADDENDUM"},
        {"location", "LOCATION"},
        {"dossier", "DOSSIER"},
        {"mission", "MISSION"},
    };
    for (size_t i = 0; i < sizeof(headings) / sizeof(headings[0]); i++)
        if (strcmp(headings[i].kind, kind) == 0)
            return headings[i].heading;
    return "SECTION";
}

static int label(struct rich *r, const char *name, const char *value, struct ink value_ink)
{
    if (value == NULL || value[0] == '\0')
        return 0;
    if (r->len > 0 && r->g[r->len - 1].ch != L'\n')
        rich_append(r, "   ", ink_plain());
    append_glued(r, name, ink_attrs(INK_DIM));
    append_glued(r, ": ", ink_attrs(INK_DIM));
    return append_glued(r, value, value_ink);
}

static void link_label(struct rich *r, const char *name, const struct art_link *link)
{
    char text[ART_NAME_MAX + ART_REF_MAX + 4];
    if (!link->set)
        return;
    if (link->name[0])
        snprintf(text, sizeof(text), "%s (%s)", link->name, link->ref);
    else
        snprintf(text, sizeof(text), "%s", link->ref);
    label(r, name, text, ink_plain());
}

static void newline(struct rich *r)
{
    if (r->len > 0 && r->g[r->len - 1].ch != L'\n')
        rich_append_char(r, L'\n', ink_plain());
}

/* The header bar: ref and title, then the classes, each in its colour. */
static void build_header(const struct art_file *f, struct rich *r)
{
    char caps[ART_LEVEL_MAX];
    rich_append(r, f->ref, ink_attrs(INK_BOLD | INK_REVERSE));
    rich_append(r, " ", ink_plain());
    rich_append(r, f->title ? f->title : "[UNTITLED]", ink_attrs(INK_BOLD));
    newline(r);
    layout_upper(caps, sizeof(caps), f->classification.name);
    label(r, "CLASSIFICATION", caps, art_level_ink(&f->classification, INK_BOLD));
    if (f->status[0] && strcmp(f->status, "active") != 0) {
        layout_upper(caps, sizeof(caps), f->status);
        label(r, "STATUS", caps, ink_attrs(INK_BOLD));
    }
    newline(r);
    link_label(r, "SITE", &f->site);
    link_label(r, "TASK FORCE", &f->task_force);
    for (size_t i = 0; i < f->nfields; i++) {
        layout_upper(caps, sizeof(caps), f->fields[i].label);
        label(r, caps, f->fields[i].value, ink_plain());
    }
    newline(r);
    /* Drop the trailing newline: it would be an empty header row. */
    while (r->len > 0 && r->g[r->len - 1].ch == L'\n')
        r->len--;
}

static void build_section(const struct art_section *s, int width, struct rich *r,
                          struct doc_links *links)
{
    char heading[ART_NAME_MAX];
    if (s->redacted) {
        rich_append(r, kind_heading(s->kind), ink_attrs(INK_BOLD | INK_UNDER));
        rich_append(r, "\n", ink_plain());
        art_redaction(r, &s->needed);
        rich_append(r, "\n", ink_plain());
        return;
    }
    layout_upper(heading, sizeof(heading), s->title ? s->title : kind_heading(s->kind));
    rich_append(r, heading, ink_attrs(INK_BOLD | INK_UNDER));
    rich_append(r, "\n", ink_plain());
    if (doc_render(s->parts, s->nparts, width, r, links) != 0)
        rich_append(r, "[THIS SECTION CANNOT BE SHOWN: OUT OF MEMORY]", ink_attrs(INK_BOLD));
    newline(r);
}

/* The body: every section but the addenda, which open one by one (all of them for batch). */
static void build_body(const struct art_file *f, bool with_addenda, int width, struct rich *r,
                       struct doc_links *links)
{
    size_t start = r->len;
    bool scp = strcmp(f->kind, "scp") == 0, site = strcmp(f->kind, "site") == 0;
    if (scp)
        art_acs_panel(r, f); /* the classes before the text, as the original's header */
    for (size_t i = 0; i < f->nsections; i++) {
        if (!with_addenda && strcmp(f->sections[i].kind, "addendum") == 0)
            continue;
        if (r->len > start)
            rich_append(r, "\n", ink_plain());
        build_section(&f->sections[i], width, r, links);
    }
    if (site) {
        newline(r);
        if (r->len > start)
            rich_append(r, "\n", ink_plain());
        art_site_tables(r, f);
    }
    if (f->statuses.set || f->audit.set) {
        newline(r);
        art_file_logs(r, f, width); /* who changed it and what they did, after the text */
    }
    size_t addenda = art_file_addendum_count(f);
    if (!with_addenda && addenda > 0) {
        char line[96];
        snprintf(line, sizeof(line), "%sADDENDA: %zu. %s", r->len > start ? "\n" : "", addenda,
                 ADDENDA_HINT);
        rich_append(r, line, ink_attrs(INK_BOLD));
    }
    if (r->len == start)
        rich_append(r, "[NO SECTIONS]", ink_attrs(INK_DIM));
}

static int draw_header(struct canvas *c, const struct art_area *a, const struct art_file *f)
{
    struct rich r = {0};
    struct wrapped w = {0};
    int rows = 0;
    build_header(f, &r);
    if (layout_wrap(r.g, r.len, text_width(a->cols - 2), &w) == 0) {
        unglue(&r);
        for (size_t i = 0; i < w.count && rows < HEADER_MAX && rows < a->rows / 2; i++, rows++)
            canvas_glyphs(c, a->top + rows, a->left + 1, r.g + w.lines[i].start, w.lines[i].len,
                          a->cols - 2);
    }
    rich_free(&r);
    wrapped_free(&w);
    canvas_fill(c, a->top + rows, a->left, a->cols, L'─', ink_attrs(INK_DIM));
    return rows + 1;
}

/* Does wrapped line s hold needle (lower case)?  Matches do not span lines. */
static bool line_has(const struct rich *r, const struct line_span *s, const wchar_t *needle,
                     size_t n)
{
    for (size_t i = 0; i + n <= s->len; i++) {
        size_t j = 0;
        while (j < n && (wchar_t)towlower((wint_t)r->g[s->start + i + j].ch) == needle[j])
            j++;
        if (j == n)
            return true;
    }
    return false;
}

/* less's / and n/N: scroll to the next (or previous) line holding v->find. */
static void find_line(const struct rich *r, const struct wrapped *w, struct art_file_view *v)
{
    wchar_t needle[128];
    size_t n = 0;
    for (const char *p = v->find; *p && n < sizeof(needle) / sizeof(needle[0]);) {
        wchar_t ch;
        p += layout_utf8_decode(p, &ch);
        needle[n++] = (wchar_t)towlower((wint_t)ch);
    }
    int step = v->find_dir < 0 ? -1 : 1;
    /* n and N go on from the last match while it is in sight, else from the top line */
    bool seen = v->match >= v->scroll && v->match < v->scroll + v->page;
    int from = v->find_dir == 2 ? v->scroll : (seen ? v->match : v->scroll) + step;
    v->found = false;
    v->find_dir = 0;
    if (n == 0)
        return;
    for (int i = from; i >= 0 && i < (int)w->count; i += step) {
        if (line_has(r, &w->lines[i], needle, n)) {
            v->scroll = i < v->max_scroll ? i : v->max_scroll;
            v->match = i;
            v->found = true;
            return;
        }
    }
}

static void draw_lines(struct canvas *c, const struct art_area *body, struct rich *r,
                       struct art_file_view *v, const struct doc_links *links)
{
    struct wrapped w = {0};
    int width = text_width(body->cols - 2);
    if (layout_wrap(r->g, r->len, width, &w) != 0)
        return;
    unglue(r);
    /* Rewrapped to a new width: find the line that now holds the old top character. */
    if (v->wrap_width != 0 && v->wrap_width != width)
        v->scroll = art_file_find_text(r, &w, v->top_glyph);
    v->page = body->rows;
    v->max_scroll = (int)w.count > body->rows ? (int)w.count - body->rows : 0;
    if (v->find_dir != 0 && v->find != NULL)
        find_line(r, &w, v);
    art_file_links(r, &w, v, links);
    if (v->scroll > v->max_scroll)
        v->scroll = v->max_scroll;
    if (v->scroll < 0)
        v->scroll = 0;
    v->wrap_width = width;
    v->top_glyph = v->scroll < (int)w.count ? art_file_text_at(r, w.lines[v->scroll].start) : 0;
    for (int i = 0; i < body->rows && v->scroll + i < (int)w.count; i++) {
        const struct line_span *s = &w.lines[v->scroll + i];
        canvas_glyphs(c, body->top + i, body->left + 1, r->g + s->start, s->len, width);
    }
    if (v->max_scroll > 0) {
        char pos[48];
        int last = v->scroll + body->rows < (int)w.count ? v->scroll + body->rows : (int)w.count;
        snprintf(pos, sizeof(pos), " %d-%d/%zu ", v->scroll + 1, last, w.count);
        layout_right(c, body->top - 1, body->left + body->cols - 1, pos, ink_attrs(INK_DIM));
    }
    wrapped_free(&w);
}

static void draw_addenda(struct canvas *c, const struct art_area *body, struct art_file_view *v)
{
    const struct art_file *f = v->file;
    size_t n = art_file_addendum_count(f);
    canvas_text(c, body->top, body->left + 1, "ADDENDA", ink_attrs(INK_BOLD | INK_UNDER));
    v->max_scroll = 0;
    v->page = body->rows - 2;
    int first = v->selected >= v->page ? v->selected - v->page + 1 : 0;
    for (int i = first; i < (int)n && i - first < v->page; i++) {
        const struct art_section *s = &f->sections[art_file_addendum(f, (size_t)i)];
        int y = body->top + 2 + i - first;
        bool sel = i == v->selected;
        struct rich r = {0};
        char num[16];
        snprintf(num, sizeof(num), "%s%2d. ", sel ? ">" : " ", i + 1);
        rich_append(&r, num, ink_attrs(sel ? INK_REVERSE | INK_BOLD : 0));
        if (s->redacted) {
            art_redaction(&r, &s->needed);
        } else {
            rich_append(&r, s->title ? s->title : "Addendum", ink_attrs(sel ? INK_REVERSE : 0));
        }
        if (sel)
            canvas_fill(c, y, body->left, body->cols, L' ', ink_attrs(INK_REVERSE));
        unglue(&r);
        canvas_glyphs_fit(c, y, body->left + 1, r.g, r.len, body->cols - 2);
        rich_free(&r);
    }
    if (n == 0)
        canvas_text(c, body->top + 2, body->left + 2, "THIS FILE HAS NO ADDENDA.", ink_plain());
}

void art_file_view(struct canvas *c, const struct art_frame *f, struct art_file_view *v)
{
    struct art_area a = art_frame_draw(c, f);
    int head = draw_header(c, &a, v->file);
    struct art_area body = {a.top + head, a.left, a.rows - head, a.cols};
    if (body.rows < 1)
        return;
    if (v->mode == ART_FILE_ADDENDA) {
        draw_addenda(c, &body, v);
        return;
    }
    struct rich r = {0};
    struct doc_links links = {0};
    int width = text_width(body.cols - 2);
    if (v->mode == ART_FILE_ADDENDUM) {
        int idx = art_file_addendum(v->file, (size_t)v->selected);
        if (idx >= 0)
            build_section(&v->file->sections[idx], width, &r, &links);
    } else {
        build_body(v->file, false, width, &r, &links);
    }
    draw_lines(c, &body, &r, v, &links);
    rich_free(&r);
    doc_links_free(&links);
}

char *art_file_plain(const struct art_file *file, int width)
{
    struct rich r = {0};
    struct wrapped w = {0};
    build_header(file, &r);
    rich_append(&r, "\n", ink_plain());
    rich_repeat(&r, L'─', width, ink_plain());
    rich_append(&r, "\n", ink_plain());
    build_body(file, true, width, &r, NULL);
    char *out = NULL;
    if (layout_wrap(r.g, r.len, width, &w) == 0 && (out = malloc(r.len * 4 + w.count + 1))) {
        unglue(&r);
        size_t len = 0;
        for (size_t i = 0; i < w.count; i++) {
            for (size_t k = 0; k < w.lines[i].len; k++)
                len += layout_utf8_encode(r.g[w.lines[i].start + k].ch, out + len);
            out[len++] = '\n';
        }
        out[len] = '\0';
    }
    rich_free(&r);
    wrapped_free(&w);
    return out;
}
