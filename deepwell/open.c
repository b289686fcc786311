/* open.c - opening and closing a store, its schema version, health and statistics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deepwell/sqlite_audit_file.h"
#include "deepwell/sqlite_checkpoint.h"
#include "deepwell/engine.h"
#include "deepwell/migrate.h"
#include "deepwell/search.h"
#include "deepwell/query.h"
#include "deepwell/schema.h"
#include "deepwell/store.h"

void deepwell_options_defaults(struct deepwell_options *opts)
{
    if (opts->readers == 0)
        opts->readers = 4;
    if (opts->checkout_timeout_ms == 0)
        opts->checkout_timeout_ms = 2000;
    if (opts->busy_timeout_ms == 0)
        opts->busy_timeout_ms = 5000;
    if (opts->synchronous == NULL)
        opts->synchronous = "NORMAL";
    if (opts->audit_batch_max == 0)
        opts->audit_batch_max = 256;
    if (opts->wal_checkpoint_pages == 0)
        opts->wal_checkpoint_pages = DEEPWELL_CHECKPOINT_PAGES;
    if (opts->wal_restart_pages == 0)
        opts->wal_restart_pages = DEEPWELL_CHECKPOINT_RESTART_PAGES;
}

int deepwell_schema_latest(void)
{
    size_t count;
    const struct deepwell_migration *migrations = deepwell_migrations(&count);
    return count == 0 ? 0 : migrations[count - 1].version;
}

static enum deepwell_code check_path(const struct deepwell_options *opts,
                                     struct deepwell_error *err)
{
    if (opts->path == NULL || opts->path[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, "open", "no store path given");
    if (strlen(opts->path) >= sizeof(((struct deepwell *)0)->path))
        return deepwell_error_set(err, DW_INVALID, "open", "store path too long");
    /* A PostgreSQL store is checked by connecting to it (pg_conn.c). */
    if (deepwell_engine_for(opts->path)->kind == DW_ENGINE_PG)
        return DW_OK;
    const char *path = deepwell_engine_sqlite_path(opts->path);
    if (path[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, "open", "no store path given");
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && opts->create)
            return DW_OK;
        if (errno == ENOENT)
            return deepwell_error_set(err, DW_IO, "open", "no such store: %s", opts->path);
        return deepwell_error_set(err, DW_IO, "open", "cannot open %s: %s", opts->path,
                                  strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return deepwell_error_set(err, DW_IO, "open", "not a regular file: %s", opts->path);
    return DW_OK;
}

/* Brings the schema to the latest version, or refuses a store this program cannot use. */
static enum deepwell_code prepare_schema(struct deepwell *dw, struct deepwell_error *err)
{
    struct deepwell_conn *writer;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &writer, err);
    if (code != DW_OK)
        return code;
    int latest = deepwell_schema_latest();
    int version = 0;
    code = deepwell_migrate_read_version(writer, &version, err);
    int before = version;
    if (code == DW_OK && version > latest)
        code = deepwell_error_set(err, DW_TOO_NEW, "open",
                                  "store schema version %d is newer than this program (%d); "
                                  "upgrade scipnet",
                                  version, latest);
    if (code == DW_OK && version < latest) {
        if (dw->opts.migrate)
            code = deepwell_migrate_to(writer, dw->path, latest, &version, err);
        else
            code = deepwell_error_set(err, DW_INVALID, "open",
                                      "store needs migrating: run deepwell init");
    }
    deepwell_pool_release(dw->pool, writer);
    dw->schema_version = version;
    /* SQLite: from version 5 every connection needs the audit file (sqlite_audit_file.h). */
    if (code == DW_OK && version >= DEEPWELL_AUDIT_FILE_VERSION)
        code = deepwell_pool_require_audit_file(dw->pool, err);
    /* Files written before the index existed are indexed once, when it is made (or remade). */
    if (code == DW_OK && before > 0 && before < DEEPWELL_SEARCH_REINDEX_VERSION &&
        version >= DEEPWELL_SEARCH_VERSION) {
        code = dw_search_backfill(dw, err);
        if (code == DW_OK)
            code = deepwell_search_optimize(dw, err);
    }
    return code;
}

