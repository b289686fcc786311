/* op_audit.c - "audit": the newest audit rows, for level 5 and above. */
#include "server/clearance.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

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

static json_t *row_json(const struct deepwell_audit_row *row)
{
    json_t *details = row->details_json ? json_loads(row->details_json, 0, NULL) : NULL;
    if (details == NULL)
        details = json_object();
    return json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)row->id,
                     "ts", row->ts, "user_id",
                     row->user_id ? json_integer(row->user_id) : json_null(), "attempted_name",
                     row->attempted_name[0] ? json_string(row->attempted_name) : json_null(),
                     "client", row->client_addr, "action", row->action, "outcome", row->outcome,
                     "severity", row->severity, "details", details);
}

void op_audit(struct request *req)
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

    struct reader r = {req->user.clearance, req->user.site_id};
    int needed = clearance_audit(&r);
    if (needed != 0) {
        request_audit(req, "audit", DW_OUTCOME_DENIED, DW_SEV_WARNING, NULL);
        json_t *reply = request_fail(req, "clearance_denied", "the audit log needs Level 5");
        json_object_set_new(reply, "screen", screen_clearance_denied(needed, r.level));
        return;
    }

    struct deepwell_audit_rows rows;
    struct deepwell_error err;
    if (deepwell_audit_query(req->srv->dw, &q, &rows, &err) != DW_OK) {
        request_store_error(req, "audit.query", &err);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < rows.count; i++)
        json_array_append_new(list, row_json(&rows.rows[i]));
    deepwell_audit_rows_free(&rows);
    request_audit(req, "audit", DW_OUTCOME_SUCCESS, DW_SEV_NOTICE,
                  json_pack("{s:i, s:o, s:o}", "limit", q.limit, "user",
                            q.user ? json_string(q.user) : json_null(), "action",
                            q.action ? json_string(q.action) : json_null()));
    request_ok(req, json_pack("{s:o}", "rows", list));
}
