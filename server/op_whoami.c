/* op_whoami.c - "whoami": the caller's user and session time left. */
#include "server/ops.h"
#include "server/request.h"
#include "server/session.h"
#include "server/shapes.h"

static void op_whoami(struct request *req)
{
    request_ok(req, json_pack("{s:o, s:I}", "user", shape_user(&req->user), "expires_in",
                              (json_int_t)session_expires_in(req)));
}

const struct op op_whoami_entry = {
    .name = "whoami",
    .needs_token = true,
    .stages = {{OP_STORE, op_whoami}},
};
