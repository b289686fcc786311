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
#include <jansson.h>
#include <sodium.h>
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

/* ---- UTF-8 -------------------------------------------------------------------------- */

void deepwell_audit_copy_text(char *dst, size_t size, const char *src)
{
    const unsigned char *s = (const unsigned char *)(src != NULL ? src : "");
    size_t avail = strlen((const char *)s), out = 0;

    while (avail > 0) {
        uint32_t cp;
        size_t len = utf8_decode(s, avail, &cp);
        size_t take = len != 0 ? len : 1;
        if (out + take >= size)
            break;
        if (len != 0)
            memcpy(dst + out, s, len);
        else
            dst[out] = '?';
        out += take;
        s += take;
        avail -= take;
    }
    dst[out] = '\0';
}

/* ---- validating an entry ------------------------------------------------------------ */

/* The canonical form of a details object, malloc'd; DW_INVALID for anything else. */
static enum deepwell_code canonical_details(const char *json, char **out,
                                            struct deepwell_error *err)
{
    json_error_t jerr;
    json_t *root;

    if (json == NULL)
        json = "{}";
    if (strlen(json) > DEEPWELL_AUDIT_DETAILS_MAX)
        return deepwell_error_set(err, DW_INVALID, "audit.append", "details over %d bytes",
                                  DEEPWELL_AUDIT_DETAILS_MAX);
    root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return deepwell_error_set(err, DW_INVALID, "audit.append", "details are not JSON: %s",
                                  jerr.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return deepwell_error_set(err, DW_INVALID, "audit.append", "details must be a JSON object");
    }
    *out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(root);
    if (*out == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "audit.append", "out of memory");
    return DW_OK;
}

enum deepwell_code deepwell_audit_record_init(struct deepwell_audit_record *rec,
                                              const struct deepwell_audit_entry *entry,
                                              const char *ts, bool imported,
                                              struct deepwell_error *err)
{
    memset(rec, 0, sizeof(*rec));
    if (entry == NULL || entry->action == NULL || entry->action[0] == '\0' ||
        strlen(entry->action) >= sizeof(rec->action))
        return deepwell_error_set(err, DW_INVALID, "audit.append",
                                  "an action of 1 to %zu bytes is required",
                                  sizeof(rec->action) - 1);
    if ((unsigned)entry->outcome >= sizeof(outcome_names) / sizeof(outcome_names[0]) ||
        (unsigned)entry->severity >= sizeof(severity_names) / sizeof(severity_names[0]))
        return deepwell_error_set(err, DW_INVALID, "audit.append", "unknown outcome or severity");
    if (ts == NULL || ts[0] == '\0' || strlen(ts) >= sizeof(rec->ts))
        return deepwell_error_set(err, DW_INVALID, "audit.append", "bad timestamp");
    if (entry->user_id < 0)
        return deepwell_error_set(err, DW_INVALID, "audit.append", "negative user id");

    snprintf(rec->ts, sizeof(rec->ts), "%s", ts);
    rec->user_id = entry->user_id;
    deepwell_audit_copy_text(rec->attempted_name, sizeof(rec->attempted_name),
                             entry->attempted_name);
    deepwell_audit_copy_text(rec->client_addr, sizeof(rec->client_addr), entry->client_addr);
    deepwell_audit_copy_text(rec->action, sizeof(rec->action), entry->action);
    rec->outcome = entry->outcome;
    rec->severity = entry->severity;
    rec->imported = imported;
    return canonical_details(entry->details_json, &rec->details, err);
}

