/* query.c - binding, stepping and reading prepared statements. */
#include "deepwell/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "common/timeutil.h"

static const char SQL_READ_BEGIN[] = "BEGIN";
static const char SQL_READ_END[] = "COMMIT";

enum deepwell_code dw_prepare(struct deepwell_conn *conn, const char *sql, sqlite3_stmt **out,
                              struct deepwell_error *err)
{
    struct deepwell_error local;
    *out = deepwell_conn_prepare(conn, sql, err != NULL ? err : &local);
    if (*out == NULL)
        return err != NULL ? err->code : local.code;
    return DW_OK;
}

enum deepwell_code dw_bind(sqlite3_stmt *stmt, struct deepwell_error *err, const char *op,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = SQLITE_OK;
    int index = 1;
    for (const char *f = fmt; *f != '\0' && rc == SQLITE_OK; f++, index++) {
        switch (*f) {
        case 't': {
            const char *text = va_arg(ap, const char *);
            rc = text == NULL ? sqlite3_bind_null(stmt, index)
                              : sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int(stmt, index, va_arg(ap, int));
            break;
        case 'I':
            rc = sqlite3_bind_int64(stmt, index, va_arg(ap, int64_t));
            break;
        case 'r': {
            int64_t id = va_arg(ap, int64_t);
            rc = id == 0 ? sqlite3_bind_null(stmt, index) : sqlite3_bind_int64(stmt, index, id);
            break;
        }
        case 'b': {
            const void *blob = va_arg(ap, const void *);
            int len = va_arg(ap, int);
            rc = sqlite3_bind_blob(stmt, index, blob, len, SQLITE_TRANSIENT);
            break;
        }
        default:
            va_end(ap);
            return deepwell_error_set(err, DW_INTERNAL, op, "bad bind format '%c'", *f);
        }
    }
    va_end(ap);
    if (rc != SQLITE_OK)
        return deepwell_error_from_sqlite(err, sqlite3_db_handle(stmt), rc, op);
    return DW_OK;
}

enum deepwell_code dw_stmt_error(struct deepwell_error *err, struct deepwell_conn *conn,
                                 sqlite3_stmt *stmt, int rc, const char *op)
{
    char context[256];
    snprintf(context, sizeof(context), "%s: %s", op, sqlite3_sql(stmt));
    return deepwell_error_from_sqlite(err, deepwell_conn_db(conn), rc, context);
}

enum deepwell_code dw_step_done(struct deepwell_conn *conn, sqlite3_stmt *stmt, const char *op,
                                struct deepwell_error *err)
{
    int rc = deepwell_step(conn, stmt);
    enum deepwell_code code = DW_OK;
    if (rc != SQLITE_DONE)
        code = dw_stmt_error(err, conn, stmt, rc == SQLITE_ROW ? SQLITE_MISUSE : rc, op);
    sqlite3_reset(stmt);
    return code;
}

enum deepwell_code dw_step_row(struct deepwell_conn *conn, sqlite3_stmt *stmt, const char *op,
                               struct deepwell_error *err)
{
    int rc = deepwell_step(conn, stmt);
    if (rc == SQLITE_ROW)
        return DW_OK;
    if (rc == SQLITE_DONE)
        return DW_NOT_FOUND;
    return dw_stmt_error(err, conn, stmt, rc, op);
}

enum deepwell_code dw_query_int64(struct deepwell_conn *conn, const char *sql, const char *op,
                                  int64_t *out, struct deepwell_error *err)
{
    sqlite3_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, sql, &stmt, err);
    if (code != DW_OK)
        return code;
    code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK)
        *out = sqlite3_column_int64(stmt, 0);
    else if (code == DW_NOT_FOUND)
        code = deepwell_error_set(err, DW_INTERNAL, op, "query returned no row");
    sqlite3_reset(stmt);
    return code;
}

enum deepwell_code dw_read_begin(struct deepwell_conn *conn, struct deepwell_error *err)
{
    sqlite3_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_READ_BEGIN, &stmt, err);
    if (code != DW_OK)
        return code;
    return dw_step_done(conn, stmt, "read.begin", err);
}

void dw_read_end(struct deepwell_conn *conn)
{
    /* Nothing was written, so COMMIT cannot fail for a reason worth reporting; if it
       does, the pool's release rolls the snapshot back and health-checks the connection. */
    sqlite3_stmt *stmt = deepwell_conn_prepare(conn, SQL_READ_END, NULL);
    if (stmt != NULL)
        dw_step_done(conn, stmt, "read.end", NULL);
}

void dw_column_copy(sqlite3_stmt *stmt, int col, char *buf, size_t size)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    snprintf(buf, size, "%s", text != NULL ? (const char *)text : "");
}

bool dw_column_dup(sqlite3_stmt *stmt, int col, char **out)
{
    *out = NULL;
    if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
        return true;
    const unsigned char *text = sqlite3_column_text(stmt, col);
    if (text == NULL)
        return false; /* not NULL, so sqlite ran out of memory converting it */
    *out = strdup((const char *)text);
    return *out != NULL;
}

void dw_now_iso(char buf[32])
{
    time_format_iso_ms(time_now_ms(), buf, 32);
}

enum deepwell_code dw_check_level(int level, const char *what, const char *op,
                                  struct deepwell_error *err)
{
    if (foundation_level(level) == NULL)
        return deepwell_error_set(err, DW_INVALID, op, "%s must be a level from %d to %d, not %d",
                                  what, FOUNDATION_LEVEL_MIN, FOUNDATION_LEVEL_MAX, level);
    return DW_OK;
}

enum deepwell_code dw_check_ref(struct deepwell_conn *conn, enum deepwell_kind kind, int64_t id,
                                const char *op, struct deepwell_error *err)
{
    static const char sql_site[] = "SELECT 1 FROM sites WHERE id = ?1";
    static const char sql_mtf[] = "SELECT 1 FROM task_forces WHERE id = ?1";
    static const char sql_user[] = "SELECT 1 FROM users WHERE id = ?1";
    if (id == 0)
        return DW_OK;
    const char *sql, *what;
    enum foundation_ref_kind ref_kind;
    switch (kind) {
    case DW_KIND_SITE:
        sql = sql_site, what = "site", ref_kind = REF_SITE;
        break;
    case DW_KIND_MTF:
        sql = sql_mtf, what = "task force", ref_kind = REF_MTF;
        break;
    case DW_KIND_USER:
        sql = sql_user, what = "user", ref_kind = REF_USER;
        break;
    default:
        return deepwell_error_set(err, DW_INTERNAL, op, "no reference check for kind %d", kind);
    }
    sqlite3_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", id);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    sqlite3_reset(stmt);
    if (code == DW_NOT_FOUND) {
        struct foundation_ref ref = {.kind = ref_kind, .number = id};
        char name[32];
        foundation_ref_format(&ref, name, sizeof(name));
        code = deepwell_error_set(err, DW_INVALID, op, "no such %s: %s", what, name);
    }
    return code;
}
