/*
 * sqlite_stmt.h - what SQLite's connection and statement halves share (internal to
 * the SQLite engine: sqlite_conn.c and sqlite_stmt.c), as pg_conn.h is for PostgreSQL.
 */
#ifndef SCIPNET_DEEPWELL_SQLITE_STMT_H
#define SCIPNET_DEEPWELL_SQLITE_STMT_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "deepwell/engine.h"
#include "deepwell/sqlite_conn.h"

/* Most distinct statements one connection keeps prepared. */
#define SQLITE_STMT_CACHE_MAX 256

/* Keyed by a copy of the text: a caller's buffer may not outlive the statement. */
struct sqlite_stmt {
    struct dw_stmt base; /* first: what the store's modules hold */
    struct sqlite_conn *owner;
    uint32_t hash;
    char *sql;
    uintptr_t last_caller_sql; /* the pointer last asked for it (a literal, nearly always) */
    sqlite3_stmt *stmt;
    bool used; /* prepared since the connection was checked out */
};

struct sqlite_conn {
    struct dw_engine_conn base; /* first: what the pool holds */
    sqlite3 *db;
    int busy_timeout_ms;
    size_t ncached;
    struct sqlite_stmt cache[SQLITE_STMT_CACHE_MAX];
    /* The entries used since checkout: release resets these, not the whole cache. */
    size_t nused;
    uint16_t used[SQLITE_STMT_CACHE_MAX];
};

extern const struct dw_stmt_ops sqlite_stmt_ops;

static inline struct sqlite_conn *sqlite_conn_of(struct dw_engine_conn *conn)
{
    assert(conn->engine == &deepwell_engine_sqlite); /* a connection of another engine */
    return (struct sqlite_conn *)conn;
}

/* The cached statement for sql, prepared on first use; reset with bindings cleared. */
struct dw_stmt *sqlite_prepare(struct dw_engine_conn *conn, const char *sql,
                               struct deepwell_error *err);
/*
 * sqlite3_step, with the SQLITE_BUSY that SQLite does not wait for retried within
 * busy_timeout; retry_in_txn: inside an explicit transaction too (COMMIT only).
 */
int sqlite_step_retry(struct sqlite_conn *c, sqlite3_stmt *stmt, bool retry_in_txn);

#endif
