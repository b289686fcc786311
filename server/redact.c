/* redact.c - section and field JSON with every passage above the reader cut. */
#include "server/redact.h"
#include "common/markup.h"
#include "server/shapes.h"

#include <stdlib.h>
#include <string.h>

/* The level a reader needs for a segment: its own, or the section's when unmarked. */
static int segment_level(const struct markup_segment *seg, int section_level)
{
    return seg->level > section_level ? seg->level : section_level;
}

static json_t *cut_part(int needed)
{
    return json_pack("{s:b, s:o}", "redacted", 1, "needed_clearance", shape_level(needed));
}

static json_t *section_above_reader(const char *kind, int level, int needed)
{
    return json_pack("{s:s, s:i, s:b, s:o}", "kind", kind, "level", level, "redacted", 1,
                     "needed_clearance", shape_level(needed));
}

struct text_buf {
    char *data;
    size_t used;
};

/* Appends a readable piece to the text part being built. */
static int text_append(struct text_buf *t, const char *piece, size_t length)
{
    char *grown = realloc(t->data, t->used + length + 1);
    if (grown == NULL)
        return -1;
    memcpy(grown + t->used, piece, length);
    t->data = grown;
    t->used += length;
    return 0;
}

/* Moves the pending text into a {"text"} part. */
static int text_flush(struct text_buf *t, json_t *parts)
{
    if (t->used == 0)
        return 0;
    json_t *s = json_stringn(t->data, t->used);
    t->used = 0;
    if (s == NULL)
        return -1;
    return json_array_append_new(parts, json_pack("{s:o}", "text", s));
}

/*
 * Readable segments join into text parts and neighbouring cuts merge into one
 * (needing the highest level), so the parts never hint at how many passages hid.
 */
static json_t *build_parts(const struct reader *r, const struct markup_doc *doc, const char *body,
                           int section_level, int *any_cut)
{
    json_t *parts = json_array();
    struct text_buf text = {NULL, 0};
    int cut_level = 0; /* level of the cut being merged, 0 = none */
    *any_cut = 0;
    if (parts == NULL)
        return NULL;
    for (size_t i = 0; i < doc->count; i++) {
        const struct markup_segment *seg = &doc->segments[i];
        int needed = clearance_passage(r, segment_level(seg, section_level));
        if (needed == 0) {
            if (cut_level != 0 && json_array_append_new(parts, cut_part(cut_level)) < 0)
                goto fail;
            cut_level = 0;
            if (text_append(&text, body + seg->offset, seg->length) < 0)
                goto fail;
        } else {
            *any_cut = 1;
            if (text_flush(&text, parts) < 0)
                goto fail;
            if (needed > cut_level)
                cut_level = needed;
        }
    }
    if (cut_level != 0 && json_array_append_new(parts, cut_part(cut_level)) < 0)
        goto fail;
    if (text_flush(&text, parts) < 0)
        goto fail;
    free(text.data);
    return parts;
fail:
    free(text.data);
    json_decref(parts);
    return NULL;
}

/* base: the level unmarked text needs (0 when the reader is cleared for the file). */
static json_t *section(const struct reader *r, const char *kind, const char *title, int level,
                       int base, const char *body)
{
    int needed = clearance_passage(r, base);
    if (needed != 0)
        return section_above_reader(kind, level, needed);
    if (body == NULL)
        body = "";
    struct markup_doc doc;
    if (markup_parse(body, strlen(body), &doc) < 0)
        return NULL;
    int any_cut = 0;
    json_t *parts = build_parts(r, &doc, body, base, &any_cut);
    markup_free(&doc);
    if (parts == NULL)
        return NULL;
    json_t *section =
        json_pack("{s:s, s:s, s:i}", "kind", kind, "title", title ? title : "", "level", level);
    if (section == NULL) {
        json_decref(parts);
        return NULL;
    }
    bool ok;
    if (any_cut) {
        ok = shape_set(section, "parts", parts);
    } else {
        /* Nothing cut: at most one text part (markers of readable passages removed). */
        json_t *first = json_array_get(parts, 0);
        json_t *text = first ? json_object_get(first, "text") : NULL;
        ok = shape_set(section, "text", text ? json_incref(text) : json_string(""));
        json_decref(parts);
    }
    if (!ok) {
        json_decref(section);
        return NULL;
    }
    return section;
}

