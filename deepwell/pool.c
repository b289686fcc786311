/*
 * pool.c - the store's connection pool: one writer, N readers, for either engine.
 *
 * conns[0] is the writer, conns[1..nreaders] the readers.  This file only checks
 * connections out and in, bounds the wait, keeps statistics and replaces dead
 * connections; opening, statements and transactions are the engine's (engine.h).
 * A checkout waits on a condition variable against CLOCK_MONOTONIC so a wall-clock
 * jump cannot stretch or cut the timeout.  The pool lock only guards who holds
 * which connection; all engine work happens outside it.
 */
#include "deepwell/pool.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "deepwell/engine.h"

struct deepwell_conn {
    struct deepwell_pool *pool;
    enum deepwell_conn_role role;
    struct dw_engine_conn *link; /* NULL after a failed reopen; reopened at the next checkout */
    bool in_use;                 /* guarded by pool->lock */
    bool suspect;                /* saw an error: health-check on release */
    uint64_t checked;            /* pool->failures when last known good */
    uint64_t round_trips;        /* added to by its holder, read by stats: __atomic */
    struct dw_search_pending search_pending; /* its holder's alone */
};

struct deepwell_pool {
    pthread_mutex_t lock;
    pthread_cond_t writer_free;
    pthread_cond_t reader_free;
    const struct deepwell_engine *engine;
    char *location; /* SQLite file, or the PostgreSQL connection URL */
    struct deepwell_conn_settings settings;
    int checkout_timeout_ms;
    int nconns; /* 1 writer + readers */
    struct deepwell_conn *conns;
    /* statistics, guarded by lock */
    int in_use;
    uint64_t checkouts, waits, timeouts, replaced;
    /*
     * Connections found dead.  On an engine where one death means the others died
     * too (check_after_failure), each is checked once before its next use, so a
     * restart costs one failed request, not one per pooled connection.
     */
    uint64_t failures;
};

/* ---- one connection ------------------------------------------------------------- */

static void conn_close(struct deepwell_conn *conn)
{
    if (conn->link != NULL)
        conn->pool->engine->close(conn->link);
    conn->link = NULL;
}

static enum deepwell_code conn_open(struct deepwell_conn *conn, bool create,
                                    struct deepwell_error *err)
{
    struct deepwell_pool *pool = conn->pool;
    assert(conn->link == NULL); /* a reopen closes first: no handle may leak */
    enum deepwell_code code =
        pool->engine->open(&pool->settings, conn->role, create, conn, &conn->link, err);
    if (code == DW_OK)
        conn->suspect = false;
    return code;
}

/* True when the connection still answers and holds no transaction. */
static bool conn_healthy(struct deepwell_conn *conn)
{
    return conn->link != NULL && conn->pool->engine->healthy(conn->link);
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

static enum deepwell_code check_options(const struct deepwell_options *opts,
                                        struct deepwell_error *err)
{
    if (opts->path == NULL || opts->path[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, "pool.open", "no store path given");
    if (opts->readers < 1)
        return deepwell_error_set(err, DW_INVALID, "pool.open", "readers must be at least 1 (%d)",
                                  opts->readers);
    if (opts->checkout_timeout_ms < 0 || opts->busy_timeout_ms < 0)
        return deepwell_error_set(err, DW_INVALID, "pool.open", "timeouts cannot be negative");
    /* synchronous is SQLite's; PostgreSQL's durability is the server's setting. */
    if (deepwell_synchronous_for(opts->synchronous) == NULL)
        return deepwell_error_set(err, DW_INVALID, "pool.open",
                                  "synchronous must be OFF, NORMAL, FULL or EXTRA, not '%s'",
                                  opts->synchronous);
    return DW_OK;
}

static void pool_free(struct deepwell_pool *pool)
{
    for (int i = 0; pool->conns != NULL && i < pool->nconns; i++)
        free(pool->conns[i].search_pending.ids);
    free(pool->conns);
    free(pool->location);
    free(pool);
}

enum deepwell_code deepwell_pool_open(const struct deepwell_options *opts,
                                      struct deepwell_pool **out, struct deepwell_error *err)
{
    *out = NULL;
    enum deepwell_code code = check_options(opts, err);
    if (code != DW_OK)
        return code;
    struct deepwell_pool *pool = calloc(1, sizeof(*pool));
    if (pool == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "out of memory");
    pool->nconns = 1 + opts->readers;
    pool->conns = calloc((size_t)pool->nconns, sizeof(*pool->conns));
    pool->engine = deepwell_engine_for(opts->path);
    pool->location = strdup(deepwell_engine_sqlite_path(opts->path));
    if (pool->conns == NULL || pool->location == NULL) {
        pool_free(pool);
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "out of memory");
    }
    pool->settings = (struct deepwell_conn_settings){
        .location = pool->location,
        .busy_timeout_ms = opts->busy_timeout_ms,
        .synchronous = deepwell_synchronous_for(opts->synchronous),
    };
    pool->checkout_timeout_ms = opts->checkout_timeout_ms;

    code = pool_init_sync(pool, err);
    if (code != DW_OK) {
        pool_free(pool);
        return code;
    }
    for (int i = 0; i < pool->nconns; i++) {
        struct deepwell_conn *conn = &pool->conns[i];
        conn->pool = pool;
        conn->role = i == 0 ? DW_CONN_WRITER : DW_CONN_READER;
        /* Only the writer, opened first, may create the file. */
        code = conn_open(conn, i == 0 && opts->create, err);
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
        conn_close(&pool->conns[i]);
    }
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->writer_free);
    pthread_cond_destroy(&pool->reader_free);
    pool_free(pool);
}

