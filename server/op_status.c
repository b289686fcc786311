/* op_status.c - "set_status": change an SCP file's status, kept in its history. */
#include "common/foundation.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

#include <string.h>

#define REASON_MAX 1000

static void op_set_status(struct request *req)
{
    json_t *jref = json_object_get(req->args, "ref");
    json_t *jstatus = json_object_get(req->args, "status");
    json_t *jreason = json_object_get(req->args, "reason");
    struct foundation_ref ref;
    if (!json_is_string(jref) || !foundation_ref_parse(json_string_value(jref), &ref) ||
        ref.kind != REF_SCP) {
        request_fail(req, "bad_request", "ref must be an SCP file, like SCP-002");
        return;
    }
    if (!json_is_string(jstatus) || !foundation_status_valid(json_string_value(jstatus))) {
        request_fail(req, "bad_request",
                     "status must be active, neutralized, explained or deleted");
        return;
    }
    const char *reason = NULL;
    if (jreason != NULL && !json_is_null(jreason)) {
        if (!json_is_string(jreason) || json_string_length(jreason) > REASON_MAX ||
            strlen(json_string_value(jreason)) != json_string_length(jreason)) {
            request_fail(req, "bad_request", "reason must be a string of at most 1000 bytes");
            return;
        }
        reason = json_string_value(jreason);
    }
    char canon[32];
    foundation_ref_format(&ref, canon, sizeof(canon));
    const char *status = json_string_value(jstatus);

    struct deepwell_scp scp;
    struct deepwell_error err;
    /* Number and suffix name the file: SCP-049-ARC is not SCP-049. */
    enum deepwell_code rc = deepwell_scp_get(req->srv->dw, (int)ref.number, ref.suffix, &scp, &err);
    if (rc == DW_NOT_FOUND) {
        request_fail_expunged(req, canon);
        return;
    }
    if (rc != DW_OK) {
        request_store_error(req, "scp.get", &err);
        return;
    }
    struct grant g = {.kind = GRANT_SCP, .found = true, .level = scp.level, .id = scp.id};
    deepwell_scp_free(&scp);
    struct reader r = request_reader(req);
    int needed = clearance_grant(&r, req->user.title, &g);
    if (needed != 0) {
        request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING,
                      json_pack("{s:s, s:s}", "ref", canon, "status", status));
        request_fail_with(req, "clearance_denied", "your clearance is too low", "screen",
                          screen_clearance_denied(needed, r.level));
        return;
    }

    char old[16] = "";
    rc = deepwell_scp_set_status(req->srv->dw, (int)ref.number, ref.suffix, status, req->user.id,
                                 reason, old, &err);
    if (rc == DW_CONFLICT) {
        request_audit(req, req->user.id, DW_OUTCOME_FAILURE, DW_SEV_NOTICE,
                      json_pack("{s:s, s:s}", "ref", canon, "result", "unchanged"));
        request_fail(req, "conflict", "the file already has that status");
        return;
    }
    if (rc == DW_NOT_FOUND) {
        request_fail_with(req, "expunged", "no such file", "screen", screen_expunged(canon));
        return;
    }
    if (rc != DW_OK) {
        request_store_error(req, "scp.set_status", &err);
        return;
    }
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_NOTICE,
                  json_pack("{s:s, s:s, s:s}", "ref", canon, "old", old, "new", status));
    request_ok(req, json_pack("{s:s, s:s, s:s}", "ref", canon, "old", old, "new", status));
}

const struct op op_set_status_entry = {
    .name = "set_status",
    .needs_token = true,
    .audit = "scp.status",
    .stages = {{OP_STORE, op_set_status}},
};
