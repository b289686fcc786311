/*
 * op_list.c - "list": one page of files of one kind.
 *
 * Entries the reader may not open are listed (the Foundation does not hide that a
 * file exists) but without a title when the title is above the reader, and the
 * store never matches a query against such a title.
 */
#include "common/foundation.h"
#include "server/args.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/redact.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"
#include "server/utf8.h"

#include <string.h>

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX     200
#define LIST_OFFSET_MAX    1000000000
#define LIST_QUERY_MAX     128
/* A list carries summaries: a site's location is cut to this many bytes (read the file
   for all of it), so 200 sites of 60 KB each make a small page, not 12 MB. */
#define LIST_LOCATION_MAX 200
/* A page stops before the item that would take its items past this many bytes; the
   reply then says "more" and where the "next" page starts. */
#define LIST_PAGE_MAX_BYTES (64 * 1024)

static enum deepwell_kind store_kind(enum foundation_ref_kind kind)
{
    switch (kind) {
    case REF_SCP:
        return DW_KIND_SCP;
    case REF_SITE:
        return DW_KIND_SITE;
    case REF_MTF:
        return DW_KIND_MTF;
    case REF_USER:
        return DW_KIND_USER;
    }
    return DW_KIND_SCP;
}

/*
 * The store's list fields have fixed sizes and may end in a cut UTF-8 sequence;
 * drop such a tail rather than the whole field.
 */
static void trim_utf8(char *text)
{
    size_t n = strlen(text);
    for (int i = 0; i < 3 && n > 0 && !utf8_valid(text, n); i++)
        text[--n] = '\0';
}

/* text cut to LIST_LOCATION_MAX bytes on a character boundary, marked with an ellipsis. */
static json_t *summary(json_t *text)
{
    const char *s = json_string_value(text);
    size_t n = json_string_length(text);
    if (s == NULL || n <= LIST_LOCATION_MAX)
        return text;
    size_t cut = LIST_LOCATION_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--; /* not inside a UTF-8 sequence */
    char buf[LIST_LOCATION_MAX + sizeof("\xe2\x80\xa6")];
    memcpy(buf, s, cut);
    memcpy(buf + cut, "\xe2\x80\xa6", 4); /* U+2026 and the NUL */
    json_t *cut_text = json_string(buf);
    json_decref(text);
    return cut_text;
}

