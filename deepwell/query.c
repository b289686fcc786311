/* query.c - binding, stepping and reading prepared statements. */
#include "deepwell/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "common/foundation.h"
#include "common/timeutil.h"
#include "deepwell/pg_conn.h"

static const char SQL_READ_BEGIN[] = "BEGIN";
/* One snapshot for several statements; read-only, so it never conflicts. */
static const char SQL_PG_READ_BEGIN[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
static const char SQL_READ_END[] = "COMMIT";

/* ---- one statement, either engine -------------------------------------------------- */

enum deepwell_code dw_prepare(struct deepwell_conn *conn, const char *sql, struct dw_stmt **out,
                              struct deepwell_error *err)
{
    struct deepwell_error local;
    *out = deepwell_conn_prepare_any(conn, sql, err != NULL ? err : &local);
    if (*out == NULL)
        return err != NULL ? err->code : local.code;
    return DW_OK;
}

int dw_step(struct dw_stmt *stmt)
{
    if (stmt->pg == NULL)
        return deepwell_step(stmt->conn, stmt->lite);
    int rc = pg_step(stmt->pg);
    if (rc == PG_STEP_ROW)
        return DW_ROW;
    if (rc == PG_STEP_DONE)
        return DW_DONE;
    /* Constraint failures are ordinary answers ("name taken"); anything else is suspect. */
    struct deepwell_error e;
    if (dw_conn_error(&e, stmt->conn, rc, "") != DW_CONFLICT && e.code != DW_INVALID)
        deepwell_conn_mark_suspect(stmt->conn);
    return rc;
}

void dw_reset(struct dw_stmt *stmt)
{
    if (stmt == NULL)
        return;
    if (stmt->pg != NULL)
        pg_reset(stmt->pg);
    else
        sqlite3_reset(stmt->lite);
}

void dw_clear_bindings(struct dw_stmt *stmt)
{
    if (stmt->pg != NULL)
        pg_clear_bindings(stmt->pg);
    else
        sqlite3_clear_bindings(stmt->lite);
}

const char *dw_stmt_sql(struct dw_stmt *stmt)
{
    return stmt->pg != NULL ? pg_stmt_sql(stmt->pg) : sqlite3_sql(stmt->lite);
}

int dw_bind_null(struct dw_stmt *stmt, int index)
{
    return stmt->pg != NULL ? pg_bind_null(stmt->pg, index) : sqlite3_bind_null(stmt->lite, index);
}

int dw_bind_int64(struct dw_stmt *stmt, int index, int64_t value)
{
    return stmt->pg != NULL ? pg_bind_int64(stmt->pg, index, value)
                            : sqlite3_bind_int64(stmt->lite, index, value);
}

int dw_bind_text(struct dw_stmt *stmt, int index, const char *text, int len)
{
    if (stmt->pg != NULL)
        return pg_bind_text(stmt->pg, index, text, len);
    return text == NULL ? sqlite3_bind_null(stmt->lite, index)
                        : sqlite3_bind_text(stmt->lite, index, text, len, SQLITE_TRANSIENT);
}

int dw_bind_blob(struct dw_stmt *stmt, int index, const void *blob, int len)
{
    return stmt->pg != NULL ? pg_bind_blob(stmt->pg, index, blob, len)
                            : sqlite3_bind_blob(stmt->lite, index, blob, len, SQLITE_TRANSIENT);
}

bool dw_col_is_null(struct dw_stmt *stmt, int col)
{
    return stmt->pg != NULL ? pg_col_is_null(stmt->pg, col)
                            : sqlite3_column_type(stmt->lite, col) == SQLITE_NULL;
}

int64_t dw_col_int64(struct dw_stmt *stmt, int col)
{
    return stmt->pg != NULL ? pg_col_int64(stmt->pg, col) : sqlite3_column_int64(stmt->lite, col);
}

int dw_col_int(struct dw_stmt *stmt, int col)
{
    return stmt->pg != NULL ? (int)pg_col_int64(stmt->pg, col)
                            : sqlite3_column_int(stmt->lite, col);
}

const unsigned char *dw_col_text(struct dw_stmt *stmt, int col)
{
    return stmt->pg != NULL ? pg_col_text(stmt->pg, col) : sqlite3_column_text(stmt->lite, col);
}

const void *dw_col_blob(struct dw_stmt *stmt, int col)
{
    return stmt->pg != NULL ? pg_col_blob(stmt->pg, col) : sqlite3_column_blob(stmt->lite, col);
}

int dw_col_bytes(struct dw_stmt *stmt, int col)
{
    return stmt->pg != NULL ? pg_col_bytes(stmt->pg, col) : sqlite3_column_bytes(stmt->lite, col);
}

int64_t dw_changes(struct deepwell_conn *conn)
{
    struct pg_conn *pg = deepwell_conn_pg(conn);
    return pg != NULL ? pg_conn_changes(pg) : sqlite3_changes(deepwell_conn_db(conn));
}

bool dw_last_was_pkey_conflict(struct deepwell_conn *conn)
{
    struct pg_conn *pg = deepwell_conn_pg(conn);
    if (pg != NULL)
        return pg_conn_last_was_pkey_conflict(pg);
    return sqlite3_extended_errcode(deepwell_conn_db(conn)) == SQLITE_CONSTRAINT_PRIMARYKEY;
}

enum deepwell_code dw_conn_error(struct deepwell_error *err, struct deepwell_conn *conn, int rc,
                                 const char *context)
{
    struct pg_conn *pg = deepwell_conn_pg(conn);
    if (pg != NULL)
        return pg_conn_error(pg, err, context);
    return deepwell_error_from_sqlite(err, deepwell_conn_db(conn), rc, context);
}

enum deepwell_code dw_exec(struct deepwell_conn *conn, const char *sql, const char *context,
                           struct deepwell_error *err)
{
    struct pg_conn *pg = deepwell_conn_pg(conn);
    if (pg != NULL)
        return pg_conn_exec(pg, sql, context, err);
    sqlite3 *db = deepwell_conn_db(conn);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return deepwell_error_from_sqlite(err, db, rc, context);
    return DW_OK;
}

/* ---- helpers ---------------------------------------------------------------------------- */

enum deepwell_code dw_bind(struct dw_stmt *stmt, struct deepwell_error *err, const char *op,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = 0;
    int index = 1;
    for (const char *f = fmt; *f != '\0' && rc == 0; f++, index++) {
        switch (*f) {
        case 't':
            rc = dw_bind_text(stmt, index, va_arg(ap, const char *), -1);
            break;
        case 'i':
            rc = dw_bind_int64(stmt, index, va_arg(ap, int));
            break;
        case 'I':
            rc = dw_bind_int64(stmt, index, va_arg(ap, int64_t));
            break;
        case 'r': {
            int64_t id = va_arg(ap, int64_t);
            rc = id == 0 ? dw_bind_null(stmt, index) : dw_bind_int64(stmt, index, id);
            break;
        }
        case 'b': {
            const void *blob = va_arg(ap, const void *);
            int len = va_arg(ap, int);
            rc = dw_bind_blob(stmt, index, blob, len);
            break;
        }
        default:
            va_end(ap);
            return deepwell_error_set(err, DW_INTERNAL, op, "bad bind format '%c'", *f);
        }
    }
    va_end(ap);
    if (rc != 0) {
        if (stmt->pg != NULL)
            return deepwell_error_set(err, DW_INTERNAL, op, "cannot bind parameter %d", index - 1);
        return deepwell_error_from_sqlite(err, sqlite3_db_handle(stmt->lite), rc, op);
    }
    return DW_OK;
}

enum deepwell_code dw_stmt_error(struct deepwell_error *err, struct deepwell_conn *conn,
                                 struct dw_stmt *stmt, int rc, const char *op)
{
    char context[256];
    snprintf(context, sizeof(context), "%s: %s", op, dw_stmt_sql(stmt));
    return dw_conn_error(err, conn, rc, context);
}

enum deepwell_code dw_step_done(struct deepwell_conn *conn, struct dw_stmt *stmt, const char *op,
                                struct deepwell_error *err)
{
    int rc = dw_step(stmt);
    enum deepwell_code code = DW_OK;
    if (rc != DW_DONE)
        code = dw_stmt_error(err, conn, stmt, rc == DW_ROW ? SQLITE_MISUSE : rc, op);
    dw_reset(stmt);
    return code;
}

enum deepwell_code dw_step_row(struct deepwell_conn *conn, struct dw_stmt *stmt, const char *op,
                               struct deepwell_error *err)
{
    int rc = dw_step(stmt);
    if (rc == DW_ROW)
        return DW_OK;
    if (rc == DW_DONE)
        return DW_NOT_FOUND;
    return dw_stmt_error(err, conn, stmt, rc, op);
}

enum deepwell_code dw_step_insert(struct deepwell_conn *conn, struct dw_stmt *stmt, const char *op,
                                  int64_t *id, struct deepwell_error *err)
{
    enum deepwell_code code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK) {
        *id = dw_col_int64(stmt, 0);
        /* SQLite finishes the statement (and its change) only on the last step. */
        int rc = dw_step(stmt);
        if (rc != DW_DONE)
            code = dw_stmt_error(err, conn, stmt, rc, op);
    } else if (code == DW_NOT_FOUND) {
        code = deepwell_error_set(err, DW_INTERNAL, op, "insert returned no row");
    }
    dw_reset(stmt);
    return code;
}

