/*
 * op_audit.c - "audit": the newest audit rows, for level 5 and above.
 *
 * Rows go through the same clearance rules as files (clearance.c, redact.c): rows of
 * users above the reader are left out, details naming files above them are cut.
 */
#include "common/foundation.h"
#include "server/args.h"
#include "server/audit_view.h"
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
    if (!args_optional_string(req->args, "outcome", 16, &q->outcome) ||
        (q->outcome != NULL && strcmp(q->outcome, "success") != 0 &&
         strcmp(q->outcome, "failure") != 0 && strcmp(q->outcome, "denied") != 0)) {
        request_fail(req, "bad_request", "outcome must be success, failure or denied");
        return false;
    }
    if (!args_optional_string(req->args, "since", 32, &q->since) ||
        !args_optional_string(req->args, "until", 32, &q->until) ||
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
    if (!read_filters(req, &q))
        return;

    struct reader r = request_reader(req);
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
    json_t *list = audit_view_rows(req, &r, &rows);
    deepwell_audit_rows_free(&rows);
    if (list == NULL) {
        request_fail(req, "internal", "internal error");
        return;
    }
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_NOTICE,
                  json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:I}", "limit", q.limit, "user",
                            string_or_null(q.user), "action", string_or_null(q.action), "outcome",
                            string_or_null(q.outcome), "since", string_or_null(q.since), "until",
                            string_or_null(q.until), "before", (json_int_t)q.before_id));
    /* A full page may have older rows: "next" is the "before" that asks for them. */
    bool full = json_array_size(list) == (size_t)q.limit;
    json_t *last = json_object_get(json_array_get(list, (size_t)q.limit - 1), "id");
    json_t *next = full && last != NULL ? json_copy(last) : NULL;
    json_t *body = json_pack("{s:o}", "rows", list);
    if (body != NULL && full && !shape_set(body, "next", next)) {
        json_decref(body);
        body = NULL;
    } else if (body == NULL) {
        json_decref(next);
    }
    request_ok(req, body);
}

const struct op op_audit_entry = {
    .name = "audit",
    .needs_token = true,
    .audit = "audit",
    .stages = {{OP_STORE, op_audit}},
};
