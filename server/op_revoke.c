/*
 * op_revoke.c - "revoke": end one session (by id) or every session of a user (by name).
 *
 * One's own always; another's from level 5, and only of a user the actor could see
 * (clearance_revoke): a session or user above them is refused exactly as a missing one.
 * Ending the caller's own current session is a logout.
 */
#include "server/clearance.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

#include <string.h>

/* What the request names: its owner, whether there is one and their clearance. */
struct target {
    int64_t session_id; /* 0 = every session of the user */
    int64_t user_id;
    int level;
    bool found;
};

/* A live session of any user, by id (clearance decides afterwards). */
static enum deepwell_code find_session(struct request *req, struct target *t,
                                       struct deepwell_error *err)
{
    struct deepwell_session_query q = {
        .now_ms = req->now_ms,
        .idle_cutoff_ms = req->now_ms - (int64_t)req->srv->cfg.session_idle_s * 1000,
        .max_level = FOUNDATION_LEVEL_MAX,
        .session_id = t->session_id,
        .limit = 1,
    };
    struct deepwell_session_rows rows;
    enum deepwell_code rc = deepwell_session_list(req->srv->dw, &q, &rows, err);
    if (rc == DW_OK && rows.count == 1) {
        t->found = true;
        t->user_id = rows.rows[0].user_id;
        t->level = rows.rows[0].clearance;
    }
    deepwell_session_rows_free(&rows);
    return rc;
}

static enum deepwell_code find_user(struct request *req, const char *name, struct target *t,
                                    struct deepwell_error *err)
{
    struct deepwell_user u;
    enum deepwell_code rc = deepwell_user_find(req->srv->dw, name, 0, &u, err);
    if (rc == DW_OK) {
        t->found = true;
        t->user_id = u.id;
        t->level = u.clearance;
    }
    memset(&u, 0, sizeof(u)); /* its password hash */
    return rc == DW_NOT_FOUND ? DW_OK : rc;
}

/* Reads "session" (an id) or "user" (a name), exactly one. */
static bool read_args(struct request *req, struct target *t, const char **name)
{
    json_t *session = json_object_get(req->args, "session");
    json_t *user = json_object_get(req->args, "user");
    *name = NULL;
    if ((session == NULL) == (user == NULL))
        return false;
    if (session != NULL) {
        if (!json_is_integer(session) || json_integer_value(session) < 1)
            return false;
        t->session_id = json_integer_value(session);
        return true;
    }
    if (!json_is_string(user) || json_string_length(user) == 0 ||
        json_string_length(user) >= DEEPWELL_NAME_MAX ||
        strlen(json_string_value(user)) != json_string_length(user))
        return false;
    *name = json_string_value(user);
    return true;
}

static json_t *details(const struct target *t, const char *name, int64_t ended)
{
    if (t->session_id != 0)
        return json_pack("{s:I, s:I}", "session", (json_int_t)t->session_id, "ended",
                         (json_int_t)ended);
    return json_pack("{s:s, s:I}", "user", name, "ended", (json_int_t)ended);
}

static void op_revoke(struct request *req)
{
    struct target t = {0};
    const char *name;
    if (!read_args(req, &t, &name)) {
        request_fail(req, "bad_request", "revoke needs \"session\" (an id) or \"user\" (a name)");
        return;
    }
    struct deepwell_error err;
    enum deepwell_code rc =
        name != NULL ? find_user(req, name, &t, &err) : find_session(req, &t, &err);
    if (rc != DW_OK) {
        request_store_error(req, "revoke.find", &err);
        return;
    }
    struct reader r = request_reader(req);
    bool own = t.found && t.user_id == req->user.id;
    int needed = clearance_revoke(&r, own, t.found, t.level);
    if (needed != 0) {
        request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING, details(&t, name, 0));
        request_fail_with(req, "clearance_denied", "you may not end these sessions", "screen",
                          screen_clearance_denied(needed, r.level));
        return;
    }
    int64_t ended = 0;
    if (t.session_id != 0) {
        rc = deepwell_session_revoke(req->srv->dw, t.session_id, &err);
        ended = 1;
    } else {
        rc = deepwell_session_revoke_user_count(req->srv->dw, t.user_id, &ended, &err);
    }
    if (rc != DW_OK) {
        request_store_error(req, "session.revoke", &err);
        return;
    }
    if (own && (t.session_id == 0 || t.session_id == req->session.id)) {
        req->authenticated = false; /* as logout: this connection's session is gone */
        req->deauthenticated = true;
    }
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_NOTICE, details(&t, name, ended));
    request_ok(req, json_pack("{s:I}", "ended", (json_int_t)ended));
}

const struct op op_revoke_entry = {
    .name = "revoke",
    .needs_token = true,
    .audit = "revoke",
    .stages = {{OP_STORE, op_revoke}},
};
