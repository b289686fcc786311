/*
 * sqlite_checkpoint.c - SQLite WAL checkpoints on their own thread, off the commit path.
 *
 * See sqlite_checkpoint.h for why.  The thread sleeps until the writer's WAL hook says the
 * WAL has passed limits.checkpoint_pages, or for a second, then runs a PASSIVE
 * checkpoint on its own connection.  PASSIVE copies what no reader still needs and
 * takes no lock that a commit waits on; SQLite starts the WAL over at the next
 * commit after a checkpoint has copied everything.
 */
#include "deepwell/sqlite_checkpoint.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "deepwell/sqlite_audit_file.h"
#include "deepwell/pool.h"
#include "deepwell/sqlite_conn.h"

/* An idle store still gets its WAL copied back within this long. */
#define IDLE_CHECKPOINT_MS 1000
/*
 * How long the writer's RESTART may wait for readers.  Ours are done in well under a
 * millisecond; one that is not (a backup, a long export) must not hold every commit.
 */
#define RESTART_WAIT_MS 20

/* One file of the store and its WAL: "main", or "audit" (sqlite_audit_file.h). */
struct wal_file {
    const char *schema;
    bool wanted;      /* atomic: the hook asked for a checkpoint of this file */
    int wal_pages;    /* atomic: WAL length after the newest commit */
    int copied;       /* atomic: WAL pages the last checkpoint had copied back */
    int next_restart; /* writer thread only: WAL pages at which to try RESTART again */
};

#define WAL_FILES 2

struct deepwell_checkpointer {
    sqlite3 *db;
    struct deepwell_checkpoint_limits limits;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;       /* guarded by lock */
    bool wanted;         /* atomic: some file's hook asked */
    int busy_timeout_ms; /* the writer's, put back after each RESTART */
    struct wal_file files[WAL_FILES];
    uint64_t checkpoints, restarts, busy, failures; /* atomic */
};

static struct wal_file *file_for(struct deepwell_checkpointer *cp, const char *schema)
{
    return schema != NULL && strcmp(schema, "audit") == 0 ? &cp->files[1] : &cp->files[0];
}

/* One checkpoint of file on db (the thread's connection, or the writer's in the hook). */
static void checkpoint(struct deepwell_checkpointer *cp, sqlite3 *db, struct wal_file *file,
                       int mode, uint64_t *counter)
{
    int wal = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(db, file->schema, mode, &wal, &copied);
    if (rc == SQLITE_OK) {
        __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
        __atomic_store_n(&file->copied, copied, __ATOMIC_RELAXED);
        return;
    }
    if ((rc & 0xff) == SQLITE_BUSY) {
        /* Another checkpoint was running, or (RESTART) a reader outlasted busy_timeout:
           a later commit asks again. */
        __atomic_add_fetch(&cp->busy, 1, __ATOMIC_RELAXED);
        return;
    }
    __atomic_add_fetch(&cp->failures, 1, __ATOMIC_RELAXED);
    log_warning("deepwell", "%s checkpoint of %s: %s",
                mode == SQLITE_CHECKPOINT_PASSIVE ? "passive" : "restart", file->schema,
                sqlite3_errmsg(db));
}

