/*
 * audit_chain.c - what an audit row is, its hash, chained inserts and verification.
 *
 * Row n's hash is BLAKE2b-256 (libsodium crypto_generichash) over
 *
 *     "scipnet-audit-v1" || prev_hash (32 bytes) || field(id) || field(ts)
 *     || field(user_id) || field(attempted_name) || field(client_addr) || field(action)
 *     || field(outcome) || field(severity) || field(details) || field(imported)
 *
 * for a row whose user_name is NULL (every row before schema 6, and rows with no
 * user), and for a row that names its actor
 *
 *     "scipnet-audit-v2" || prev_hash || field(id) || field(ts) || field(user_id)
 *     || field(user_name) || field(attempted_name) || ... (as above)
 *
 * where prev_hash is row n-1's hash (32 zero bytes for the first row) and each field
 * is one tag byte then its value, so no two different rows serialise alike:
 *
 *     0x00                                     SQL NULL
 *     0x01 || u64 big-endian length || bytes   text, exactly as stored
 *     0x02 || i64 big-endian                   integer (id, user_id, imported 0/1)
 *
 * Texts are hashed as stored (details is the canonical JSON: compact, sorted keys),
 * so verification needs nothing but the table.  user_name is the actor's name when
 * the row was written, read from the users table in the row's own transaction: a
 * later rename (or an edit of the users table) cannot change who a row says acted.
 * The two domains keep a v1 row from passing as a v2 row with its name removed.  Editing,
 * inserting, deleting or renumbering a row breaks its own hash or the next row's prev_hash.
 */
#include <assert.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "deepwell/audit.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

#define HASH_DOMAIN    "scipnet-audit-v1"
#define HASH_DOMAIN_V2 "scipnet-audit-v2" /* rows that carry user_name */

enum field_tag { FIELD_NULL = 0, FIELD_TEXT = 1, FIELD_INT = 2 };

/* A text as stored: pointer and byte length; ptr == NULL is SQL NULL. */
struct stored_text {
    const unsigned char *ptr;
    size_t len;
};

/* A row's hashed content, whether about to be inserted or read back for checking. */
struct row_content {
    int64_t id;
    struct stored_text ts;
    bool has_user;
    int64_t user_id;
    struct stored_text user_name; /* ptr NULL: a v1 row */
    struct stored_text attempted_name, client_addr, action, outcome, severity, details;
    int64_t imported;
};

static const char *const outcome_names[] = {"success", "failure", "denied"};
static const char *const severity_names[] = {"info", "notice", "warning", "alert"};

static struct stored_text text_of(const char *s)
{
    struct stored_text t = {(const unsigned char *)s, s != NULL ? strlen(s) : 0};
    return t;
}

/* ---- the hash ----------------------------------------------------------------------- */

static void put_u64(crypto_generichash_state *st, uint64_t v)
{
    unsigned char be[8];
    for (int i = 7; i >= 0; i--, v >>= 8)
        be[i] = (unsigned char)(v & 0xff);
    crypto_generichash_update(st, be, sizeof(be));
}

static void put_tag(crypto_generichash_state *st, enum field_tag tag)
{
    unsigned char b = (unsigned char)tag;
    crypto_generichash_update(st, &b, 1);
}

static void put_text(crypto_generichash_state *st, struct stored_text t)
{
    if (t.ptr == NULL) {
        put_tag(st, FIELD_NULL);
        return;
    }
    put_tag(st, FIELD_TEXT);
    put_u64(st, (uint64_t)t.len);
    crypto_generichash_update(st, t.ptr, t.len);
}

static void put_int(crypto_generichash_state *st, int64_t v)
{
    put_tag(st, FIELD_INT);
    put_u64(st, (uint64_t)v);
}

