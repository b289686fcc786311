/*
 * sqlite_maintenance.c - backup and the integrity check for an SQLite store, and
 * the copy made before migrating one (the counterpart of pg_maintenance.c).
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "deepwell/sqlite_audit_file.h"
#include "deepwell/sqlite_backup.h"
#include "deepwell/engine.h"
#include "deepwell/query.h"
#include "deepwell/sqlite_conn.h"
#include "deepwell/store.h"

static const char SQL_INTEGRITY[] = "PRAGMA integrity_check";

enum deepwell_code deepwell_sqlite_backup_before_migrate(struct deepwell_conn *conn,
                                                         const char *path, int target,
                                                         struct deepwell_error *err)
{
    int64_t objects = 0;
    enum deepwell_code code =
        dw_query_int64(conn, "SELECT count(*) FROM sqlite_schema", "migrate.backup", &objects, err);
    if (code != DW_OK || objects == 0)
        return code;
    char backup_path[4200];
    snprintf(backup_path, sizeof(backup_path), "%s.pre-v%d.bak", path, target);
    code = deepwell_backup_db(deepwell_sqlite_db(conn), backup_path, err);
    if (code == DW_OK)
        log_notice("deepwell", "copied the store to %s before migrating", backup_path);
    return code;
}

enum deepwell_code deepwell_sqlite_backup(struct deepwell *dw, const char *out_path,
                                          struct deepwell_error *err)
{
    /* The copy is OUT and OUT.audit: neither may be one of the store's own two files. */
    char store_audit[DEEPWELL_AUDIT_PATH_MAX], out_audit[DEEPWELL_AUDIT_PATH_MAX];
    enum deepwell_code code =
        deepwell_audit_file_path(dw->path, store_audit, sizeof(store_audit), err);
    if (code == DW_OK)
        code = deepwell_audit_file_path(out_path, out_audit, sizeof(out_audit), err);
    if (code != DW_OK)
        return code;
    if (strcmp(out_path, dw->path) == 0 || strcmp(out_path, store_audit) == 0 ||
        strcmp(out_audit, dw->path) == 0)
        return deepwell_error_set(err, DW_INVALID, "backup", "cannot back a store up onto itself");
    struct deepwell_conn *conn;
    /* A reader: WAL lets the copy run while the writer keeps writing. */
    code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    code = deepwell_backup_db(deepwell_sqlite_db(conn), out_path, err);
    deepwell_pool_release(dw->pool, conn);
    return code;
}

/* First line of PRAGMA integrity_check ("ok" when whole) and whether it was "ok". */
enum deepwell_code deepwell_sqlite_integrity(struct deepwell_conn *conn,
                                             struct deepwell_check_report *out,
                                             struct deepwell_error *err)
{
    static const char op[] = "check.integrity";
    struct dw_stmt *stmt = NULL;
    enum deepwell_code code = dw_prepare(conn, SQL_INTEGRITY, &stmt, err);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK) {
        dw_column_copy(stmt, 0, out->integrity_message, sizeof(out->integrity_message));
        out->integrity_ok = strcmp(out->integrity_message, "ok") == 0;
    } else if (code == DW_NOT_FOUND) {
        code = deepwell_error_set(err, DW_INTERNAL, op, "integrity_check returned no row");
    }
    if (stmt != NULL)
        dw_reset(stmt);
    return code;
}
