/* sessions.c - login sessions, stored by token hash (never the token itself). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "deepwell/query.h"
#include "deepwell/store.h"

static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, user_id, client_addr, created_ms, last_seen_ms, expires_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?4, ?5)";
/* The larger (not max(a, b): SQLite-only): a late, out-of-order touch must not move
   last_seen backwards. */
static const char SQL_SESSION_TOUCH[] =
    "UPDATE sessions SET last_seen_ms = CASE WHEN last_seen_ms > ?2 THEN last_seen_ms ELSE ?2 END"
    " WHERE id = ?1";
static const char SQL_SESSION_REVOKE[] = "UPDATE sessions SET revoked = 1 WHERE id = ?1";
static const char SQL_SESSION_REVOKE_USER[] =
    "UPDATE sessions SET revoked = 1 WHERE user_id = ?1 AND revoked = 0";
/* LIMIT ?5 as well: SQLite takes OFFSET only after a LIMIT, PostgreSQL any LIMIT. */
static const char SQL_SESSION_TRIM_USER[] =
    "UPDATE sessions SET revoked = 1 WHERE id IN (SELECT id FROM sessions"
    " WHERE user_id = ?1 AND revoked = 0 AND expires_ms > ?2 AND last_seen_ms >= ?3"
    " ORDER BY id DESC LIMIT ?5 OFFSET ?4)";
static const char SQL_SESSION_COUNT_LIVE[] =
    "SELECT count(*) FROM sessions"
    " WHERE revoked = 0 AND expires_ms > ?1 AND last_seen_ms >= ?2";

/* LIMIT ?6 + 1: the extra row only says whether more remain. */
static const char SQL_SESSION_LIST[] =
    "SELECT se.id, se.user_id, u.name, u.clearance_level, se.client_addr, se.created_ms,"
    " se.last_seen_ms, se.expires_ms FROM sessions se JOIN users u ON u.id = se.user_id"
    " WHERE se.revoked = 0 AND se.expires_ms > ?1 AND se.last_seen_ms >= ?2"
    " AND u.clearance_level <= ?3 AND (?4 = 0 OR se.user_id = ?4) AND (?5 = 0 OR se.id = ?5)"
    " ORDER BY se.last_seen_ms DESC, se.id DESC LIMIT ?6 OFFSET ?7";

/*
 * Runs one write statement bound by fmt on the writer.  When must_change, no row
 * changed is DW_NOT_FOUND "no such session".
 */
static enum deepwell_code run_write(struct deepwell *dw, const char *sql, bool must_change,
                                    const char *op, struct deepwell_error *err, const char *fmt,
                                    int64_t a, int64_t b, int64_t *changed)
{
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, fmt, a, b);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK && must_change && dw_changes(conn) == 0)
        code = deepwell_error_set(err, DW_NOT_FOUND, op, "no such session: %" PRId64, a);
    if (changed != NULL)
        *changed = code == DW_OK ? dw_changes(conn) : 0;
    deepwell_pool_release(dw->pool, conn);
    return code;
}

enum deepwell_code deepwell_session_create(struct deepwell *dw,
                                           const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES],
                                           int64_t user_id, const char *client_addr, int64_t now_ms,
                                           int64_t expires_ms, struct deepwell_error *err)
{
    static const char op[] = "sessions.create";
    if (hash == NULL)
        return deepwell_error_set(err, DW_INVALID, op, "no token hash given");
    if (user_id == 0)
        return deepwell_error_set(err, DW_INVALID, op, "a session needs a user");
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    code = dw_check_ref(conn, DW_KIND_USER, user_id, op, err);
    struct dw_stmt *stmt = NULL;
    if (code == DW_OK)
        code = dw_prepare(conn, SQL_SESSION_INSERT, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "bItII", (const void *)hash, DEEPWELL_TOKEN_HASH_BYTES,
                       user_id, client_addr != NULL ? client_addr : "", now_ms, expires_ms);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_CONFLICT)
        deepwell_error_set(err, code, op, "a session with this token already exists");
    deepwell_pool_release(dw->pool, conn);
    return code;
}

/* The session alone: the same lookup as the server's, without keeping the user row. */
enum deepwell_code deepwell_session_find(struct deepwell *dw,
                                         const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES],
                                         struct deepwell_session *out, struct deepwell_error *err)
{
    struct deepwell_user user;
    return deepwell_session_find_with_user(dw, hash, out, &user, err);
}

enum deepwell_code deepwell_session_touch(struct deepwell *dw, int64_t session_id, int64_t now_ms,
                                          struct deepwell_error *err)
{
    return run_write(dw, SQL_SESSION_TOUCH, true, "sessions.touch", err, "II", session_id, now_ms,
                     NULL);
}

