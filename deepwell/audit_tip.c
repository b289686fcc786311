/*
 * audit_tip.c - what an audit batch reads before chaining its rows: the chain's tip
 * and the names of the rows' actors.
 *
 * On PostgreSQL each statement is a round trip, so a batch reads the tip and up to
 * NAMES_WITH_TIP actors' names in one statement, after taking the chain's lock and
 * in the same transaction as its inserts: the names are those at the rows' commit,
 * as when each was read on its own.
 */
#include <string.h>

#include "deepwell/audit.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

static const char SQL_TIP[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
static const char SQL_USER_NAME[] = "SELECT name FROM users WHERE id = ?1";

/* Kind 0: the tip (no row when the log is empty); kind 1: one actor's id and name.
   Unused slots are bound to 0, which no user has. */
#define NAMES_WITH_TIP 8
static const char SQL_TIP_AND_NAMES[] =
    "SELECT 0, id, hash, NULL FROM (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1) t"
    " UNION ALL SELECT 1, id, NULL, name FROM users WHERE id IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static enum deepwell_code tip_of(struct dw_stmt *stmt, int col, struct deepwell_audit_tip *tip,
                                 struct deepwell_error *err)
{
    tip->id = dw_col_int64(stmt, col);
    if (dw_col_bytes(stmt, col + 1) != DEEPWELL_AUDIT_HASH_BYTES)
        return deepwell_error_set(err, DW_CORRUPT, "audit.tip",
                                  "audit row %lld has a malformed hash", (long long)tip->id);
    memcpy(tip->hash, dw_col_blob(stmt, col + 1), DEEPWELL_AUDIT_HASH_BYTES);
    return DW_OK;
}

enum deepwell_code deepwell_audit_read_tip(struct deepwell_conn *conn,
                                           struct deepwell_audit_tip *tip,
                                           struct deepwell_error *err)
{
    struct dw_stmt *stmt = dw_prepare_stmt(conn, SQL_TIP, err);
    if (stmt == NULL)
        return err != NULL ? err->code : DW_INTERNAL;
    memset(tip, 0, sizeof(*tip));
    enum deepwell_code code = DW_OK;
    int rc = dw_step(stmt);
    if (rc == DW_ROW)
        code = tip_of(stmt, 0, tip, err);
    else if (rc != DW_DONE)
        code = dw_conn_error(err, conn, rc, SQL_TIP);
    dw_reset(stmt);
    return code;
}

static bool names_has(const struct deepwell_audit_names *names, int64_t id, size_t *at)
{
    for (size_t i = 0; i < names->n; i++) {
        if (names->ids[i] == id) {
            *at = i;
            return true;
        }
    }
    return false;
}

static void names_add(struct deepwell_audit_names *names, int64_t id, const char *name)
{
    size_t at;
    if (names->n < DEEPWELL_AUDIT_NAMES && !names_has(names, id, &at)) {
        names->ids[names->n] = id;
        deepwell_audit_copy_text(names->names[names->n++], DEEPWELL_NAME_MAX, name);
    }
}

/* Up to NAMES_WITH_TIP distinct actors of recs, in ids (the rest 0); how many. */
static size_t actors_of(const struct deepwell_audit_record *const *recs, size_t n, int64_t *ids)
{
    size_t k = 0;
    memset(ids, 0, NAMES_WITH_TIP * sizeof(*ids));
    for (size_t i = 0; i < n && k < NAMES_WITH_TIP; i++) {
        bool seen = recs[i]->user_id == 0;
        for (size_t j = 0; j < k && !seen; j++)
            seen = ids[j] == recs[i]->user_id;
        if (!seen)
            ids[k++] = recs[i]->user_id;
    }
    return k;
}

enum deepwell_code deepwell_audit_read_tip_names(struct deepwell_conn *conn,
                                                 const struct deepwell_audit_record *const *recs,
                                                 size_t n, struct deepwell_audit_tip *tip,
                                                 struct deepwell_audit_names *names,
                                                 struct deepwell_error *err)
{
    int64_t ids[NAMES_WITH_TIP];
    size_t k = actors_of(recs, n, ids);
    memset(tip, 0, sizeof(*tip));
    memset(names, 0, sizeof(*names));
    struct dw_stmt *stmt = dw_prepare_stmt(conn, SQL_TIP_AND_NAMES, err);
    if (stmt == NULL)
        return err != NULL ? err->code : DW_INTERNAL;
    int rc = 0;
    for (int i = 0; rc == 0 && i < NAMES_WITH_TIP; i++)
        rc = dw_bind_int64(stmt, i + 1, ids[i]);
    enum deepwell_code code = DW_OK;
    if (rc == 0)
        rc = dw_step(stmt);
    for (; code == DW_OK && rc == DW_ROW; rc = dw_step(stmt)) {
        if (dw_col_int(stmt, 0) == 0) {
            code = tip_of(stmt, 1, tip, err);
        } else {
            const unsigned char *name = dw_col_text(stmt, 3);
            names_add(names, dw_col_int64(stmt, 1), name != NULL ? (const char *)name : "");
        }
    }
    if (code == DW_OK && rc != DW_DONE)
        code = dw_conn_error(err, conn, rc, SQL_TIP_AND_NAMES);
    dw_reset(stmt);
    /* An actor the query did not name is gone: "" (a row without a name), not asked again. */
    for (size_t i = 0; code == DW_OK && i < k; i++)
        names_add(names, ids[i], "");
    return code;
}

/* The actor's name now, inside the transaction that writes the row: "" when the user is gone. */
static enum deepwell_code actor_name(struct deepwell_conn *conn, int64_t user_id, char *out,
                                     size_t size, struct deepwell_error *err)
{
    out[0] = '\0';
    struct dw_stmt *stmt = dw_prepare_stmt(conn, SQL_USER_NAME, err);
    if (stmt == NULL)
        return err != NULL ? err->code : DW_INTERNAL;
    enum deepwell_code code = DW_OK;
    int rc = dw_bind_int64(stmt, 1, user_id);
    if (rc == 0)
        rc = dw_step(stmt);
    if (rc == DW_ROW) {
        const unsigned char *name = dw_col_text(stmt, 0);
        deepwell_audit_copy_text(out, size, name != NULL ? (const char *)name : "");
    } else if (rc != DW_DONE) {
        code = dw_conn_error(err, conn, rc, SQL_USER_NAME);
    }
    dw_reset(stmt);
    return code;
}

enum deepwell_code deepwell_audit_actor_name(struct deepwell_conn *conn,
                                             struct deepwell_audit_names *names, int64_t user_id,
                                             char *out, size_t size, struct deepwell_error *err)
{
    size_t at;
    out[0] = '\0';
    if (user_id == 0)
        return DW_OK;
    if (names_has(names, user_id, &at)) {
        deepwell_audit_copy_text(out, size, names->names[at]);
        return DW_OK;
    }
    enum deepwell_code code = actor_name(conn, user_id, out, size, err);
    if (code == DW_OK)
        names_add(names, user_id, out);
    return code;
}
