/*
 * site_members.c - the SCP files, task forces and staff stationed at one site, as
 * the site's file lists them: the first `limit` rows by id, and how many there are.
 */
#include <stdlib.h>
#include <string.h>

#include "deepwell/query.h"
#include "deepwell/store.h"

/* Columns as list.c's: id, level, title, extra, status, site_id, suffix.  ?1 the site, ?2 the
   limit. */
static const struct members_sql {
    const char *count_sql;
    const char *page_sql;
} members_sql[] = {
    [DW_KIND_SCP] =
        {"SELECT count(*) FROM scp_files f WHERE f.site_id = ?1",
         "SELECT f.number, f.clearance_level, f.title, cc.name, f.status, f.site_id, f.suffix"
         " FROM scp_files f LEFT JOIN containment_classes cc"
         " ON cc.id = f.containment_class_id WHERE f.site_id = ?1"
         " ORDER BY f.number, f.suffix LIMIT ?2"},
    [DW_KIND_SITE] = {NULL, NULL},
    [DW_KIND_MTF] = {"SELECT count(*) FROM task_forces tf WHERE tf.site_id = ?1",
                     "SELECT tf.id, tf.clearance_level, " SQL_TF_NAME
                     ", CASE tf.active WHEN 1 THEN '1' ELSE '0' END, '', tf.site_id, ''"
                     " FROM task_forces tf WHERE tf.site_id = ?1 ORDER BY tf.id LIMIT ?2"},
    [DW_KIND_USER] = {"SELECT count(*) FROM users u WHERE u.site_id = ?1",
                      "SELECT u.id, u.clearance_level, u.name, t.name, '', u.site_id, ''"
                      " FROM users u JOIN titles t ON t.id = u.title_id WHERE u.site_id = ?1"
                      " ORDER BY u.id LIMIT ?2"},
};

static enum deepwell_code count_members(struct deepwell_conn *conn, const struct members_sql *q,
                                        int64_t site_id, int64_t *total, struct deepwell_error *err)
{
    static const char op[] = "site_members.count";
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, q->count_sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", site_id);
    if (code == DW_OK)
        code = dw_step_count(conn, stmt, op, total, err);
    return code;
}

static enum deepwell_code read_members(struct deepwell_conn *conn, const struct members_sql *q,
                                       int64_t site_id, int limit, struct deepwell_list *out,
                                       struct deepwell_error *err)
{
    static const char op[] = "site_members.page";
    struct dw_stmt *stmt;
    out->items = calloc((size_t)limit, sizeof(*out->items));
    if (out->items == NULL)
        return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    enum deepwell_code code = dw_prepare(conn, q->page_sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "Ii", site_id, limit);
    while (code == DW_OK) {
        code = dw_step_row(conn, stmt, op, err);
        if (code == DW_NOT_FOUND) {
            code = DW_OK;
            break;
        }
        if (code != DW_OK)
            break;
        /* The LIMIT bounds the rows; a store that sent more is not believed. */
        if (out->count == (size_t)limit)
            break;
        struct deepwell_list_item *item = &out->items[out->count++];
        item->id = dw_col_int64(stmt, 0);
        item->level = dw_col_int(stmt, 1);
        dw_column_copy(stmt, 2, item->title, sizeof(item->title));
        dw_column_copy(stmt, 3, item->extra, sizeof(item->extra));
        dw_column_copy(stmt, 4, item->status, sizeof(item->status));
        item->site_id = dw_col_int64(stmt, 5);
        dw_column_copy(stmt, 6, item->suffix, sizeof(item->suffix));
    }
    if (stmt != NULL)
        dw_reset(stmt);
    return code;
}

enum deepwell_code deepwell_site_members(struct deepwell *dw, int64_t site_id,
                                         enum deepwell_kind kind, int limit,
                                         struct deepwell_list *out, struct deepwell_error *err)
{
    static const char op[] = "site_members";
    memset(out, 0, sizeof(*out));
    if ((unsigned)kind >= sizeof(members_sql) / sizeof(members_sql[0]) ||
        members_sql[kind].page_sql == NULL)
        return deepwell_error_set(err, DW_INVALID, op, "no site members of kind %d", kind);
    if (limit < 1 || limit > DEEPWELL_SITE_MEMBERS_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "limit %d out of 1..%d", limit,
                                  DEEPWELL_SITE_MEMBERS_MAX);
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    /* One snapshot, so the total and the rows agree. */
    code = dw_read_begin(conn, err);
    if (code == DW_OK) {
        code = count_members(conn, &members_sql[kind], site_id, &out->total, err);
        if (code == DW_OK)
            code = read_members(conn, &members_sql[kind], site_id, limit, out, err);
        dw_read_end(conn);
    }
    deepwell_pool_release(dw->pool, conn);
    if (code != DW_OK)
        deepwell_list_free(out);
    return code;
}
