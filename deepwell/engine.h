/*
 * engine.h - what differs between the store's two engines (internal to deepwell/).
 *
 * The store's modules (users.c, files.c, audit_chain.c, ...) are written once, in
 * SQL both engines accept, against the statement layer in query.h.  Below it a
 * connection belongs to one engine, and everything that differs between engines is
 * a member of struct deepwell_engine, as SQLite's sqlite3_io_methods and Redis's
 * ConnectionType are tables of what differs between files and transports:
 *
 *   SQLite      an embedded file (sqlite_conn.c, sqlite_*.c): the default, and any
 *               bare path
 *   PostgreSQL  libpq (pg_conn.c, pg_*.c): "postgresql://..." or "postgres://...",
 *               shared by several servers; CockroachDB speaks the same protocol and SQL
 *
 * The table holds one connection's life (open, health, close), its statements
 * (prepare, bind, step, column access), its transactions, and the operations that
 * are not just "run this SQL": the schema and how its version is found, the
 * integrity check, the backup, how the audit chain's appends are serialized across
 * processes.  pool.c hands connections out and never looks inside one.
 */
#ifndef SCIPNET_DEEPWELL_ENGINE_H
#define SCIPNET_DEEPWELL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"
#include "deepwell/schema.h"

enum deepwell_engine_kind { DW_ENGINE_SQLITE, DW_ENGINE_PG };

struct deepwell_checkpointer;
struct deepwell_engine;
struct dw_stmt;
struct dw_search_sql;

/*
 * What an engine needs to open a connection; the pool owns it and changes it only
 * while no other thread uses the pool (deepwell_pool_reconfigure).
 */
struct deepwell_conn_settings {
    const char *location; /* SQLite file ("sqlite:" removed) or PostgreSQL URL */
    int busy_timeout_ms;  /* longest wait for a lock */
    const struct deepwell_synchronous *synchronous; /* SQLite; PostgreSQL's is the server's */
    bool audit_required; /* SQLite: the schema keeps the log in the audit file: attach or fail */
    struct deepwell_checkpointer *checkpointer; /* SQLite writer: its WAL hook */
};

/* The synchronous option's accepted values; PRAGMA values cannot be bound, so literals. */
struct deepwell_synchronous {
    const char *name;
    const char *sql;
    const char *audit_sql; /* the setting is per file: the audit file's (sqlite_audit_file.h) */
};
/* NULL or "" is NORMAL; NULL for a name that is not OFF, NORMAL, FULL or EXTRA. */
const struct deepwell_synchronous *deepwell_synchronous_for(const char *name);

/*
 * The part every engine's connection and statement begins with, so the table's
 * functions take them whatever engine made them (each engine casts to its own).
 */
struct dw_engine_conn {
    const struct deepwell_engine *engine;
    struct deepwell_conn *owner; /* the pooled connection: marked suspect on failures */
};

/*
 * One statement's calls: results and columns as query.h describes them.  Each
 * statement points at its engine's, so a column read is one indirect call.
 */
struct dw_stmt_ops {
    int (*step)(struct dw_stmt *stmt);
    void (*reset)(struct dw_stmt *stmt);
    void (*clear_bindings)(struct dw_stmt *stmt);
    const char *(*sql)(struct dw_stmt *stmt);
    /* 0 on success; the data is copied. */
    int (*bind_null)(struct dw_stmt *stmt, int index);
    int (*bind_int64)(struct dw_stmt *stmt, int index, int64_t value);
    int (*bind_text)(struct dw_stmt *stmt, int index, const char *text, int len);
    int (*bind_blob)(struct dw_stmt *stmt, int index, const void *blob, int len);
    /* Fills err for a failed bind (rc: what the bind returned) of parameter index. */
    enum deepwell_code (*bind_error)(struct dw_stmt *stmt, int rc, int index, const char *op,
                                     struct deepwell_error *err);
    bool (*col_is_null)(struct dw_stmt *stmt, int col);
    int64_t (*col_int64)(struct dw_stmt *stmt, int col);
    const unsigned char *(*col_text)(struct dw_stmt *stmt, int col);
    const void *(*col_blob)(struct dw_stmt *stmt, int col);
    int (*col_bytes)(struct dw_stmt *stmt, int col);
};