void deepwell_audit_record_clear(struct deepwell_audit_record *rec)
{
    free(rec->details);
    rec->details = NULL;
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

static const char SQL_TIP[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";

static const char SQL_INSERT[] =
    "INSERT INTO audit_log (id, ts, user_id, attempted_name, client_addr, action, outcome,"
    " severity, details, imported, prev_hash, hash, user_name)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

static const char SQL_USER_NAME[] = "SELECT name FROM users WHERE id = ?1";
static const char SQL_ROW_HASH[] = "SELECT hash FROM audit_log WHERE id = ?1";

enum deepwell_code deepwell_audit_read_tip(struct deepwell_conn *conn,
                                           struct deepwell_audit_tip *tip,
                                           struct deepwell_error *err)
{
    struct dw_stmt *stmt = dw_prepare_stmt(conn, SQL_TIP, err);
    enum deepwell_code code = DW_OK;
    int rc;

    if (stmt == NULL)
        return err != NULL ? err->code : DW_INTERNAL;
    memset(tip, 0, sizeof(*tip));
    rc = dw_step(stmt);
    if (rc == DW_ROW) {
        tip->id = dw_col_int64(stmt, 0);
        if (dw_col_bytes(stmt, 1) != DEEPWELL_AUDIT_HASH_BYTES)
            code = deepwell_error_set(err, DW_CORRUPT, "audit.tip",
                                      "audit row %lld has a malformed hash", (long long)tip->id);
        else
            memcpy(tip->hash, dw_col_blob(stmt, 1), DEEPWELL_AUDIT_HASH_BYTES);
    } else if (rc != DW_DONE) {
        code = dw_conn_error(err, conn, rc, SQL_TIP);
    }
    dw_reset(stmt);
    return code;
}

/*
 * The actor's name now, inside the transaction that writes the row: "" when the row
 * has no user or the user is gone (the row is then a v1 row, without a name).
 */
static enum deepwell_code actor_name(struct deepwell_conn *conn, int64_t user_id, char *out,
                                     size_t size, struct deepwell_error *err)
{
    out[0] = '\0';
    if (user_id == 0)
        return DW_OK;
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

static int bind_row(struct dw_stmt *stmt, const struct row_content *row, const uint8_t *prev,
                    const uint8_t *hash)
{
    int rc = dw_bind_int64(stmt, 1, row->id);
    if (rc == 0)
        rc = bind_text(stmt, 2, row->ts);
    if (rc == 0)
        rc = row->has_user ? dw_bind_int64(stmt, 3, row->user_id) : dw_bind_null(stmt, 3);
    if (rc == 0)
        rc = bind_text(stmt, 4, row->attempted_name);
    if (rc == 0)
        rc = bind_text(stmt, 5, row->client_addr);
    if (rc == 0)
        rc = bind_text(stmt, 6, row->action);
    if (rc == 0)
        rc = bind_text(stmt, 7, row->outcome);
    if (rc == 0)
        rc = bind_text(stmt, 8, row->severity);
    if (rc == 0)
        rc = bind_text(stmt, 9, row->details);
    if (rc == 0)
        rc = dw_bind_int64(stmt, 10, row->imported);
    if (rc == 0)
        rc = dw_bind_blob(stmt, 11, prev, DEEPWELL_AUDIT_HASH_BYTES);
    if (rc == 0)
        rc = dw_bind_blob(stmt, 12, hash, DEEPWELL_AUDIT_HASH_BYTES);
    if (rc == 0)
        rc = bind_text(stmt, 13, row->user_name);
    return rc;
}

enum deepwell_code deepwell_audit_insert_record(struct deepwell_conn *conn,
                                                const struct deepwell_audit_record *rec,
                                                struct deepwell_audit_tip *tip,
                                                struct deepwell_error *err)
{
    struct row_content row;
    uint8_t hash[DEEPWELL_AUDIT_HASH_BYTES];
    char name[DEEPWELL_NAME_MAX];
    int rc;

    enum deepwell_code code = actor_name(conn, rec->user_id, name, sizeof(name), err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt = dw_prepare_stmt(conn, SQL_INSERT, err);
    if (stmt == NULL)
        return err != NULL ? err->code : DW_INTERNAL;
    /* Explicit ids: the id is part of the hash, so it must be known before inserting. */
    content_of_record(rec, tip->id + 1, name, &row);
    row_hash(tip->hash, &row, hash);
    rc = bind_row(stmt, &row, tip->hash, hash);
    if (rc == 0)
        rc = dw_step(stmt);
    dw_reset(stmt);
    dw_clear_bindings(stmt); /* the bindings point at rec and the stack */
    if (rc != DW_DONE)
        return dw_conn_error(err, conn, rc, SQL_INSERT);
    tip->id = row.id;
    memcpy(tip->hash, hash, sizeof(hash));
    return DW_OK;
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
