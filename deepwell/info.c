/* info.c - the description of a clearance level or a class (the info op). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "deepwell/pool.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

/* One statement per table: the table is never a parameter. */
static const char *const info_sql[] = {
    [DW_INFO_LEVEL] = "SELECT full_name, colour, description FROM clearance_levels WHERE id = ?1",
    [DW_INFO_CONTAINMENT] =
        "SELECT name, colour, description FROM containment_classes WHERE id = ?1",
    [DW_INFO_SECONDARY] = "SELECT name, colour, description FROM secondary_classes WHERE id = ?1",
    [DW_INFO_DISRUPTION] = "SELECT name, colour, description FROM disruption_classes WHERE id = ?1",
    [DW_INFO_RISK] = "SELECT name, colour, description FROM risk_classes WHERE id = ?1",
};

enum deepwell_code deepwell_info_get(struct deepwell *dw, enum deepwell_info_kind kind, int id,
                                     struct deepwell_info *out, struct deepwell_error *err)
{
    assert((size_t)kind < sizeof(info_sql) / sizeof(info_sql[0]));
    const char *op = "info.get";
    memset(out, 0, sizeof(*out));
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, info_sql[kind], &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "i", id);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK) {
        dw_column_copy(stmt, 0, out->name, sizeof(out->name));
        dw_column_copy(stmt, 1, out->colour, sizeof(out->colour));
        if (!dw_column_dup(stmt, 2, &out->description))
            code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    }
    deepwell_pool_release(dw->pool, conn);
    if (code == DW_NOT_FOUND)
        deepwell_error_set(err, code, op, "no such entry");
    if (code != DW_OK)
        deepwell_info_free(out);
    return code;
}

void deepwell_info_free(struct deepwell_info *info)
{
    free(info->description);
    memset(info, 0, sizeof(*info));
}
