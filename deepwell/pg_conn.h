/*
 * pg_conn.h - one PostgreSQL connection through libpq, and its statements
 * (internal to deepwell/; pool.c and query.c call these for a PostgreSQL store).
 *
 * Statements are written once for both engines with SQLite's ?N parameters; a
 * connection translates them ($N, LIKE -> ILIKE so matching stays case-blind as in
 * SQLite), prepares each once (PQprepare, parameters typed by the server from their
 * use) and caches it by its text.  Values are always sent as parameters, never
 * pasted into SQL.  Results come back as text and are read with the same column
 * calls SQLite has.
 */
#ifndef SCIPNET_DEEPWELL_PG_CONN_H
#define SCIPNET_DEEPWELL_PG_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"

struct pg_conn;
struct pg_stmt;
struct dw_stmt;
struct deepwell_conn;

/* Step results shared with SQLite's (SQLITE_ROW, SQLITE_DONE); anything else failed. */
#define PG_STEP_ROW   100
#define PG_STEP_DONE  101
#define PG_STEP_ERROR 1

/* lock_timeout_ms: the longest a statement waits for a lock (busy_timeout's part). */
enum deepwell_code pg_conn_open(const char *conninfo, bool reader, int lock_timeout_ms,
                                struct pg_conn **out, struct deepwell_error *err);
void pg_conn_close(struct pg_conn *pc);
/* Answers a round trip and holds no transaction. */
bool pg_conn_healthy(struct pg_conn *pc);
bool pg_conn_in_tx(struct pg_conn *pc);
/* Drops every statement's result and parameters (so no token hash lingers). */
void pg_conn_end_use(struct pg_conn *pc);
/* Runs SQL without parameters (a migration script, BEGIN, COMMIT...). */
enum deepwell_code pg_conn_exec(struct pg_conn *pc, const char *sql, const char *context,
                                struct deepwell_error *err);
/* Rows changed by the last statement run. */
int64_t pg_conn_changes(struct pg_conn *pc);
/* Fill err from the connection's last failure. */
enum deepwell_code pg_conn_error(struct pg_conn *pc, struct deepwell_error *err,
                                 const char *context);
/* The last failure was a unique violation on a primary key. */
bool pg_conn_last_was_pkey_conflict(struct pg_conn *pc);

/* The cached statement for sql (parameters and result cleared). */
struct dw_stmt *pg_conn_prepare(struct pg_conn *pc, struct deepwell_conn *owner, const char *sql,
                                struct deepwell_error *err);

int pg_bind_null(struct pg_stmt *st, int index);
int pg_bind_int64(struct pg_stmt *st, int index, int64_t value);
int pg_bind_text(struct pg_stmt *st, int index, const char *text, int len);
int pg_bind_blob(struct pg_stmt *st, int index, const void *blob, int len);
void pg_clear_bindings(struct pg_stmt *st);
/* Runs the statement on the first step, then walks its rows. */
int pg_step(struct pg_stmt *st);
void pg_reset(struct pg_stmt *st);
const char *pg_stmt_sql(struct pg_stmt *st);

bool pg_col_is_null(struct pg_stmt *st, int col);
int64_t pg_col_int64(struct pg_stmt *st, int col);
const unsigned char *pg_col_text(struct pg_stmt *st, int col);
const void *pg_col_blob(struct pg_stmt *st, int col);
int pg_col_bytes(struct pg_stmt *st, int col);

#endif
