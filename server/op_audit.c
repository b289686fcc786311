/*
 * op_audit.c - "audit": the newest audit rows, for level 5 and above.
 *
 * Rows go through the same clearance rules as files (clearance.c, redact.c): rows of
 * users above the reader are left out, details naming files above them are cut.
 */
#include "common/foundation.h"
#include "server/args.h"
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
    if (ref->kind == REF_SCP) {
        struct deepwell_scp scp;
        rc = deepwell_scp_get_head(srv->dw, (int)ref->number, ref->suffix, &scp, &err);
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
        if (cache->known[i].ref.kind == ref->kind && cache->known[i].ref.number == ref->number &&
            strcmp(cache->known[i].ref.suffix, ref->suffix) == 0)
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
    if (!args_optional_string(req->args, "user", DEEPWELL_NAME_MAX, &q.user) ||
        !args_optional_string(req->args, "action", 64, &q.action)) {
        request_fail(req, "bad_request", "user and action must be non-empty strings");
        return;
    }

    struct reader r = {req->user.clearance, req->user.site_id, req->user.task_force_id};
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
                  json_pack("{s:i, s:o, s:o}", "limit", q.limit, "user",
                            q.user ? json_string(q.user) : json_null(), "action",
                            q.action ? json_string(q.action) : json_null()));
    request_ok(req, json_pack("{s:o}", "rows", list));
}

const struct op op_audit_entry = {
    .name = "audit",
    .needs_token = true,
    .audit = "audit",
    .stages = {{OP_STORE, op_audit}},
};
