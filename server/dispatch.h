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
struct foundation_ref;

enum op_pool {
    OP_INLINE, /* answered on the loop thread: no store, no hashing */
    OP_STORE,  /* store work on the store workers */
    OP_HASH,   /* password hashing: the hash workers */
    OP_SEARCH, /* full-text search: milliseconds of CPU, on workers of its own */
};

/* One stage of an op: what runs and on which pool. */
struct op_stage {
    enum op_pool pool;
    void (*run)(struct request *req);
};

#define OP_MAX_STAGES 3

/*
 * Everything about an op, in its op_<name>.c (see ops.h).  The stages run in order,
 * each on its own pool, until one of them answers (sets a reply) or none is left:
 * login looks up on the store workers, hashes on the hash workers, then records.
 */
struct op {
    const char *name;
    bool needs_token;  /* session_require runs before the first stage */
    const char *audit; /* the action of its audit rows (request_audit) */
    /* Where the first stage runs when that depends on the arguments; NULL = its pool. */
    enum op_pool (*pool_for)(const json_t *args);
    /* The SCP file whose head session_require reads with the session, in one round
       trip (request.h: session_scp); NULL or false = none. */
    bool (*session_scp)(const struct request *req, struct foundation_ref *ref);
    struct op_stage stages[OP_MAX_STAGES];
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

/* Where a parsed request's first stage runs: the op's pool_for, else its pool. */
enum op_pool dispatch_pool(const struct parsed_request *parsed);

/* Runs req's current stage on the calling thread (a worker, or the loop for OP_INLINE). */
void dispatch_run(struct request *req);
/*
 * After dispatch_run: true when another stage is due (req->stage moved on to it, and
 * *pool says where it runs), false when the request is answered.
 */
bool dispatch_next(struct request *req, enum op_pool *pool);

const struct op *dispatch_find(const char *name);

#endif
