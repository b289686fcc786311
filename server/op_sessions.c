/*
 * op_sessions.c - "sessions": who is online.  Level 5 sees every live session of users
 * up to their own clearance (clearance.c); below it a reader sees only their own.
 */
#include "common/timeutil.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

#include <string.h>
#include <strings.h>

#define SESSIONS_LIMIT_DEFAULT 50
#define SESSIONS_LIMIT_MAX     200
#define SESSIONS_OFFSET_MAX    1000000

static bool int_arg(json_t *args, const char *key, json_int_t lo, json_int_t hi, json_int_t *out)
{
    json_t *v = json_object_get(args, key);
    if (v == NULL)
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return false;
    *out = json_integer_value(v);
    return true;
}

static json_t *shape_ms(int64_t ms)
{
    char iso[32];
    return json_string(time_format_iso_ms(ms, iso, sizeof(iso)));
}

static json_t *shape_session(const struct deepwell_session_row *row, int64_t current)
{
    return json_pack("{s:I, s:{s:I, s:s}, s:o, s:s, s:o, s:o, s:o, s:b}", "id", (json_int_t)row->id,
                     "user", "id", (json_int_t)row->user_id, "name", row->user_name, "clearance",
                     shape_level(row->clearance), "client", row->client_addr, "since",
                     shape_ms(row->created_ms), "last_seen", shape_ms(row->last_seen_ms), "expires",
                     shape_ms(row->expires_ms), "current", row->id == current);
}

/* The page as the reply's "sessions"; NULL when out of memory. */
static json_t *shape_sessions(const struct deepwell_session_rows *rows, int64_t current)
{
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < rows->count; i++)
        if (json_array_append_new(list, shape_session(&rows->rows[i], current)) != 0) {
            json_decref(list);
            return NULL;
        }
    return list;
}

/*
 * The user filter: NULL = everyone the reader may see.  A name above the reader or
 * unknown finds nobody (id -1), as the audit op's filter does.
 */
static enum deepwell_code filter_user(struct request *req, const char *name, int64_t *user_id,
                                      struct deepwell_error *err)
{
    struct deepwell_user u;
    enum deepwell_code rc = deepwell_user_find(req->srv->dw, name, 0, &u, err);
    *user_id = rc == DW_OK ? u.id : -1;
    memset(&u, 0, sizeof(u)); /* its password hash */
    return rc == DW_NOT_FOUND ? DW_OK : rc;
}

static void op_sessions(struct request *req)
{
    json_int_t limit = SESSIONS_LIMIT_DEFAULT, offset = 0;
    json_t *juser = json_object_get(req->args, "user");
    if (!int_arg(req->args, "limit", 1, SESSIONS_LIMIT_MAX, &limit) ||
        !int_arg(req->args, "offset", 0, SESSIONS_OFFSET_MAX, &offset) ||
        (juser != NULL && (!json_is_string(juser) || json_string_length(juser) == 0 ||
                           json_string_length(juser) >= DEEPWELL_NAME_MAX))) {
        request_fail(req, "bad_request", "limit 1-200, offset 0-1000000, user a name");
        return;
    }
    struct reader r = request_reader(req);
    struct deepwell_session_query q = {
        .now_ms = req->now_ms,
        .idle_cutoff_ms = req->now_ms - (int64_t)req->srv->cfg.session_idle_s * 1000,
        .max_level = clearance_audit_actor_max(&r),
        .user_id = req->user.id, /* below level 5: one's own */
        .offset = offset,
        .limit = (int)limit,
    };
    struct deepwell_error err;
    if (clearance_sessions_all(&r) == 0) {
        q.user_id = 0;
        if (juser != NULL &&
            filter_user(req, json_string_value(juser), &q.user_id, &err) != DW_OK) {
            request_store_error(req, "users.find", &err);
            return;
        }
    } else if (juser != NULL && strcasecmp(json_string_value(juser), req->user.name) != 0) {
        int needed = clearance_sessions_all(&r);
        request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING, NULL);
        request_fail_with(req, "clearance_denied", "others' sessions need Level 5", "screen",
                          screen_clearance_denied(needed, r.level));
        return;
    }
    struct deepwell_session_rows rows = {0};
    if (q.user_id >= 0 && deepwell_session_list(req->srv->dw, &q, &rows, &err) != DW_OK) {
        request_store_error(req, "sessions.list", &err);
        return;
    }
    json_t *list = shape_sessions(&rows, req->session.id);
    bool more = rows.more;
    deepwell_session_rows_free(&rows);
    json_t *body =
        list != NULL ? json_pack("{s:o, s:I}", "sessions", list, "offset", offset) : NULL;
    if (body != NULL && more &&
        !shape_set(body, "next", json_integer(offset + (json_int_t)json_array_size(list)))) {
        json_decref(body);
        body = NULL;
    }
    if (body == NULL) {
        request_fail(req, "internal", "out of memory");
        return;
    }
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_INFO,
                  json_pack("{s:o, s:I, s:I}", "user", juser ? json_copy(juser) : json_null(),
                            "offset", offset, "limit", limit));
    request_ok(req, body);
}

const struct op op_sessions_entry = {
    .name = "sessions",
    .needs_token = true,
    .audit = "sessions",
    .stages = {{OP_STORE, op_sessions}},
};