enum deepwell_code deepwell_session_revoke(struct deepwell *dw, int64_t session_id,
                                           struct deepwell_error *err)
{
    return run_write(dw, SQL_SESSION_REVOKE, true, "sessions.revoke", err, "I", session_id, 0,
                     NULL);
}

enum deepwell_code deepwell_session_revoke_user(struct deepwell *dw, int64_t user_id,
                                                struct deepwell_error *err)
{
    return run_write(dw, SQL_SESSION_REVOKE_USER, false, "sessions.revoke_user", err, "I", user_id,
                     0, NULL);
}

enum deepwell_code deepwell_session_revoke_user_count(struct deepwell *dw, int64_t user_id,
                                                      int64_t *ended, struct deepwell_error *err)
{
    return run_write(dw, SQL_SESSION_REVOKE_USER, false, "sessions.revoke_user", err, "I", user_id,
                     0, ended);
}

enum deepwell_code deepwell_session_trim_user(struct deepwell *dw, int64_t user_id, int64_t now_ms,
                                              int64_t idle_cutoff_ms, int64_t keep, int64_t *ended,
                                              struct deepwell_error *err)
{
    static const char op[] = "sessions.trim_user";
    if (ended != NULL)
        *ended = 0;
    if (keep < 0)
        return deepwell_error_set(err, DW_INVALID, op, "keep must be >= 0");
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_SESSION_TRIM_USER, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "IIIII", user_id, now_ms, idle_cutoff_ms, keep,
                       (int64_t)INT32_MAX);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK && ended != NULL)
        *ended = (int64_t)dw_changes(conn);
    deepwell_pool_release(dw->pool, conn);
    return code;
}

enum deepwell_code deepwell_session_count_live(struct deepwell *dw, int64_t now_ms,
                                               int64_t idle_cutoff_ms, int64_t *count,
                                               struct deepwell_error *err)
{
    static const char op[] = "sessions.count_live";
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_SESSION_COUNT_LIVE, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "II", now_ms, idle_cutoff_ms);
    if (code == DW_OK)
        code = dw_step_count(conn, stmt, op, count, err);
    deepwell_pool_release(dw->pool, conn);
    return code;
}

static void read_session_row(struct dw_stmt *stmt, struct deepwell_session_row *row)
{
    memset(row, 0, sizeof(*row));
    row->id = dw_col_int64(stmt, 0);
    row->user_id = dw_col_int64(stmt, 1);
    dw_column_copy(stmt, 2, row->user_name, sizeof(row->user_name));
    row->clearance = dw_col_int(stmt, 3);
    dw_column_copy(stmt, 4, row->client_addr, sizeof(row->client_addr));
    row->created_ms = dw_col_int64(stmt, 5);
    row->last_seen_ms = dw_col_int64(stmt, 6);
    row->expires_ms = dw_col_int64(stmt, 7);
}

static enum deepwell_code read_session_rows(struct deepwell_conn *conn, struct dw_stmt *stmt,
                                            int limit, struct deepwell_session_rows *out,
                                            const char *op, struct deepwell_error *err)
{
    enum deepwell_code code;
    while ((code = dw_step_row(conn, stmt, op, err)) == DW_OK) {
        if (out->count == (size_t)limit) {
            out->more = true;
            break;
        }
        read_session_row(stmt, &out->rows[out->count++]);
    }
    return code == DW_NOT_FOUND ? DW_OK : code;
}

enum deepwell_code deepwell_session_list(struct deepwell *dw,
                                         const struct deepwell_session_query *q,
                                         struct deepwell_session_rows *out,
                                         struct deepwell_error *err)
{
    static const char op[] = "sessions.list";
    memset(out, 0, sizeof(*out));
    if (q->limit < 1 || q->offset < 0)
        return deepwell_error_set(err, DW_INVALID, op, "limit must be >= 1, offset >= 0");
    out->rows = calloc((size_t)q->limit, sizeof(*out->rows));
    if (out->rows == NULL)
        return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK) {
        deepwell_session_rows_free(out);
        return code;
    }
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_SESSION_LIST, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "IIiIIII", q->now_ms, q->idle_cutoff_ms, q->max_level,
                       q->user_id, q->session_id, (int64_t)q->limit + 1, q->offset);
    if (code == DW_OK) {
        code = read_session_rows(conn, stmt, q->limit, out, op, err);
        dw_reset(stmt); /* it may stop before the last row */
    }
    deepwell_pool_release(dw->pool, conn);
    if (code != DW_OK)
        deepwell_session_rows_free(out);
    return code;
}

void deepwell_session_rows_free(struct deepwell_session_rows *rows)
{
    free(rows->rows);
    memset(rows, 0, sizeof(*rows));
}
