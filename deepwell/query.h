/*
 * query.h - helpers for running the store's prepared statements (internal to deepwell/).
 *
 * Every module binds, steps and reads columns the same way; these keep that short
 * and make every failure carry the operation name and the statement's SQL.
 */
#ifndef SCIPNET_DEEPWELL_QUERY_H
#define SCIPNET_DEEPWELL_QUERY_H

#include <sqlite3.h>
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

/* deepwell_conn_prepare returning a code: the cached statement for sql in *out. */
enum deepwell_code dw_prepare(struct deepwell_conn *conn, const char *sql, sqlite3_stmt **out,
                              struct deepwell_error *err);

/*
 * Binds parameters 1..n from a format string, one character per parameter:
 *   t  const char *  text (NULL binds NULL)
 *   i  int
 *   I  int64_t
 *   r  int64_t       a row id, 0 binds NULL
 *   b  const void *, int  a blob and its length
 */
enum deepwell_code dw_bind(sqlite3_stmt *stmt, struct deepwell_error *err, const char *op,
                           const char *fmt, ...);

/* Fill err for a failed step of stmt: context "op: SQL". */
enum deepwell_code dw_stmt_error(struct deepwell_error *err, struct deepwell_conn *conn,
                                 sqlite3_stmt *stmt, int rc, const char *op);

/* Steps a statement that returns no row.  DW_OK on SQLITE_DONE. */
enum deepwell_code dw_step_done(struct deepwell_conn *conn, sqlite3_stmt *stmt, const char *op,
                                struct deepwell_error *err);

/* Steps once: DW_OK with a row ready, DW_NOT_FOUND (err untouched) when there is none. */
enum deepwell_code dw_step_row(struct deepwell_conn *conn, sqlite3_stmt *stmt, const char *op,
                               struct deepwell_error *err);

/* Prepares and runs a statement that returns one integer (count(*) and the like). */
enum deepwell_code dw_query_int64(struct deepwell_conn *conn, const char *sql, const char *op,
                                  int64_t *out, struct deepwell_error *err);

/* A deferred read transaction on a reader: one snapshot for several statements. */
enum deepwell_code dw_read_begin(struct deepwell_conn *conn, struct deepwell_error *err);
void dw_read_end(struct deepwell_conn *conn);

/* Copies a text column into buf (truncating; "" for NULL). */
void dw_column_copy(sqlite3_stmt *stmt, int col, char *buf, size_t size);
/* A malloc'd copy of a text column into *out (NULL for SQL NULL); false when out of memory. */
bool dw_column_dup(sqlite3_stmt *stmt, int col, char **out);

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
