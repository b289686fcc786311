/*
 * audit_query.c - reading the audit log back: filtered queries (newest first for
 * the audit op, oldest first after an id for export) and one row as JSON.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "deepwell/audit.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

#define ROWS_INITIAL 64

/*
 * The user filter matches the row's user (the name it was written with, or by the
 * users table) or the name a failed login tried, so "who tried to log in as
 * director" is one query.  Names compare case-insensitively, as user names do
 * everywhere.  A row shows the name stored in it (schema 6 on): a later rename does
 * not rewrite history; older rows have none and show the current name.
 *
 * ?5 is the highest user clearance whose rows the reader may see: the others are
 * left out here, before the LIMIT, so a count never hints at them, and a hidden
 * user's name (current or stored) matches nothing, like an unknown one.  A row
 * naming an attempted user stays (an unknown name's row would be there too); the
 * server shows it as such.
 *
 * ?6 the outcome, ?7..?8 a time range (ISO text compares as time: since inclusive,
 * until exclusive), ?9 a page: rows older than that id.
 */
#define AUDIT_SELECT                                                                               \
    "SELECT a.id, a.ts, a.user_id, coalesce(a.user_name, u.name), a.attempted_name, "              \
    "a.client_addr, a.action,"                                                                     \
    " a.outcome, a.severity, a.details, a.imported, a.prev_hash, a.hash, u.clearance_level"        \
    " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"                                      \
    " WHERE a.id > ?1"                                                                             \
    " AND (u.clearance_level IS NULL OR u.clearance_level <= ?5"                                   \
    " OR a.attempted_name IS NOT NULL)"                                                            \
    " AND (CAST(?2 AS TEXT) IS NULL"                                                               \
    " OR ((lower(u.name) = lower(?2) OR lower(a.user_name) = lower(?2))"                           \
    " AND u.clearance_level <= ?5)"                                                                \
    " OR lower(a.attempted_name) = lower(?2))"                                                     \
    " AND (CAST(?3 AS TEXT) IS NULL OR a.action = ?3)"                                             \
    " AND (CAST(?6 AS TEXT) IS NULL OR a.outcome = ?6)"                                            \
    " AND (CAST(?7 AS TEXT) IS NULL OR a.ts >= ?7)"                                                \
    " AND (CAST(?8 AS TEXT) IS NULL OR a.ts < ?8)"                                                 \
    " AND (?9 = 0 OR a.id < ?9)"

static const char SQL_NEWEST[] = AUDIT_SELECT " ORDER BY a.id DESC LIMIT ?4";
static const char SQL_OLDEST[] = AUDIT_SELECT " ORDER BY a.id ASC LIMIT ?4";

static void copy_column(char *dst, size_t size, struct dw_stmt *stmt, int col)
{
    const unsigned char *text = dw_col_text(stmt, col);
    snprintf(dst, size, "%s", text != NULL ? (const char *)text : "");
}

static void copy_hash(uint8_t dst[DEEPWELL_AUDIT_HASH_BYTES], struct dw_stmt *stmt, int col)
{
    memset(dst, 0, DEEPWELL_AUDIT_HASH_BYTES);
    if (dw_col_bytes(stmt, col) == DEEPWELL_AUDIT_HASH_BYTES)
        memcpy(dst, dw_col_blob(stmt, col), DEEPWELL_AUDIT_HASH_BYTES);
}

/* Fills one row from the current result; false when out of memory. */
static bool read_row(struct dw_stmt *stmt, struct deepwell_audit_row *row)
{
    const unsigned char *details = dw_col_text(stmt, 9);

    memset(row, 0, sizeof(*row));
    row->id = dw_col_int64(stmt, 0);
    copy_column(row->ts, sizeof(row->ts), stmt, 1);
    row->user_id = dw_col_int64(stmt, 2); /* NULL reads as 0 */
    copy_column(row->user_name, sizeof(row->user_name), stmt, 3);
    copy_column(row->attempted_name, sizeof(row->attempted_name), stmt, 4);
    copy_column(row->client_addr, sizeof(row->client_addr), stmt, 5);
    copy_column(row->action, sizeof(row->action), stmt, 6);
    copy_column(row->outcome, sizeof(row->outcome), stmt, 7);
    copy_column(row->severity, sizeof(row->severity), stmt, 8);
    row->details_json = strdup(details != NULL ? (const char *)details : "{}");
    row->imported = dw_col_int64(stmt, 10) != 0;
    copy_hash(row->prev_hash, stmt, 11);
    copy_hash(row->hash, stmt, 12);
    row->user_clearance = (int)dw_col_int64(stmt, 13); /* NULL reads as 0 */
    return row->details_json != NULL;
}

static bool rows_push(struct deepwell_audit_rows *out, size_t *capacity, struct dw_stmt *stmt)
{
    if (out->count == *capacity) {
        size_t grown = *capacity != 0 ? *capacity * 2 : ROWS_INITIAL;
        struct deepwell_audit_row *rows = realloc(out->rows, grown * sizeof(*rows));
        if (rows == NULL)
            return false;
        out->rows = rows;
        *capacity = grown;
    }
    if (!read_row(stmt, &out->rows[out->count]))
        return false;
    out->count++;
    return true;
}

