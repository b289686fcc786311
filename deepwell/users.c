/* users.c - personnel accounts: lookup, the write path, password, clearance, login record. */
#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "common/timeutil.h"
#include "deepwell/engine.h"
#include "deepwell/files.h"
#include "deepwell/query.h"
#include "deepwell/search.h"
#include "deepwell/store.h"
#include "deepwell/write.h"

#define SQL_USER_COLUMNS                                                                           \
    "u.id, u.name, t.name, u.clearance_level, u.site_id, s.name, "                                 \
    "u.task_force_id, " SQL_TF_NAME                                                                \
    ", u.active, u.personnel_active, u.password_hash, u.last_login, u.created_at,"                 \
    " u.previous_login, u.failed_logins, u.failed_before_login"
#define SQL_USER_PLACES                                                                            \
    " LEFT JOIN sites s ON s.id = u.site_id"                                                       \
    " LEFT JOIN task_forces tf ON tf.id = u.task_force_id "
#define SQL_USER_SELECT                                                                            \
    "SELECT " SQL_USER_COLUMNS " FROM users u JOIN titles t ON t.id = u.title_id" SQL_USER_PLACES

static const char SQL_USER_BY_NAME[] = SQL_USER_SELECT "WHERE u.name = ?1";
static const char SQL_USER_BY_ID[] = SQL_USER_SELECT "WHERE u.id = ?1";
static const char SQL_USER_ID_BY_NAME[] = "SELECT id FROM users WHERE name = ?1";
static const char SQL_USER_INSERT[] =
    "INSERT INTO users (id, name, password_hash, clearance_level, title_id, site_id,"
    " task_force_id, active, personnel_active, last_login, created_at, updated_at)"
    " VALUES (coalesce(?1, (SELECT coalesce(max(id), 0) + 1 FROM users)),"
    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id";
static const char SQL_SET_PASSWORD[] =
    "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1";
static const char SQL_SET_CLEARANCE[] =
    "UPDATE users SET clearance_level = ?2, updated_at = ?3 WHERE id = ?1";
static const char SQL_SET_ACTIVE[] = "UPDATE users SET active = ?2, updated_at = ?3 WHERE id = ?1";
/* The login before it and the failures since it are kept for whoami (schema 13). */
static const char SQL_RECORD_LOGIN[] =
    "UPDATE users SET previous_login = last_login, failed_before_login = failed_logins,"
    " failed_logins = 0, last_login = ?2 WHERE id = ?1";
static const char SQL_RECORD_FAILURE[] =
    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?1";
/* A new password ends every other session of the user (?2: the one kept, 0 = none). */
static const char SQL_REVOKE_OTHER_SESSIONS[] =
    "UPDATE sessions SET revoked = 1 WHERE user_id = ?1 AND revoked = 0 AND id <> ?2";
/* The session and its user in one statement: one read transaction per request, not two.
   The user's columns are NULL (id 0) when the user row is gone. */
static const char SQL_SESSION_WITH_USER[] =
    "SELECT se.id, se.user_id, se.created_ms, se.last_seen_ms, se.expires_ms, "
    "se.revoked, " SQL_USER_COLUMNS " FROM sessions se LEFT JOIN users u ON u.id = se.user_id"
    " LEFT JOIN titles t ON t.id = u.title_id" SQL_USER_PLACES "WHERE se.token_hash = ?1";
/* The same with an SCP file's head (NULL columns when there is no such file) after them:
   a read's session and file in one round trip. */
#define SESSION_USER_COLUMNS (6 + 16)
static const char SQL_SESSION_WITH_SCP_HEAD[] =
    "SELECT se.id, se.user_id, se.created_ms, se.last_seen_ms, se.expires_ms, "
    "se.revoked, " SQL_USER_COLUMNS ", h.* FROM sessions se LEFT JOIN users u ON u.id = se.user_id"
    " LEFT JOIN titles t ON t.id = u.title_id" SQL_USER_PLACES "LEFT JOIN (" SQL_SCP_HEAD_SELECT
    " WHERE f.number = ?2 AND f.suffix = ?3) h ON 1 = 1"
    " WHERE se.token_hash = ?1";
static const char SQL_REVOKE_USER_SESSIONS[] =
    "UPDATE sessions SET revoked = 1 WHERE user_id = ?1 AND revoked = 0";

