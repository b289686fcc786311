/*
 * pg_conn.h - one PostgreSQL connection through libpq, and its statements
 * (internal to the PostgreSQL engine: pg_conn.c and pg_stmt.c).
 *
 * The PostgreSQL half of the engine table (engine.h), the counterpart of
 * sqlite_conn.h.  Statements are written once for both engines with SQLite's ?N
 * parameters; a connection translates them ($N, LIKE -> ILIKE so matching stays
 * case-blind as in SQLite), prepares each once (PQprepare, parameters typed by the
 * server from their use) and caches it by its text.  Values are always sent as
 * parameters, never pasted into SQL.  Results come back as text and are read with
 * the same column calls SQLite has.
 */
#ifndef SCIPNET_DEEPWELL_PG_CONN_H
#define SCIPNET_DEEPWELL_PG_CONN_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/engine.h"

/* Most distinct statements one connection keeps prepared (as sqlite_conn.c does). */
#define PG_STMT_CACHE_MAX 256
/* Highest parameter index a statement may use (audit rows go 32 to an INSERT, 13 each). */
#define PG_PARAMS_MAX 416

/* Step results shared with SQLite's (SQLITE_ROW, SQLITE_DONE); anything else failed. */
#define PG_STEP_ROW   100
#define PG_STEP_DONE  101
#define PG_STEP_ERROR 1

struct pg_conn;

struct pg_stmt {
    struct dw_stmt wrap; /* first: what the store's modules hold */
    struct pg_conn *pc;
    char *key;     /* the SQL as written: the cache key */
    char *sql;     /* translated for PostgreSQL */
    char name[16]; /* the server-side prepared statement */
    int nexpected; /* parameters the server says the statement takes */
    char *values[PG_PARAMS_MAX];
    int lengths[PG_PARAMS_MAX];
    int formats[PG_PARAMS_MAX];
    PGresult *res;
    int row; /* current row; -1 before the first step */
    /* bytea columns of the current row, decoded on demand */
    int nblobs;
    unsigned char **blobs;
    int *blob_lens;
};

struct pg_conn {
    struct dw_engine_conn base; /* first: what the pool holds */
    PGconn *conn;
    int64_t changes;
    char sqlstate[6];
    char message[200];
    char constraint[64];
    size_t nstmts;
    unsigned next_name;
    struct pg_stmt *stmts[PG_STMT_CACHE_MAX];
};

/* pg_conn.c: the connection's last failure, as libpq reported it and as an error. */
void pg_record_error(struct pg_conn *pc, const PGresult *res);
enum deepwell_code pg_conn_error(struct pg_conn *pc, struct deepwell_error *err,
                                 const char *context);
/* A serialization conflict or deadlock: the statement may simply run again. */
bool pg_retryable_state(const char *sqlstate);
bool pg_conn_in_tx(struct pg_conn *pc);

/* pg_stmt.c: the statements. */
extern const struct dw_stmt_ops pg_stmt_ops;
struct dw_stmt *pg_prepare(struct dw_engine_conn *conn, const char *sql,
                           struct deepwell_error *err);
/* Drops the statement's result and parameters (so no token hash lingers). */
void pg_stmt_clear(struct pg_stmt *st);
void pg_stmt_free(struct pg_stmt *st);

#endif
