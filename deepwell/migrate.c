/* migrate.c - applying the embedded migrations (sqlite_schema.c, pg_schema.c) to a store. */
#include "deepwell/migrate.h"

#include <stdio.h>

#include "common/log.h"
#include "deepwell/engine.h"
#include "deepwell/query.h"
#include "deepwell/schema.h"

static const char SQL_MAX_VERSION[] = "SELECT coalesce(max(version), 0) FROM schema_version";
/* Both engines accept it (STRICT is SQLite's, so it is not used here). */
static const char SQL_CREATE_VERSION_TABLE[] = "CREATE TABLE IF NOT EXISTS schema_version ("
                                               "  version INTEGER PRIMARY KEY,"
                                               "  applied_at TEXT NOT NULL"
                                               ")";
static const char SQL_RECORD_VERSION[] =
    "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)";

enum deepwell_code deepwell_migrate_read_version(struct deepwell_conn *conn, int *version,
                                                 struct deepwell_error *err)
{
    int64_t has_table = 0;
    enum deepwell_code code =
        dw_query_int64(conn, deepwell_conn_engine(conn)->sql_has_version_table, "migrate.version",
                       &has_table, err);
    if (code != DW_OK)
        return code;
    int64_t max = 0;
    if (has_table) {
        code = dw_query_int64(conn, SQL_MAX_VERSION, "migrate.version", &max, err);
        if (code != DW_OK)
            return code;
    }
    *version = (int)max;
    return DW_OK;
}

/* Run the migration's script; it is embedded text with no parameters to bind. */
static enum deepwell_code exec_script(struct deepwell_conn *conn, const char *sql,
                                      const char *context, struct deepwell_error *err)
{
    return dw_exec(conn, sql, context, err);
}

/* The engine's own migration for a version (SQLite's and PostgreSQL's schemas differ). */
static const struct deepwell_migration *engine_migration(struct deepwell_conn *conn, int version)
{
    size_t count;
    const struct deepwell_migration *migrations = deepwell_conn_engine(conn)->migrations(&count);
    for (size_t i = 0; i < count; i++)
        if (migrations[i].version == version)
            return &migrations[i];
    return NULL;
}

static enum deepwell_code apply_one(struct deepwell_conn *conn, const char *location,
                                    const struct deepwell_migration *migration,
                                    struct deepwell_error *err)
{
    char context[128];
    snprintf(context, sizeof(context), "migration %d (%s)", migration->version, migration->name);
    const struct deepwell_migration *own = engine_migration(conn, migration->version);
    if (own == NULL)
        return deepwell_error_set(err, DW_INTERNAL, context, "no %s script for this version",
                                  deepwell_conn_engine(conn)->name);
    if (own->prepare != NULL) {
        enum deepwell_code code = own->prepare(conn, location, err);
        if (code != DW_OK)
            return code;
    }

    /* Serialized like the audit chain: two servers starting at once migrate once. */
    enum deepwell_code code = deepwell_conn_begin_locked(conn, err);
    const char *lock = deepwell_conn_engine(conn)->sql_migrate_lock;
    if (code == DW_OK && lock != NULL)
        code = dw_exec(conn, lock, context, err);
    if (code != DW_OK) {
        deepwell_conn_rollback(conn);
        return code;
    }
    /* Checked again under the write lock: another process may have migrated meanwhile. */
    int version = 0;
    code = deepwell_migrate_read_version(conn, &version, err);
    if (code == DW_OK && version >= migration->version) {
        deepwell_conn_rollback(conn);
        return DW_OK;
    }
    if (code == DW_OK)
        code = exec_script(conn, SQL_CREATE_VERSION_TABLE, context, err);
    if (code == DW_OK && own->sql[0] != '\0')
        code = exec_script(conn, own->sql, context, err);
    if (code == DW_OK) {
        struct dw_stmt *stmt;
        char now[32];
        dw_now_iso(now);
        code = dw_prepare(conn, SQL_RECORD_VERSION, &stmt, err);
        if (code == DW_OK)
            code = dw_bind(stmt, err, context, "it", migration->version, now);
        if (code == DW_OK)
            code = dw_step_done(conn, stmt, context, err);
    }
    if (code == DW_OK)
        code = deepwell_conn_commit(conn, err);
    else
        deepwell_conn_rollback(conn);
    return code;
}

enum deepwell_code deepwell_migrate_to(struct deepwell_conn *writer, const char *path, int target,
                                       int *version_out, struct deepwell_error *err)
{
    int latest = deepwell_schema_latest();
    if (target < 0 || target > latest)
        return deepwell_error_set(err, DW_INVALID, "migrate",
                                  "no schema version %d (this program knows 1 to %d)", target,
                                  latest);
    int version = 0;
    enum deepwell_code code = deepwell_migrate_read_version(writer, &version, err);
    if (code != DW_OK)
        return code;
    if (version > latest)
        return deepwell_error_set(err, DW_TOO_NEW, "migrate",
                                  "store schema version %d is newer than this program (%d); "
                                  "upgrade scipnet",
                                  version, latest);
    if (version < target) {
        code = deepwell_conn_engine(writer)->backup_before_migrate(writer, path, target, err);
        if (code != DW_OK)
            return code;
    }

    size_t count;
    const struct deepwell_migration *migrations = deepwell_migrations(&count);
    for (size_t i = 0; i < count && code == DW_OK; i++) {
        if (migrations[i].version <= version || migrations[i].version > target)
            continue;
        code = apply_one(writer, path, &migrations[i], err);
        if (code == DW_OK) {
            version = migrations[i].version;
            log_notice("deepwell", "schema version %d applied: %s", version, migrations[i].name);
        }
    }
    if (version_out != NULL)
        *version_out = version;
    return code;
}