/* The SQL_USER_COLUMNS starting at column c. */
static void read_user_at(struct dw_stmt *stmt, int c, struct deepwell_user *out)
{
    memset(out, 0, sizeof(*out));
    out->id = dw_col_int64(stmt, c);
    dw_column_copy(stmt, c + 1, out->name, sizeof(out->name));
    dw_column_copy(stmt, c + 2, out->title, sizeof(out->title));
    out->clearance = dw_col_int(stmt, c + 3);
    out->site_id = dw_col_int64(stmt, c + 4);
    dw_column_copy(stmt, c + 5, out->site_name, sizeof(out->site_name));
    out->task_force_id = dw_col_int64(stmt, c + 6);
    dw_column_copy(stmt, c + 7, out->task_force_name, sizeof(out->task_force_name));
    out->active = dw_col_int(stmt, c + 8) != 0;
    out->personnel_active = dw_col_int(stmt, c + 9) != 0;
    dw_column_copy(stmt, c + 10, out->password_hash, sizeof(out->password_hash));
    dw_column_copy(stmt, c + 11, out->last_login, sizeof(out->last_login));
    dw_column_copy(stmt, c + 12, out->created_at, sizeof(out->created_at));
    dw_column_copy(stmt, c + 13, out->previous_login, sizeof(out->previous_login));
    out->failed_logins = dw_col_int(stmt, c + 14);
    out->failed_before_login = dw_col_int(stmt, c + 15);
}

static void read_user(struct dw_stmt *stmt, struct deepwell_user *out)
{
    read_user_at(stmt, 0, out);
}

enum deepwell_code deepwell_user_find(struct deepwell *dw, const char *name, int64_t id,
                                      struct deepwell_user *out, struct deepwell_error *err)
{
    static const char op[] = "users.find";
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, name != NULL ? SQL_USER_BY_NAME : SQL_USER_BY_ID, &stmt, err);
    if (code == DW_OK)
        code = name != NULL ? dw_bind(stmt, err, op, "t", name) : dw_bind(stmt, err, op, "I", id);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK)
        read_user(stmt, out);
    deepwell_pool_release(dw->pool, conn);

    if (code == DW_NOT_FOUND && name != NULL)
        deepwell_error_set(err, code, op, "no such user: %s", name);
    else if (code == DW_NOT_FOUND)
        deepwell_error_set(err, code, op, "no such user: USER-%" PRId64, id);
    return code;
}

static void read_session_with_user(struct dw_stmt *stmt, struct deepwell_session *session,
                                   struct deepwell_user *user)
{
    memset(session, 0, sizeof(*session));
    session->id = dw_col_int64(stmt, 0);
    session->user_id = dw_col_int64(stmt, 1);
    session->created_ms = dw_col_int64(stmt, 2);
    session->last_seen_ms = dw_col_int64(stmt, 3);
    session->expires_ms = dw_col_int64(stmt, 4);
    session->revoked = dw_col_int(stmt, 5) != 0;
    if (dw_col_is_null(stmt, 6))
        memset(user, 0, sizeof(*user));
    else
        read_user_at(stmt, 6, user);
}

/*
 * The session, its user and, when scp is set, the head of SCP file number-suffix, in one
 * statement: one round trip.  *scp_found says whether that file exists.
 */
static enum deepwell_code session_lookup(struct deepwell *dw,
                                         const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES],
                                         struct deepwell_session *session,
                                         struct deepwell_user *user, int number, const char *suffix,
                                         struct deepwell_scp *scp, bool *scp_found,
                                         struct deepwell_error *err)
{
    const char *op = scp ? "sessions.find_with_scp_head" : "sessions.find_with_user";
    if (hash == NULL)
        return deepwell_error_set(err, DW_INVALID, op, "no token hash given");
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt = NULL;
    code = dw_prepare(conn, scp ? SQL_SESSION_WITH_SCP_HEAD : SQL_SESSION_WITH_USER, &stmt, err);
    if (code == DW_OK)
        code = scp ? dw_bind(stmt, err, op, "bit", (const void *)hash, DEEPWELL_TOKEN_HASH_BYTES,
                             number, suffix != NULL ? suffix : "")
                   : dw_bind(stmt, err, op, "b", (const void *)hash, DEEPWELL_TOKEN_HASH_BYTES);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK)
        read_session_with_user(stmt, session, user);
    if (code == DW_OK && scp != NULL) {
        memset(scp, 0, sizeof(*scp));
        *scp_found = !dw_col_is_null(stmt, SESSION_USER_COLUMNS);
        if (*scp_found && !dw_scp_read_row_at(stmt, SESSION_USER_COLUMNS, scp)) {
            deepwell_scp_free(scp);
            *scp_found = false;
            code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
        }
    }
    if (stmt != NULL)
        dw_reset(stmt);
    deepwell_pool_release(dw->pool, conn);
    if (code == DW_NOT_FOUND)
        deepwell_error_set(err, code, op, "no such session");
    return code;
}

