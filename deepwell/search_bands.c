/*
 * search_bands.c - the text each clearance band of a file's readers sees, as the
 * index holds it (search.h).  Cut the same way redact.c cuts for a reader: a
 * section above the band goes whole, a passage above it leaves DW_SEARCH_CUT.
 */
#include <stdlib.h>
#include <string.h>

#include "common/markup.h"
#include "deepwell/search.h"

#define LEVELS 7 /* 1..6, and 7 as the last band's end */

struct text {
    char *data;
    size_t len, cap;
    bool cut_last; /* the last thing written was a cut: runs of cuts show as one */
};

static bool text_add(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap == 0 ? 256 : t->cap;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *grown = realloc(t->data, cap);
        if (grown == NULL)
            return false;
        t->data = grown;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
    t->cut_last = false;
    return true;
}

static bool text_cut(struct text *t)
{
    if (t->cut_last)
        return true;
    bool ok = text_add(t, DW_SEARCH_CUT, strlen(DW_SEARCH_CUT));
    t->cut_last = true;
    return ok;
}

/* A passage's level as a reader needs it: never below its section's. */
static int effective(int section_level, int passage_level)
{
    return passage_level > section_level ? passage_level : section_level;
}

static bool band_text(const char *head, const struct deepwell_section *sections,
                      const struct markup_doc *docs, size_t n, int band, struct text *t)
{
    if (!text_add(t, head, strlen(head)))
        return false;
    for (size_t i = 0; i < n; i++) {
        const struct deepwell_section *s = &sections[i];
        if (s->level > band)
            continue;
        const char *title = s->title != NULL ? s->title : "";
        if (!text_add(t, "\n\n", 2) || !text_add(t, title, strlen(title)) || !text_add(t, "\n", 1))
            return false;
        for (size_t j = 0; j < docs[i].count; j++) {
            const struct markup_segment *seg = &docs[i].segments[j];
            bool ok = effective(s->level, seg->level) <= band
                          ? text_add(t, s->body + seg->offset, seg->length)
                          : text_cut(t);
            if (!ok)
                return false;
        }
    }
    return true;
}

void dw_search_bands_free(struct dw_search_band *bands, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(bands[i].text);
    free(bands);
}

static void docs_free(struct markup_doc *docs, size_t n)
{
    for (size_t i = 0; i < n && docs != NULL; i++)
        markup_free(&docs[i]);
    free(docs);
}

int dw_search_bands(const char *head, const struct deepwell_section *sections, size_t nsections,
                    struct dw_search_band **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    struct markup_doc *docs = calloc(nsections + 1, sizeof(*docs));
    if (docs == NULL)
        return -1;
    bool used[LEVELS + 1] = {false};
    used[1] = true;
    for (size_t i = 0; i < nsections; i++) {
        const char *body = sections[i].body != NULL ? sections[i].body : "";
        if (markup_parse(body, strlen(body), &docs[i]) != 0) {
            docs_free(docs, nsections);
            return -1;
        }
        int level = sections[i].level >= 1 && sections[i].level < LEVELS ? sections[i].level : 6;
        used[level] = true;
        for (size_t j = 0; j < docs[i].count; j++)
            used[effective(level, docs[i].segments[j].level)] = true;
    }
    struct dw_search_band *bands = calloc(LEVELS, sizeof(*bands));
    size_t n = 0;
    int rc = bands == NULL ? -1 : 0;
    for (int lo = 1; lo < LEVELS && rc == 0; lo++) {
        if (!used[lo])
            continue;
        int hi = lo + 1;
        while (hi < LEVELS && !used[hi])
            hi++;
        struct text t = {0};
        if (!band_text(head, sections, docs, nsections, lo, &t)) {
            free(t.data);
            rc = -1;
            break;
        }
        bands[n++] = (struct dw_search_band){lo, hi, t.data};
    }
    docs_free(docs, nsections);
    if (rc != 0) {
        dw_search_bands_free(bands, n);
        return -1;
    }
    *out = bands;
    *count = n;
    return 0;
}
