/* file_links.c - the refs of a file's text as links: Tab moves between them. */
#include <stdio.h>

#include "art/document.h"
#include "art/file_view.h"

/* The wrapped line holding glyph at. */
static int line_of(const struct wrapped *w, size_t at)
{
    size_t lo = 0, hi = w->count;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (w->lines[mid].start <= at)
            lo = mid;
        else
            hi = mid;
    }
    return (int)lo;
}

static bool in_sight(const struct wrapped *w, const struct art_file_view *v, size_t at)
{
    int line = line_of(w, at);
    return line >= v->scroll && line < v->scroll + v->page;
}

/* The next link (step 1) or previous one; from outside the page, the first one in sight. */
static int choose(const struct wrapped *w, const struct art_file_view *v,
                  const struct doc_links *links)
{
    int n = (int)links->count;
    if (v->link > 0 && in_sight(w, v, links->v[v->link - 1].start))
        return (v->link - 1 + v->link_step + n) % n + 1;
    for (int k = 0; k < n; k++) {
        int i = v->link_step > 0 ? k : n - 1 - k;
        int line = line_of(w, links->v[i].start);
        if (v->link_step > 0 ? line >= v->scroll : line < v->scroll + v->page)
            return i + 1;
    }
    return v->link_step > 0 ? 1 : n;
}

void art_file_links(struct rich *r, const struct wrapped *w, struct art_file_view *v,
                    const struct doc_links *links)
{
    if (links == NULL || w->count == 0 || v->link > (int)links->count)
        v->link = 0;
    if (links != NULL && w->count > 0 && v->link_step != 0 && links->count > 0) {
        v->link = choose(w, v, links);
        int line = line_of(w, links->v[v->link - 1].start);
        if (line < v->scroll)
            v->scroll = line;
        else if (line >= v->scroll + v->page)
            v->scroll = line - v->page + 1;
    }
    v->link_step = 0;
    v->link_ref[0] = '\0';
    if (v->link == 0)
        return;
    const struct doc_link *l = &links->v[v->link - 1];
    snprintf(v->link_ref, sizeof(v->link_ref), "%s", l->ref);
    for (size_t i = l->start; i < l->end && i < r->len; i++)
        r->g[i].ink.attrs |= INK_REVERSE;
}

static bool is_text(const struct glyph *g)
{
    return g->ch != L' ' && g->ch != L'\n' && !(g->ink.attrs & INK_DECOR);
}

size_t art_file_text_at(const struct rich *r, size_t at)
{
    size_t n = 0;
    for (size_t i = 0; i < at && i < r->len; i++)
        n += is_text(&r->g[i]);
    return n;
}

int art_file_find_text(const struct rich *r, const struct wrapped *w, size_t n)
{
    size_t seen = 0, i = 0;
    int line = 0;
    for (size_t k = 1; k < w->count; k++) {
        for (; i < w->lines[k].start && i < r->len; i++)
            seen += is_text(&r->g[i]);
        if (seen > n)
            break;
        line = (int)k;
    }
    return line;
}
