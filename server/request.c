/* request.c - a request's life: reply building, audit row, hand-back to the loop. */
#include "server/request.h"
#include "common/log.h"
#include "server/mailbox.h"
#include "server/server.h"

#include <stdlib.h>
#include <string.h>

struct request *request_new(struct server *srv, struct conn *conn, uint64_t seq)
{
    struct request *req = calloc(1, sizeof(*req));
    if (req == NULL)
        return NULL;
    req->srv = srv;
    req->conn = conn;
    req->seq = seq;
    req->id = json_null();
    return req;
}

void request_free(struct request *req)
{
    if (req == NULL)
        return;
    json_decref(req->id);
    json_decref(req->args);
    json_decref(req->reply);
    free(req->audit_attempted_name);
    free(req->audit_details);
    /* The user row carries a password hash: leave nothing behind in freed memory. */
    memset(&req->user, 0, sizeof(req->user));
    free(req);
}

json_t *reply_error(json_t *id, const char *code, const char *message)
{
    return json_pack("{s:O, s:b, s:{s:s, s:s}}", "id", id ? id : json_null(), "ok", 0, "error",
                     "code", code, "message", message);
}

void request_ok(struct request *req, json_t *body)
{
    json_t *reply = json_pack("{s:O, s:b}", "id", req->id, "ok", 1);
    if (body != NULL) {
        json_object_update(reply, body);
        json_decref(body);
    }
    json_decref(req->reply);
    req->reply = reply;
}

json_t *request_fail(struct request *req, const char *code, const char *message)
{
    json_decref(req->reply);
    req->reply = reply_error(req->id, code, message);
    return req->reply;
}

void request_store_error(struct request *req, const char *what, const struct deepwell_error *err)
{
    switch (err->code) {
    case DW_BUSY:
    case DW_IO:
    case DW_CORRUPT:
    case DW_POOL_EXHAUSTED:
        log_error("store", "%s: %s: %s (%s)", what, deepwell_code_name(err->code), err->message,
                  err->context);
        request_fail(req, "unavailable", "the deepwell is unavailable; try again later");
        break;
    default:
        log_error("store", "%s: unexpected %s: %s (%s)", what, deepwell_code_name(err->code),
                  err->message, err->context);
        request_fail(req, "internal", "internal error");
        break;
    }
}

void request_audit(struct request *req, const char *action, enum deepwell_outcome outcome,
                   enum deepwell_severity severity, json_t *details)
{
    req->audit = true;
    req->audit_user_id = req->user.id;
    snprintf(req->audit_action, sizeof(req->audit_action), "%s", action);
    req->audit_outcome = outcome;
    req->audit_severity = severity;
    free(req->audit_details);
    req->audit_details = NULL;
    if (details != NULL) {
        req->audit_details = json_dumps(details, JSON_COMPACT);
        json_decref(details);
    }
}

void request_audit_attempted(struct request *req, const char *name)
{
    free(req->audit_attempted_name);
    req->audit_attempted_name = name ? strdup(name) : NULL;
}

static void audit_committed(void *arg, enum deepwell_code status, int64_t row_id)
{
    struct request *req = arg;
    if (status != DW_OK) {
        log_error("audit", "audit row for %s from %s not committed: %s", req->audit_action,
                  req->client, deepwell_code_name(status));
        /* No reply may leave without its audit row. */
        req->deauthenticated = false;
        req->authenticated = false;
        request_fail(req, "unavailable", "the audit log is unavailable; try again later");
    }
    mailbox_post(req->srv->done, &req->job);
}

void request_finish(struct request *req)
{
    if (req->reply == NULL)
        request_fail(req, "internal", "internal error");
    if (!req->audit) {
        mailbox_post(req->srv->done, &req->job);
        return;
    }
    struct deepwell_audit_entry entry = {
        .user_id = req->audit_user_id,
        .attempted_name = req->audit_attempted_name,
        .client_addr = req->client,
        .action = req->audit_action,
        .outcome = req->audit_outcome,
        .severity = req->audit_severity,
        .details_json = req->audit_details,
    };
    struct deepwell_error err;
    if (deepwell_audit_append(req->srv->dw, &entry, audit_committed, req, &err) != DW_OK) {
        log_error("audit", "cannot queue audit row %s: %s", req->audit_action, err.message);
        req->authenticated = false;
        request_fail(req, "unavailable", "the audit log is unavailable; try again later");
        mailbox_post(req->srv->done, &req->job);
    }
}
