/*
 * sqlite_conn.h - one SQLite connection and its statements (internal to deepwell/).
 *
 * The SQLite half of the engine table (engine.h), the counterpart of pg_conn.h.
 * Only SQLite's own modules (sqlite_*.c) use these, for what has no meaning on
 * another engine: the online backup, the audit file, the WAL checkpointer.
 */
#ifndef SCIPNET_DEEPWELL_SQLITE_CONN_H
#define SCIPNET_DEEPWELL_SQLITE_CONN_H

#include <sqlite3.h>

#include "deepwell/deepwell.h"

struct deepwell_conn;
struct dw_stmt;

/* The SQLite handle of a checked-out connection of an SQLite store (never another). */
sqlite3 *deepwell_sqlite_db(struct deepwell_conn *conn);
/* Registers scipnet_rank, the index's rank (sqlite_search.c), on a new connection. */
int deepwell_sqlite_search_register(sqlite3 *db);
/* The SQLite statement behind a dw_stmt of an SQLite store. */
sqlite3_stmt *deepwell_sqlite_stmt(struct dw_stmt *stmt);

/* Fill err from the connection's last SQLite error; context is what was being done. */
enum deepwell_code deepwell_error_from_sqlite(struct deepwell_error *err, sqlite3 *db, int rc,
                                              const char *context);

#endif
