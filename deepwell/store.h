/*
 * store.h - the struct behind the opaque `struct deepwell` handle (internal to deepwell/).
 */
#ifndef SCIPNET_DEEPWELL_STORE_H
#define SCIPNET_DEEPWELL_STORE_H

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"

struct deepwell_audit_writer; /* audit.c: the group-commit thread */
struct deepwell_checkpointer; /* sqlite_checkpoint.c: WAL checkpoints off the commit path */
struct deepwell_engine;       /* engine.h: SQLite or PostgreSQL */

struct deepwell {
    struct deepwell_options opts;
    char path[DEEPWELL_PATH_MAX]; /* SQLite file ("sqlite:" removed) or PostgreSQL URL */
    const struct deepwell_engine *engine;
    struct deepwell_pool *pool;
    struct deepwell_audit_writer *audit;
    struct deepwell_checkpointer *checkpointer; /* SQLite stores only */
    int schema_version;
};

/* audit.c: started by deepwell_open after migrations, stopped (flushed) by deepwell_close. */
enum deepwell_code deepwell_audit_start(struct deepwell *dw, struct deepwell_error *err);
void deepwell_audit_stop(struct deepwell *dw);

#endif