static void row_hash(const uint8_t prev[DEEPWELL_AUDIT_HASH_BYTES], const struct row_content *row,
                     uint8_t out[DEEPWELL_AUDIT_HASH_BYTES])
{
    crypto_generichash_state st;

    const char *domain = row->user_name.ptr != NULL ? HASH_DOMAIN_V2 : HASH_DOMAIN;

    crypto_generichash_init(&st, NULL, 0, DEEPWELL_AUDIT_HASH_BYTES);
    crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain));
    crypto_generichash_update(&st, prev, DEEPWELL_AUDIT_HASH_BYTES);
    put_int(&st, row->id);
    put_text(&st, row->ts);
    if (row->has_user)
        put_int(&st, row->user_id);
    else
        put_tag(&st, FIELD_NULL);
    if (row->user_name.ptr != NULL)
        put_text(&st, row->user_name);
    put_text(&st, row->attempted_name);
    put_text(&st, row->client_addr);
    put_text(&st, row->action);
    put_text(&st, row->outcome);
    put_text(&st, row->severity);
    put_text(&st, row->details);
    put_int(&st, row->imported);
    crypto_generichash_final(&st, out, DEEPWELL_AUDIT_HASH_BYTES);
}

/* ---- chained inserts ---------------------------------------------------------------- */

/* Followed by one "(?1, ..., ?13)" group per row (insert_sql). */
static const char SQL_INSERT_HEAD[] =
    "INSERT INTO audit_log (id, ts, user_id, attempted_name, client_addr, action, outcome,"
    " severity, details, imported, prev_hash, hash, user_name) VALUES ";
#define INSERT_PARAMS 13
/* Rows per INSERT: a batch of n rows costs n / 32 round trips, not n, on PostgreSQL. */
#define ROWS_PER_INSERT 32

static const char SQL_ROW_HASH[] = "SELECT hash FROM audit_log WHERE id = ?1";

static void content_of_record(const struct deepwell_audit_record *rec, int64_t id,
                              const char *user_name, struct row_content *row)
{
    row->id = id;
    row->ts = text_of(rec->ts);
    row->has_user = rec->user_id != 0;
    row->user_id = rec->user_id;
    row->user_name = text_of(user_name[0] != '\0' ? user_name : NULL);
    row->attempted_name = text_of(rec->attempted_name[0] != '\0' ? rec->attempted_name : NULL);
    row->client_addr = text_of(rec->client_addr);
    row->action = text_of(rec->action);
    row->outcome = text_of(outcome_names[rec->outcome]);
    row->severity = text_of(severity_names[rec->severity]);
    row->details = text_of(rec->details);
    row->imported = rec->imported ? 1 : 0;
}

static int bind_text(struct dw_stmt *stmt, int index, struct stored_text t)
{
    if (t.ptr == NULL)
        return dw_bind_null(stmt, index);
    return dw_bind_text(stmt, index, (const char *)t.ptr, (int)t.len);
}

/* Binds a row's 13 values to ?base+1 .. ?base+13. */
static int bind_row(struct dw_stmt *stmt, int base, const struct row_content *row,
                    const uint8_t *prev, const uint8_t *hash)
{
    int rc = dw_bind_int64(stmt, base + 1, row->id);
    if (rc == 0)
        rc = bind_text(stmt, base + 2, row->ts);
    if (rc == 0)
        rc = row->has_user ? dw_bind_int64(stmt, base + 3, row->user_id)
                           : dw_bind_null(stmt, base + 3);
    if (rc == 0)
        rc = bind_text(stmt, base + 4, row->attempted_name);
    if (rc == 0)
        rc = bind_text(stmt, base + 5, row->client_addr);
    if (rc == 0)
        rc = bind_text(stmt, base + 6, row->action);
    if (rc == 0)
        rc = bind_text(stmt, base + 7, row->outcome);
    if (rc == 0)
        rc = bind_text(stmt, base + 8, row->severity);
    if (rc == 0)
        rc = bind_text(stmt, base + 9, row->details);
    if (rc == 0)
        rc = dw_bind_int64(stmt, base + 10, row->imported);
    if (rc == 0)
        rc = dw_bind_blob(stmt, base + 11, prev, DEEPWELL_AUDIT_HASH_BYTES);
    if (rc == 0)
        rc = dw_bind_blob(stmt, base + 12, hash, DEEPWELL_AUDIT_HASH_BYTES);
    if (rc == 0)
        rc = bind_text(stmt, base + 13, row->user_name);
    return rc;
}

