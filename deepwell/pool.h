/*
 * pool.h - the store's connection pool (internal to deepwell/), for either engine.
 *
 * One writer connection and N readers, opened through the store's engine
 * (engine.h): this layer only checks them out and in.  Checkout waits at most the
 * configured timeout, then fails with DW_POOL_EXHAUSTED instead of blocking
 * forever.  A connection that saw an error is health-checked on release, and
 * closed and replaced when it fails.  Statements, transactions and their caches
 * are the engine's (sqlite_conn.c, pg_conn.c).
 */
#ifndef SCIPNET_DEEPWELL_POOL_H
#define SCIPNET_DEEPWELL_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"

struct deepwell_pool;
struct deepwell_conn;
struct deepwell_checkpointer;
struct dw_stmt;

enum deepwell_conn_role { DW_CONN_READER, DW_CONN_WRITER };

enum deepwell_code deepwell_pool_open(const struct deepwell_options *opts,
                                      struct deepwell_pool **out, struct deepwell_error *err);
void deepwell_pool_close(struct deepwell_pool *pool);

enum deepwell_code deepwell_pool_acquire(struct deepwell_pool *pool, enum deepwell_conn_role role,
                                         struct deepwell_conn **out, struct deepwell_error *err);
/* Resets the connection's statements; rolls back an open transaction (and logs it). */
void deepwell_pool_release(struct deepwell_pool *pool, struct deepwell_conn *conn);
/*
 * SQLite: hands WAL checkpoints of the writer (now and after any reopen) to cp
 * (sqlite_checkpoint.h); NULL gives them back to SQLite.  Nothing on PostgreSQL.  Call
 * while no other thread uses the pool (at open and close).
 */
void deepwell_pool_set_checkpointer(struct deepwell_pool *pool, struct deepwell_checkpointer *cp);
/*
 * SQLite, schema version 5 on: the audit log lives in the store's audit file
 * (sqlite_audit_file.h).  Attaches it to every open connection that lacks it (one opened
 * before migration 5 made the file) and from now on to every reopened one; fails,
 * naming the file, when it is missing.  Call while no other thread uses the pool.
 */
enum deepwell_code deepwell_pool_require_audit_file(struct deepwell_pool *pool,
                                                    struct deepwell_error *err);
void deepwell_pool_get_stats(struct deepwell_pool *pool, struct deepwell_pool_stats *out);

/* The connection saw an error: health-check it when it is released. */
void deepwell_conn_mark_suspect(struct deepwell_conn *conn);
/* A request to the database server and its answer, counted for the pool's statistics. */
void deepwell_conn_count_round_trip(struct deepwell_conn *conn);
/* True inside BEGIN ... COMMIT. */
bool deepwell_conn_in_tx(struct deepwell_conn *conn);

/* The index rows this transaction added that FTS5 has yet to take (search_rows.c). */
struct dw_search_pending {
    int64_t *ids;
    size_t n, cap;
};
struct dw_search_pending *deepwell_conn_search_pending(struct deepwell_conn *conn);

/*
 * BEGIN IMMEDIATE / COMMIT / ROLLBACK, with SQLITE_BUSY retried with backoff within a bound.
 * COMMIT first gives FTS5 the transaction's new index rows (dw_search_flush).
 * On PostgreSQL: BEGIN ISOLATION LEVEL SERIALIZABLE (the nearest to SQLite's one
 * writer; a conflict is SQLSTATE 40001 and deepwell_write_tx runs the body again).
 * deepwell_conn_begin_locked is READ COMMITTED, for a transaction that takes its own
 * lock first and must see what was committed while it waited (the audit chain).
 */
enum deepwell_code deepwell_conn_begin(struct deepwell_conn *conn, struct deepwell_error *err);
enum deepwell_code deepwell_conn_begin_locked(struct deepwell_conn *conn,
                                              struct deepwell_error *err);
enum deepwell_code deepwell_conn_commit(struct deepwell_conn *conn, struct deepwell_error *err);
void deepwell_conn_rollback(struct deepwell_conn *conn);

/* Fill err with a code and a printf-style message. */
enum deepwell_code deepwell_error_set(struct deepwell_error *err, enum deepwell_code code,
                                      const char *context, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
