/*
 * throttle.c - failed-login counters, kept in the store so they survive a restart.
 * The caller decides the policy (how many failures, how long a block); this only counts.
 */
#include <string.h>

#include "deepwell/query.h"
#include "deepwell/store.h"

#define KEY_MAX 320

static const char SQL_FAILURES_GET[] =
    "SELECT failures, last_failure_ms, blocked_until_ms FROM login_failures WHERE key = ?1";
/* One statement, so two servers recording at once both count. */
static const char SQL_FAILURES_RECORD[] =
    "INSERT INTO login_failures (key, failures, last_failure_ms, blocked_until_ms)"
    " VALUES (?1, 1, ?2, ?3)"
    " ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures + 1,"
    " last_failure_ms = excluded.last_failure_ms, blocked_until_ms = excluded.blocked_until_ms"
    " RETURNING failures, last_failure_ms, blocked_until_ms";
static const char SQL_FAILURES_RESET[] = "DELETE FROM login_failures WHERE key = ?1";

static enum deepwell_code check_key(const char *key, const char *op, struct deepwell_error *err)
{
    if (key == NULL || key[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, op, "no throttle key given");
    if (strlen(key) >= KEY_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "throttle key longer than %d characters",
                                  KEY_MAX - 1);
    return DW_OK;
}

static void read_failures(struct dw_stmt *stmt, struct deepwell_login_failures *out)
{
    out->failures = dw_col_int(stmt, 0);
    out->last_failure_ms = dw_col_int64(stmt, 1);
    out->blocked_until_ms = dw_col_int64(stmt, 2);
}

enum deepwell_code deepwell_login_failures_get(struct deepwell *dw, const char *key,
                                               struct deepwell_login_failures *out,
                                               struct deepwell_error *err)
{
    static const char op[] = "throttle.get";
    enum deepwell_code code = check_key(key, op, err);
    if (code != DW_OK)
        return code;
    struct deepwell_conn *conn;
    code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_FAILURES_GET, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "t", key);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    memset(out, 0, sizeof(*out));
    if (code == DW_OK)
        read_failures(stmt, out);
    else if (code == DW_NOT_FOUND)
        code = DW_OK; /* never failed: all zero */
    deepwell_pool_release(dw->pool, conn);
    return code;
}

enum deepwell_code deepwell_login_failures_record(struct deepwell *dw, const char *key,
                                                  int64_t now_ms, int64_t blocked_until_ms,
                                                  struct deepwell_login_failures *out,
                                                  struct deepwell_error *err)
{
    static const char op[] = "throttle.record";
    enum deepwell_code code = check_key(key, op, err);
    if (code != DW_OK)
        return code;
    struct deepwell_conn *conn;
    code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_FAILURES_RECORD, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "tII", key, now_ms, blocked_until_ms);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK && out != NULL)
        read_failures(stmt, out);
    /* Run the RETURNING statement to its end so it finishes and its change commits. */
    if (code == DW_OK) {
        int rc = dw_step(stmt);
        if (rc != DW_DONE)
            code = dw_stmt_error(err, conn, stmt, rc, op);
    }
    if (code == DW_NOT_FOUND)
        code = deepwell_error_set(err, DW_INTERNAL, op, "upsert returned no row");
    deepwell_pool_release(dw->pool, conn);
    return code;
}

enum deepwell_code deepwell_login_failures_reset(struct deepwell *dw, const char *key,
                                                 struct deepwell_error *err)
{
    static const char op[] = "throttle.reset";
    enum deepwell_code code = check_key(key, op, err);
    if (code != DW_OK)
        return code;
    struct deepwell_conn *conn;
    code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_FAILURES_RESET, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "t", key);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    deepwell_pool_release(dw->pool, conn);
    return code;
}