enum deepwell_code deepwell_session_find_with_user(struct deepwell *dw,
                                                   const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES],
                                                   struct deepwell_session *session,
                                                   struct deepwell_user *user,
                                                   struct deepwell_error *err)
{
    return session_lookup(dw, hash, session, user, 0, NULL, NULL, NULL, err);
}

enum deepwell_code deepwell_session_find_with_scp_head(
    struct deepwell *dw, const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES], int number,
    const char *suffix, struct deepwell_session *session, struct deepwell_user *user,
    struct deepwell_scp *scp, bool *scp_found, struct deepwell_error *err)
{
    return session_lookup(dw, hash, session, user, number, suffix, scp, scp_found, err);
}

static enum deepwell_code validate_new_user(const struct deepwell_user_new *user, const char *op,
                                            struct deepwell_error *err)
{
    if (user->name == NULL || user->name[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, op, "a user needs a name");
    if (strlen(user->name) >= DEEPWELL_NAME_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "user name longer than %d characters",
                                  DEEPWELL_NAME_MAX - 1);
    if (user->password_hash == NULL || user->password_hash[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, op, "a user needs a password hash");
    if (strlen(user->password_hash) >= DEEPWELL_HASH_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "password hash too long");
    if (user->title == NULL)
        return deepwell_error_set(err, DW_INVALID, op, "a user needs a title");
    return dw_check_level(user->clearance, "clearance", op, err);
}

static enum deepwell_code title_id(struct deepwell_conn *conn, const char *title, int64_t *out,
                                   const char *op, struct deepwell_error *err)
{
    enum deepwell_code code = dw_title_find(conn, title, out, op, err);
    if (code == DW_OK && *out == 0)
        code = deepwell_error_set(err, DW_INVALID, op, "unknown title '%s'", title);
    return code;
}

enum deepwell_code dw_user_find_id(struct deepwell_conn *conn, const char *name, int64_t *id,
                                   const char *op, struct deepwell_error *err)
{
    return dw_find_id(conn, SQL_USER_ID_BY_NAME, name, id, op, err);
}

/* extra->id when no user has it; 0 (the next free) otherwise. */
static enum deepwell_code free_id(struct deepwell_conn *conn, int64_t id, int64_t *out,
                                  const char *op, struct deepwell_error *err)
{
    *out = 0;
    if (id <= 0)
        return DW_OK;
    struct deepwell_error ignored;
    enum deepwell_code code = dw_check_ref(conn, DW_KIND_USER, id, op, &ignored);
    if (code == DW_INVALID) /* no such user: the id is free */
        *out = id;
    else if (code != DW_OK && err != NULL)
        *err = ignored;
    return code == DW_INVALID ? DW_OK : code;
}

enum deepwell_code dw_user_insert(struct deepwell_conn *conn, const struct deepwell_user_new *user,
                                  const struct dw_user_extra *extra, int64_t *id_out,
                                  const char *op, struct deepwell_error *err)
{
    assert(user->name != NULL && user->password_hash != NULL && user->title != NULL);
    static const struct dw_user_extra none;
    if (extra == NULL)
        extra = &none;
    int64_t title = 0;
    enum deepwell_code code = title_id(conn, user->title, &title, op, err);
    if (code == DW_OK)
        code = dw_check_ref(conn, DW_KIND_SITE, user->site_id, op, err);
    if (code == DW_OK)
        code = dw_check_ref(conn, DW_KIND_MTF, user->task_force_id, op, err);
    if (code != DW_OK)
        return code;

    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_USER_INSERT, &stmt, err);
    if (code != DW_OK)
        return code;
    struct dw_times t;
    dw_times_of(&extra->when, &t);
    code = dw_bind(stmt, err, op, "rttiIrriittt", extra->id, user->name, user->password_hash,
                   user->clearance, title, user->site_id, user->task_force_id, user->active ? 1 : 0,
                   user->personnel_active ? 1 : 0, extra->last_login, t.created, t.updated);
    int64_t id = 0;
    if (code == DW_OK)
        code = dw_step_insert(conn, stmt, op, &id, err);
    if (code == DW_CONFLICT && dw_last_was_pkey_conflict(conn))
        return deepwell_error_set(err, code, op, "USER-%" PRId64 " already exists", extra->id);
    if (code == DW_CONFLICT)
        return deepwell_error_set(err, code, op, "user name '%s' is already taken", user->name);
    if (code == DW_OK)
        code = dw_search_index_user(conn, id, op, err);
    if (code == DW_OK && id_out != NULL)
        *id_out = id;
    return code;
}

enum deepwell_code dw_user_keep_or_insert(struct deepwell_conn *conn,
                                          const struct deepwell_user_new *user,
                                          const struct dw_user_extra *extra, int64_t *id_out,
                                          bool *added, const char *op, struct deepwell_error *err)
{
    *added = false;
    enum deepwell_code code = dw_user_find_id(conn, user->name, id_out, op, err);
    if (code != DW_OK || *id_out != 0)
        return code;
    struct dw_user_extra row = extra != NULL ? *extra : (struct dw_user_extra){0};
    code = free_id(conn, row.id, &row.id, op, err);
    if (code == DW_OK)
        code = dw_user_insert(conn, user, &row, id_out, op, err);
    *added = code == DW_OK;
    return code;
}

struct insert_call {
    const struct deepwell_user_new *user;
    int64_t *id_out;
    const char *op;
};

static enum deepwell_code run_insert(struct deepwell_conn *conn, void *arg,
                                     struct deepwell_error *err)
{
    struct insert_call *call = arg;
    return dw_user_insert(conn, call->user, NULL, call->id_out, call->op, err);
}

enum deepwell_code deepwell_user_add(struct deepwell *dw, const struct deepwell_user_new *user,
                                     int64_t *id_out, struct deepwell_error *err)
{
    static const char op[] = "users.add";
    enum deepwell_code code = validate_new_user(user, op, err);
    if (code != DW_OK)
        return code;
    struct insert_call call = {user, id_out, op};
    return deepwell_write_tx(dw, run_insert, &call, err);
}

/*
 * Runs one "UPDATE users SET x = ?2, updated_at = ?3 WHERE id = ?1" (?2 is text_value
 * when not NULL, else int_value) and, when revoke_sessions, ends the user's sessions
 * in the same transaction.
 */
struct update_call {
    const char *sql;
    int64_t id;
    const char *text_value;
    int int_value;
    bool revoke_sessions;
    const char *op;
};

static enum deepwell_code run_update(struct deepwell_conn *conn, void *arg,
                                     struct deepwell_error *err)
{
    const struct update_call *call = arg;
    const char *sql = call->sql, *text_value = call->text_value, *op = call->op;
    int64_t id = call->id;
    int int_value = call->int_value;
    enum deepwell_code code;
    char now[32];
    dw_now_iso(now);
    struct dw_stmt *stmt;
    code = dw_prepare(conn, sql, &stmt, err);
    if (code == DW_OK)
        code = text_value != NULL ? dw_bind(stmt, err, op, "Itt", id, text_value, now)
                                  : dw_bind(stmt, err, op, "Iit", id, int_value, now);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK && dw_changes(conn) == 0)
        code = deepwell_error_set(err, DW_NOT_FOUND, op, "no such user: USER-%" PRId64, id);
    /* The clearance is the personnel file's level: its index rows move with it. */
    if (code == DW_OK && sql == SQL_SET_CLEARANCE)
        code = dw_search_index_user(conn, id, op, err);
    if (code == DW_OK && call->revoke_sessions) {
        code = dw_prepare(conn, SQL_REVOKE_USER_SESSIONS, &stmt, err);
        if (code == DW_OK)
            code = dw_bind(stmt, err, op, "I", id);
        if (code == DW_OK)
            code = dw_step_done(conn, stmt, op, err);
    }
    return code;
}

