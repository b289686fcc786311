/*
 * sqlite_audit_file.h - an SQLite store's audit log, in a file of its own (internal to deepwell/).
 *
 * An SQLite store is two files: PATH (people, sessions, files, ...) and PATH.audit
 * (the audit log, schema version 5 on).  Every connection ATTACHes the second as
 * schema "audit", so the store's SQL names audit_log unqualified and runs unchanged
 * on PostgreSQL, where the log stays a table of the one database.
 *
 * Why apart: in WAL mode a commit to a file makes every other connection on it drop
 * its whole page cache at its next read.  The server commits audit rows all the
 * time (one per request) while what its requests read (sessions, files) seldom
 * changes; in one file every read began with a cold cache.  A transaction that
 * writes both files (an import) is atomic in each, not across the two.
 */
#ifndef SCIPNET_DEEPWELL_SQLITE_AUDIT_FILE_H
#define SCIPNET_DEEPWELL_SQLITE_AUDIT_FILE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"
#include "deepwell/sqlite_conn.h"

/* The first schema version that keeps the audit log in PATH.audit. */
#define DEEPWELL_AUDIT_FILE_VERSION 5

/* Room for an audit file's path: a store path and ".audit". */
#define DEEPWELL_AUDIT_PATH_MAX (DEEPWELL_PATH_MAX + 8)

/* store_path + ".audit" into out; DW_INVALID when it does not fit. */
enum deepwell_code deepwell_audit_file_path(const char *store_path, char *out, size_t size,
                                            struct deepwell_error *err);

/*
 * ATTACHes store_path's audit file to db as "audit" when the file exists (a store
 * not yet at version 5 has none); *attached says whether it did.  synchronous_sql,
 * when not NULL, is run after ("PRAGMA audit.synchronous=...": the setting is per
 * file).  Never creates the file: a missing one must be reported, not replaced.
 */
enum deepwell_code deepwell_audit_file_attach(sqlite3 *db, const char *store_path,
                                              const char *synchronous_sql, bool *attached,
                                              struct deepwell_error *err);

/*
 * Migration 5's first step, before its transaction: creates the audit file (WAL)
 * if need be, attaches it to the writer, creates its table and copies the rows of
 * main.audit_log there, in a transaction that writes only the audit file.  Run
 * again after a crash it copies only what is missing; the migration itself then
 * drops main.audit_log.  So no crash loses a row.
 */
enum deepwell_code deepwell_audit_file_split(struct deepwell_conn *writer, const char *store_path,
                                             struct deepwell_error *err);

/* DW_OK when db has the audit file attached and it holds the log; else an error naming it. */
enum deepwell_code deepwell_audit_file_check(sqlite3 *db, const char *store_path,
                                             struct deepwell_error *err);

#endif
