/*
 * pool.c - the SQLite connection pool: one writer, N readers.
 *
 * conns[0] is the writer, conns[1..nreaders] the readers.  A checkout waits on a
 * condition variable against CLOCK_MONOTONIC so a wall-clock jump cannot stretch
 * or cut the timeout.  The pool lock only guards who holds which connection; all
 * SQLite work happens outside it.
 */
#include "deepwell/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "deepwell/audit_file.h"
#include "deepwell/engine.h"
#include "deepwell/pg_conn.h"
#include "deepwell/private_file.h"

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

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_PG_BEGIN[] = "BEGIN ISOLATION LEVEL SERIALIZABLE";
static const char SQL_PG_BEGIN_LOCKED[] = "BEGIN ISOLATION LEVEL READ COMMITTED";

/* Keyed by a copy of the text: a caller's buffer may not outlive the statement. */
struct cached_stmt {
    uint32_t hash;
    char *sql;
    uintptr_t last_caller_sql; /* the pointer last asked for it (a literal, nearly always) */
    sqlite3_stmt *stmt;
    struct dw_stmt wrap; /* the engine-neutral handle given to the modules */
    bool used;           /* prepared since the connection was checked out */
};

struct deepwell_conn {
    struct deepwell_pool *pool;
    enum deepwell_conn_role role;
    sqlite3 *db;        /* NULL after a failed reopen; reopened on the next checkout */
    struct pg_conn *pg; /* the same, for a PostgreSQL store */
    bool in_use;        /* guarded by pool->lock */
    bool suspect;       /* saw an error: health-check on release */
    uint64_t checked;   /* pool->failures when last known good (PostgreSQL) */
    size_t ncached;
    struct cached_stmt cache[STMT_CACHE_MAX];
    /* The entries used since checkout: release resets these, not the whole cache. */
    size_t nused;
    uint16_t used[STMT_CACHE_MAX];
};

struct deepwell_pool {
    pthread_mutex_t lock;
    pthread_cond_t writer_free;
    pthread_cond_t reader_free;
    char *path; /* SQLite file, or the PostgreSQL connection URL */
    bool is_pg;
    const char *synchronous_sql;       /* one of the literals in synchronous_pragmas */
    const char *audit_synchronous_sql; /* the same setting for the audit file */
    bool audit_required; /* the schema keeps the log in the audit file: attach or fail */
    int busy_timeout_ms;
    int checkout_timeout_ms;
    int nconns; /* 1 writer + readers */
    /* Installed on the writer at every open: checkpoint.h's hook (SQLite only). */
    int (*wal_hook)(void *arg, sqlite3 *db, const char *schema, int pages);
    void *wal_hook_arg;
    struct deepwell_conn *conns;
    /* statistics, guarded by lock */
    int in_use;
    uint64_t checkouts, waits, timeouts, replaced;
    /*
     * Connections found dead.  When one dies (a database restart, a failover) the
     * others usually have too: each is checked once before its next use, so the
     * restart costs one failed request, not one per pooled connection.
     */
    uint64_t failures;
};

/* PRAGMA values cannot be bound, so each allowed setting is its own literal. */
static const struct synchronous_pragma {
    const char *name;
    const char *sql;
    const char *audit_sql; /* the setting is per file: the audit file's (audit_file.h) */
} synchronous_pragmas[] = {
    {"OFF", "PRAGMA synchronous=OFF", "PRAGMA audit.synchronous=OFF"},
    {"NORMAL", "PRAGMA synchronous=NORMAL", "PRAGMA audit.synchronous=NORMAL"},
    {"FULL", "PRAGMA synchronous=FULL", "PRAGMA audit.synchronous=FULL"},
    {"EXTRA", "PRAGMA synchronous=EXTRA", "PRAGMA audit.synchronous=EXTRA"},
};

static const struct synchronous_pragma *synchronous_pragma(const char *name)
{
    if (name == NULL || name[0] == '\0')
        name = "NORMAL";
    for (size_t i = 0; i < sizeof(synchronous_pragmas) / sizeof(synchronous_pragmas[0]); i++)
        if (strcasecmp(name, synchronous_pragmas[i].name) == 0)
            return &synchronous_pragmas[i];
    return NULL;
}

