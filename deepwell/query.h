/*
 * query.h - helpers for running the store's prepared statements (internal to deepwell/).
 *
 * Every module binds, steps and reads columns the same way; these keep that short
 * and make every failure carry the operation name and the statement's SQL.
 *
 * They are the same for both engines: a statement is written once with SQLite's ?N
 * parameters in SQL that SQLite and PostgreSQL both accept, and a struct dw_stmt
 * runs it through the engine table (engine.h) of the connection that prepared it.
 * Step results are DW_ROW and DW_DONE; column calls mirror sqlite3_column_*.
 */
#ifndef SCIPNET_DEEPWELL_QUERY_H
#define SCIPNET_DEEPWELL_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"

/*
 * SQL expression naming the task force aliased "tf" the way every listing shows it:
 * "Epsilon-6" or "Epsilon-6 \"Village Idiots\"".
 */
#define SQL_TF_NAME                                                                                \
    "CASE WHEN tf.nickname = '' THEN tf.designation"                                               \
    " ELSE tf.designation || ' \"' || tf.nickname || '\"' END"

#define DW_ROW  100 /* == SQLITE_ROW */
#define DW_DONE 101 /* == SQLITE_DONE */
/* == SQLITE_MISUSE: a statement answered a row where none was expected. */
#define DW_MISUSE 21

/* The cached statement for sql in *out (bindings cleared). */
enum deepwell_code dw_prepare(struct deepwell_conn *conn, const char *sql, struct dw_stmt **out,
                              struct deepwell_error *err);

/* The same, as a pointer: NULL (and *err) when it fails. */
struct dw_stmt *dw_prepare_stmt(struct deepwell_conn *conn, const char *sql,
                                struct deepwell_error *err);

/* One step: DW_ROW, DW_DONE, or an engine failure (dw_stmt_error explains it). */
int dw_step(struct dw_stmt *stmt);
void dw_reset(struct dw_stmt *stmt);
void dw_clear_bindings(struct dw_stmt *stmt);
const char *dw_stmt_sql(struct dw_stmt *stmt);

/* Single binds, 0 on success (the data is copied). */
int dw_bind_null(struct dw_stmt *stmt, int index);
int dw_bind_int64(struct dw_stmt *stmt, int index, int64_t value);
int dw_bind_text(struct dw_stmt *stmt, int index, const char *text, int len);
int dw_bind_blob(struct dw_stmt *stmt, int index, const void *blob, int len);

bool dw_col_is_null(struct dw_stmt *stmt, int col);
int64_t dw_col_int64(struct dw_stmt *stmt, int col);
int dw_col_int(struct dw_stmt *stmt, int col);
const unsigned char *dw_col_text(struct dw_stmt *stmt, int col);
const void *dw_col_blob(struct dw_stmt *stmt, int col);
int dw_col_bytes(struct dw_stmt *stmt, int col);

/* Rows changed by the connection's last statement. */
int64_t dw_changes(struct deepwell_conn *conn);
/* The last failure on conn was a taken primary key (not another unique column). */
bool dw_last_was_pkey_conflict(struct deepwell_conn *conn);
/* Fill err from the connection's last failure (rc: the failed step's result). */
enum deepwell_code dw_conn_error(struct deepwell_error *err, struct deepwell_conn *conn, int rc,
                                 const char *context);
/* Runs SQL with no parameters and no result (a script, a lock). */
enum deepwell_code dw_exec(struct deepwell_conn *conn, const char *sql, const char *context,
                           struct deepwell_error *err);

/*
 * Binds parameters 1..n from a format string, one character per parameter:
 *   t  const char *  text (NULL binds NULL)
 *   i  int
 *   I  int64_t
 *   r  int64_t       a row id, 0 binds NULL
 *   b  const void *, int  a blob and its length
 */
enum deepwell_code dw_bind(struct dw_stmt *stmt, struct deepwell_error *err, const char *op,
                           const char *fmt, ...);

/* Fill err for a failed step of stmt: context "op: SQL". */
enum deepwell_code dw_stmt_error(struct deepwell_error *err, struct deepwell_conn *conn,
                                 struct dw_stmt *stmt, int rc, const char *op);

/* Steps a statement that returns no row.  DW_OK on DW_DONE. */
enum deepwell_code dw_step_done(struct deepwell_conn *conn, struct dw_stmt *stmt, const char *op,
                                struct deepwell_error *err);

/*
 * Runs an INSERT ... RETURNING id to its end; *id = the new row's id.
 *
 * Tables whose rows may also be given an id (sites, task forces, users) number new
 * rows in the INSERT itself: "coalesce(?1, (SELECT coalesce(max(id), 0) + 1 FROM t))",
 * as SQLite numbers an INTEGER PRIMARY KEY left NULL, so both engines agree and no
 * sequence falls behind ids given explicitly.
 */
enum deepwell_code dw_step_insert(struct deepwell_conn *conn, struct dw_stmt *stmt, const char *op,
                                  int64_t *id, struct deepwell_error *err);

/* Steps once: DW_OK with a row ready, DW_NOT_FOUND (err untouched) when there is none. */
enum deepwell_code dw_step_row(struct deepwell_conn *conn, struct dw_stmt *stmt, const char *op,
                               struct deepwell_error *err);

/*
 * Steps a bound statement whose one row is one integer (a count(*)) into *out, then
 * resets it; no row at all is DW_INTERNAL ("count returned no row").
 */
enum deepwell_code dw_step_count(struct deepwell_conn *conn, struct dw_stmt *stmt, const char *op,
                                 int64_t *out, struct deepwell_error *err);

/* Prepares and runs a statement that returns one integer (count(*) and the like). */
enum deepwell_code dw_query_int64(struct deepwell_conn *conn, const char *sql, const char *op,
                                  int64_t *out, struct deepwell_error *err);

/* A deferred read transaction on a reader: one snapshot for several statements. */
enum deepwell_code dw_read_begin(struct deepwell_conn *conn, struct deepwell_error *err);
void dw_read_end(struct deepwell_conn *conn);

/* Copies a text column into buf (truncating; "" for NULL). */
void dw_column_copy(struct dw_stmt *stmt, int col, char *buf, size_t size);
/* A malloc'd copy of a text column into *out (NULL for SQL NULL); false when out of memory. */
bool dw_column_dup(struct dw_stmt *stmt, int col, char **out);

/* The current UTC time as "2026-11-22T15:30:01.123Z". */
void dw_now_iso(char buf[32]);

/*
 * Checks a site, task force or user referred to by row id exists (0 = none is fine);
 * DW_INVALID "no such site: SITE-5" otherwise.
 */
enum deepwell_code dw_check_ref(struct deepwell_conn *conn, enum deepwell_kind kind, int64_t id,
                                const char *op, struct deepwell_error *err);

/* Checks a level is 1..6; DW_INVALID naming what it was otherwise. */
enum deepwell_code dw_check_level(int level, const char *what, const char *op,
                                  struct deepwell_error *err);

#endif
