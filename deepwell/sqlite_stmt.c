/*
 * sqlite_stmt.c - SQLite statements: prepared once per connection and cached by their
 * text, stepped with busy retries, bound and read.
 */
#include "deepwell/sqlite_stmt.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/timeutil.h"

/*
 * SQLITE_BUSY that SQLite returns without waiting (a WAL snapshot conflict, a lock
 * it cannot hand to the busy handler) is retried this many times, backing off, but
 * never past busy_timeout in all: a locked store is reported within that bound.
 */
#define BUSY_RETRIES          8
#define BUSY_BACKOFF_FIRST_MS 1
#define BUSY_BACKOFF_MAX_MS   128

static struct sqlite_stmt *lite_stmt(struct dw_stmt *stmt)
{
    assert(stmt->ops == &sqlite_stmt_ops); /* a statement of another engine */
    return (struct sqlite_stmt *)stmt;
}

/* ---- the statement cache ------------------------------------------------------------ */

/* Remembers that entry was handed out, so release resets and clears it. */
static struct dw_stmt *mark_used(struct sqlite_conn *c, struct sqlite_stmt *entry)
{
    if (!entry->used) {
        entry->used = true;
        c->used[c->nused++] = (uint16_t)(entry - c->cache);
    }
    return &entry->base;
}

/* FNV-1a: most lookups then cost one pass over the text and no strcmp misses. */
static uint32_t sql_hash(const char *sql)
{
    uint32_t hash = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)sql; *p != '\0'; p++)
        hash = (hash ^ *p) * 16777619u;
    return hash;
}

/*
 * The entry asked for by this very pointer before.  Callers pass string literals, so
 * the pointer nearly always finds it; strcmp (vectorized) still checks the text, since
 * a caller's buffer may be reused for other SQL.  Much cheaper than hashing the text.
 */
static struct sqlite_stmt *cache_by_pointer(struct sqlite_conn *c, const char *sql)
{
    for (size_t i = 0; i < c->ncached; i++) {
        struct sqlite_stmt *entry = &c->cache[i];
        if (entry->last_caller_sql == (uintptr_t)sql && strcmp(entry->sql, sql) == 0)
            return entry;
    }
    return NULL;
}

static struct sqlite_stmt *cache_by_text(struct sqlite_conn *c, const char *sql, uint32_t hash)
{
    for (size_t i = 0; i < c->ncached; i++) {
        struct sqlite_stmt *entry = &c->cache[i];
        if (entry->hash == hash && strcmp(entry->sql, sql) == 0) {
            entry->last_caller_sql = (uintptr_t)sql;
            return entry;
        }
    }
    return NULL;
}

/* The cached entry for sql, prepared on first use; reset with bindings cleared. */
struct dw_stmt *sqlite_prepare(struct dw_engine_conn *conn, const char *sql,
                               struct deepwell_error *err)
{
    struct sqlite_conn *c = sqlite_conn_of(conn);
    struct sqlite_stmt *entry = cache_by_pointer(c, sql);
    uint32_t hash = 0;
    if (entry == NULL) {
        hash = sql_hash(sql);
        entry = cache_by_text(c, sql, hash);
    }
    if (entry != NULL) {
        sqlite3_reset(entry->stmt);
        sqlite3_clear_bindings(entry->stmt);
        return mark_used(c, entry);
    }
    /* Statements are fixed strings, so the set is small; a full cache means a bug. */
    if (c->ncached == SQLITE_STMT_CACHE_MAX) {
        deepwell_error_set(err, DW_INTERNAL, sql, "statement cache full (%d statements)",
                           SQLITE_STMT_CACHE_MAX);
        return NULL;
    }
    char *key = strdup(sql);
    if (key == NULL) {
        deepwell_error_set(err, DW_INTERNAL, sql, "out of memory");
        return NULL;
    }
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) {
        deepwell_conn_mark_suspect(conn->owner);
        deepwell_error_from_sqlite(err, c->db, rc, sql);
        sqlite3_finalize(stmt);
        free(key);
        return NULL;
    }
    if (stmt == NULL) { /* only whitespace or a comment */
        deepwell_error_set(err, DW_INTERNAL, sql, "empty statement");
        free(key);
        return NULL;
    }
    entry = &c->cache[c->ncached++];
    *entry = (struct sqlite_stmt){
        .base = {.ops = &sqlite_stmt_ops, .conn = conn->owner},
        .owner = c,
        .hash = hash,
        .sql = key,
        .last_caller_sql = (uintptr_t)sql,
        .stmt = stmt,
    };
    return mark_used(c, entry);
}

/* ---- stepping ---------------------------------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static bool is_busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/*
 * busy_timeout already waited; this covers the cases SQLite does not hand to the
 * busy handler.  Only retried where it is safe: outside an explicit transaction,
 * or for COMMIT itself.
 */