int deepwell_checkpointer_wal_hook(void *arg, sqlite3 *db, const char *schema, int pages)
{
    struct deepwell_checkpointer *cp = arg;
    struct wal_file *file = file_for(cp, schema);
    __atomic_store_n(&file->wal_pages, pages, __ATOMIC_RELAXED);
    if (pages < file->next_restart)
        file->next_restart = 0; /* the WAL started over */
    if (pages >= cp->limits.restart_pages && pages >= file->next_restart) {
        /*
         * The WAL starts over only at a commit that finds every page copied back, which
         * a writer that never pauses may never give the thread.  The writer does it
         * itself, on its own connection between two of its transactions, where no other
         * writer competes for the lock: a RESTART checkpoint that waits (briefly) for
         * readers.  Rare (once per restart_pages), and mostly copied already by the
         * thread.  If a long reader keeps it from finishing, the writer goes on and
         * tries again checkpoint_pages later: the WAL grows meanwhile, as SQLite's
         * own checkpoints would let it, but no commit waits on that reader.
         */
        uint64_t before = __atomic_load_n(&cp->restarts, __ATOMIC_RELAXED);
        sqlite3_busy_timeout(db, RESTART_WAIT_MS);
        checkpoint(cp, db, file, SQLITE_CHECKPOINT_RESTART, &cp->restarts);
        sqlite3_busy_timeout(db, cp->busy_timeout_ms);
        if (__atomic_load_n(&cp->restarts, __ATOMIC_RELAXED) == before)
            file->next_restart = pages + cp->limits.checkpoint_pages;
        return SQLITE_OK;
    }
    /*
     * Keep the thread checkpointing while the WAL is long.  One checkpoint per
     * checkpoint_pages new pages would always trail the writer, so the WAL would never
     * start over; back-to-back checkpoints catch up, each copying the latest commits.
     */
    if (pages >= cp->limits.checkpoint_pages) {
        __atomic_store_n(&file->wanted, true, __ATOMIC_RELEASE);
        if (!__atomic_exchange_n(&cp->wanted, true, __ATOMIC_ACQ_REL)) {
            /* Signalled under the lock so the thread cannot miss it between test and wait. */
            pthread_mutex_lock(&cp->lock);
            pthread_cond_signal(&cp->wake);
            pthread_mutex_unlock(&cp->lock);
        }
    }
    return SQLITE_OK;
}

/* Checkpoints each file that asked, or that an idle second left partly copied. */
static void checkpoint_files(struct deepwell_checkpointer *cp)
{
    for (int i = 0; i < WAL_FILES; i++) {
        struct wal_file *file = &cp->files[i];
        if (file->schema == NULL)
            continue;
        bool asked = __atomic_exchange_n(&file->wanted, false, __ATOMIC_ACQ_REL);
        int pages = __atomic_load_n(&file->wal_pages, __ATOMIC_RELAXED);
        bool idle_work = pages > 0 && pages != __atomic_load_n(&file->copied, __ATOMIC_RELAXED);
        if (asked || idle_work)
            checkpoint(cp, cp->db, file, SQLITE_CHECKPOINT_PASSIVE, &cp->checkpoints);
    }
}

static void *checkpointer_main(void *arg)
{
    struct deepwell_checkpointer *cp = arg;
    pthread_setname_np(pthread_self(), "dw-checkpoint");
    pthread_mutex_lock(&cp->lock);
    while (!cp->stopping) {
        if (!__atomic_load_n(&cp->wanted, __ATOMIC_ACQUIRE)) {
            struct timespec until = time_mono_deadline(IDLE_CHECKPOINT_MS);
            pthread_cond_timedwait(&cp->wake, &cp->lock, &until);
            if (cp->stopping)
                break;
        }
        __atomic_store_n(&cp->wanted, false, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&cp->lock);
        checkpoint_files(cp);
        pthread_mutex_lock(&cp->lock);
    }
    pthread_mutex_unlock(&cp->lock);
    return NULL;
}

static enum deepwell_code init_sync(struct deepwell_checkpointer *cp, struct deepwell_error *err)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return deepwell_error_set(err, DW_INTERNAL, "checkpoint.start", "pthread_condattr_init");
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&cp->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (rc == 0 && (rc = pthread_mutex_init(&cp->lock, NULL)) != 0)
        pthread_cond_destroy(&cp->wake);
    if (rc != 0)
        return deepwell_error_set(err, DW_INTERNAL, "checkpoint.start", "%s", strerror(rc));
    return DW_OK;
}

