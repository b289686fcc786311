/*
 * engine.h - what differs between the store's two engines (internal to deepwell/).
 *
 * The store's modules (users.c, files.c, audit_chain.c, ...) are written once, in
 * SQL both engines accept, against the statement layer in query.h.  Below it a
 * connection belongs to one engine:
 *
 *   SQLite      an embedded file (pool.c, backup.c): the default, and any bare path
 *   PostgreSQL  libpq (pg_conn.c, pg_schema.c, pg_maintenance.c): "postgresql://..."
 *               or "postgres://...", shared by several servers; CockroachDB speaks
 *               the same protocol and SQL
 *
 * struct deepwell_engine holds the operations that are not just "run this SQL": the
 * schema and how its version is found, the integrity check, the backup, how the
 * audit chain's appends are serialized across processes, and which failures are
 * worth running a transaction again for.
 */
#ifndef SCIPNET_DEEPWELL_ENGINE_H
#define SCIPNET_DEEPWELL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"
#include "deepwell/schema.h"

enum deepwell_engine_kind { DW_ENGINE_SQLITE, DW_ENGINE_PG };

struct deepwell_engine {
    enum deepwell_engine_kind kind;
    const char *name; /* "sqlite" | "postgresql" */
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

/* The engine of a pooled connection. */
const struct deepwell_engine *deepwell_conn_engine(struct deepwell_conn *conn);

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
