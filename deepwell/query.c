/* query.c - binding, stepping and reading prepared statements. */
#include "deepwell/query.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "common/timeutil.h"
#include "deepwell/engine.h"
#include "deepwell/search.h"

/*
 * Every call goes through the statement's (or connection's) engine table: one
 * indirect call, no branch on the engine here.
 */

/* The engine half of a checked-out connection; a failed reopen leaves none. */
static struct dw_engine_conn *link_of(struct deepwell_conn *conn, const char *context,
                                      struct deepwell_error *err)
{
    struct dw_engine_conn *link = deepwell_conn_link(conn);
    if (link == NULL)
        deepwell_error_set(err, DW_IO, context, "no connection to the store");
    return link;
}

/* ---- one statement, either engine -------------------------------------------------- */

enum deepwell_code dw_prepare(struct deepwell_conn *conn, const char *sql, struct dw_stmt **out,
                              struct deepwell_error *err)
{
    struct deepwell_error local;
    struct deepwell_error *e = err != NULL ? err : &local;
    struct dw_engine_conn *link = link_of(conn, sql, e);
    *out = link != NULL ? link->engine->prepare(link, sql, e) : NULL;
    if (*out == NULL)
        return e->code;
    assert((*out)->conn == conn && (*out)->ops == link->engine->stmt);
    return DW_OK;
}

struct dw_stmt *dw_prepare_stmt(struct deepwell_conn *conn, const char *sql,
                                struct deepwell_error *err)
{
    struct dw_stmt *stmt = NULL;
    return dw_prepare(conn, sql, &stmt, err) == DW_OK ? stmt : NULL;
}

int dw_step(struct dw_stmt *stmt)
{
    return stmt->ops->step(stmt);
}

void dw_reset(struct dw_stmt *stmt)
{
    if (stmt != NULL)
        stmt->ops->reset(stmt);
}

void dw_clear_bindings(struct dw_stmt *stmt)
{
    stmt->ops->clear_bindings(stmt);
}

const char *dw_stmt_sql(struct dw_stmt *stmt)
{
    return stmt->ops->sql(stmt);
}

int dw_bind_null(struct dw_stmt *stmt, int index)
{
    return stmt->ops->bind_null(stmt, index);
}

int dw_bind_int64(struct dw_stmt *stmt, int index, int64_t value)
{
    return stmt->ops->bind_int64(stmt, index, value);
}

int dw_bind_text(struct dw_stmt *stmt, int index, const char *text, int len)
{
    return stmt->ops->bind_text(stmt, index, text, len);
}

int dw_bind_blob(struct dw_stmt *stmt, int index, const void *blob, int len)
{
    return stmt->ops->bind_blob(stmt, index, blob, len);
}

bool dw_col_is_null(struct dw_stmt *stmt, int col)
{
    return stmt->ops->col_is_null(stmt, col);
}

int64_t dw_col_int64(struct dw_stmt *stmt, int col)
{
    return stmt->ops->col_int64(stmt, col);
}

int dw_col_int(struct dw_stmt *stmt, int col)
{
    return (int)stmt->ops->col_int64(stmt, col); /* as sqlite3_column_int truncates */
}

const unsigned char *dw_col_text(struct dw_stmt *stmt, int col)
{
    return stmt->ops->col_text(stmt, col);
}

const void *dw_col_blob(struct dw_stmt *stmt, int col)
{
    return stmt->ops->col_blob(stmt, col);
}

int dw_col_bytes(struct dw_stmt *stmt, int col)
{
    return stmt->ops->col_bytes(stmt, col);
}

/* ---- one connection, either engine ------------------------------------------------- */

int64_t dw_changes(struct deepwell_conn *conn)
{
    struct dw_engine_conn *link = deepwell_conn_link(conn);
    return link != NULL ? link->engine->changes(link) : 0;
}

bool dw_last_was_pkey_conflict(struct deepwell_conn *conn)
{
    struct dw_engine_conn *link = deepwell_conn_link(conn);
    return link != NULL && link->engine->last_was_pkey_conflict(link);
}