/* ---- one connection ------------------------------------------------------------- */

static void stmt_cache_clear(struct deepwell_conn *conn)
{
    for (size_t i = 0; i < conn->ncached; i++) {
        sqlite3_finalize(conn->cache[i].stmt);
        free(conn->cache[i].sql);
    }
    conn->ncached = 0;
    conn->nused = 0;
}

/* Remembers that entry was handed out, so release resets and clears it. */
static struct cached_stmt *mark_used(struct deepwell_conn *conn, struct cached_stmt *entry)
{
    if (!entry->used) {
        entry->used = true;
        conn->used[conn->nused++] = (uint16_t)(entry - conn->cache);
    }
    return entry;
}

static void conn_close_db(struct deepwell_conn *conn)
{
    pg_conn_close(conn->pg);
    conn->pg = NULL;
    stmt_cache_clear(conn);
    if (conn->db != NULL) {
        int rc = sqlite3_close_v2(conn->db);
        if (rc != SQLITE_OK)
            log_warning("deepwell", "closing a connection: %s", sqlite3_errstr(rc));
        conn->db = NULL;
    }
}

/*
 * Attaches the store's audit file to db when it exists, with the pool's synchronous
 * setting; once the schema keeps the log there (audit_required), fails without it.
 */
static enum deepwell_code attach_audit_file(struct deepwell_pool *pool, sqlite3 *db,
                                            struct deepwell_error *err)
{
    bool attached = false;
    enum deepwell_code code =
        deepwell_audit_file_attach(db, pool->path, pool->audit_synchronous_sql, &attached, err);
    if (code == DW_OK && pool->audit_required)
        code = deepwell_audit_file_check(db, pool->path, err);
    return code;
}

static enum deepwell_code conn_open_db(struct deepwell_conn *conn, bool create,
                                       struct deepwell_error *err)
{
    struct deepwell_pool *pool = conn->pool;
    if (pool->is_pg) {
        enum deepwell_code code = pg_conn_open(pool->path, conn->role == DW_CONN_READER,
                                               pool->busy_timeout_ms, &conn->pg, err);
        if (code == DW_OK)
            conn->suspect = false;
        return code;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create) {
        flags |= SQLITE_OPEN_CREATE;
        enum deepwell_code code = deepwell_private_file_create(pool->path, "pool.open", err);
        if (code != DW_OK)
            return code;
    }

    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(pool->path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        enum deepwell_code code = deepwell_error_from_sqlite(err, db, rc, "pool.open");
        if (err != NULL)
            snprintf(err->context, sizeof(err->context), "pool.open: %s", pool->path);
        sqlite3_close_v2(db);
        return code;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, pool->busy_timeout_ms);

    /* journal_mode=WAL is persistent in the file, so the writer sets it once. */
    const char *setup[] = {
        conn->role == DW_CONN_WRITER ? "PRAGMA journal_mode=WAL" : NULL,
        "PRAGMA foreign_keys=ON",
        pool->synchronous_sql,
        conn->role == DW_CONN_READER ? "PRAGMA query_only=ON" : NULL,
    };
    for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++) {
        if (setup[i] == NULL)
            continue;
        rc = sqlite3_exec(db, setup[i], NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            /* The first read of the file happens here: name the file, not the pragma. */
            enum deepwell_code code = deepwell_error_from_sqlite(err, db, rc, setup[i]);
            if (err != NULL)
                snprintf(err->context, sizeof(err->context), "pool.open: %s", pool->path);
            sqlite3_close_v2(db);
            return code;
        }
    }
    enum deepwell_code code = attach_audit_file(pool, db, err);
    if (code != DW_OK) {
        sqlite3_close_v2(db);
        return code;
    }
    if (conn->role == DW_CONN_WRITER && pool->wal_hook != NULL)
        sqlite3_wal_hook(db, pool->wal_hook, pool->wal_hook_arg);
    conn->db = db;
    conn->suspect = false;
    return DW_OK;
}