struct dw_stmt {
    const struct dw_stmt_ops *ops; /* the engine's (engine->stmt) */
    struct deepwell_conn *conn;
};

struct deepwell_engine {
    enum deepwell_engine_kind kind;
    const char *name; /* "sqlite" | "postgresql" */

    /* ---- one connection (sqlite_conn.c, pg_conn.c) ---- */
    /*
     * When one connection is found dead, the others probably are too (a database
     * restart): each is then checked once before its next use.  False for a file.
     */
    bool check_after_failure;
    /* Opens one connection; only the writer (opened first) may create the store. */
    enum deepwell_code (*open)(const struct deepwell_conn_settings *settings,
                               enum deepwell_conn_role role, bool create,
                               struct deepwell_conn *owner, struct dw_engine_conn **out,
                               struct deepwell_error *err);
    void (*close)(struct dw_engine_conn *conn);
    /* Applies changed settings to an open connection (audit file, WAL hook); may be NULL. */
    enum deepwell_code (*reconfigure)(struct dw_engine_conn *conn, enum deepwell_conn_role role,
                                      const struct deepwell_conn_settings *settings,
                                      struct deepwell_error *err);
    /* Answers a round trip and holds no transaction. */
    bool (*healthy)(struct dw_engine_conn *conn);
    bool (*in_tx)(struct dw_engine_conn *conn);
    /*
     * At release: resets the statements this checkout used and clears their bindings
     * (so no token hash lingers), and rolls back a transaction left open; true if it
     * had to.
     */
    bool (*end_use)(struct dw_engine_conn *conn);
    /* The cached statement for sql, reset, bindings cleared; NULL + *err on failure. */
    struct dw_stmt *(*prepare)(struct dw_engine_conn *conn, const char *sql,
                               struct deepwell_error *err);
    /* locked: a transaction that takes its own lock first (see deepwell_conn_begin_locked). */
    enum deepwell_code (*begin)(struct dw_engine_conn *conn, bool locked,
                                struct deepwell_error *err);
    /* A failed COMMIT is rolled back before returning. */
    enum deepwell_code (*commit)(struct dw_engine_conn *conn, struct deepwell_error *err);
    void (*rollback)(struct dw_engine_conn *conn);
    /* One read-only snapshot for several statements, and its end. */
    enum deepwell_code (*read_begin)(struct dw_engine_conn *conn, struct deepwell_error *err);
    void (*read_end)(struct dw_engine_conn *conn);
    /* SQL with no parameters and no result (a script, a lock). */
    enum deepwell_code (*exec)(struct dw_engine_conn *conn, const char *sql, const char *context,
                               struct deepwell_error *err);
    int64_t (*changes)(struct dw_engine_conn *conn);
    bool (*last_was_pkey_conflict)(struct dw_engine_conn *conn);
    /* Fills err from the connection's last failure (rc: the failed call's result). */
    enum deepwell_code (*error)(struct dw_engine_conn *conn, struct deepwell_error *err, int rc,
                                const char *context);

    /* One statement's calls (query.h), as each statement also holds them. */
    const struct dw_stmt_ops *stmt;

    /* The full-text index's queries (search.h). */
    const struct dw_search_sql *search;

