/* engine.c - choosing the engine from a store location, and retried write transactions. */
#include "deepwell/engine.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "deepwell/store.h"

/* A conflicted transaction is run again at most this many times, backing off. */
#define TX_ATTEMPTS         8
#define TX_BACKOFF_FIRST_MS 2
#define TX_BACKOFF_MAX_MS   200

const struct deepwell_engine deepwell_engine_sqlite = {
    .kind = DW_ENGINE_SQLITE,
    .name = "sqlite",
    .migrations = deepwell_migrations,
    .sql_has_version_table =
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'",
    .sql_object_count = "SELECT count(*) FROM sqlite_schema",
    .sql_audit_lock = NULL, /* BEGIN IMMEDIATE already holds the file's one write lock */
    .sql_migrate_lock = NULL,
    .backup_before_migrate = deepwell_sqlite_backup_before_migrate,
    .backup = deepwell_sqlite_backup,
    .integrity = deepwell_sqlite_integrity,
};

const struct deepwell_engine deepwell_engine_pg = {
    .kind = DW_ENGINE_PG,
    .name = "postgresql",
    .migrations = deepwell_pg_migrations,
    .sql_has_version_table = "SELECT count(*) FROM information_schema.tables"
                             " WHERE table_schema = current_schema()"
                             " AND table_name = 'schema_version'",
    .sql_object_count = "SELECT count(*) FROM information_schema.tables"
                        " WHERE table_schema = current_schema()",
    /*
     * Every server's audit batch locks the one row of audit_lock before reading the
     * chain's tip, so their rows form one chain.  A row lock (not an advisory lock)
     * so CockroachDB takes it too; released by COMMIT or ROLLBACK, so a killed server
     * cannot leave it held.
     */
    .sql_audit_lock = "SELECT id FROM audit_lock WHERE id = 1 FOR UPDATE",
    /* Before the schema exists there is no row to lock: a transaction-scoped
       advisory lock (the constant is "SCiP" in ASCII). */
    .sql_migrate_lock = "SELECT pg_advisory_xact_lock(1396918608)",
    .backup_before_migrate = deepwell_pg_backup_before_migrate,
    .backup = deepwell_pg_backup,
    .integrity = deepwell_pg_integrity,
};

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

const struct deepwell_engine *deepwell_engine_for(const char *location)
{
    if (location != NULL &&
        (has_prefix(location, "postgresql://") || has_prefix(location, "postgres://")))
        return &deepwell_engine_pg;
    return &deepwell_engine_sqlite;
}

const char *deepwell_engine_sqlite_path(const char *location)
{
    if (location != NULL && has_prefix(location, "sqlite:"))
        return location + strlen("sqlite:");
    return location;
}

const char *deepwell_location_file(const char *location)
{
    if (deepwell_engine_for(location) != &deepwell_engine_sqlite)
        return NULL;
    return deepwell_engine_sqlite_path(location);
}

bool deepwell_error_is_retryable(const struct deepwell_error *err)
{
    return err != NULL && err->code == DW_BUSY &&
           (strstr(err->message, "SQLSTATE 40001") != NULL ||
            strstr(err->message, "SQLSTATE 40P01") != NULL);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

enum deepwell_code deepwell_write_tx(struct deepwell *dw, deepwell_tx_body body, void *ctx,
                                     struct deepwell_error *err)
{
    struct deepwell_error local;
    struct deepwell_error *e = err != NULL ? err : &local;
    enum deepwell_code code = DW_OK;
    int backoff = TX_BACKOFF_FIRST_MS;
    for (int attempt = 1; attempt <= TX_ATTEMPTS; attempt++) {
        struct deepwell_conn *conn;
        code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, e);
        if (code != DW_OK)
            return code;
        code = deepwell_conn_begin(conn, e);
        if (code == DW_OK)
            code = body(conn, ctx, e);
        if (code == DW_OK)
            code = deepwell_conn_commit(conn, e);
        else
            deepwell_conn_rollback(conn);
        deepwell_pool_release(dw->pool, conn);
        if (code == DW_OK || !deepwell_error_is_retryable(e))
            return code;
        log_debug("deepwell", "serialization conflict (attempt %d): running again", attempt);
        sleep_ms(backoff);
        if (backoff < TX_BACKOFF_MAX_MS)
            backoff *= 2;
    }
    return code;
}
