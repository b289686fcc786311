/* search_reply.c - reading a "search" reply; every string is copied bounded. */
#include "client/search_reply.h"

#include <stdio.h>
#include <string.h>

#include "client/protocol.h"

static void copy(char *dst, size_t size, const json_t *v)
{
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    snprintf(dst, size, "%s", s);
}

int search_parse(const json_t *root, struct search_page *out)
{
    memset(out, 0, sizeof(*out));
    const json_t *items = json_object_get(root, "items");
    const json_t *total = json_object_get(root, "total");
    if (!json_is_array(items) || json_array_size(items) > SEARCH_PAGE_MAX ||
        !json_is_integer(total) || json_integer_value(total) < 0)
        return -1;
    out->total = (long)json_integer_value(total);
    out->offset = (long)json_integer_value(json_object_get(root, "offset"));
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        const json_t *ref = json_object_get(it, "ref");
        if (!json_is_object(it) || !json_is_string(ref))
            continue;
        struct search_hit *hit = &out->hits[out->count++];
        copy(hit->ref, sizeof(hit->ref), ref);
        copy(hit->title, sizeof(hit->title), json_object_get(it, "title"));
        copy(hit->snippet, sizeof(hit->snippet), json_object_get(it, "snippet"));
        proto_parse_level(json_object_get(it, "classification"), &hit->classification);
        hit->score = json_number_value(json_object_get(it, "score"));
    }
    if (out->total < (long)out->count)
        out->total = (long)out->count;
    return 0;
}

void search_hit_heading(const struct search_hit *hit, char *buf, size_t size)
{
    snprintf(buf, size, "%s  %s  [%s]", hit->ref,
             hit->title[0] != '\0' ? hit->title : "[title withheld]",
             hit->classification.name[0] != '\0' ? hit->classification.name : "?");
}

void search_hit_snippet_line(const struct search_hit *hit, char *buf, size_t size)
{
    snprintf(buf, size, "%s", hit->snippet);
    /* The text's own line breaks would split the hit: spaces here. */
    for (char *p = buf; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}