/* True when the connection still answers and holds no transaction. */
static bool conn_healthy(struct deepwell_conn *conn)
{
    if (conn->pool->is_pg)
        return pg_conn_healthy(conn->pg);
    if (conn->db == NULL)
        return false;
    if (!sqlite3_get_autocommit(conn->db))
        return false;
    return sqlite3_exec(conn->db, "SELECT 1", NULL, NULL, NULL) == SQLITE_OK;
}

/* ---- the pool ------------------------------------------------------------------------ */

static enum deepwell_code pool_init_sync(struct deepwell_pool *pool, struct deepwell_error *err)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "pthread_condattr_init failed");
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&pool->writer_free, &attr);
    if (rc == 0) {
        rc = pthread_cond_init(&pool->reader_free, &attr);
        if (rc != 0)
            pthread_cond_destroy(&pool->writer_free);
    }
    pthread_condattr_destroy(&attr);
    if (rc != 0)
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "condition variable: %s",
                                  strerror(rc));
    rc = pthread_mutex_init(&pool->lock, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&pool->writer_free);
        pthread_cond_destroy(&pool->reader_free);
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "mutex: %s", strerror(rc));
    }
    return DW_OK;
}

/*
 * SQLite's process-wide settings, before its first use.  By default SQLite counts
 * every allocation under one global mutex (SQLITE_CONFIG_MEMSTATUS), and Debian's
 * build has no lookaside memory, so every statement step allocates: the store
 * workers, the audit writer and the checkpointer all queued on that one mutex.
 * Nothing here reads the counts.  If SQLite was already started (a test that opened
 * a file first), the call is refused and the default stays: slower, still correct.
 */
static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        log_notice("deepwell",
                   "SQLite was started before the store: its memory statistics stay on");
}

enum deepwell_code deepwell_pool_open(const struct deepwell_options *opts,
                                      struct deepwell_pool **out, struct deepwell_error *err)
{
    pthread_once(&sqlite_configured, configure_sqlite);
    *out = NULL;
    if (opts->path == NULL || opts->path[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, "pool.open", "no store path given");
    if (opts->readers < 1)
        return deepwell_error_set(err, DW_INVALID, "pool.open", "readers must be at least 1 (%d)",
                                  opts->readers);
    if (opts->checkout_timeout_ms < 0 || opts->busy_timeout_ms < 0)
        return deepwell_error_set(err, DW_INVALID, "pool.open", "timeouts cannot be negative");
    /* synchronous is SQLite's; PostgreSQL's durability is the server's setting. */
    const struct synchronous_pragma *sync = synchronous_pragma(opts->synchronous);
    if (sync == NULL)
        return deepwell_error_set(err, DW_INVALID, "pool.open",
                                  "synchronous must be OFF, NORMAL, FULL or EXTRA, not '%s'",
                                  opts->synchronous);

    struct deepwell_pool *pool = calloc(1, sizeof(*pool));
    if (pool == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "out of memory");
    pool->nconns = 1 + opts->readers;
    pool->conns = calloc((size_t)pool->nconns, sizeof(*pool->conns));
    pool->is_pg = deepwell_engine_for(opts->path)->kind == DW_ENGINE_PG;
    pool->path = strdup(deepwell_engine_sqlite_path(opts->path));
    if (pool->conns == NULL || pool->path == NULL) {
        free(pool->conns);
        free(pool->path);
        free(pool);
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "out of memory");
    }
    pool->synchronous_sql = sync->sql;
    pool->audit_synchronous_sql = sync->audit_sql;
    pool->busy_timeout_ms = opts->busy_timeout_ms;
    pool->checkout_timeout_ms = opts->checkout_timeout_ms;

    enum deepwell_code code = pool_init_sync(pool, err);
    if (code != DW_OK) {
        free(pool->conns);
        free(pool->path);
        free(pool);
        return code;
    }