/* "INSERT ... VALUES (?1, ..., ?13), (?14, ..., ?26), ..." for n rows. */
static void insert_sql(size_t n, char *out, size_t size)
{
    size_t o = (size_t)snprintf(out, size, "%s", SQL_INSERT_HEAD);
    for (size_t row = 0; row < n; row++) {
        for (int col = 1; col <= INSERT_PARAMS; col++) {
            const char *lead = col == 1 ? (row == 0 ? "(" : ", (") : ", ";
            o += (size_t)snprintf(out + o, size - o, "%s?%zu", lead, row * INSERT_PARAMS + col);
        }
        o += (size_t)snprintf(out + o, size - o, ")");
    }
    assert(o < size); /* the buffer is sized for ROWS_PER_INSERT rows */
}

/* Up to ROWS_PER_INSERT rows, chained on *tip, in one statement. */
static enum deepwell_code insert_group(struct deepwell_conn *conn,
                                       const struct deepwell_audit_record *const *recs, size_t n,
                                       struct deepwell_audit_tip *tip,
                                       struct deepwell_audit_names *names_read,
                                       struct deepwell_error *err)
{
    struct row_content rows[ROWS_PER_INSERT];
    uint8_t hashes[ROWS_PER_INSERT][DEEPWELL_AUDIT_HASH_BYTES];
    char names[ROWS_PER_INSERT][DEEPWELL_NAME_MAX];
    char sql[sizeof(SQL_INSERT_HEAD) + ROWS_PER_INSERT * INSERT_PARAMS * 8];

    assert(n >= 1 && n <= ROWS_PER_INSERT);
    for (size_t i = 0; i < n; i++) {
        names[i][0] = '\0';
        enum deepwell_code code =
            recs[i]->user_id == 0 ? DW_OK
                                  : deepwell_audit_actor_name(conn, names_read, recs[i]->user_id,
                                                              names[i], sizeof(names[i]), err);
        if (code != DW_OK)
            return code;
        /* Explicit ids: the id is part of the hash, so it must be known before inserting. */
        content_of_record(recs[i], tip->id + 1 + (int64_t)i, names[i], &rows[i]);
        row_hash(i == 0 ? tip->hash : hashes[i - 1], &rows[i], hashes[i]);
    }
    insert_sql(n, sql, sizeof(sql));
    struct dw_stmt *stmt = dw_prepare_stmt(conn, sql, err);
    if (stmt == NULL)
        return err != NULL ? err->code : DW_INTERNAL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = bind_row(stmt, (int)(i * INSERT_PARAMS), &rows[i], i == 0 ? tip->hash : hashes[i - 1],
                      hashes[i]);
    if (rc == 0)
        rc = dw_step(stmt);
    dw_reset(stmt);
    dw_clear_bindings(stmt); /* the bindings point at recs and the stack */
    if (rc != DW_DONE)
        return dw_conn_error(err, conn, rc, SQL_INSERT_HEAD);
    tip->id = rows[n - 1].id;
    memcpy(tip->hash, hashes[n - 1], DEEPWELL_AUDIT_HASH_BYTES);
    return DW_OK;
}

enum deepwell_code deepwell_audit_insert_named(struct deepwell_conn *conn,
                                               const struct deepwell_audit_record *const *recs,
                                               size_t n, struct deepwell_audit_tip *tip,
                                               struct deepwell_audit_names *names,
                                               struct deepwell_error *err)
{
    enum deepwell_code code = DW_OK;
    for (size_t done = 0; code == DW_OK && done < n; done += ROWS_PER_INSERT) {
        size_t group = n - done < ROWS_PER_INSERT ? n - done : ROWS_PER_INSERT;
        code = insert_group(conn, recs + done, group, tip, names, err);
    }
    return code;
}

