/*
 * pool.h - the connection pool (internal to deepwell/).
 *
 * One writer connection and N readers.  SQLite: all in WAL mode with foreign keys
 * on.  PostgreSQL (a postgresql:// location): libpq connections (pg_conn.h), the
 * readers read-only; the same checkout, timeout, statistics and health checks.
 * Checkout waits at most the configured timeout, then fails with
 * DW_POOL_EXHAUSTED instead of blocking forever.  A connection that fails its
 * health check on release is closed and replaced.  Each connection caches its
 * prepared statements, keyed by the SQL text.
 */
#ifndef SCIPNET_DEEPWELL_POOL_H
#define SCIPNET_DEEPWELL_POOL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "deepwell/deepwell.h"

struct deepwell_pool;
struct deepwell_conn;
struct pg_conn;
struct pg_stmt;

/*
 * A prepared statement as the store's modules hold it (query.h), whichever engine
 * runs it: exactly one of lite and pg is set.
 */
struct dw_stmt {
    struct deepwell_conn *conn;
    sqlite3_stmt *lite;
    struct pg_stmt *pg;
};

enum deepwell_conn_role { DW_CONN_READER, DW_CONN_WRITER };

enum deepwell_code deepwell_pool_open(const struct deepwell_options *opts,
                                      struct deepwell_pool **out, struct deepwell_error *err);
void deepwell_pool_close(struct deepwell_pool *pool);

enum deepwell_code deepwell_pool_acquire(struct deepwell_pool *pool, enum deepwell_conn_role role,
                                         struct deepwell_conn **out, struct deepwell_error *err);
/* Resets the connection's statements; rolls back an open transaction (and logs it). */
void deepwell_pool_release(struct deepwell_pool *pool, struct deepwell_conn *conn);
/*
 * Replaces SQLite's automatic checkpoint on the writer connection (now and after any
 * reopen) with hook (checkpoint.h); NULL restores it.  Nothing on PostgreSQL.  Call
 * while no other thread uses the writer (at open and close).
 */
void deepwell_pool_set_wal_hook(struct deepwell_pool *pool,
                                int (*hook)(void *arg, sqlite3 *db, const char *schema, int pages),
                                void *arg);
/*
 * SQLite, schema version 5 on: the audit log lives in the store's audit file
 * (audit_file.h).  Attaches it to every open connection that lacks it (one opened
 * before migration 5 made the file) and from now on to every reopened one; fails,
 * naming the file, when it is missing.  Call while no other thread uses the pool.
 */
enum deepwell_code deepwell_pool_require_audit_file(struct deepwell_pool *pool,
                                                    struct deepwell_error *err);
void deepwell_pool_get_stats(struct deepwell_pool *pool, struct deepwell_pool_stats *out);

/* The connection's engine handle: exactly one of these is non-NULL once open. */
sqlite3 *deepwell_conn_db(struct deepwell_conn *conn);
struct pg_conn *deepwell_conn_pg(struct deepwell_conn *conn);
/* The connection saw an error: health-check it when it is released. */
void deepwell_conn_mark_suspect(struct deepwell_conn *conn);
/* The engine-neutral wrapper of a cached statement (query.h's dw_prepare). */
struct dw_stmt *deepwell_conn_prepare_any(struct deepwell_conn *conn, const char *sql,
                                          struct deepwell_error *err);
/* True inside BEGIN ... COMMIT. */
bool deepwell_conn_in_tx(struct deepwell_conn *conn);
/* A cached prepared statement for sql (reset, bindings cleared); NULL + *err on failure. */
sqlite3_stmt *deepwell_conn_prepare(struct deepwell_conn *conn, const char *sql,
                                    struct deepwell_error *err);

/*
 * BEGIN IMMEDIATE / COMMIT / ROLLBACK, with SQLITE_BUSY retried with backoff within a bound.
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

/* sqlite3_step with SQLITE_BUSY retried within the bound; returns the sqlite result code. */
int deepwell_step(struct deepwell_conn *conn, sqlite3_stmt *stmt);

/* Fill err from the connection's last SQLite error; context is what was being done. */
enum deepwell_code deepwell_error_from_sqlite(struct deepwell_error *err, sqlite3 *db, int rc,
                                              const char *context);
/* Fill err with a code and a printf-style message. */
enum deepwell_code deepwell_error_set(struct deepwell_error *err, enum deepwell_code code,
                                      const char *context, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