/* full_location: a site's whole location text (the list's copy is cut short). */
static json_t *item_json(enum foundation_ref_kind kind, struct deepwell_list_item *item,
                         const struct reader *r, const char *full_location)
{
    trim_utf8(item->title);
    trim_utf8(item->extra);
    struct foundation_ref ref = {.kind = kind, .number = item->id};
    memcpy(ref.suffix, item->suffix, sizeof(ref.suffix)); /* SCP-049-ARC, not SCP-049 */
    char canon[32];
    foundation_ref_format(&ref, canon, sizeof(canon));
    bool accessible = clearance_read(r, kind, item->level, item->id) == 0;
    json_t *o = json_pack("{s:s}", "ref", canon);
    bool ok = o != NULL;
    if (clearance_title(r, kind, item->level, item->id) == 0)
        ok &= shape_set(o, "title", json_string(item->title));
    ok &= shape_set(o, "classification", shape_level(item->level));
    ok &= shape_set(o, "accessible", json_boolean(accessible));
    switch (kind) {
    case REF_SCP:
        ok &= shape_set(o, "containment", shape_class(FOUNDATION_CONTAINMENT, item->extra));
        ok &= shape_set(o, "status", json_string(item->status));
        break;
    case REF_SITE:
        if (accessible && full_location != NULL)
            ok &= shape_set(o, "location", summary(redact_string_cleared(r, full_location)));
        break;
    case REF_MTF:
        ok &= shape_set(o, "active", json_boolean(strcmp(item->extra, "1") == 0));
        break;
    case REF_USER:
        ok &= shape_set(o, "job_title", json_string(item->extra));
        break;
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static void op_list(struct request *req)
{
    json_t *jkind = json_object_get(req->args, "kind");
    json_t *jquery = json_object_get(req->args, "query");
    enum foundation_ref_kind kind;
    if (!json_is_string(jkind) || !foundation_ref_kind_parse(json_string_value(jkind), &kind)) {
        request_fail(req, "bad_request", "kind must be scp, site, mtf or user");
        return;
    }
    struct deepwell_list_query q = {.limit = LIST_LIMIT_DEFAULT};
    if (!args_optional_int(req->args, "limit", 1, LIST_LIMIT_MAX, &q.limit) ||
        !args_optional_int(req->args, "offset", 0, LIST_OFFSET_MAX, &q.offset)) {
        request_fail(req, "bad_request", "limit must be 1-200 and offset 0-1000000000");
        return;
    }
    if (jquery != NULL && !json_is_null(jquery)) {
        if (!json_is_string(jquery) || json_string_length(jquery) > LIST_QUERY_MAX ||
            strlen(json_string_value(jquery)) != json_string_length(jquery)) {
            request_fail(req, "bad_request", "query must be a string of at most 128 bytes");
            return;
        }
        if (json_string_length(jquery) > 0)
            q.query = json_string_value(jquery);
    }
    struct reader r = request_reader(req);
    q.kind = store_kind(kind);
    /* Site names are public; every other title only up to the reader's level. */
    q.title_max_level = kind == REF_SITE ? FOUNDATION_LEVEL_MAX : r.level;

    struct deepwell_list list;
    struct deepwell_error err;
    if (deepwell_list(req->srv->dw, &q, &list, &err) != DW_OK) {
        request_store_error(req, "list", &err);
        return;
    }
    json_t *items = json_array();
    size_t page_bytes = 0;
    bool more = false;
    for (size_t i = 0; i < list.count; i++) {
        struct deepwell_list_item *item = &list.items[i];
        struct deepwell_site site = {0};
        bool have_site = false;
        if (kind == REF_SITE && clearance_read(&r, kind, item->level, item->id) == 0) {
            enum deepwell_code rc = deepwell_site_get(req->srv->dw, item->id, &site, &err);
            if (rc != DW_OK && rc != DW_NOT_FOUND) {
                json_decref(items);
                deepwell_list_free(&list);
                request_store_error(req, "list: site.get", &err);
                return;
            }
            have_site = rc == DW_OK;
        }
        json_t *o = item_json(kind, item, &r, have_site ? site.location : NULL);
        if (have_site)
            deepwell_site_free(&site);
        if (o == NULL) {
            json_decref(items);
            deepwell_list_free(&list);
            request_fail(req, "internal", "out of memory");
            return;
        }
        size_t bytes = json_dumpb(o, NULL, 0, JSON_COMPACT) + 1; /* and its comma */
        if (i > 0 && page_bytes + bytes > LIST_PAGE_MAX_BYTES) {
            json_decref(o);
            more = true;
            break;
        }
        page_bytes += bytes;
        if (json_array_append_new(items, o) != 0) {
            json_decref(items);
            deepwell_list_free(&list);
            request_fail(req, "internal", "out of memory");
            return;
        }
    }
    json_int_t total = (json_int_t)list.total;
    deepwell_list_free(&list);
    /* "next": where the following page starts; absent on the last page. */
    json_int_t next = (json_int_t)q.offset + (json_int_t)json_array_size(items);

    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_INFO,
                  json_pack("{s:s, s:o, s:i, s:i}", "kind", foundation_ref_kind_name(kind), "query",
                            q.query ? json_string(q.query) : json_null(), "offset", q.offset,
                            "limit", q.limit));
    json_t *body = json_pack("{s:s, s:I, s:i, s:o}", "kind", foundation_ref_kind_name(kind),
                             "total", total, "offset", q.offset, "items", items);
    bool ok = body != NULL;
    if (ok && more)
        ok &= shape_set(body, "more", json_true());
    if (ok && (more || next < total))
        ok &= shape_set(body, "next", json_integer(next));
    if (!ok) {
        json_decref(body);
        body = NULL; /* request_ok answers internal */
    }
    request_ok(req, body);
}

const struct op op_list_entry = {
    .name = "list",
    .needs_token = true,
    .audit = "list",
    .stages = {{OP_STORE, op_list}},
};