/* SQLite: checkpoints move from the writer's commits to their own thread. */
static enum deepwell_code start_checkpointer(struct deepwell *dw, struct deepwell_error *err)
{
    if (dw->engine->kind != DW_ENGINE_SQLITE)
        return DW_OK;
    struct deepwell_checkpoint_limits limits = {dw->opts.wal_checkpoint_pages,
                                                dw->opts.wal_restart_pages};
    enum deepwell_code code = deepwell_checkpointer_start(dw->path, dw->opts.busy_timeout_ms,
                                                          &limits, &dw->checkpointer, err);
    if (code == DW_OK)
        deepwell_pool_set_checkpointer(dw->pool, dw->checkpointer);
    return code;
}

static void stop_checkpointer(struct deepwell *dw)
{
    if (dw->checkpointer == NULL)
        return;
    deepwell_pool_set_checkpointer(dw->pool, NULL);
    deepwell_checkpointer_stop(dw->checkpointer);
    dw->checkpointer = NULL;
}

enum deepwell_code deepwell_open(const struct deepwell_options *opts, struct deepwell **out,
                                 struct deepwell_error *err)
{
    *out = NULL;
    enum deepwell_code code = check_path(opts, err);
    if (code != DW_OK)
        return code;

    struct deepwell *dw = calloc(1, sizeof(*dw));
    if (dw == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "open", "out of memory");
    dw->opts = *opts;
    deepwell_options_defaults(&dw->opts);
    dw->engine = deepwell_engine_for(opts->path);
    snprintf(dw->path, sizeof(dw->path), "%s", deepwell_engine_sqlite_path(opts->path));
    dw->opts.path = dw->path;

    code = deepwell_pool_open(&dw->opts, &dw->pool, err);
    if (code == DW_OK)
        code = prepare_schema(dw, err);
    if (code == DW_OK)
        code = start_checkpointer(dw, err);
    if (code == DW_OK)
        code = deepwell_audit_start(dw, err);
    if (code != DW_OK) {
        stop_checkpointer(dw);
        deepwell_pool_close(dw->pool);
        free(dw);
        return code;
    }
    *out = dw;
    return DW_OK;
}

void deepwell_close(struct deepwell *dw)
{
    if (dw == NULL)
        return;
    deepwell_audit_stop(dw);
    stop_checkpointer(dw);
    deepwell_pool_close(dw->pool);
    free(dw);
}

int deepwell_schema_version(struct deepwell *dw)
{
    return dw->schema_version;
}

void deepwell_pool_stats(struct deepwell *dw, struct deepwell_pool_stats *out)
{
    deepwell_pool_get_stats(dw->pool, out);
    struct deepwell_checkpoint_stats wal;
    deepwell_checkpointer_stats(dw->checkpointer, &wal);
    out->wal_pages = wal.wal_pages;
    out->checkpoints = wal.checkpoints;
    out->checkpoint_restarts = wal.restarts;
    out->checkpoint_failures = wal.failures;
}

static enum deepwell_code ping_one(struct deepwell *dw, enum deepwell_conn_role role,
                                   struct deepwell_error *err)
{
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, role, &conn, err);
    if (code != DW_OK)
        return code;
    int64_t one = 0;
    code = dw_query_int64(conn, "SELECT 1", "ping", &one, err);
    (void)dw;
    deepwell_pool_release(dw->pool, conn);
    return code;
}

enum deepwell_code deepwell_ping(struct deepwell *dw, struct deepwell_error *err)
{
    enum deepwell_code code = ping_one(dw, DW_CONN_READER, err);
    if (code == DW_OK)
        code = ping_one(dw, DW_CONN_WRITER, err);
    return code;
}
