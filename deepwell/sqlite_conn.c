/*
 * sqlite_conn.c - an SQLite connection (WAL, foreign keys on; readers query_only), its
 * cached prepared statements, busy retries and transactions; SQLite's engine table.
 */
#include "deepwell/sqlite_conn.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "deepwell/sqlite_audit_file.h"
#include "deepwell/sqlite_checkpoint.h"
#include "deepwell/engine.h"

/* Most distinct statements one connection keeps prepared. */
#define STMT_CACHE_MAX 256
/*
 * SQLITE_BUSY that SQLite returns without waiting (a WAL snapshot conflict, a lock
 * it cannot hand to the busy handler) is retried this many times, backing off, but
 * never past busy_timeout in all: a locked store is reported within that bound.
 */
#define BUSY_RETRIES          8
#define BUSY_BACKOFF_FIRST_MS 1
#define BUSY_BACKOFF_MAX_MS   128
/* SQLite's own automatic checkpoint, given back when the checkpointer stops. */
#define AUTOCHECKPOINT_PAGES 1000

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_READ_BEGIN[] = "BEGIN";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

/* Keyed by a copy of the text: a caller's buffer may not outlive the statement. */
struct sqlite_stmt {
    struct dw_stmt base; /* first: what the store's modules hold */
    struct sqlite_conn *owner;
    uint32_t hash;
    char *sql;
    uintptr_t last_caller_sql; /* the pointer last asked for it (a literal, nearly always) */
    sqlite3_stmt *stmt;
    bool used; /* prepared since the connection was checked out */
};

struct sqlite_conn {
    struct dw_engine_conn base; /* first: what the pool holds */
    sqlite3 *db;
    int busy_timeout_ms;
    size_t ncached;
    struct sqlite_stmt cache[STMT_CACHE_MAX];
    /* The entries used since checkout: release resets these, not the whole cache. */
    size_t nused;
    uint16_t used[STMT_CACHE_MAX];
};

static struct sqlite_conn *lite(struct dw_engine_conn *conn)
{
    assert(conn->engine == &deepwell_engine_sqlite); /* a connection of another engine */
    return (struct sqlite_conn *)conn;
}

static struct sqlite_stmt *lite_stmt(struct dw_stmt *stmt)
{
    assert(stmt->engine == &deepwell_engine_sqlite); /* a statement of another engine */
    return (struct sqlite_stmt *)stmt;
}

sqlite3 *deepwell_sqlite_db(struct deepwell_conn *conn)
{
    struct dw_engine_conn *link = deepwell_conn_link(conn);
    return link != NULL ? lite(link)->db : NULL;
}

sqlite3_stmt *deepwell_sqlite_stmt(struct dw_stmt *stmt)
{
    return lite_stmt(stmt)->stmt;
}

/* ---- opening and closing ------------------------------------------------------------ */

/*
 * Before SQLite's first use: no allocation statistics, whose one global mutex every
 * statement step queued on (Debian's build has no lookaside memory).  Refused if
 * SQLite was already started (a test that opened a file first): slower, still correct.
 */
static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        log_notice("deepwell",
                   "SQLite was started before the store: its memory statistics stay on");
}

/*
 * Attaches the store's audit file to db when it exists, with the configured
 * synchronous setting; once the schema keeps the log there, fails without it.
 */
static enum deepwell_code attach_audit_file(sqlite3 *db, const struct deepwell_conn_settings *s,
                                            struct deepwell_error *err)
{
    bool attached = false;
    enum deepwell_code code =
        deepwell_audit_file_attach(db, s->location, s->synchronous->audit_sql, &attached, err);
    if (code == DW_OK && s->audit_required)
        code = deepwell_audit_file_check(db, s->location, err);
    return code;
}

/* The checkpointer takes the writer's WAL checkpoints, or SQLite does them itself. */
static void install_wal_hook(sqlite3 *db, const struct deepwell_conn_settings *s)
{
    if (s->checkpointer != NULL)
        sqlite3_wal_hook(db, deepwell_checkpointer_wal_hook, s->checkpointer);
    else
        sqlite3_wal_autocheckpoint(db, AUTOCHECKPOINT_PAGES);
}

/* The failure of opening (or first reading) the file, named by the file. */
static enum deepwell_code open_error(struct deepwell_error *err, sqlite3 *db, int rc,
                                     const char *what, const char *path)
{
    enum deepwell_code code = deepwell_error_from_sqlite(err, db, rc, what);
    if (err != NULL)
        snprintf(err->context, sizeof(err->context), "pool.open: %s", path);
    sqlite3_close_v2(db);
    return code;
}

