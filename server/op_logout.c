/* op_logout.c - "logout": revoke the caller's session. */
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"

static void op_logout(struct request *req)
{
    struct deepwell_error err;
    if (deepwell_session_revoke(req->srv->dw, req->session.id, &err) != DW_OK) {
        request_store_error(req, "session.revoke", &err);
        return;
    }
    req->authenticated = false;
    req->deauthenticated = true;
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_INFO, NULL);
    request_ok(req, json_object());
}

const struct op op_logout_entry = {
    .name = "logout",
    .needs_token = true,
    .audit = "logout",
    .stages = {{OP_STORE, op_logout}},
};
