/*
 * request.h - one request from parse to reply.
 *
 * A request is parsed on the loop thread (dispatch.c), run on a worker by its op
 * handler (op_*.c), has its audit row committed by the store's audit thread, and
 * comes back to the loop thread (mailbox) to be written in order (conn.c).
 */
#ifndef SCIPNET_SERVER_REQUEST_H
#define SCIPNET_SERVER_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "deepwell/deepwell.h"
#include "server/clearance.h"
#include "server/dispatch.h"
#include "server/workq.h"

struct server;
struct conn;
struct op;

struct request {
    struct job job; /* first: a request is queued as a job */
    struct server *srv;
    struct conn *conn;
    uint64_t seq;      /* position on its connection, for in-order replies */
    enum op_pool pool; /* where it runs: set by conn.c, which may hold it back first */
    size_t held_bytes; /* reply bytes counted against the connection (conn_reply_made) */
    const struct op *op;
    json_t *id;      /* echoed verbatim; json null when absent */
    json_t *args;    /* the request object */
    char client[64]; /* "ip:port" */
    char ip[48];
    int64_t now_ms; /* wall clock when the handler started */

    /* Set by session_require / op_login. */
    struct deepwell_user user;
    struct deepwell_session session;
    /* The head of op->session_scp's file, read with the session; moved out by the op. */
    struct deepwell_scp session_scp;
    bool has_session_scp;
    bool authenticated;   /* the connection may send the larger after-login lines */
    bool deauthenticated; /* logout */

    size_t stage;   /* index into op->stages of the one running (dispatch_next) */
    void *op_state; /* the op's own data between stages; free()d with the request */

    json_t *reply; /* the whole reply object, until request_finish serializes it */
    char *line;    /* the serialized reply and its newline, made on the worker */
    size_t line_length;
    bool close_after;

    bool audit; /* an audit row must be committed before the reply */
    int64_t audit_user_id;
    char *audit_attempted_name;
    char audit_action[40];
    enum deepwell_outcome audit_outcome;
    enum deepwell_severity audit_severity;
    char *audit_details; /* JSON object text */
};

struct request *request_new(struct server *srv, struct conn *conn, uint64_t seq);
void request_free(struct request *req);

/*
 * Sets a success reply {"id","ok":true, ...body}; steals body.  A NULL body (a builder
 * out of memory) makes it an "internal" failure instead: see shapes.h.
 */
void request_ok(struct request *req, json_t *body);
/*
 * Sets a success reply whose fields are already JSON text: `fields` is the inside of
 * an object without its braces ("\"a\":1,\"b\":2").  false when out of memory.
 */
bool request_ok_text(struct request *req, const char *fields, size_t length);
/* Sets a failure reply and returns it so the caller may add fields ("screen"). */
json_t *request_fail(struct request *req, const char *code, const char *message);
/* The same with one more field ("screen", "retry_after"); steals value.  Out of
   memory makes it "internal" (shapes.h). */
void request_fail_with(struct request *req, const char *code, const char *message, const char *key,
                       json_t *value);
/* A store failure: unavailable for busy/io/corrupt/pool, else internal; logs why. */
void request_store_error(struct request *req, const char *what, const struct deepwell_error *err);
/*
 * Queues the audit row for this request, under its op's action (op->audit) and in
 * the name of actor (a user id, 0 = nobody known); steals details (NULL = {}).
 */
/*
 * No such file (or one the reader must not learn exists): audited as a notice with
 * result "expunged", answered with the expunged screen for ref.
 */
void request_fail_expunged(struct request *req, const char *ref);

/* The logged-in user as the clearance rules see them (server/clearance.h). */
struct reader request_reader(const struct request *req);

void request_audit(struct request *req, int64_t actor, enum deepwell_outcome outcome,
                   enum deepwell_severity severity, json_t *details);
/* The same under another action (session.reject, session.expire). */
void request_audit_action(struct request *req, const char *action, int64_t actor,
                          enum deepwell_outcome outcome, enum deepwell_severity severity,
                          json_t *details);
void request_audit_attempted(struct request *req, const char *name);

/*
 * Hands req to a worker pool (counted in srv->busy until it is finished).  Its stage
 * runs there; then the request is finished, or goes on to its next stage's pool.
 */
void request_submit(struct request *req, enum op_pool pool);

/* Runs every stage of req's op on the calling thread, without finishing (tests). */
void request_run_stages(struct request *req);

/*
 * Worker side: serialize the reply, commit the audit row (if any), then post to the
 * loop thread, which only has to write req->line.
 */
void request_finish(struct request *req);

/* Builds a reply object without a request (framing errors). */
json_t *reply_error(json_t *id, const char *code, const char *message);
/* The reply as one protocol line (JSON and "\n"), malloc'd; NULL when out of memory. */
char *reply_serialize(const json_t *reply, size_t *length);

#endif
