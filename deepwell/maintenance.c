/* maintenance.c - online backup and the integrity check behind `deepwell check`. */
#include <string.h>

#include "deepwell/audit_file.h"
#include "deepwell/backup.h"
#include "deepwell/engine.h"
#include "deepwell/migrate.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

static const char SQL_INTEGRITY[] = "PRAGMA integrity_check";

enum deepwell_code deepwell_backup(struct deepwell *dw, const char *out_path,
                                   struct deepwell_error *err)
{
    if (out_path == NULL || out_path[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, "backup", "no backup path given");
    if (strcmp(out_path, dw->path) == 0)
        return deepwell_error_set(err, DW_INVALID, "backup", "cannot back a store up onto itself");
    return dw->engine->backup(dw, out_path, err);
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
    code = deepwell_backup_db(deepwell_conn_db(conn), out_path, err);
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

static enum deepwell_code count_rows(struct deepwell_conn *conn, struct deepwell_check_report *out,
                                     struct deepwell_error *err)
{
    const struct {
        const char *sql;
        int64_t *count;
    } counts[] = {
        {"SELECT count(*) FROM users", &out->users},
        {"SELECT count(*) FROM sessions", &out->sessions},
        {"SELECT count(*) FROM scp_files", &out->scps},
        {"SELECT count(*) FROM sections", &out->sections},
        {"SELECT count(*) FROM sites", &out->sites},
        {"SELECT count(*) FROM task_forces", &out->task_forces},
        {"SELECT count(*) FROM audit_log", &out->audit_rows},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        enum deepwell_code code =
            dw_query_int64(conn, counts[i].sql, "check.count", counts[i].count, err);
        if (code != DW_OK)
            return code;
    }
    return DW_OK;
}

enum deepwell_code deepwell_check(struct deepwell *dw, struct deepwell_check_report *out,
                                  struct deepwell_error *err)
{
    memset(out, 0, sizeof(*out));
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    code = dw_read_begin(conn, err);
    if (code == DW_OK) {
        code = dw->engine->integrity(conn, out, err);
        if (code == DW_OK)
            code = deepwell_migrate_read_version(conn, &out->schema_version, err);
        if (code == DW_OK)
            code = count_rows(conn, out, err);
        dw_read_end(conn);
    }
    deepwell_pool_release(dw->pool, conn);
    /* DW_OK means the check ran; whether the store is whole is out->integrity_ok. */
    return code;
}