enum deepwell_code dw_conn_error(struct deepwell_error *err, struct deepwell_conn *conn, int rc,
                                 const char *context)
{
    struct dw_engine_conn *link = link_of(conn, context, err);
    return link != NULL ? link->engine->error(link, err, rc, context) : DW_IO;
}

enum deepwell_code dw_exec(struct deepwell_conn *conn, const char *sql, const char *context,
                           struct deepwell_error *err)
{
    struct dw_engine_conn *link = link_of(conn, context, err);
    return link != NULL ? link->engine->exec(link, sql, context, err) : DW_IO;
}

bool deepwell_conn_in_tx(struct deepwell_conn *conn)
{
    struct dw_engine_conn *link = deepwell_conn_link(conn);
    return link != NULL && link->engine->in_tx(link);
}

enum deepwell_code deepwell_conn_begin(struct deepwell_conn *conn, struct deepwell_error *err)
{
    deepwell_conn_search_pending(conn)->n = 0;
    struct dw_engine_conn *link = link_of(conn, "BEGIN", err);
    return link != NULL ? link->engine->begin(link, false, err) : DW_IO;
}

enum deepwell_code deepwell_conn_begin_locked(struct deepwell_conn *conn,
                                              struct deepwell_error *err)
{
    deepwell_conn_search_pending(conn)->n = 0;
    struct dw_engine_conn *link = link_of(conn, "BEGIN", err);
    return link != NULL ? link->engine->begin(link, true, err) : DW_IO;
}

enum deepwell_code deepwell_conn_commit(struct deepwell_conn *conn, struct deepwell_error *err)
{
    struct dw_engine_conn *link = link_of(conn, "COMMIT", err);
    if (link == NULL)
        return DW_IO;
    /* The index's new rows reach FTS5 in the same transaction, or nothing commits. */
    enum deepwell_code code = dw_search_flush(conn, err);
    if (code != DW_OK) {
        deepwell_conn_rollback(conn);
        return code;
    }
    return link->engine->commit(link, err);
}

void deepwell_conn_rollback(struct deepwell_conn *conn)
{
    deepwell_conn_search_pending(conn)->n = 0;
    struct dw_engine_conn *link = deepwell_conn_link(conn);
    if (link != NULL)
        link->engine->rollback(link);
}

enum deepwell_code dw_read_begin(struct deepwell_conn *conn, struct deepwell_error *err)
{
    struct dw_engine_conn *link = link_of(conn, "read.begin", err);
    return link != NULL ? link->engine->read_begin(link, err) : DW_IO;
}

void dw_read_end(struct deepwell_conn *conn)
{
    /* Nothing was written, so COMMIT cannot fail for a reason worth reporting; if it
       does, the pool's release rolls the snapshot back and health-checks the connection. */
    struct dw_engine_conn *link = deepwell_conn_link(conn);
    if (link != NULL)
        link->engine->read_end(link);
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
    if (rc != 0)
        return stmt->ops->bind_error(stmt, rc, index - 1, op, err);
    return DW_OK;
}

enum deepwell_code dw_stmt_error(struct deepwell_error *err, struct deepwell_conn *conn,
                                 struct dw_stmt *stmt, int rc, const char *op)
{
    assert(stmt->conn == conn); /* a statement of another connection */
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
        code = dw_stmt_error(err, conn, stmt, rc == DW_ROW ? DW_MISUSE : rc, op);
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

enum deepwell_code dw_step_count(struct deepwell_conn *conn, struct dw_stmt *stmt, const char *op,
                                 int64_t *out, struct deepwell_error *err)
{
    enum deepwell_code code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK)
        *out = dw_col_int64(stmt, 0);
    else if (code == DW_NOT_FOUND)
        code = deepwell_error_set(err, DW_INTERNAL, op, "count returned no row");
    dw_reset(stmt);
    return code;
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
        return false; /* not NULL, so the engine ran out of memory converting it */
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