enum deepwell_code deepwell_audit_insert_records(struct deepwell_conn *conn,
                                                 const struct deepwell_audit_record *const *recs,
                                                 size_t n, struct deepwell_audit_tip *tip,
                                                 struct deepwell_error *err)
{
    struct deepwell_audit_names names = {0};
    return deepwell_audit_insert_named(conn, recs, n, tip, &names, err);
}

enum deepwell_code deepwell_audit_insert_record(struct deepwell_conn *conn,
                                                const struct deepwell_audit_record *rec,
                                                struct deepwell_audit_tip *tip,
                                                struct deepwell_error *err)
{
    return deepwell_audit_insert_records(conn, &rec, 1, tip, err);
}

enum deepwell_code deepwell_audit_insert_in_tx(struct deepwell_conn *conn,
                                               const struct deepwell_audit_entry *e, const char *ts,
                                               bool imported, struct deepwell_error *err)
{
    struct deepwell_audit_record rec;
    struct deepwell_audit_tip tip;
    enum deepwell_code code;

    if (!deepwell_conn_in_tx(conn))
        return deepwell_error_set(err, DW_INTERNAL, "audit.insert_in_tx",
                                  "called outside a transaction");
    code = deepwell_audit_record_init(&rec, e, ts, imported, err);
    if (code == DW_OK)
        code = deepwell_audit_read_tip(conn, &tip, err);
    if (code == DW_OK)
        code = deepwell_audit_insert_record(conn, &rec, &tip, err);
    deepwell_audit_record_clear(&rec);
    return code;
}

/* ---- verification ------------------------------------------------------------------- */

static const char SQL_WALK[] =
    "SELECT id, ts, user_id, attempted_name, client_addr, action, outcome, severity, details,"
    " imported, prev_hash, hash, user_name FROM audit_log ORDER BY id";

static struct stored_text column_text(struct dw_stmt *stmt, int col)
{
    struct stored_text t = {NULL, 0};
    if (dw_col_is_null(stmt, col))
        return t;
    t.ptr = dw_col_text(stmt, col);
    t.len = (size_t)dw_col_bytes(stmt, col);
    if (t.ptr == NULL) /* an empty text, or out of memory: hash as empty text */
        t.ptr = (const unsigned char *)"";
    return t;
}

static void content_of_column(struct dw_stmt *stmt, struct row_content *row)
{
    row->id = dw_col_int64(stmt, 0);
    row->ts = column_text(stmt, 1);
    row->has_user = !dw_col_is_null(stmt, 2);
    row->user_id = dw_col_int64(stmt, 2);
    row->attempted_name = column_text(stmt, 3);
    row->client_addr = column_text(stmt, 4);
    row->action = column_text(stmt, 5);
    row->outcome = column_text(stmt, 6);
    row->severity = column_text(stmt, 7);
    row->details = column_text(stmt, 8);
    row->imported = dw_col_int64(stmt, 9);
    row->user_name = column_text(stmt, 12);
}

/* Checks one row against the previous row's hash; *why says what is wrong. */
static bool row_is_whole(struct dw_stmt *stmt, const uint8_t prev[DEEPWELL_AUDIT_HASH_BYTES],
                         uint8_t hash_out[DEEPWELL_AUDIT_HASH_BYTES], const char **why)
{
    struct row_content row;
    uint8_t computed[DEEPWELL_AUDIT_HASH_BYTES];

    if (dw_col_bytes(stmt, 10) != DEEPWELL_AUDIT_HASH_BYTES ||
        dw_col_bytes(stmt, 11) != DEEPWELL_AUDIT_HASH_BYTES) {
        *why = "its prev_hash or hash is not 32 bytes";
        return false;
    }
    if (sodium_memcmp(dw_col_blob(stmt, 10), prev, DEEPWELL_AUDIT_HASH_BYTES) != 0) {
        *why = "its prev_hash is not the previous row's hash (a row was removed or inserted)";
        return false;
    }
    content_of_column(stmt, &row);
    row_hash(prev, &row, computed);
    if (sodium_memcmp(dw_col_blob(stmt, 11), computed, DEEPWELL_AUDIT_HASH_BYTES) != 0) {
        *why = "its content does not match its hash (the row was edited)";
        return false;
    }
    memcpy(hash_out, computed, DEEPWELL_AUDIT_HASH_BYTES);
    return true;
}

