/*
 * dispatch.h - from one request line to the op that answers it.
 *
 * dispatch_parse checks everything that needs no store (UTF-8, NUL bytes, JSON,
 * field types, the op name) and is what the unit tests drive without a network.
 */
#ifndef SCIPNET_SERVER_DISPATCH_H
#define SCIPNET_SERVER_DISPATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct request;

enum op_pool {
    OP_INLINE, /* answered on the loop thread: no store, no hashing */
    OP_STORE,  /* store work on the store workers */
    OP_HASH,   /* password hashing: the hash workers */
};

struct op {
    const char *name;
    void (*run)(struct request *req);
    enum op_pool pool;
    bool needs_token;
};

struct parsed_request {
    const struct op *op;
    json_t *id;   /* new reference; json null when absent */
    json_t *args; /* new reference to the request object */
};

/*
 * On success returns NULL and fills *out.  Otherwise returns the error reply to
 * send (bad_request, unknown_op) and leaves *out empty.
 */
json_t *dispatch_parse(const char *line, size_t length, struct parsed_request *out);

/* Where a parsed request runs: only creating a user hashes a password among creates. */
enum op_pool dispatch_pool(const struct parsed_request *parsed);

/* Runs req->op on the calling thread (a worker, or the loop for OP_INLINE). */
void dispatch_run(struct request *req);

const struct op *dispatch_find(const char *name);

#endif