static enum deepwell_code open_db(const struct deepwell_conn_settings *s,
                                  enum deepwell_conn_role role, bool create, sqlite3 **out,
                                  struct deepwell_error *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create)
        flags |= SQLITE_OPEN_CREATE;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(s->location, &db, flags, NULL);
    if (rc != SQLITE_OK)
        return open_error(err, db, rc, "pool.open", s->location);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, s->busy_timeout_ms);

    /* journal_mode=WAL is persistent in the file, so the writer sets it once. */
    const char *setup[] = {
        role == DW_CONN_WRITER ? "PRAGMA journal_mode=WAL" : NULL,
        "PRAGMA foreign_keys=ON",
        s->synchronous->sql,
        role == DW_CONN_READER ? "PRAGMA query_only=ON" : NULL,
    };
    for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++) {
        if (setup[i] == NULL)
            continue;
        rc = sqlite3_exec(db, setup[i], NULL, NULL, NULL);
        /* The first read of the file happens here: name the file, not the pragma. */
        if (rc != SQLITE_OK)
            return open_error(err, db, rc, setup[i], s->location);
    }
    enum deepwell_code code = attach_audit_file(db, s, err);
    if (code != DW_OK) {
        sqlite3_close_v2(db);
        return code;
    }
    if (role == DW_CONN_WRITER && s->checkpointer != NULL)
        install_wal_hook(db, s);
    *out = db;
    return DW_OK;
}

static enum deepwell_code lite_open(const struct deepwell_conn_settings *s,
                                    enum deepwell_conn_role role, bool create,
                                    struct deepwell_conn *owner, struct dw_engine_conn **out,
                                    struct deepwell_error *err)
{
    pthread_once(&sqlite_configured, configure_sqlite);
    *out = NULL;
    struct sqlite_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "out of memory");
    enum deepwell_code code = open_db(s, role, create, &c->db, err);
    if (code != DW_OK) {
        free(c);
        return code;
    }
    c->base = (struct dw_engine_conn){.engine = &deepwell_engine_sqlite, .owner = owner};
    c->busy_timeout_ms = s->busy_timeout_ms;
    *out = &c->base;
    return DW_OK;
}

static void lite_close(struct dw_engine_conn *conn)
{
    struct sqlite_conn *c = lite(conn);
    for (size_t i = 0; i < c->ncached; i++) {
        sqlite3_finalize(c->cache[i].stmt);
        free(c->cache[i].sql);
    }
    int rc = sqlite3_close_v2(c->db);
    if (rc != SQLITE_OK)
        log_warning("deepwell", "closing a connection: %s", sqlite3_errstr(rc));
    free(c);
}

static enum deepwell_code lite_reconfigure(struct dw_engine_conn *conn,
                                           enum deepwell_conn_role role,
                                           const struct deepwell_conn_settings *s,
                                           struct deepwell_error *err)
{
    struct sqlite_conn *c = lite(conn);
    if (role == DW_CONN_WRITER)
        install_wal_hook(c->db, s);
    return s->audit_required ? attach_audit_file(c->db, s, err) : DW_OK;
}

static bool lite_in_tx(struct dw_engine_conn *conn)
{
    return !sqlite3_get_autocommit(lite(conn)->db);
}

static bool lite_healthy(struct dw_engine_conn *conn)
{
    struct sqlite_conn *c = lite(conn);
    return sqlite3_get_autocommit(c->db) &&
           sqlite3_exec(c->db, "SELECT 1", NULL, NULL, NULL) == SQLITE_OK;
}