static enum deepwell_code walk_chain(struct deepwell_conn *conn, struct deepwell_audit_walk *walk,
                                     struct deepwell_error *err)
{
    struct dw_stmt *stmt = dw_prepare_stmt(conn, SQL_WALK, err);
    uint8_t prev[DEEPWELL_AUDIT_HASH_BYTES] = {0};
    enum deepwell_code code = DW_OK;
    const char *why = NULL;
    int rc;

    if (stmt == NULL)
        return err != NULL ? err->code : DW_INTERNAL;
    /* One statement reads one snapshot, however many rows are appended meanwhile. */
    while ((rc = dw_step(stmt)) == DW_ROW) {
        int64_t id = dw_col_int64(stmt, 0);
        if (!row_is_whole(stmt, prev, prev, &why)) {
            walk->bad_id = id;
            code = deepwell_error_set(err, DW_CORRUPT, "audit.verify", "audit row %lld: %s",
                                      (long long)id, why);
            break;
        }
        walk->rows++;
        walk->last_id = id;
        if (id == walk->probe_id) {
            walk->probe_found = true;
            memcpy(walk->probe_hash, prev, DEEPWELL_AUDIT_HASH_BYTES);
        }
    }
    if (code == DW_OK && rc != DW_DONE)
        code = dw_conn_error(err, conn, rc, SQL_WALK);
    dw_reset(stmt);
    return code;
}

enum deepwell_code deepwell_audit_walk(struct deepwell *dw, struct deepwell_audit_walk *walk,
                                       struct deepwell_error *err)
{
    struct deepwell_conn *conn;

    walk->rows = walk->last_id = walk->bad_id = 0;
    walk->probe_found = false;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    code = walk_chain(conn, walk, err);
    deepwell_pool_release(dw->pool, conn);
    return code;
}

enum deepwell_code deepwell_audit_verify(struct deepwell *dw, int64_t *rows_checked,
                                         int64_t *bad_id, struct deepwell_error *err)
{
    struct deepwell_audit_walk walk = {0};
    enum deepwell_code code = deepwell_audit_walk(dw, &walk, err);

    if (rows_checked != NULL)
        *rows_checked = walk.rows;
    if (bad_id != NULL)
        *bad_id = walk.bad_id;
    return code;
}

enum deepwell_code deepwell_audit_row_hash(struct deepwell *dw, int64_t id,
                                           struct deepwell_audit_tip *tip, bool *found,
                                           uint8_t hash[DEEPWELL_AUDIT_HASH_BYTES],
                                           struct deepwell_error *err)
{
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    *found = false;
    code = deepwell_audit_read_tip(conn, tip, err);
    struct dw_stmt *stmt = code == DW_OK ? dw_prepare_stmt(conn, SQL_ROW_HASH, err) : NULL;
    if (code == DW_OK && stmt == NULL)
        code = err != NULL ? err->code : DW_INTERNAL;
    if (stmt != NULL) {
        int rc = dw_bind_int64(stmt, 1, id);
        if (rc == 0)
            rc = dw_step(stmt);
        if (rc == DW_ROW && dw_col_bytes(stmt, 0) == DEEPWELL_AUDIT_HASH_BYTES) {
            memcpy(hash, dw_col_blob(stmt, 0), DEEPWELL_AUDIT_HASH_BYTES);
            *found = true;
        } else if (rc != DW_ROW && rc != DW_DONE) {
            code = dw_conn_error(err, conn, rc, SQL_ROW_HASH);
        }
        dw_reset(stmt);
    }
    deepwell_pool_release(dw->pool, conn);
    return code;
}