static enum deepwell_code update_user(struct deepwell *dw, const char *sql, int64_t id,
                                      const char *text_value, int int_value, bool revoke_sessions,
                                      const char *op, struct deepwell_error *err)
{
    struct update_call call = {sql, id, text_value, int_value, revoke_sessions, op};
    return deepwell_write_tx(dw, run_update, &call, err);
}

enum deepwell_code deepwell_user_set_password(struct deepwell *dw, int64_t id,
                                              const char *password_hash, struct deepwell_error *err)
{
    static const char op[] = "users.set_password";
    if (password_hash == NULL || password_hash[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, op, "a user needs a password hash");
    if (strlen(password_hash) >= DEEPWELL_HASH_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "password hash too long");
    return update_user(dw, SQL_SET_PASSWORD, id, password_hash, 0, false, op, err);
}

enum deepwell_code deepwell_user_set_clearance(struct deepwell *dw, int64_t id, int clearance,
                                               struct deepwell_error *err)
{
    static const char op[] = "users.set_clearance";
    enum deepwell_code code = dw_check_level(clearance, "clearance", op, err);
    if (code != DW_OK)
        return code;
    return update_user(dw, SQL_SET_CLEARANCE, id, NULL, clearance, true, op, err);
}

enum deepwell_code deepwell_user_set_active(struct deepwell *dw, int64_t id, bool active,
                                            struct deepwell_error *err)
{
    return update_user(dw, SQL_SET_ACTIVE, id, NULL, active ? 1 : 0, !active, "users.set_active",
                       err);
}

/* One bound write of a user's row: "It" (id, when) or "I" (id). */
static enum deepwell_code record(struct deepwell *dw, const char *sql, int64_t id, const char *when,
                                 const char *op, struct deepwell_error *err)
{
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, sql, &stmt, err);
    if (code == DW_OK)
        code =
            when != NULL ? dw_bind(stmt, err, op, "It", id, when) : dw_bind(stmt, err, op, "I", id);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK && dw_changes(conn) == 0)
        code = deepwell_error_set(err, DW_NOT_FOUND, op, "no such user: USER-%" PRId64, id);
    deepwell_pool_release(dw->pool, conn);
    return code;
}