    for (int i = 0; i < pool->nconns; i++) {
        struct deepwell_conn *conn = &pool->conns[i];
        conn->pool = pool;
        conn->role = i == 0 ? DW_CONN_WRITER : DW_CONN_READER;
        /* Only the writer, opened first, may create the file. */
        code = conn_open_db(conn, i == 0 && opts->create, err);
        if (code != DW_OK) {
            deepwell_pool_close(pool);
            return code;
        }
    }
    *out = pool;
    return DW_OK;
}

void deepwell_pool_close(struct deepwell_pool *pool)
{
    if (pool == NULL)
        return;
    /* Readers first: the writer's close checkpoints the WAL when it is the last one. */
    for (int i = pool->nconns - 1; i >= 0; i--) {
        if (pool->conns[i].in_use)
            log_warning("deepwell", "closing the pool with a connection still checked out");
        conn_close_db(&pool->conns[i]);
    }
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->writer_free);
    pthread_cond_destroy(&pool->reader_free);
    free(pool->conns);
    free(pool->path);
    free(pool);
}

void deepwell_pool_set_wal_hook(struct deepwell_pool *pool,
                                int (*hook)(void *arg, sqlite3 *db, const char *schema, int pages),
                                void *arg)
{
    if (pool->is_pg)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->wal_hook = hook;
    pool->wal_hook_arg = arg;
    struct deepwell_conn *writer = &pool->conns[0];
    if (writer->db != NULL) {
        if (hook != NULL)
            sqlite3_wal_hook(writer->db, hook, arg);
        else /* SQLite's own automatic checkpoints again */
            sqlite3_wal_autocheckpoint(writer->db, 1000);
    }
    pthread_mutex_unlock(&pool->lock);
}

enum deepwell_code deepwell_pool_require_audit_file(struct deepwell_pool *pool,
                                                    struct deepwell_error *err)
{
    if (pool->is_pg)
        return DW_OK;
    enum deepwell_code code = DW_OK;
    pthread_mutex_lock(&pool->lock);
    pool->audit_required = true;
    for (int i = 0; i < pool->nconns && code == DW_OK; i++) {
        struct deepwell_conn *conn = &pool->conns[i];
        if (conn->db == NULL)
            continue; /* reopened (and checked) at its next checkout */
        code = attach_audit_file(pool, conn->db, err);
    }
    pthread_mutex_unlock(&pool->lock);
    return code;
}

static struct deepwell_conn *find_free(struct deepwell_pool *pool, enum deepwell_conn_role role)
{
    int first = role == DW_CONN_WRITER ? 0 : 1;
    int last = role == DW_CONN_WRITER ? 1 : pool->nconns;
    for (int i = first; i < last; i++)
        if (!pool->conns[i].in_use)
            return &pool->conns[i];
    return NULL;
}

static void mark_free(struct deepwell_pool *pool, struct deepwell_conn *conn)
{
    pthread_mutex_lock(&pool->lock);
    conn->in_use = false;
    pool->in_use--;
    pthread_cond_signal(conn->role == DW_CONN_WRITER ? &pool->writer_free : &pool->reader_free);
    pthread_mutex_unlock(&pool->lock);
}

enum deepwell_code deepwell_pool_acquire(struct deepwell_pool *pool, enum deepwell_conn_role role,
                                         struct deepwell_conn **out, struct deepwell_error *err)
{
    *out = NULL;
    pthread_cond_t *cond = role == DW_CONN_WRITER ? &pool->writer_free : &pool->reader_free;
    struct timespec deadline = time_mono_deadline(pool->checkout_timeout_ms);
    bool waited = false;

