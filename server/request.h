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
#include "server/workq.h"

struct server;
struct conn;
struct op;

struct request {
    struct job job; /* first: a request is queued as a job */
    struct server *srv;
    struct conn *conn;
    uint64_t seq; /* position on its connection, for in-order replies */
    const struct op *op;
    json_t *id;      /* echoed verbatim; json null when absent */
    json_t *args;    /* the request object */
    char client[64]; /* "ip:port" */
    char ip[48];
    int64_t now_ms; /* wall clock when the handler started */

    /* Set by session_require / op_login. */
    struct deepwell_user user;
    struct deepwell_session session;
    bool authenticated;   /* the connection may send the larger after-login lines */
    bool deauthenticated; /* logout */

    json_t *reply; /* the whole reply object */
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

/* Sets a success reply {"id","ok":true, ...body}; steals body (NULL = no fields). */
void request_ok(struct request *req, json_t *body);
/* Sets a failure reply and returns it so the caller may add fields ("screen"). */
json_t *request_fail(struct request *req, const char *code, const char *message);
/* A store failure: unavailable for busy/io/corrupt/pool, else internal; logs why. */
void request_store_error(struct request *req, const char *what, const struct deepwell_error *err);
/* Queues the audit row for this request; steals details (NULL = {}). */
void request_audit(struct request *req, const char *action, enum deepwell_outcome outcome,
                   enum deepwell_severity severity, json_t *details);
void request_audit_attempted(struct request *req, const char *name);

/* Worker side: commit the audit row (if any), then post to the loop thread. */
void request_finish(struct request *req);

/* Builds a reply object without a request (framing errors). */
json_t *reply_error(json_t *id, const char *code, const char *message);

#endif