enum deepwell_code deepwell_user_record_login(struct deepwell *dw, int64_t id, int64_t now_ms,
                                              struct deepwell_error *err)
{
    char when[32];
    time_format_iso_ms(now_ms, when, sizeof(when));
    return record(dw, SQL_RECORD_LOGIN, id, when, "users.record_login", err);
}

enum deepwell_code deepwell_user_record_failure(struct deepwell *dw, int64_t id,
                                                struct deepwell_error *err)
{
    return record(dw, SQL_RECORD_FAILURE, id, NULL, "users.record_failure", err);
}

struct password_change {
    int64_t id, keep_session;
    const char *hash;
    int64_t ended;
};

static enum deepwell_code run_password_change(struct deepwell_conn *conn, void *arg,
                                              struct deepwell_error *err)
{
    static const char op[] = "users.change_password";
    struct password_change *c = arg;
    char now[32];
    dw_now_iso(now);
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_SET_PASSWORD, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "Itt", c->id, c->hash, now);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK && dw_changes(conn) == 0)
        code = deepwell_error_set(err, DW_NOT_FOUND, op, "no such user: USER-%" PRId64, c->id);
    if (code == DW_OK)
        code = dw_prepare(conn, SQL_REVOKE_OTHER_SESSIONS, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "II", c->id, c->keep_session);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK)
        c->ended = dw_changes(conn);
    return code;
}

enum deepwell_code deepwell_user_change_password(struct deepwell *dw, int64_t id,
                                                 const char *password_hash, int64_t keep_session,
                                                 int64_t *ended, struct deepwell_error *err)
{
    static const char op[] = "users.change_password";
    if (password_hash == NULL || password_hash[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, op, "a user needs a password hash");
    if (strlen(password_hash) >= DEEPWELL_HASH_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "password hash too long");
    struct password_change c = {id, keep_session, password_hash, 0};
    enum deepwell_code code = deepwell_write_tx(dw, run_password_change, &c, err);
    if (ended != NULL)
        *ended = code == DW_OK ? c.ended : 0;
    return code;
}