json_t *redact_section(const struct reader *r, const char *kind, const char *title, int level,
                       const char *body)
{
    return section(r, kind, title, level, level, body);
}

json_t *redact_section_cleared(const struct reader *r, const char *kind, const char *title,
                               int level, const char *body)
{
    return section(r, kind, title, level, 0, body);
}

json_t *redact_string_cleared(const struct reader *r, const char *body)
{
    return redact_string(r, 0, body);
}

json_t *redact_string(const struct reader *r, int level, const char *body)
{
    if (body == NULL)
        return json_null();
    if (level > 0 && clearance_passage(r, level) != 0)
        return json_string(REDACT_PLACEHOLDER);
    struct markup_doc doc;
    if (markup_parse(body, strlen(body), &doc) < 0)
        return NULL;
    /* Worst case: every segment is a cut replaced by the placeholder. */
    size_t pl = sizeof(REDACT_PLACEHOLDER) - 1;
    char *out = malloc(strlen(body) + doc.count * pl + 1);
    size_t used = 0;
    int last_cut = 0;
    for (size_t i = 0; out != NULL && i < doc.count; i++) {
        const struct markup_segment *seg = &doc.segments[i];
        if (clearance_passage(r, segment_level(seg, level)) == 0) {
            memcpy(out + used, body + seg->offset, seg->length);
            used += seg->length;
            last_cut = 0;
        } else if (!last_cut) {
            memcpy(out + used, REDACT_PLACEHOLDER, pl);
            used += pl;
            last_cut = 1;
        }
    }
    markup_free(&doc);
    if (out == NULL)
        return NULL;
    json_t *s = json_stringn(out, used);
    free(out);
    return s;
}

/* ---- audit rows ----------------------------------------------------------------------- */

static bool actor_hidden(const struct reader *r, const struct deepwell_audit_row *row)
{
    return row->user_id != 0 && row->user_clearance != 0 &&
           row->user_clearance > clearance_audit_actor_max(r);
}

/* The details an unknown name's row would have in place of a hidden user's. */
static json_t *details_as_unknown(const struct deepwell_audit_row *row)
{
    if (strcmp(row->action, "login") == 0 && strcmp(row->outcome, "failure") == 0)
        return json_pack("{s:s}", "reason", LOGIN_REASON_UNKNOWN_USER);
    return json_object();
}

/* Every top-level value naming a file whose title r may not see is cut. */
static json_t *details_cut(const struct reader *r, const char *text, redact_ref_level_fn level_of,
                           void *arg)
{
    json_t *details = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_object(details)) {
        json_decref(details);
        return json_object();
    }
    for (void *it = json_object_iter(details); it != NULL;
         it = json_object_iter_next(details, it)) {
        json_t *value = json_object_iter_value(it);
        struct foundation_ref ref;
        if (!json_is_string(value) || !foundation_ref_parse(json_string_value(value), &ref))
            continue;
        int level = level_of(arg, &ref);
        if (level < 0 || (level > 0 && clearance_title(r, ref.kind, level, ref.number) != 0))
            json_object_iter_set_new(details, it, json_string(REDACT_PLACEHOLDER));
    }
    return details;
}

json_t *redact_audit_row(const struct reader *r, const struct deepwell_audit_row *row,
                         redact_ref_level_fn level_of, void *arg)
{
    bool hidden = actor_hidden(r, row);
    json_t *details =
        hidden ? details_as_unknown(row) : details_cut(r, row->details_json, level_of, arg);
    if (details == NULL)
        return NULL;
    /* The actor's name for the audit view's table: as the id, never a hidden user's. */
    bool named = row->user_id && !hidden && row->user_name[0] != '\0';
    return json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:o}", "id",
                     (json_int_t)row->id, "ts", row->ts, "user_id",
                     row->user_id && !hidden ? json_integer(row->user_id) : json_null(), "user",
                     named ? json_string(row->user_name) : json_null(), "attempted_name",
                     row->attempted_name[0] ? json_string(row->attempted_name) : json_null(),
                     "client", row->client_addr, "action", row->action, "outcome", row->outcome,
                     "severity", row->severity, "details", details);
}