enum deepwell_code dw_query_int64(struct deepwell_conn *conn, const char *sql, const char *op,
                                  int64_t *out, struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, sql, &stmt, err);
    if (code != DW_OK)
        return code;
    code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK)
        *out = dw_col_int64(stmt, 0);
    else if (code == DW_NOT_FOUND)
        code = deepwell_error_set(err, DW_INTERNAL, op, "query returned no row");
    dw_reset(stmt);
    return code;
}

enum deepwell_code dw_read_begin(struct deepwell_conn *conn, struct deepwell_error *err)
{
    if (deepwell_conn_pg(conn) != NULL)
        return dw_exec(conn, SQL_PG_READ_BEGIN, "read.begin", err);
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_READ_BEGIN, &stmt, err);
    if (code != DW_OK)
        return code;
    return dw_step_done(conn, stmt, "read.begin", err);
}

void dw_read_end(struct deepwell_conn *conn)
{
    /* Nothing was written, so COMMIT cannot fail for a reason worth reporting; if it
       does, the pool's release rolls the snapshot back and health-checks the connection. */
    if (deepwell_conn_pg(conn) != NULL) {
        dw_exec(conn, SQL_READ_END, "read.end", NULL);
        return;
    }
    struct dw_stmt *stmt;
    if (dw_prepare(conn, SQL_READ_END, &stmt, NULL) == DW_OK)
        dw_step_done(conn, stmt, "read.end", NULL);
}

void dw_column_copy(struct dw_stmt *stmt, int col, char *buf, size_t size)
{
    const unsigned char *text = dw_col_text(stmt, col);
    snprintf(buf, size, "%s", text != NULL ? (const char *)text : "");
}

bool dw_column_dup(struct dw_stmt *stmt, int col, char **out)
{
    *out = NULL;
    if (dw_col_is_null(stmt, col))
        return true;
    const unsigned char *text = dw_col_text(stmt, col);
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
    struct dw_stmt *stmt = NULL;
    enum deepwell_code code = dw_prepare(conn, sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", id);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    dw_reset(stmt);
    if (code == DW_NOT_FOUND) {
        struct foundation_ref ref = {.kind = ref_kind, .number = id};
        char name[32];
        foundation_ref_format(&ref, name, sizeof(name));
        code = deepwell_error_set(err, DW_INVALID, op, "no such %s: %s", what, name);
    }
    return code;
}