    pthread_mutex_lock(&pool->lock);
    struct deepwell_conn *conn;
    while ((conn = find_free(pool, role)) == NULL) {
        if (!waited) {
            waited = true;
            pool->waits++;
        }
        int rc = pthread_cond_timedwait(cond, &pool->lock, &deadline);
        /* Any failure (ETIMEDOUT, or EINVAL from a bad deadline) ends the wait. */
        if (rc != 0 && find_free(pool, role) == NULL) {
            pool->timeouts++;
            pthread_mutex_unlock(&pool->lock);
            return deepwell_error_set(err, DW_POOL_EXHAUSTED, "pool.acquire",
                                      "pool exhausted: no %s connection free within %d ms",
                                      role == DW_CONN_WRITER ? "writer" : "reader",
                                      pool->checkout_timeout_ms);
        }
    }
    conn->in_use = true;
    pool->in_use++;
    pool->checkouts++;
    bool check = pool->is_pg && conn->checked != pool->failures;
    conn->checked = pool->failures;
    pthread_mutex_unlock(&pool->lock);

    if (check && !conn_healthy(conn)) {
        log_warning("deepwell", "connection found dead after another failed: reopening");
        conn_close_db(conn);
    }

    /* A connection whose reopen failed earlier gets another chance now. */
    if (conn->db == NULL && conn->pg == NULL) {
        enum deepwell_code code = conn_open_db(conn, false, err);
        if (code != DW_OK) {
            mark_free(pool, conn);
            return code;
        }
        pthread_mutex_lock(&pool->lock);
        pool->replaced++;
        pthread_mutex_unlock(&pool->lock);
    }
    *out = conn;
    return DW_OK;
}

void deepwell_pool_release(struct deepwell_pool *pool, struct deepwell_conn *conn)
{
    if (conn == NULL)
        return;
    if (conn->pg != NULL) {
        pg_conn_end_use(conn->pg);
        if (pg_conn_in_tx(conn->pg)) {
            log_warning("deepwell", "connection released inside a transaction: rolling back");
            pg_conn_exec(conn->pg, SQL_ROLLBACK, "release", NULL);
            conn->suspect = true;
        }
    }
    if (conn->db != NULL) {
        /* Cleared too, so no bound value (a token hash, say) lingers until the next use.
           Only what this checkout used: the rest was reset when it was last released. */
        for (size_t i = 0; i < conn->nused; i++) {
            struct cached_stmt *entry = &conn->cache[conn->used[i]];
            sqlite3_reset(entry->stmt);
            sqlite3_clear_bindings(entry->stmt);
            entry->used = false;
        }
        conn->nused = 0;
        if (!sqlite3_get_autocommit(conn->db)) {
            log_warning("deepwell", "connection released inside a transaction: rolling back");
            sqlite3_exec(conn->db, SQL_ROLLBACK, NULL, NULL, NULL);
            conn->suspect = true;
        }
    }
    if (conn->suspect && !conn_healthy(conn)) {
        log_warning("deepwell", "connection failed its health check: reopening");
        conn_close_db(conn);
        struct deepwell_error err;
        pthread_mutex_lock(&pool->lock);
        pool->failures++;
        pthread_mutex_unlock(&pool->lock);
        if (conn_open_db(conn, false, &err) == DW_OK) {
            pthread_mutex_lock(&pool->lock);
            pool->replaced++;
            conn->checked = pool->failures;
            pthread_mutex_unlock(&pool->lock);
        } else {
            log_error("deepwell", "reopening a connection: %s", err.message);
        }
    }
    conn->suspect = false;
    mark_free(pool, conn);
}

void deepwell_pool_get_stats(struct deepwell_pool *pool, struct deepwell_pool_stats *out)
{
    pthread_mutex_lock(&pool->lock);
    out->size = pool->nconns;
    out->in_use = pool->in_use;
    out->checkouts = pool->checkouts;
    out->waits = pool->waits;
    out->timeouts = pool->timeouts;
    out->replaced = pool->replaced;
    pthread_mutex_unlock(&pool->lock);
}

/* ---- statements and transactions ---------------------------------------------------- */

sqlite3 *deepwell_conn_db(struct deepwell_conn *conn)
{
    return conn->db;
}

const struct deepwell_engine *deepwell_conn_engine(struct deepwell_conn *conn)
{
    return conn->pool->is_pg ? &deepwell_engine_pg : &deepwell_engine_sqlite;
}

struct pg_conn *deepwell_conn_pg(struct deepwell_conn *conn)
{
    return conn->pg;
}

