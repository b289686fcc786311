/*
 * maintenance.c - `deepwell backup` and `deepwell check`, for either engine (each
 * engine's own part: sqlite_maintenance.c, pg_maintenance.c).
 */
#include <string.h>

#include "deepwell/engine.h"
#include "deepwell/migrate.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

enum deepwell_code deepwell_backup(struct deepwell *dw, const char *out_path,
                                   struct deepwell_error *err)
{
    if (out_path == NULL || out_path[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, "backup", "no backup path given");
    if (strcmp(out_path, dw->path) == 0)
        return deepwell_error_set(err, DW_INVALID, "backup", "cannot back a store up onto itself");
    return dw->engine->backup(dw, out_path, err);
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
