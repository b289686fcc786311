/*
 * op_search.c - "search": ranked full-text search over the files the reader may
 * read, and only the text of them the reader may read (deepwell_search).
 *
 * The store decides what matches from the reader's level and site; each hit is
 * checked again here by clearance_read, and its title by clearance_title, so a
 * hit the rules would refuse is never sent even if the two ever disagreed.
 */
#include <math.h>
#include <string.h>

#include "common/foundation.h"
#include "common/log.h"
#include "server/args.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"
#include "server/utf8.h"

#define SEARCH_LIMIT_DEFAULT 20
/* Each snippet is cut to this many bytes (a page stays under 50 * ~600 bytes). */
#define SNIPPET_MAX 300

static const enum foundation_ref_kind ref_kinds[] = {[DW_KIND_SCP] = REF_SCP,
                                                     [DW_KIND_SITE] = REF_SITE,
                                                     [DW_KIND_MTF] = REF_MTF,
                                                     [DW_KIND_USER] = REF_USER};

/* At most SNIPPET_MAX bytes, never ending inside a UTF-8 sequence. */
static void cut_snippet(char *text)
{
    size_t n = strlen(text);
    if (n > SNIPPET_MAX)
        text[n = SNIPPET_MAX] = '\0';
    for (int i = 0; i < 4 && n > 0 && !utf8_valid(text, n); i++)
        text[--n] = '\0';
}

static json_t *item_json(const struct reader *r, struct deepwell_search_item *item)
{
    enum foundation_ref_kind kind = ref_kinds[item->kind];
    struct foundation_ref ref = {.kind = kind, .number = item->id};
    memcpy(ref.suffix, item->suffix, sizeof(ref.suffix)); /* SCP-049-ARC, not SCP-049 */
    char canon[32];
    foundation_ref_format(&ref, canon, sizeof(canon));
    json_t *o = json_pack("{s:s}", "ref", canon);
    if (clearance_title(r, kind, item->level, item->id) == 0 &&
        utf8_valid(item->title, strlen(item->title)))
        json_object_set_new(o, "title", json_string(item->title));
    json_object_set_new(o, "classification", shape_level(item->level));
    if (item->snippet != NULL)
        cut_snippet(item->snippet);
    json_object_set_new(o, "snippet", json_string(item->snippet != NULL ? item->snippet : ""));
    json_object_set_new(o, "score", json_real(round(item->score * 10000) / 10000));
    return o;
}

static void op_search(struct request *req)
{
    json_t *jquery = json_object_get(req->args, "query");
    json_t *jkind = json_object_get(req->args, "kind");
    if (!json_is_string(jquery) || json_string_length(jquery) > DEEPWELL_SEARCH_QUERY_MAX ||
        strlen(json_string_value(jquery)) != json_string_length(jquery)) {
        request_fail(req, "bad_request", "query must be a string of at most 200 bytes");
        return;
    }
    struct reader r = request_reader(req);
    struct deepwell_search_query q = {
        .query = json_string_value(jquery),
        .reader_level = r.level,
        .reader_site_id = r.site_id,
        .site_read_level = clearance_site_read_level(),
        .limit = SEARCH_LIMIT_DEFAULT,
    };
    if (jkind != NULL && !json_is_null(jkind)) {
        enum foundation_ref_kind kind;
        if (!json_is_string(jkind) || !foundation_ref_kind_parse(json_string_value(jkind), &kind)) {
            request_fail(req, "bad_request", "kind must be scp, site, mtf or user");
            return;
        }
        for (size_t k = 0; k < sizeof(ref_kinds) / sizeof(ref_kinds[0]); k++)
            if (ref_kinds[k] == kind)
                q.kind = (enum deepwell_kind)k;
        q.by_kind = true;
    }
    if (!args_optional_int(req->args, "limit", 1, DEEPWELL_SEARCH_LIMIT_MAX, &q.limit) ||
        !args_optional_int(req->args, "offset", 0, DEEPWELL_SEARCH_OFFSET_MAX, &q.offset)) {
        request_fail(req, "bad_request", "limit must be 1-50 and offset 0-10000");
        return;
    }

    struct deepwell_search_result found;
    struct deepwell_error err;
    enum deepwell_code code = deepwell_search(req->srv->dw, &q, &found, &err);
    if (code == DW_INVALID && !err.from_engine) {
        request_fail(req, "bad_request", err.message);
        return;
    }
    if (code != DW_OK) {
        request_store_error(req, "search", &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < found.count; i++) {
        struct deepwell_search_item *item = &found.items[i];
        if (clearance_read(&r, ref_kinds[item->kind], item->level, item->id) != 0) {
            /* The store's rule and clearance.c disagree: send nothing at all. */
            log_error("search", "store matched a file the reader may not read");
            json_decref(items);
            deepwell_search_free(&found);
            request_fail(req, "internal", "internal error");
            return;
        }
        if (json_array_append_new(items, item_json(&r, item)) != 0) {
            json_decref(items); /* out of memory: a reply is whole or not at all */
            deepwell_search_free(&found);
            request_fail(req, "internal", "internal error");
            return;
        }
    }
    json_int_t total = (json_int_t)found.total;
    deepwell_search_free(&found);

    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_INFO,
                  json_pack("{s:s, s:o, s:i, s:i}", "query", q.query, "kind",
                            q.by_kind ? json_string(json_string_value(jkind)) : json_null(),
                            "offset", q.offset, "limit", q.limit));
    request_ok(req,
               json_pack("{s:I, s:i, s:o}", "total", total, "offset", q.offset, "items", items));
}

const struct op op_search_entry = {
    .name = "search",
    .needs_token = true,
    .audit = "search",
    .stages = {{OP_SEARCH, op_search}},
};