static int bind_filters(struct dw_stmt *stmt, const struct deepwell_audit_query *q)
{
    int rc = dw_bind_int64(stmt, 1, q->after_id > 0 ? q->after_id : 0);
    if (rc == 0)
        rc = q->user != NULL ? dw_bind_text(stmt, 2, q->user, -1) : dw_bind_null(stmt, 2);
    if (rc == 0)
        rc = q->action != NULL ? dw_bind_text(stmt, 3, q->action, -1) : dw_bind_null(stmt, 3);
    if (rc == 0) /* a negative LIMIT is no limit */
        rc = dw_bind_int64(stmt, 4, q->limit > 0 ? q->limit : INT64_MAX);
    if (rc == 0)
        rc = dw_bind_int64(stmt, 5, q->actor_max_level > 0 ? q->actor_max_level : INT32_MAX);
    const char *texts[] = {q->outcome, q->since, q->until};
    for (int i = 0; rc == 0 && i < 3; i++)
        rc = texts[i] != NULL ? dw_bind_text(stmt, 6 + i, texts[i], -1) : dw_bind_null(stmt, 6 + i);
    if (rc == 0)
        rc = dw_bind_int64(stmt, 9, q->before_id > 0 ? q->before_id : 0);
    return rc;
}

static enum deepwell_code run_query(struct deepwell_conn *conn,
                                    const struct deepwell_audit_query *q,
                                    struct deepwell_audit_rows *out, struct deepwell_error *err)
{
    const char *sql = q->oldest_first ? SQL_OLDEST : SQL_NEWEST;
    struct dw_stmt *stmt = dw_prepare_stmt(conn, sql, err);
    enum deepwell_code code = DW_OK;
    size_t capacity = 0;
    int rc;

    if (stmt == NULL)
        return err != NULL ? err->code : DW_INTERNAL;
    rc = bind_filters(stmt, q);
    if (rc != 0)
        code = dw_conn_error(err, conn, rc, sql);
    while (code == DW_OK && (rc = dw_step(stmt)) == DW_ROW)
        if (!rows_push(out, &capacity, stmt))
            code = deepwell_error_set(err, DW_INTERNAL, "audit.query", "out of memory");
    if (code == DW_OK && rc != DW_DONE)
        code = dw_conn_error(err, conn, rc, sql);
    dw_reset(stmt);
    dw_clear_bindings(stmt); /* the bindings point at the caller's strings */
    return code;
}

enum deepwell_code deepwell_audit_query(struct deepwell *dw, const struct deepwell_audit_query *q,
                                        struct deepwell_audit_rows *out, struct deepwell_error *err)
{
    struct deepwell_conn *conn;
    enum deepwell_code code;

    out->count = 0;
    out->rows = NULL;
    code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    code = run_query(conn, q, out, err);
    deepwell_pool_release(dw->pool, conn);
    if (code != DW_OK)
        deepwell_audit_rows_free(out);
    return code;
}

void deepwell_audit_rows_free(struct deepwell_audit_rows *rows)
{
    if (rows == NULL)
        return;
    for (size_t i = 0; i < rows->count; i++)
        free(rows->rows[i].details_json);
    free(rows->rows);
    rows->rows = NULL;
    rows->count = 0;
}

/* ---- JSON --------------------------------------------------------------------------- */

/* A JSON string of text (invalid UTF-8 bytes become '?'), or null when empty and nullable. */
static json_t *json_text(const char *text, bool empty_is_null)
{
    char clean[256];

    if (empty_is_null && text[0] == '\0')
        return json_null();
    deepwell_audit_copy_text(clean, sizeof(clean), text);
    return json_string(clean);
}

static json_t *json_hex(const uint8_t bytes[DEEPWELL_AUDIT_HASH_BYTES])
{
    char hex[2 * DEEPWELL_AUDIT_HASH_BYTES + 1];
    sodium_bin2hex(hex, sizeof(hex), bytes, DEEPWELL_AUDIT_HASH_BYTES);
    return json_string(hex);
}

/* The stored details object; a damaged one is kept as a string rather than lost. */
static json_t *json_details(const char *details)
{
    json_t *obj = json_loads(details != NULL ? details : "{}", 0, NULL);
    if (obj == NULL && details != NULL)
        obj = json_string(details);
    return obj != NULL ? obj : json_null();
}

char *deepwell_audit_row_json(const struct deepwell_audit_row *row)
{
    json_t *obj = json_object();
    char *line = NULL;
    int failed = 0;

    if (obj == NULL)
        return NULL;
    failed |= json_object_set_new(obj, "id", json_integer(row->id));
    failed |= json_object_set_new(obj, "ts", json_text(row->ts, false));
    failed |= json_object_set_new(obj, "user_id",
                                  row->user_id != 0 ? json_integer(row->user_id) : json_null());
    failed |= json_object_set_new(obj, "user", json_text(row->user_name, true));
    failed |= json_object_set_new(obj, "attempted_name", json_text(row->attempted_name, true));
    failed |= json_object_set_new(obj, "client", json_text(row->client_addr, false));
    failed |= json_object_set_new(obj, "action", json_text(row->action, false));
    failed |= json_object_set_new(obj, "outcome", json_text(row->outcome, false));
    failed |= json_object_set_new(obj, "severity", json_text(row->severity, false));
    failed |= json_object_set_new(obj, "details", json_details(row->details_json));
    failed |= json_object_set_new(obj, "imported", json_boolean(row->imported));
    failed |= json_object_set_new(obj, "prev_hash", json_hex(row->prev_hash));
    failed |= json_object_set_new(obj, "hash", json_hex(row->hash));
    if (!failed)
        line = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    return line;
}
