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
#include "common/foundation.h"

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

/* A site or task force: its value is a link (links may be NULL: batch text has none). */
static void link_label(struct rich *r, const char *name, const struct art_link *link,
                       struct doc_links *links)
{
    char text[ART_NAME_MAX + ART_REF_MAX + 4];
    if (!link->set)
        return;
    if (link->name[0])
        snprintf(text, sizeof(text), "%s (%s)", link->name, link->ref);
    else
        snprintf(text, sizeof(text), "%s", link->ref);
    /* As label, knowing where the value starts: the link covers it, name and ref. */
    if (r->len > 0 && r->g[r->len - 1].ch != L'\n')
        rich_append(r, "   ", ink_plain());
    append_glued(r, name, ink_attrs(INK_DIM));
    append_glued(r, ": ", ink_attrs(INK_DIM));
    size_t value = r->len;
    /* Followed only as the ref parser reads it, as refs in the text are. */
    struct foundation_ref ref;
    char canonical[ART_REF_MAX];
    if (append_glued(r, text, ink_plain()) == 0 && links != NULL &&
        foundation_ref_parse(link->ref, &ref))
        art_file_link_add(links, value, r->len,
                          foundation_ref_format(&ref, canonical, sizeof(canonical)));
}

static void newline(struct rich *r)
{
    if (r->len > 0 && r->g[r->len - 1].ch != L'\n')
        rich_append_char(r, L'\n', ink_plain());
}

/* The header bar: ref and title, then the classes, each in its colour. */
static void build_header(const struct art_file *f, struct rich *r, struct doc_links *links)
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
    link_label(r, "SITE", &f->site, links);
    link_label(r, "TASK FORCE", &f->task_force, links);
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

/* The header as it fits: at most HEADER_MAX rows and half the frame; links (the site and
 * task force) only on rows shown. */
struct header {
    struct rich r;
    struct wrapped w;
    int rows;
    struct doc_link room[2];
    struct doc_links links;
};

static void header_layout(struct header *h, const struct art_file *f, const struct art_area *a)
{
    memset(h, 0, sizeof(*h));
    h->links.v = h->room;
    h->links.cap = sizeof(h->room) / sizeof(h->room[0]);
    build_header(f, &h->r, &h->links);
    if (layout_wrap(h->r.g, h->r.len, text_width(a->cols - 2), &h->w) == 0) {
        unglue(&h->r);
        while ((size_t)h->rows < h->w.count && h->rows < HEADER_MAX && h->rows < a->rows / 2)
            h->rows++;
    }
    size_t shown = h->rows > 0 ? h->w.lines[h->rows - 1].start + h->w.lines[h->rows - 1].len : 0;
    while (h->links.count > 0 && h->links.v[h->links.count - 1].start >= shown)
        h->links.count--;
}

static void header_free(struct header *h)
{
    rich_free(&h->r);
    wrapped_free(&h->w);
}

/* n glyphs at y, x, those in [from, to) reversed: the chosen link, marked on a copy so the
 * rendered text stays as it was for the next draw. */
static void draw_marked(struct canvas *c, int y, int x, const struct glyph *g, size_t n, int width,
                        size_t from, size_t to)
{
    struct glyph *copy = from < to && to <= n ? malloc(n * sizeof(*copy)) : NULL;
    if (copy == NULL) {
        canvas_glyphs(c, y, x, g, n, width);
        return;
    }
    memcpy(copy, g, n * sizeof(*copy));
    for (size_t i = from; i < to; i++)
        copy[i].ink.attrs |= INK_REVERSE;
    canvas_glyphs(c, y, x, copy, n, width);
    free(copy);
}

/* Wrapped line s with the part of glyphs [from, to) it holds reversed. */
static void draw_line(struct canvas *c, int y, int x, const struct rich *r,
                      const struct line_span *s, int width, size_t from, size_t to)
{
    size_t lo = from > s->start ? from - s->start : 0;
    size_t hi = to > s->start ? to - s->start : 0;
    if (hi > s->len)
        hi = s->len;
    draw_marked(c, y, x, r->g + s->start, s->len, width, lo, hi < lo ? lo : hi);
}