/* Hands the pool's changed settings to every open connection (closed ones get them at reopen). */
static enum deepwell_code reconfigure(struct deepwell_pool *pool, struct deepwell_error *err)
{
    enum deepwell_code code = DW_OK;
    for (int i = 0; i < pool->nconns && code == DW_OK; i++) {
        struct deepwell_conn *conn = &pool->conns[i];
        if (conn->link != NULL && pool->engine->reconfigure != NULL)
            code = pool->engine->reconfigure(conn->link, conn->role, &pool->settings, err);
    }
    return code;
}

void deepwell_pool_set_checkpointer(struct deepwell_pool *pool, struct deepwell_checkpointer *cp)
{
    struct deepwell_error err;
    pthread_mutex_lock(&pool->lock);
    pool->settings.checkpointer = cp;
    enum deepwell_code code = reconfigure(pool, &err);
    pthread_mutex_unlock(&pool->lock);
    if (code != DW_OK)
        log_warning("deepwell", "handing over WAL checkpoints: %s", err.message);
}

enum deepwell_code deepwell_pool_require_audit_file(struct deepwell_pool *pool,
                                                    struct deepwell_error *err)
{
    pthread_mutex_lock(&pool->lock);
    pool->settings.audit_required = true;
    enum deepwell_code code = reconfigure(pool, err);
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
    assert(conn->in_use); /* released twice, or never checked out */
    conn->in_use = false;
    pool->in_use--;
    pthread_cond_signal(conn->role == DW_CONN_WRITER ? &pool->writer_free : &pool->reader_free);
    pthread_mutex_unlock(&pool->lock);
}

static void count_replaced(struct deepwell_pool *pool, struct deepwell_conn *conn)
{
    pthread_mutex_lock(&pool->lock);
    pool->replaced++;
    conn->checked = pool->failures;
    pthread_mutex_unlock(&pool->lock);
}

enum deepwell_code deepwell_pool_acquire(struct deepwell_pool *pool, enum deepwell_conn_role role,
                                         struct deepwell_conn **out, struct deepwell_error *err)
{
    assert(pool != NULL && pool->conns != NULL); /* a checkout of a closed pool */
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
    bool check = pool->engine->check_after_failure && conn->checked != pool->failures;
    conn->checked = pool->failures;
    pthread_mutex_unlock(&pool->lock);

    if (check && conn->link != NULL && !conn_healthy(conn)) {
        log_warning("deepwell", "connection found dead after another failed: reopening");
        conn_close(conn);
    }
    /* A connection whose reopen failed earlier gets another chance now. */
    if (conn->link == NULL) {
        enum deepwell_code code = conn_open(conn, false, err);
        if (code != DW_OK) {
            mark_free(pool, conn);
            return code;
        }
        count_replaced(pool, conn);
    }
    *out = conn;
    return DW_OK;
}

void deepwell_pool_release(struct deepwell_pool *pool, struct deepwell_conn *conn)
{
    if (conn == NULL)
        return;
    assert(conn->pool == pool); /* released to another pool */
    if (conn->link != NULL && pool->engine->end_use(conn->link)) {
        log_warning("deepwell", "connection released inside a transaction: rolling back");
        conn->suspect = true;
    }
    if (conn->suspect && !conn_healthy(conn)) {
        log_warning("deepwell", "connection failed its health check: reopening");
        conn_close(conn);
        pthread_mutex_lock(&pool->lock);
        pool->failures++;
        pthread_mutex_unlock(&pool->lock);
        struct deepwell_error err;
        if (conn_open(conn, false, &err) == DW_OK)
            count_replaced(pool, conn);
        else
            log_error("deepwell", "reopening a connection: %s", err.message);
    }
    conn->suspect = false;
    conn->search_pending.n = 0; /* a transaction rolled back above leaves none */
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
    out->round_trips = 0;
    for (int i = 0; i < pool->nconns; i++)
        out->round_trips += __atomic_load_n(&pool->conns[i].round_trips, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&pool->lock);
}

/* ---- what the engines and query.c ask of a checked-out connection ------------------- */

const struct deepwell_engine *deepwell_conn_engine(struct deepwell_conn *conn)
{
    return conn->pool->engine;
}

struct dw_engine_conn *deepwell_conn_link(struct deepwell_conn *conn)
{
    assert(conn->in_use); /* only a checked-out connection is anyone's to use */
    return conn->link;
}

struct dw_search_pending *deepwell_conn_search_pending(struct deepwell_conn *conn)
{
    return &conn->search_pending;
}

void deepwell_conn_mark_suspect(struct deepwell_conn *conn)
{
    conn->suspect = true;
}

void deepwell_conn_count_round_trip(struct deepwell_conn *conn)
{
    if (conn != NULL)
        __atomic_add_fetch(&conn->round_trips, 1, __ATOMIC_RELAXED);
}