/* The thread's connection to the store's file and (if it has one) its audit file. */
static enum deepwell_code open_connection(struct deepwell_checkpointer *cp, const char *path,
                                          struct deepwell_error *err)
{
    int rc = sqlite3_open_v2(path, &cp->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return deepwell_error_from_sqlite(err, cp->db, rc, "checkpoint.start");
    bool audit = false;
    enum deepwell_code code = deepwell_audit_file_attach(cp->db, path, NULL, &audit, err);
    if (code != DW_OK)
        return code;
    cp->files[0].schema = "main";
    cp->files[1].schema = audit ? "audit" : NULL;
    /* RESTART waits for the writer and readers through the busy handler. */
    sqlite3_busy_timeout(cp->db, cp->busy_timeout_ms);
    /* A connection that has read nothing has not opened the WAL yet, and SQLite
       (before 3.41) answers its checkpoint with OK having copied nothing. */
    const char *first_reads[] = {"SELECT 1 FROM main.sqlite_schema LIMIT 1",
                                 audit ? "SELECT 1 FROM audit.sqlite_schema LIMIT 1" : NULL};
    for (size_t i = 0; i < sizeof(first_reads) / sizeof(first_reads[0]); i++) {
        if (first_reads[i] == NULL)
            continue;
        rc = sqlite3_exec(cp->db, first_reads[i], NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return deepwell_error_from_sqlite(err, cp->db, rc, "checkpoint.start");
    }
    return DW_OK;
}

enum deepwell_code deepwell_checkpointer_start(const char *path, int busy_timeout_ms,
                                               const struct deepwell_checkpoint_limits *limits,
                                               struct deepwell_checkpointer **out,
                                               struct deepwell_error *err)
{
    *out = NULL;
    if (limits->checkpoint_pages < 1 || limits->restart_pages < limits->checkpoint_pages)
        return deepwell_error_set(err, DW_INVALID, "checkpoint.start",
                                  "WAL limits must be 1 <= checkpoint pages (%d) <= restart "
                                  "pages (%d)",
                                  limits->checkpoint_pages, limits->restart_pages);
    struct deepwell_checkpointer *cp = calloc(1, sizeof(*cp));
    if (cp == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "checkpoint.start", "out of memory");
    cp->limits = *limits;
    cp->busy_timeout_ms = busy_timeout_ms;
    enum deepwell_code code = open_connection(cp, path, err);
    if (code != DW_OK) {
        sqlite3_close_v2(cp->db);
        free(cp);
        return code;
    }
    code = init_sync(cp, err);
    int rc;
    if (code == DW_OK && (rc = pthread_create(&cp->thread, NULL, checkpointer_main, cp)) != 0) {
        pthread_cond_destroy(&cp->wake);
        pthread_mutex_destroy(&cp->lock);
        code = deepwell_error_set(err, DW_INTERNAL, "checkpoint.start", "cannot start thread: %s",
                                  strerror(rc));
    }
    if (code != DW_OK) {
        sqlite3_close_v2(cp->db);
        free(cp);
        return code;
    }
    *out = cp;
    return DW_OK;
}

void deepwell_checkpointer_stop(struct deepwell_checkpointer *cp)
{
    if (cp == NULL)
        return;
    pthread_mutex_lock(&cp->lock);
    cp->stopping = true;
    pthread_cond_signal(&cp->wake);
    pthread_mutex_unlock(&cp->lock);
    pthread_join(cp->thread, NULL);
    pthread_cond_destroy(&cp->wake);
    pthread_mutex_destroy(&cp->lock);
    int rc = sqlite3_close_v2(cp->db);
    if (rc != SQLITE_OK)
        log_warning("deepwell", "closing the checkpoint connection: %s", sqlite3_errstr(rc));
    free(cp);
}

void deepwell_checkpointer_stats(struct deepwell_checkpointer *cp,
                                 struct deepwell_checkpoint_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (cp == NULL)
        return;
    out->checkpoints = __atomic_load_n(&cp->checkpoints, __ATOMIC_RELAXED);
    out->restarts = __atomic_load_n(&cp->restarts, __ATOMIC_RELAXED);
    out->busy = __atomic_load_n(&cp->busy, __ATOMIC_RELAXED);
    out->failures = __atomic_load_n(&cp->failures, __ATOMIC_RELAXED);
    for (int i = 0; i < WAL_FILES; i++)
        out->wal_pages += __atomic_load_n(&cp->files[i].wal_pages, __ATOMIC_RELAXED);
}
