/* op_whoami.c - "whoami": the caller's user, session time left, the login before. */
#include "server/ops.h"
#include "server/request.h"
#include "server/session.h"
#include "server/shapes.h"

static void op_whoami(struct request *req)
{
    /* The login before the newest and the wrong passwords between them (schema 13). */
    request_ok(req, json_pack("{s:o, s:I, s:o, s:i}", "user", shape_user(&req->user), "expires_in",
                              (json_int_t)session_expires_in(req), "last_login",
                              shape_time_or_null(req->user.previous_login), "failed_logins",
                              req->user.failed_before_login));
}

const struct op op_whoami_entry = {
    .name = "whoami",
    .needs_token = true,
    .stages = {{OP_STORE, op_whoami}},
};