static bool lite_end_use(struct dw_engine_conn *conn)
{
    struct sqlite_conn *c = lite(conn);
    /* Cleared too, so no bound value (a token hash, say) lingers until the next use.
       Only what this checkout used: the rest was reset when it was last released. */
    for (size_t i = 0; i < c->nused; i++) {
        struct sqlite_stmt *entry = &c->cache[c->used[i]];
        sqlite3_reset(entry->stmt);
        sqlite3_clear_bindings(entry->stmt);
        entry->used = false;
    }
    c->nused = 0;
    if (sqlite3_get_autocommit(c->db))
        return false;
    sqlite3_exec(c->db, SQL_ROLLBACK, NULL, NULL, NULL);
    return true;
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
static struct dw_stmt *lite_prepare(struct dw_engine_conn *conn, const char *sql,
                                    struct deepwell_error *err)
{
    struct sqlite_conn *c = lite(conn);
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
    if (c->ncached == STMT_CACHE_MAX) {
        deepwell_error_set(err, DW_INTERNAL, sql, "statement cache full (%d statements)",
                           STMT_CACHE_MAX);
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
        .base = {.engine = &deepwell_engine_sqlite, .conn = conn->owner},
        .owner = c,
        .hash = hash,
        .sql = key,
        .last_caller_sql = (uintptr_t)sql,
        .stmt = stmt,
    };
    return mark_used(c, entry);
}

/* ---- stepping and transactions ------------------------------------------------------ */

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
static int step_with_retry(struct sqlite_conn *c, sqlite3_stmt *stmt, bool retry_in_txn)
{
    int backoff_ms = BUSY_BACKOFF_FIRST_MS;
    int64_t deadline = time_mono_ms() + c->busy_timeout_ms;
    int rc = sqlite3_step(stmt);
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
    return step_with_retry(s->owner, s->stmt, false);
}

/* BEGIN, COMMIT and the like, through the statement cache. */
static enum deepwell_code run_control(struct dw_engine_conn *conn, const char *sql,
                                      bool retry_in_txn, struct deepwell_error *err)
{
    struct sqlite_conn *c = lite(conn);
    struct deepwell_error local;
    struct deepwell_error *e = err != NULL ? err : &local;
    struct dw_stmt *stmt = lite_prepare(conn, sql, e);
    if (stmt == NULL)
        return e->code;
    sqlite3_stmt *st = lite_stmt(stmt)->stmt;
    int rc = step_with_retry(c, st, retry_in_txn);
    enum deepwell_code code = DW_OK;
    if (rc != SQLITE_DONE)
        code = deepwell_error_from_sqlite(err, c->db, rc, sql);
    sqlite3_reset(st);
    return code;
}

/* One writer at a time holds the file: IMMEDIATE takes its lock at BEGIN, locked or not. */
static enum deepwell_code lite_begin(struct dw_engine_conn *conn, bool locked,
                                     struct deepwell_error *err)
{
    return run_control(conn, SQL_BEGIN, false, err);
}

static void lite_rollback(struct dw_engine_conn *conn)
{
    struct sqlite_conn *c = lite(conn);
    if (sqlite3_get_autocommit(c->db))
        return;
    /* Reset first: pending statements would otherwise make ROLLBACK fail with BUSY. */
    for (size_t i = 0; i < c->ncached; i++)
        sqlite3_reset(c->cache[i].stmt);
    int rc = sqlite3_exec(c->db, SQL_ROLLBACK, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        deepwell_conn_mark_suspect(conn->owner);
        log_warning("deepwell", "ROLLBACK failed: %s", sqlite3_errmsg(c->db));
    }
}

static enum deepwell_code lite_commit(struct dw_engine_conn *conn, struct deepwell_error *err)
{
    enum deepwell_code code = run_control(conn, SQL_COMMIT, true, err);
    /* A failed COMMIT leaves the transaction open; end it so the caller need not. */
    if (code != DW_OK)
        lite_rollback(conn);
    return code;
}

/* A deferred read transaction: the snapshot starts at the first read. */
static enum deepwell_code lite_read_begin(struct dw_engine_conn *conn, struct deepwell_error *err)
{
    return run_control(conn, SQL_READ_BEGIN, false, err);
}

static void lite_read_end(struct dw_engine_conn *conn)
{
    run_control(conn, SQL_COMMIT, false, NULL);
}

static enum deepwell_code lite_exec(struct dw_engine_conn *conn, const char *sql,
                                    const char *context, struct deepwell_error *err)
{
    sqlite3 *db = lite(conn)->db;
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? DW_OK : deepwell_error_from_sqlite(err, db, rc, context);
}

static int64_t lite_changes(struct dw_engine_conn *conn)
{
    return sqlite3_changes(lite(conn)->db);
}

static bool lite_last_was_pkey_conflict(struct dw_engine_conn *conn)
{
    return sqlite3_extended_errcode(lite(conn)->db) == SQLITE_CONSTRAINT_PRIMARYKEY;
}

static enum deepwell_code lite_error(struct dw_engine_conn *conn, struct deepwell_error *err,
                                     int rc, const char *context)
{
    return deepwell_error_from_sqlite(err, lite(conn)->db, rc, context);
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

/* ---- the engine table ---------------------------------------------------------------- */

const struct deepwell_engine deepwell_engine_sqlite = {
    .kind = DW_ENGINE_SQLITE,
    .name = "sqlite",
    .check_after_failure = false,
    .open = lite_open,
    .close = lite_close,
    .reconfigure = lite_reconfigure,
    .healthy = lite_healthy,
    .in_tx = lite_in_tx,
    .end_use = lite_end_use,
    .prepare = lite_prepare,
    .begin = lite_begin,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .read_begin = lite_read_begin,
    .read_end = lite_read_end,
    .exec = lite_exec,
    .changes = lite_changes,
    .last_was_pkey_conflict = lite_last_was_pkey_conflict,
    .error = lite_error,
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
    .migrations = deepwell_migrations,
    .sql_has_version_table =
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'",
    .sql_object_count = "SELECT count(*) FROM sqlite_schema",
    .sql_audit_lock = NULL, /* BEGIN IMMEDIATE already holds the file's one write lock */
    .sql_migrate_lock = NULL,
    .backup_before_migrate = deepwell_sqlite_backup_before_migrate,
    .backup = deepwell_sqlite_backup,
    .integrity = deepwell_sqlite_integrity,
};