    /* ---- the store as a whole ---- */
    const struct deepwell_migration *(*migrations)(size_t *count);
    /* One integer: 1 when schema_version exists in the store. */
    const char *sql_has_version_table;
    /* One integer: how many objects the store holds (0 = new and empty). */
    const char *sql_object_count;
    /*
     * Run first in an audit batch's transaction so appends from every process form
     * one chain; NULL when the write transaction itself already excludes other
     * writers (SQLite's BEGIN IMMEDIATE).
     */
    const char *sql_audit_lock;
    /* BEGIN (READ COMMITTED) and sql_audit_lock as one request, a round trip fewer per
       batch; NULL: deepwell_conn_begin_locked, then sql_audit_lock. */
    const char *sql_audit_begin;
    /* Run first in each migration's transaction, so servers starting at once migrate once. */
    const char *sql_migrate_lock;
    /* Copy the store aside before migrating it (SQLite: a file beside it). */
    enum deepwell_code (*backup_before_migrate)(struct deepwell_conn *writer, const char *location,
                                                int target, struct deepwell_error *err);
    enum deepwell_code (*backup)(struct deepwell *dw, const char *out_path,
                                 struct deepwell_error *err);
    /* Fills out->integrity_ok and out->integrity_message. */
    enum deepwell_code (*integrity)(struct deepwell_conn *conn, struct deepwell_check_report *out,
                                    struct deepwell_error *err);
};

extern const struct deepwell_engine deepwell_engine_sqlite;
extern const struct deepwell_engine deepwell_engine_pg;
extern const struct dw_search_sql deepwell_sqlite_search_sql;
extern const struct dw_search_sql deepwell_pg_search_sql;

/* The engine of a pooled connection, and its engine-side half (set while checked out). */
const struct deepwell_engine *deepwell_conn_engine(struct deepwell_conn *conn);
struct dw_engine_conn *deepwell_conn_link(struct deepwell_conn *conn);

/* Each engine's own parts (maintenance.c and migrate.c for SQLite, pg_*.c for PostgreSQL). */
enum deepwell_code deepwell_sqlite_backup_before_migrate(struct deepwell_conn *writer,
                                                         const char *path, int target,
                                                         struct deepwell_error *err);
enum deepwell_code deepwell_sqlite_backup(struct deepwell *dw, const char *out_path,
                                          struct deepwell_error *err);
enum deepwell_code deepwell_sqlite_integrity(struct deepwell_conn *conn,
                                             struct deepwell_check_report *out,
                                             struct deepwell_error *err);
const struct deepwell_migration *deepwell_pg_migrations(size_t *count);
enum deepwell_code deepwell_pg_backup_before_migrate(struct deepwell_conn *writer,
                                                     const char *location, int target,
                                                     struct deepwell_error *err);
enum deepwell_code deepwell_pg_backup(struct deepwell *dw, const char *out_path,
                                      struct deepwell_error *err);
enum deepwell_code deepwell_pg_integrity(struct deepwell_conn *conn,
                                         struct deepwell_check_report *out,
                                         struct deepwell_error *err);

/* The engine a store location names: postgresql:// or postgres:// URLs, else SQLite. */
const struct deepwell_engine *deepwell_engine_for(const char *location);
/* "sqlite:/path/x.db" -> "/path/x.db"; any other location is returned as it is. */
const char *deepwell_engine_sqlite_path(const char *location);

/*
 * True when a transaction failed only because it ran concurrently with another
 * (PostgreSQL/CockroachDB SQLSTATE 40001, or a deadlock, 40P01): running it again
 * from the start is safe and expected.
 */
bool deepwell_error_is_retryable(const struct deepwell_error *err);

/*
 * Runs body(conn, ctx) in one write transaction on the writer, committing on DW_OK,
 * and runs it again from the start (at most a few times, backing off) when it fails
 * on a serialization conflict.  body must only touch the store through conn.
 */
typedef enum deepwell_code (*deepwell_tx_body)(struct deepwell_conn *conn, void *ctx,
                                               struct deepwell_error *err);
enum deepwell_code deepwell_write_tx(struct deepwell *dw, deepwell_tx_body body, void *ctx,
                                     struct deepwell_error *err);

#endif
