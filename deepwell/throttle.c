/*
 * throttle.c - failed-login counters, kept in the store so they survive a restart.
 * The caller decides the policy (how many failures, how long a block); this only counts.
 */
#include <stdbool.h>
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

/*
 * A reservation: one more failure and its backoff, in one statement, unless the key is
 * blocked now (then no row comes back).  The backoff is throttle_backoff_s's
 * doubling: ?5 (base s) << (count - ?4 (limit)), at most ?6 (max s); ?3 is the block
 * of a first failure.  One statement, so two servers on one store never both slip in
 * under the limit.
 */
static const char SQL_FAILURES_RESERVE[] =
    "INSERT INTO login_failures (key, failures, last_failure_ms, blocked_until_ms)"
    " VALUES (?1, 1, ?2, ?3)"
    " ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures + 1,"
    " last_failure_ms = excluded.last_failure_ms,"
    " blocked_until_ms = CASE"
    "  WHEN login_failures.failures + 1 < CAST(?4 AS INTEGER) THEN 0"
    "  WHEN login_failures.failures + 1 - CAST(?4 AS INTEGER) >= 31"
    "   THEN excluded.last_failure_ms + CAST(?6 AS BIGINT) * 1000"
    "  WHEN (CAST(?5 AS BIGINT) << (login_failures.failures + 1 - CAST(?4 AS INTEGER)))"
    "   >= CAST(?6 AS BIGINT) THEN excluded.last_failure_ms + CAST(?6 AS BIGINT) * 1000"
    "  ELSE excluded.last_failure_ms + (CAST(?5 AS BIGINT)"
    "   << (login_failures.failures + 1 - CAST(?4 AS INTEGER))) * 1000 END"
    " WHERE login_failures.blocked_until_ms <= excluded.last_failure_ms"
    " RETURNING failures, last_failure_ms, blocked_until_ms";
/*
 * A release gives back ?2 failures (never below 0).  The block goes when the count
 * falls under the limit ?4, or when it is the very one the reservation set (?3):
 * blocks are only set by reservations made while unblocked, so that one was this
 * attempt's own.
 */
static const char SQL_FAILURES_RELEASE[] =
    "UPDATE login_failures SET"
    " failures = CASE WHEN failures > CAST(?2 AS INTEGER) THEN failures - CAST(?2 AS INTEGER)"
    "  ELSE 0 END,"
    " blocked_until_ms = CASE WHEN failures - CAST(?2 AS INTEGER) < CAST(?4 AS INTEGER)"
    "  OR blocked_until_ms = CAST(?3 AS BIGINT) THEN 0 ELSE blocked_until_ms END"
    " WHERE key = ?1";
static const char SQL_FAILURES_DROP_ZERO[] =
    "DELETE FROM login_failures WHERE key = ?1 AND failures = 0";

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

/* Runs a statement whose one parameter is the key and which returns no row. */
static enum deepwell_code step_keyed(struct deepwell_conn *conn, const char *sql, const char *key,
                                     const char *op, struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "t", key);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    return code;
}

/* Runs a RETURNING statement to its end, so that it finishes and its change commits. */
static enum deepwell_code step_to_end(struct deepwell_conn *conn, struct dw_stmt *stmt,
                                      const char *op, struct deepwell_error *err)
{
    int rc = dw_step(stmt);
    return rc == DW_DONE ? DW_OK : dw_stmt_error(err, conn, stmt, rc, op);
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
    if (code == DW_OK)
        code = step_to_end(conn, stmt, op, err);
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
    code = step_keyed(conn, SQL_FAILURES_RESET, key, op, err);
    deepwell_pool_release(dw->pool, conn);
    return code;
}

/* The block a first failure gets: throttle_backoff_s(1, ...) */
static int64_t first_block_ms(const struct deepwell_throttle_policy *policy, int64_t now_ms)
{
    if (policy->max_failures > 1)
        return 0;
    int64_t backoff = policy->backoff_base_s < policy->backoff_max_s ? policy->backoff_base_s
                                                                     : policy->backoff_max_s;
    return now_ms + backoff * 1000;
}

enum deepwell_code
deepwell_login_failures_reserve(struct deepwell *dw, const char *key, int64_t now_ms,
                                const struct deepwell_throttle_policy *policy, bool *granted,
                                struct deepwell_login_failures *out, struct deepwell_error *err)
{
    static const char op[] = "throttle.reserve";
    *granted = false;
    memset(out, 0, sizeof(*out));
    enum deepwell_code code = check_key(key, op, err);
    if (code != DW_OK)
        return code;
    if (policy->max_failures < 1 || policy->backoff_base_s < 0 || policy->backoff_max_s < 0)
        return deepwell_error_set(err, DW_INVALID, op, "bad throttle policy");
    struct deepwell_conn *conn;
    code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_FAILURES_RESERVE, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "tIIiii", key, now_ms, first_block_ms(policy, now_ms),
                       policy->max_failures, policy->backoff_base_s, policy->backoff_max_s);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK) {
        read_failures(stmt, out);
        *granted = true;
        code = step_to_end(conn, stmt, op, err);
    }
    deepwell_pool_release(dw->pool, conn);
    if (code == DW_NOT_FOUND) /* blocked: say how long */
        return deepwell_login_failures_get(dw, key, out, err);
    if (code != DW_OK)
        *granted = false;
    return code;
}

enum deepwell_code deepwell_login_failures_release(struct deepwell *dw, const char *key, int count,
                                                   const struct deepwell_login_failures *reserved,
                                                   int max_failures, struct deepwell_error *err)
{
    static const char op[] = "throttle.release";
    enum deepwell_code code = check_key(key, op, err);
    if (code != DW_OK)
        return code;
    if (count < 1)
        return DW_OK;
    struct deepwell_conn *conn;
    code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_FAILURES_RELEASE, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "tiIi", key, count, reserved->blocked_until_ms, max_failures);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    /* A count back at 0 is no row at all, as before any failure. */
    if (code == DW_OK)
        code = step_keyed(conn, SQL_FAILURES_DROP_ZERO, key, op, err);
    deepwell_pool_release(dw->pool, conn);
    return code;
}
