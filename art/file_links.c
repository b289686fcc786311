/* file_links.c - the refs of a file's text, then its header's, as links: Tab moves
 * between them. */
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

/* Links past the text's are the header's: always in sight, never scrolled to. */
static bool in_sight(const struct wrapped *w, const struct art_file_view *v,
                     const struct doc_links *links, int index)
{
    if ((size_t)index >= links->count)
        return true;
    int line = line_of(w, links->v[index].start);
    return line >= v->scroll && line < v->scroll + v->page;
}

/*
 * The next link (step 1) or previous one; from none or from outside the page, the first
 * (or last) of the text's in sight, else the header's first (or last), else the text's.
 */
static int choose(const struct wrapped *w, const struct art_file_view *v,
                  const struct doc_links *links, int n)
{
    int nb = (int)links->count;
    if (v->link > 0 && in_sight(w, v, links, v->link - 1))
        return (v->link - 1 + v->link_step + n) % n + 1;
    for (int k = 0; k < nb; k++) {
        int i = v->link_step > 0 ? k : nb - 1 - k;
        int line = line_of(w, links->v[i].start);
        if (v->link_step > 0 ? line >= v->scroll : line < v->scroll + v->page)
            return i + 1;
    }
    if (n > nb)
        return v->link_step > 0 ? nb + 1 : n;
    return v->link_step > 0 ? 1 : n;
}

void art_file_links(const struct wrapped *w, struct art_file_view *v, const struct doc_links *links,
                    const struct doc_links *header)
{
    static const struct doc_links none = {0};
    if (links == NULL || w->count == 0)
        links = &none;
    if (header == NULL)
        header = &none;
    int n = (int)(links->count + header->count);
    if (v->link > n)
        v->link = 0;
    if (v->link_step != 0 && n > 0) {
        v->link = choose(w, v, links, n);
        if (v->link <= (int)links->count) {
            int line = line_of(w, links->v[v->link - 1].start);
            if (line < v->scroll)
                v->scroll = line;
            else if (line >= v->scroll + v->page)
                v->scroll = line - v->page + 1;
        }
    }
    v->link_step = 0;
    v->link_ref[0] = '\0';
    if (v->link == 0)
        return;
    const struct doc_link *l = v->link <= (int)links->count
                                   ? &links->v[v->link - 1]
                                   : &header->v[v->link - 1 - (int)links->count];
    snprintf(v->link_ref, sizeof(v->link_ref), "%s", l->ref);
}

bool art_file_link_add(struct doc_links *l, size_t start, size_t end, const char *ref)
{
    if (l->count >= l->cap)
        return false;
    struct doc_link *k = &l->v[l->count++];
    k->start = start;
    k->end = end;
    snprintf(k->ref, sizeof(k->ref), "%s", ref);
    return true;
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