int sqlite_step_retry(struct sqlite_conn *c, sqlite3_stmt *stmt, bool retry_in_txn)
{
    int backoff_ms = BUSY_BACKOFF_FIRST_MS;
    /* A statement's next row skips the clock until it is busy: a search steps thousands. */
    int64_t deadline = sqlite3_stmt_busy(stmt) ? 0 : time_mono_ms() + c->busy_timeout_ms;
    int rc = sqlite3_step(stmt);
    if (is_busy(rc) && deadline == 0)
        deadline = time_mono_ms() + c->busy_timeout_ms;
    for (int attempt = 0; attempt < BUSY_RETRIES && is_busy(rc); attempt++) {
        if (!retry_in_txn && !sqlite3_get_autocommit(c->db))
            break;
        if (time_mono_ms() + backoff_ms > deadline)
            break;
        sleep_ms(backoff_ms);
        if (backoff_ms < BUSY_BACKOFF_MAX_MS)
            backoff_ms *= 2;
        sqlite3_reset(stmt);
        rc = sqlite3_step(stmt);
    }
    /* Constraint failures are ordinary answers ("name taken"); anything else is suspect. */
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT)
        deepwell_conn_mark_suspect(c->base.owner);
    return rc;
}

static int lite_step(struct dw_stmt *stmt)
{
    struct sqlite_stmt *s = lite_stmt(stmt);
    return sqlite_step_retry(s->owner, s->stmt, false);
}

/* ---- one statement ------------------------------------------------------------------- */

static void lite_reset(struct dw_stmt *stmt)
{
    sqlite3_reset(lite_stmt(stmt)->stmt);
}

static void lite_clear_bindings(struct dw_stmt *stmt)
{
    sqlite3_clear_bindings(lite_stmt(stmt)->stmt);
}

static const char *lite_sql(struct dw_stmt *stmt)
{
    return sqlite3_sql(lite_stmt(stmt)->stmt);
}

static int lite_bind_null(struct dw_stmt *stmt, int index)
{
    return sqlite3_bind_null(lite_stmt(stmt)->stmt, index);
}

static int lite_bind_int64(struct dw_stmt *stmt, int index, int64_t value)
{
    return sqlite3_bind_int64(lite_stmt(stmt)->stmt, index, value);
}

static int lite_bind_text(struct dw_stmt *stmt, int index, const char *text, int len)
{
    sqlite3_stmt *st = lite_stmt(stmt)->stmt;
    return text == NULL ? sqlite3_bind_null(st, index)
                        : sqlite3_bind_text(st, index, text, len, SQLITE_TRANSIENT);
}

static int lite_bind_blob(struct dw_stmt *stmt, int index, const void *blob, int len)
{
    return sqlite3_bind_blob(lite_stmt(stmt)->stmt, index, blob, len, SQLITE_TRANSIENT);
}

static enum deepwell_code lite_bind_error(struct dw_stmt *stmt, int rc, int index, const char *op,
                                          struct deepwell_error *err)
{
    return deepwell_error_from_sqlite(err, sqlite3_db_handle(lite_stmt(stmt)->stmt), rc, op);
}

static bool lite_col_is_null(struct dw_stmt *stmt, int col)
{
    return sqlite3_column_type(lite_stmt(stmt)->stmt, col) == SQLITE_NULL;
}

static int64_t lite_col_int64(struct dw_stmt *stmt, int col)
{
    return sqlite3_column_int64(lite_stmt(stmt)->stmt, col);
}

static const unsigned char *lite_col_text(struct dw_stmt *stmt, int col)
{
    return sqlite3_column_text(lite_stmt(stmt)->stmt, col);
}

static const void *lite_col_blob(struct dw_stmt *stmt, int col)
{
    return sqlite3_column_blob(lite_stmt(stmt)->stmt, col);
}

static int lite_col_bytes(struct dw_stmt *stmt, int col)
{
    return sqlite3_column_bytes(lite_stmt(stmt)->stmt, col);
}

const struct dw_stmt_ops sqlite_stmt_ops = {
    .step = lite_step,
    .reset = lite_reset,
    .clear_bindings = lite_clear_bindings,
    .sql = lite_sql,
    .bind_null = lite_bind_null,
    .bind_int64 = lite_bind_int64,
    .bind_text = lite_bind_text,
    .bind_blob = lite_bind_blob,
    .bind_error = lite_bind_error,
    .col_is_null = lite_col_is_null,
    .col_int64 = lite_col_int64,
    .col_text = lite_col_text,
    .col_blob = lite_col_blob,
    .col_bytes = lite_col_bytes,
};

sqlite3_stmt *deepwell_sqlite_stmt(struct dw_stmt *stmt)
{
    return lite_stmt(stmt)->stmt;
}