static void draw_header(struct canvas *c, const struct art_area *a, const struct header *h,
                        const struct doc_link *mark)
{
    for (int i = 0; i < h->rows; i++)
        draw_line(c, a->top + i, a->left + 1, &h->r, &h->w.lines[i], a->cols - 2,
                  mark ? mark->start : 0, mark ? mark->end : 0);
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

/* The text under the header, rendered and wrapped for one width, mode and addendum. */
struct art_file_render {
    const struct art_file *file;
    enum art_file_mode mode;
    int selected;
    int width; /* 0: nothing rendered */
    struct rich r;
    struct wrapped w;
    struct doc_links links;
};

static void render_clear(struct art_file_render *t)
{
    rich_free(&t->r);
    wrapped_free(&t->w);
    doc_links_free(&t->links);
    memset(t, 0, sizeof(*t));
}

/* v's text at width: the kept one while only the scroll, a find or a link changed (keys),
 * else rendered anew (a resize, another addendum, another file).  NULL when out of memory. */
static const struct art_file_render *body_text(struct art_file_view *v, int width,
                                               struct art_file_render *local)
{
    struct art_file_render *t = local;
    if (v->keep && (v->cache != NULL || (v->cache = calloc(1, sizeof(*v->cache))) != NULL))
        t = v->cache;
    if (t->width == width && t->file == v->file && t->mode == v->mode &&
        (v->mode != ART_FILE_ADDENDUM || t->selected == v->selected))
        return t;
    render_clear(t);
    if (v->mode == ART_FILE_ADDENDUM) {
        int idx = art_file_addendum(v->file, (size_t)v->selected);
        if (idx >= 0)
            build_section(&v->file->sections[idx], width, &t->r, &t->links);
    } else {
        build_body(v->file, false, width, &t->r, &t->links);
    }
    v->renders++;
    if (layout_wrap(t->r.g, t->r.len, width, &t->w) != 0) {
        render_clear(t);
        return NULL;
    }
    unglue(&t->r);
    t->file = v->file;
    t->mode = v->mode;
    t->selected = v->selected;
    t->width = width;
    return t;
}

void art_file_view_free(struct art_file_view *v)
{
    if (v->cache != NULL)
        render_clear(v->cache);
    free(v->cache);
    v->cache = NULL;
}

static void draw_lines(struct canvas *c, const struct art_area *body,
                       const struct art_file_render *t, struct art_file_view *v,
                       const struct doc_links *header)
{
    const struct rich *r = &t->r;
    const struct wrapped *w = &t->w;
    int width = t->width;
    /* Rewrapped to a new width: find the line that now holds the old top character. */
    if (v->wrap_width != 0 && v->wrap_width != width)
        v->scroll = art_file_find_text(r, w, v->top_glyph);
    v->page = body->rows;
    v->max_scroll = (int)w->count > body->rows ? (int)w->count - body->rows : 0;
    if (v->find_dir != 0 && v->find != NULL)
        find_line(r, w, v);
    art_file_links(w, v, &t->links, header);
    if (v->scroll > v->max_scroll)
        v->scroll = v->max_scroll;
    if (v->scroll < 0)
        v->scroll = 0;
    v->wrap_width = width;
    v->top_glyph = v->scroll < (int)w->count ? art_file_text_at(r, w->lines[v->scroll].start) : 0;
    const struct doc_link *mark =
        v->link > 0 && v->link <= (int)t->links.count ? &t->links.v[v->link - 1] : NULL;
    for (int i = 0; i < body->rows && v->scroll + i < (int)w->count; i++)
        draw_line(c, body->top + i, body->left + 1, r, &w->lines[v->scroll + i], width,
                  mark ? mark->start : 0, mark ? mark->end : 0);
    if (v->max_scroll > 0) {
        char pos[48];
        int last = v->scroll + body->rows < (int)w->count ? v->scroll + body->rows : (int)w->count;
        snprintf(pos, sizeof(pos), " %d-%d/%zu ", v->scroll + 1, last, w->count);
        layout_right(c, body->top - 1, body->left + body->cols - 1, pos, ink_attrs(INK_DIM));
    }
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
    struct header h;
    header_layout(&h, v->file, &a);
    canvas_fill(c, a.top + h.rows, a.left, a.cols, L'─', ink_attrs(INK_DIM));
    struct art_area body = {a.top + h.rows + 1, a.left, a.rows - h.rows - 1, a.cols};
    const struct doc_link *mark = NULL;
    struct art_file_render local = {0};
    if (body.rows >= 1 && v->mode == ART_FILE_ADDENDA) {
        draw_addenda(c, &body, v);
    } else if (body.rows >= 1) {
        const struct art_file_render *t = body_text(v, text_width(body.cols - 2), &local);
        if (t != NULL)
            draw_lines(c, &body, t, v, &h.links);
        /* Past the text's links, the header's: drawn reversed there. */
        if (t != NULL && v->link > (int)t->links.count)
            mark = &h.links.v[v->link - 1 - (int)t->links.count];
    }
    draw_header(c, &a, &h, mark);
    render_clear(&local);
    header_free(&h);
}

char *art_file_plain(const struct art_file *file, int width)
{
    struct rich r = {0};
    struct wrapped w = {0};
    build_header(file, &r, NULL);
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
