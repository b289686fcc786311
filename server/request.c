/* request.c - a request's life: reply building, audit row, hand-back to the loop. */
#include "server/request.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "server/conn.h"
#include "server/mailbox.h"
#include "server/server.h"
#include "server/shapes.h"

#include <assert.h>
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
    free(req->line);
    free(req->op_state);
    free(req->audit_attempted_name);
    free(req->audit_details);
    if (req->has_session_scp)
        deepwell_scp_free(&req->session_scp);
    /* The user row carries a password hash: leave nothing behind in freed memory. */
    memset(&req->user, 0, sizeof(req->user));
    free(req);
}

json_t *reply_error(json_t *id, const char *code, const char *message)
{
    return json_pack("{s:O, s:b, s:{s:s, s:s}}", "id", id ? id : json_null(), "ok", 0, "error",
                     "code", code, "message", message);
}

/* A growing buffer for json_dump_callback: one pass over the tree, no measuring pass. */
struct line_buf {
    char *data;
    size_t length, capacity;
};

static int line_append(const char *text, size_t n, void *arg)
{
    struct line_buf *b = arg;
    if (b->length + n + 1 > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 1024;
        while (b->length + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (grown == NULL)
            return -1;
        b->data = grown;
        b->capacity = cap;
    }
    memcpy(b->data + b->length, text, n);
    b->length += n;
    return 0;
}

char *reply_serialize(const json_t *reply, size_t *length)
{
    /* Most replies are small, a file is ~8 KB: start where one doubling covers both. */
    struct line_buf b = {malloc(4096), 0, 4096};
    if (b.data == NULL || reply == NULL ||
        json_dump_callback(reply, line_append, &b, JSON_COMPACT) != 0 ||
        line_append("\n", 1, &b) != 0) {
        free(b.data);
        return NULL;
    }
    b.data[b.length] = '\0';
    *length = b.length;
    /* A short reply may wait in a slow client's queue: give back the unused room. */
    if (b.length + 1 < b.capacity / 2) {
        char *fitted = realloc(b.data, b.length + 1);
        if (fitted != NULL)
            b.data = fitted;
    }
    return b.data;
}

static void drop_line(struct request *req)
{
    free(req->line);
    req->line = NULL;
    req->line_length = 0;
}

bool request_ok_text(struct request *req, const char *fields, size_t length)
{
    json_decref(req->reply);
    req->reply = NULL;
    drop_line(req);
    struct line_buf b = {NULL, 0, 0};
    static const char ok[] = ",\"ok\":true";
    if (line_append("{\"id\":", 6, &b) != 0 ||
        json_dump_callback(req->id, line_append, &b, JSON_COMPACT | JSON_ENCODE_ANY) != 0 ||
        line_append(ok, sizeof(ok) - 1, &b) != 0 || (length > 0 && line_append(",", 1, &b) != 0) ||
        line_append(fields, length, &b) != 0 || line_append("}\n", 2, &b) != 0) {
        free(b.data);
        return false;
    }
    b.data[b.length] = '\0';
    req->line = b.data;
    req->line_length = b.length;
    return true;
}

void request_ok(struct request *req, json_t *body)
{
    drop_line(req);
    json_t *reply = json_pack("{s:O, s:b}", "id", req->id, "ok", 1);
    /* Out of memory anywhere in the body: no half reply (shapes.h). */
    if (body == NULL || reply == NULL || json_object_update(reply, body) != 0) {
        json_decref(body);
        json_decref(reply);
        request_fail(req, "internal", "out of memory");
        return;
    }
    json_decref(body);
    json_decref(req->reply);
    req->reply = reply;
}

json_t *request_fail(struct request *req, const char *code, const char *message)
{
    drop_line(req);
    json_decref(req->reply);
    req->reply = reply_error(req->id, code, message);
    return req->reply;
}

void request_fail_with(struct request *req, const char *code, const char *message, const char *key,
                       json_t *value)
{
    if (!shape_set(request_fail(req, code, message), key, value))
        request_fail(req, "internal", "out of memory");
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

void request_audit(struct request *req, int64_t actor, enum deepwell_outcome outcome,
                   enum deepwell_severity severity, json_t *details)
{
    assert(req->op != NULL && req->op->audit != NULL);
    request_audit_action(req, req->op->audit, actor, outcome, severity, details);
}

void request_audit_action(struct request *req, const char *action, int64_t actor,
                          enum deepwell_outcome outcome, enum deepwell_severity severity,
                          json_t *details)
{
    req->audit = true;
    req->audit_user_id = actor;
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

/* The reply tree becomes its line here, on the worker, not on the loop thread. */
static void serialize(struct request *req)
{
    if (req->line == NULL) {
        if (req->reply == NULL)
            request_fail(req, "internal", "internal error");
        req->line = reply_serialize(req->reply, &req->line_length);
        if (req->line == NULL)
            log_error("request", "cannot serialize a reply to %s", req->client);
    }
    json_decref(req->reply);
    req->reply = NULL;
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
        serialize(req);
    }
    mailbox_post(req->srv->done, &req->job);
}

void request_finish(struct request *req)
{
    serialize(req);
    if (req->conn != NULL && req->line != NULL) {
        /* Counted from now: a reply waiting for its audit row is memory held too. */
        req->held_bytes = req->line_length;
        conn_reply_made(req->conn, req->held_bytes);
    }
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
        serialize(req);
        mailbox_post(req->srv->done, &req->job);
    }
}

/* ---- stages ------------------------------------------------------------------ */

static void run_stage(struct job *job);

/*
 * A hash job whose client has gone is dropped unrun: nobody would read its reply, and
 * a client that pipelines work and closes, again and again, must not queue hashing
 * beyond what its open connections may hold.  Nothing was done for it yet that needs
 * recording (a request that has its audit row set is finished, never dropped).
 */
static void run_hash_stage(struct job *job)
{
    struct request *req = (struct request *)job;
    if (!req->audit && conn_gone(req->conn)) {
        __atomic_sub_fetch(&req->srv->busy, 1, __ATOMIC_ACQ_REL);
        mailbox_post(req->srv->done, &req->job); /* the loop frees it */
        return;
    }
    run_stage(job);
}

/* Hash work is queued by who asked for it, so one client cannot hold every hash worker. */
static void push(struct request *req, enum op_pool pool)
{
    struct server *srv = req->srv;
    if (pool != OP_HASH) {
        req->job.run = run_stage;
        workq_push(pool == OP_SEARCH ? srv->search_q : srv->store_q, &req->job);
        return;
    }
    req->job.run = run_hash_stage;
    req->job.source = req->ip;
    req->job.source_conn = (uintptr_t)req->conn;
    workq_push(srv->hash_q, &req->job);
}

static void run_stage(struct job *job)
{
    struct request *req = (struct request *)job;
    req->now_ms = time_now_ms();
    dispatch_run(req);
    enum op_pool next;
    if (dispatch_next(req, &next)) {
        /* Queued only now that this stage is done with req: no two threads share it. */
        push(req, next);
        return;
    }
    __atomic_sub_fetch(&req->srv->busy, 1, __ATOMIC_ACQ_REL);
    request_finish(req);
}

void request_run_stages(struct request *req)
{
    enum op_pool next;
    do
        dispatch_run(req);
    while (dispatch_next(req, &next));
}

void request_submit(struct request *req, enum op_pool pool)
{
    struct server *srv = req->srv;
    __atomic_add_fetch(&srv->busy, 1, __ATOMIC_ACQ_REL);
    req->pool = pool;
    push(req, pool);
}

struct reader request_reader(const struct request *req)
{
    return (struct reader){.level = req->user.clearance,
                           .site_id = req->user.site_id,
                           .task_force_id = req->user.task_force_id};
}

void request_fail_expunged(struct request *req, const char *ref)
{
    request_audit(req, req->user.id, DW_OUTCOME_FAILURE, DW_SEV_NOTICE,
                  json_pack("{s:s, s:s}", "ref", ref, "result", "expunged"));
    request_fail_with(req, "expunged", "no such file", "screen", screen_expunged(ref));
}