void deepwell_conn_mark_suspect(struct deepwell_conn *conn)
{
    conn->suspect = true;
}

bool deepwell_conn_in_tx(struct deepwell_conn *conn)
{
    if (conn->pg != NULL)
        return pg_conn_in_tx(conn->pg);
    return conn->db != NULL && !sqlite3_get_autocommit(conn->db);
}

static struct cached_stmt *stmt_cache_get(struct deepwell_conn *conn, const char *sql,
                                          struct deepwell_error *err);

struct dw_stmt *deepwell_conn_prepare_any(struct deepwell_conn *conn, const char *sql,
                                          struct deepwell_error *err)
{
    if (conn->pool->is_pg) {
        if (conn->pg == NULL) {
            deepwell_error_set(err, DW_IO, sql, "no connection to the store");
            return NULL;
        }
        struct dw_stmt *stmt = pg_conn_prepare(conn->pg, conn, sql, err);
        if (stmt == NULL)
            conn->suspect = true;
        return stmt;
    }
    struct cached_stmt *entry = stmt_cache_get(conn, sql, err);
    if (entry == NULL)
        return NULL;
    entry->wrap = (struct dw_stmt){.conn = conn, .lite = entry->stmt};
    return &entry->wrap;
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
static struct cached_stmt *stmt_cache_by_pointer(struct deepwell_conn *conn, const char *sql)
{
    for (size_t i = 0; i < conn->ncached; i++) {
        struct cached_stmt *entry = &conn->cache[i];
        if (entry->last_caller_sql == (uintptr_t)sql && strcmp(entry->sql, sql) == 0)
            return entry;
    }
    return NULL;
}

static struct cached_stmt *stmt_cache_by_text(struct deepwell_conn *conn, const char *sql,
                                              uint32_t hash)
{
    for (size_t i = 0; i < conn->ncached; i++) {
        struct cached_stmt *entry = &conn->cache[i];
        if (entry->hash == hash && strcmp(entry->sql, sql) == 0) {
            entry->last_caller_sql = (uintptr_t)sql;
            return entry;
        }
    }
    return NULL;
}

/* The cached entry for sql, prepared on first use; reset with bindings cleared. */
static struct cached_stmt *stmt_cache_get(struct deepwell_conn *conn, const char *sql,
                                          struct deepwell_error *err)
{
    if (conn->db == NULL) {
        deepwell_error_set(err, DW_INTERNAL, sql, "not an SQLite connection");
        return NULL;
    }
    struct cached_stmt *entry = stmt_cache_by_pointer(conn, sql);
    uint32_t hash = 0;
    if (entry == NULL) {
        hash = sql_hash(sql);
        entry = stmt_cache_by_text(conn, sql, hash);
    }
    if (entry != NULL) {
        sqlite3_reset(entry->stmt);
        sqlite3_clear_bindings(entry->stmt);
        return mark_used(conn, entry);
    }
    /* Statements are fixed strings, so the set is small; a full cache means a bug. */
    if (conn->ncached == STMT_CACHE_MAX) {
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
    int rc = sqlite3_prepare_v3(conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) {
        conn->suspect = true;
        deepwell_error_from_sqlite(err, conn->db, rc, sql);
        sqlite3_finalize(stmt);
        free(key);
        return NULL;
    }
    if (stmt == NULL) { /* only whitespace or a comment */
        deepwell_error_set(err, DW_INTERNAL, sql, "empty statement");
        free(key);
        return NULL;
    }
    entry = &conn->cache[conn->ncached++];
    *entry = (struct cached_stmt){
        .hash = hash, .sql = key, .last_caller_sql = (uintptr_t)sql, .stmt = stmt};
    return mark_used(conn, entry);
}

sqlite3_stmt *deepwell_conn_prepare(struct deepwell_conn *conn, const char *sql,
                                    struct deepwell_error *err)
{
    struct cached_stmt *entry = stmt_cache_get(conn, sql, err);
    return entry != NULL ? entry->stmt : NULL;
}

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
static int step_with_retry(struct deepwell_conn *conn, sqlite3_stmt *stmt, bool retry_in_txn)
{
    int backoff_ms = BUSY_BACKOFF_FIRST_MS;
    int64_t deadline = time_mono_ms() + conn->pool->busy_timeout_ms;
    int rc = sqlite3_step(stmt);
    for (int attempt = 0; attempt < BUSY_RETRIES && is_busy(rc); attempt++) {
        if (!retry_in_txn && !sqlite3_get_autocommit(conn->db))
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
        conn->suspect = true;
    return rc;
}

int deepwell_step(struct deepwell_conn *conn, sqlite3_stmt *stmt)
{
    return step_with_retry(conn, stmt, false);
}

static enum deepwell_code run_control(struct deepwell_conn *conn, const char *sql,
                                      bool retry_in_txn, struct deepwell_error *err)
{
    struct deepwell_error local;
    sqlite3_stmt *stmt = deepwell_conn_prepare(conn, sql, err != NULL ? err : &local);
    if (stmt == NULL)
        return err != NULL ? err->code : local.code;
    int rc = step_with_retry(conn, stmt, retry_in_txn);
    enum deepwell_code code = DW_OK;
    if (rc != SQLITE_DONE)
        code = deepwell_error_from_sqlite(err, conn->db, rc, sql);
    sqlite3_reset(stmt);
    return code;
}

/* PostgreSQL control statements: the server answers for its own locking. */
static enum deepwell_code pg_control(struct deepwell_conn *conn, const char *sql,
                                     struct deepwell_error *err)
{
    if (conn->pg == NULL)
        return deepwell_error_set(err, DW_IO, sql, "no connection to the store");
    enum deepwell_code code = pg_conn_exec(conn->pg, sql, sql, err);
    if (code != DW_OK && code != DW_BUSY)
        conn->suspect = true;
    return code;
}

enum deepwell_code deepwell_conn_begin(struct deepwell_conn *conn, struct deepwell_error *err)
{
    if (conn->pool->is_pg)
        return pg_control(conn, SQL_PG_BEGIN, err);
    return run_control(conn, SQL_BEGIN, false, err);
}

enum deepwell_code deepwell_conn_begin_locked(struct deepwell_conn *conn,
                                              struct deepwell_error *err)
{
    if (conn->pool->is_pg)
        return pg_control(conn, SQL_PG_BEGIN_LOCKED, err);
    return run_control(conn, SQL_BEGIN, false, err);
}

enum deepwell_code deepwell_conn_commit(struct deepwell_conn *conn, struct deepwell_error *err)
{
    if (conn->pool->is_pg) {
        enum deepwell_code pg_code = pg_control(conn, SQL_COMMIT, err);
        if (pg_code != DW_OK)
            deepwell_conn_rollback(conn);
        return pg_code;
    }
    enum deepwell_code code = run_control(conn, SQL_COMMIT, true, err);
    /* A failed COMMIT leaves the transaction open; end it so the caller need not. */
    if (code != DW_OK)
        deepwell_conn_rollback(conn);
    return code;
}

void deepwell_conn_rollback(struct deepwell_conn *conn)
{
    if (conn->pg != NULL) {
        if (pg_conn_in_tx(conn->pg) &&
            pg_conn_exec(conn->pg, SQL_ROLLBACK, SQL_ROLLBACK, NULL) != DW_OK) {
            conn->suspect = true;
            log_warning("deepwell", "ROLLBACK failed on PostgreSQL");
        }
        return;
    }
    if (conn->db == NULL || sqlite3_get_autocommit(conn->db))
        return;
    /* Reset first: pending statements would otherwise make ROLLBACK fail with BUSY. */
    for (size_t i = 0; i < conn->ncached; i++)
        sqlite3_reset(conn->cache[i].stmt);
    int rc = sqlite3_exec(conn->db, SQL_ROLLBACK, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        conn->suspect = true;
        log_warning("deepwell", "ROLLBACK failed: %s", sqlite3_errmsg(conn->db));
    }
}
