/*
 * op_audit.c - "audit": the newest audit rows, for level 5 and above.
 *
 * Rows go through the same clearance rules as files (clearance.c, redact.c): rows of
 * users above the reader are left out, details naming files above them are cut.
 */
#include "common/foundation.h"
#include "server/clearance.h"
#include "server/redact.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

#include <stdlib.h>
#include <string.h>

#define AUDIT_LIMIT_DEFAULT 50
#define AUDIT_LIMIT_MAX     500

/* Optional string filter of at most max-1 bytes; false when present but wrong. */
static bool optional_string(json_t *args, const char *key, size_t max, const char **out)
{
    json_t *v = json_object_get(args, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= max ||
        strlen(json_string_value(v)) != json_string_length(v))
        return false;
    *out = json_string_value(v);
    return true;
}

/* A time filter: YYYY-MM-DD, optionally THH:MM[:SS[.mmm]] and Z; compared as text. */
static bool iso_time(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddd";
    size_t n = strlen(s), i;
    if (n > 0 && s[n - 1] == 'Z')
        n--;
    if (n != 10 && n != 16 && n != 19 && n != 23)
        return false;
    for (i = 0; i < n; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return false;
    return n == 10 || s[n] == 'Z';
}

/* The view's filters past user and action; false (after the reply) when one is wrong. */
static bool read_filters(struct request *req, struct deepwell_audit_query *q)
{
    json_t *before = json_object_get(req->args, "before");
    if (!optional_string(req->args, "outcome", 16, &q->outcome) ||
        (q->outcome != NULL && strcmp(q->outcome, "success") != 0 &&
         strcmp(q->outcome, "failure") != 0 && strcmp(q->outcome, "denied") != 0)) {
        request_fail(req, "bad_request", "outcome must be success, failure or denied");
        return false;
    }
    if (!optional_string(req->args, "since", 32, &q->since) ||
        !optional_string(req->args, "until", 32, &q->until) ||
        (q->since != NULL && !iso_time(q->since)) || (q->until != NULL && !iso_time(q->until))) {
        request_fail(req, "bad_request",
                     "since and until must be times like 2026-11-22 or 2026-11-22T15:30:00Z");
        return false;
    }
    if (before != NULL && (!json_is_integer(before) || json_integer_value(before) < 1)) {
        request_fail(req, "bad_request", "before must be a row id");
        return false;
    }
    q->before_id = before != NULL ? json_integer_value(before) : 0;
    return true;
}

static json_t *string_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* Levels of the refs named in one reply's details, each looked up once. */
#define REF_CACHE_MAX 64

struct ref_levels {
    struct server *srv;
    size_t count;
    struct {
        struct foundation_ref ref;
        int level;
    } known[REF_CACHE_MAX];
};

/* The level of the file a ref names, 0 when none, -1 when the store cannot tell. */
static int lookup_level(struct server *srv, const struct foundation_ref *ref)
{
    struct deepwell_error err;
    enum deepwell_code rc = DW_INTERNAL;
    int level = 0;
    if (ref->kind == REF_SCP && ref->suffix[0] != '\0') {
        rc = DW_NOT_FOUND; /* not in the store, as file_view.c says */
    } else if (ref->kind == REF_SCP) {
        struct deepwell_scp scp;
        rc = deepwell_scp_get_head(srv->dw, (int)ref->number, &scp, &err);
        if (rc == DW_OK) {
            level = scp.level;
            deepwell_scp_free(&scp);
        }
    } else if (ref->kind == REF_SITE) {
        struct deepwell_site site;
        rc = deepwell_site_get(srv->dw, ref->number, &site, &err);
        if (rc == DW_OK) {
            level = site.level;
            deepwell_site_free(&site);
        }
    } else if (ref->kind == REF_MTF) {
        struct deepwell_mtf mtf;
        rc = deepwell_mtf_get(srv->dw, ref->number, &mtf, &err);
        if (rc == DW_OK) {
            level = mtf.level;
            deepwell_mtf_free(&mtf);
        }
    } else if (ref->kind == REF_USER) {
        struct deepwell_user user;
        rc = deepwell_user_find(srv->dw, NULL, ref->number, &user, &err);
        if (rc == DW_OK)
            level = user.clearance;
        memset(&user, 0, sizeof(user)); /* its password hash */
    }
    if (rc == DW_NOT_FOUND)
        return 0;
    return rc == DW_OK ? level : -1;
}

static int ref_level(void *arg, const struct foundation_ref *ref)
{
    struct ref_levels *cache = arg;
    for (size_t i = 0; i < cache->count; i++)
        if (cache->known[i].ref.kind == ref->kind && cache->known[i].ref.number == ref->number)
            return cache->known[i].level;
    int level = lookup_level(cache->srv, ref);
    if (level >= 0 && cache->count < REF_CACHE_MAX) {
        cache->known[cache->count].ref = *ref;
        cache->known[cache->count].level = level;
        cache->count++;
    }
    return level;
}

static void op_audit(struct request *req)
{
    struct deepwell_audit_query q = {.limit = AUDIT_LIMIT_DEFAULT};
    json_t *limit = json_object_get(req->args, "limit");
    if (limit != NULL) {
        if (!json_is_integer(limit) || json_integer_value(limit) < 1 ||
            json_integer_value(limit) > AUDIT_LIMIT_MAX) {
            request_fail(req, "bad_request", "limit must be an integer 1-500");
            return;
        }
        q.limit = (int)json_integer_value(limit);
    }
    if (!optional_string(req->args, "user", DEEPWELL_NAME_MAX, &q.user) ||
        !optional_string(req->args, "action", 64, &q.action)) {
        request_fail(req, "bad_request", "user and action must be non-empty strings");
        return;
    }
    if (!read_filters(req, &q))
        return;

    struct reader r = {req->user.clearance, req->user.site_id};
    int needed = clearance_audit(&r);
    if (needed != 0) {
        request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING, NULL);
        request_fail_with(req, "clearance_denied", "the audit log needs Level 5", "screen",
                          screen_clearance_denied(needed, r.level));
        return;
    }

    /* Rows of users above the reader are left out by the store, before the limit. */
    q.actor_max_level = clearance_audit_actor_max(&r);
    struct deepwell_audit_rows rows;
    struct deepwell_error err;
    if (deepwell_audit_query(req->srv->dw, &q, &rows, &err) != DW_OK) {
        request_store_error(req, "audit.query", &err);
        return;
    }
    struct ref_levels *cache = calloc(1, sizeof(*cache));
    json_t *list = json_array();
    bool failed = cache == NULL || list == NULL;
    if (cache != NULL)
        cache->srv = req->srv;
    for (size_t i = 0; !failed && i < rows.count; i++)
        failed =
            json_array_append_new(list, redact_audit_row(&r, &rows.rows[i], ref_level, cache)) != 0;
    deepwell_audit_rows_free(&rows);
    free(cache);
    if (failed) {
        json_decref(list);
        request_fail(req, "internal", "internal error");
        return;
    }
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_NOTICE,
                  json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:I}", "limit", q.limit, "user",
                            string_or_null(q.user), "action", string_or_null(q.action), "outcome",
                            string_or_null(q.outcome), "since", string_or_null(q.since), "until",
                            string_or_null(q.until), "before", (json_int_t)q.before_id));
    /* A full page may have older rows: "next" is the "before" that asks for them. */
    json_t *body = json_pack("{s:o}", "rows", list);
    json_t *last = json_object_get(json_array_get(list, (size_t)q.limit - 1), "id");
    if (body != NULL && json_array_size(list) == (size_t)q.limit &&
        !shape_set(body, "next", last != NULL ? json_copy(last) : NULL)) {
        json_decref(body);
        body = NULL;
    }
    request_ok(req, body);
}

const struct op op_audit_entry = {
    .name = "audit",
    .needs_token = true,
    .audit = "audit",
    .stages = {{OP_STORE, op_audit}},
};
