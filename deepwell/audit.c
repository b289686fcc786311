/*
 * audit.c - the audit log's queue and its group-commit thread.
 *
 * Appenders validate and copy their entry into a FIFO queue and return (or wait).
 * One thread takes up to audit_batch_max entries at a time, writes them in one
 * transaction on the writer connection, then tells each entry's owner how it went.
 * One fsync then covers a whole batch, so a burst of logins costs one commit, not
 * hundreds.  A failed batch is rolled back and its entries are retried one by one,
 * so only an entry that fails on its own is reported failed; later entries are
 * still written.  Stopping drains the queue first.
 *
 * Under load the thread also lingers: when the log committed less than BUSY_GAP_NS
 * ago and fewer than LINGER_ROWS entries wait, it waits up to LINGER_NS for more,
 * so a commit's fixed cost (locks, the WAL header, the tip) is shared by more rows.
 * A lone entry on a quiet store is never held back.
 *
 * Row hashes chain on the table's last row, read inside each batch's write
 * transaction: nothing is cached, so rows added by the importer (or another process
 * on the same file, or another server on the same PostgreSQL store) are always
 * chained onto and a rolled-back batch leaves nothing to restore.  On PostgreSQL
 * the batch first locks the one row of audit_lock (engine.c), so batches of several
 * servers take turns and form one chain.
 *
 * A server's store also has a sealer (seal.h): the thread signs the head it committed
 * once seal_rows rows are unsealed (but at most once per seal_min_gap, so a busy
 * log does not sync a seal file many times a second) or the oldest of them is
 * seal_interval old, and
 * once more when it stops.  Sealing runs here, after the batch's callbacks, so no
 * reply waits for a signature or the seal file's sync.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "deepwell/audit.h"
#include "deepwell/audit_seal.h"
#include "deepwell/engine.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

#define DEFAULT_BATCH_MAX 256
/* A locked database or a busy pool is worth retrying before failing a batch. */
#define BATCH_ATTEMPTS       3
#define BATCH_RETRY_PAUSE_MS 50
/* Lingering for a fuller batch (see above). */
#define LINGER_ROWS 8
#define LINGER_NS   150000
#define BUSY_GAP_NS 1000000

struct audit_item {
    struct audit_item *next;
    struct deepwell_audit_record rec;
    deepwell_audit_done_fn done;
    void *arg;
    struct deepwell_error *err_out; /* deepwell_audit_log's caller wants the reason */
    /* the outcome, filled in by the audit thread */
    enum deepwell_code status;
    int64_t row_id;
    struct deepwell_error error;
};

struct deepwell_audit_writer {
    struct deepwell *dw;
    pthread_t thread;
    int batch_max;
    pthread_mutex_t lock;
    pthread_cond_t queued;   /* CLOCK_MONOTONIC: entries arrived, or stop was asked */
    pthread_cond_t finished; /* entries were committed or failed (callbacks run) */
    /* guarded by lock */
    struct audit_item *head, *tail;
    uint64_t appended;      /* entries ever queued */
    size_t waiting;         /* entries queued and not yet taken */
    int64_t last_commit_ns; /* when the thread last finished a batch */
    uint64_t done;          /* entries ever finished, in queue order */
    uint64_t last_failed;   /* number (1-based) of the newest entry that failed, 0 = none */
    struct deepwell_error last_error;
    bool stopping;
    /* sealing; the sealer itself is used by the audit thread only */
    struct deepwell_sealer *sealer;
    int seal_rows;
    int64_t seal_interval_ns;
    int64_t seal_min_gap_ns;
    int64_t last_seal_ns;                 /* when the newest seal was made (or tried) */
    struct deepwell_audit_tip chain_head; /* the newest row this writer committed (or sealed) */
    int64_t unsealed;                     /* rows committed since the last seal */
    int64_t first_unsealed_ns;            /* when the oldest of them committed */
};

/* ---- one batch ---------------------------------------------------------------------- */

/*
 * One transaction for count entries from first; row ids are valid only on DW_OK,
 * and then *head is the chain's tip after the commit.
 */
static enum deepwell_code write_once(struct deepwell *dw, struct audit_item *first, size_t count,
                                     struct deepwell_audit_tip *head, struct deepwell_error *err)
{
    struct deepwell_conn *conn;
    struct deepwell_audit_tip tip;
    enum deepwell_code code;
    struct audit_item *item = first;

    code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    /* Every process appends to one chain: take the store's audit lock (if the engine
       needs one) before reading the tip, and read what was committed meanwhile. */
    const char *begin = dw->engine->sql_audit_begin, *lock = dw->engine->sql_audit_lock;
    code = begin ? dw_exec(conn, begin, "audit.lock", err) : deepwell_conn_begin_locked(conn, err);
    if (code == DW_OK && !begin && lock != NULL)
        code = dw_exec(conn, lock, "audit.lock", err);
    if (code != DW_OK && code != DW_BUSY && begin) /* as a failed BEGIN is (pg_conn.c) */
        deepwell_conn_mark_suspect(conn);
    /* Several rows to a statement, the tip read with the actors' names: a batch costs a
       few round trips, not one per row (audit_tip.c). */
    struct deepwell_audit_names names;
    for (size_t done = 0; code == DW_OK && done < count;) {
        const struct deepwell_audit_record *recs[64];
        struct audit_item *group = item;
        size_t n = 0;
        for (; n < sizeof(recs) / sizeof(recs[0]) && done + n < count; n++, item = item->next)
            recs[n] = &item->rec;
        if (done == 0)
            code = deepwell_audit_read_tip_names(conn, recs, n, &tip, &names, err);
        if (code != DW_OK)
            break;
        int64_t first_id = tip.id + 1;
        code = deepwell_audit_insert_named(conn, recs, n, &tip, &names, err);
        for (size_t i = 0; i < n; i++, group = group->next)
            group->row_id = first_id + (int64_t)i;
        done += n;
    }
    if (code == DW_OK)
        code = deepwell_conn_commit(conn, err);
    if (code != DW_OK)
        deepwell_conn_rollback(conn);
    else
        *head = tip;
    deepwell_pool_release(dw->pool, conn);
    return code;
}

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static bool transient(enum deepwell_code code)
{
    return code == DW_BUSY || code == DW_POOL_EXHAUSTED;
}

static enum deepwell_code write_with_retry(struct deepwell *dw, struct audit_item *first,
                                           size_t count, struct deepwell_audit_tip *head,
                                           struct deepwell_error *err)
{
    enum deepwell_code code = write_once(dw, first, count, head, err);

    for (int attempt = 2; attempt <= BATCH_ATTEMPTS && transient(code); attempt++) {
        pause_ms(BATCH_RETRY_PAUSE_MS * (attempt - 1));
        code = write_once(dw, first, count, head, err);
    }
    return code;
}

static void set_outcome(struct audit_item *item, enum deepwell_code code,
                        const struct deepwell_error *err)
{
    item->status = code;
    if (code == DW_OK)
        return;
    item->row_id = 0;
    item->error = *err;
    log_error("deepwell", "audit: row '%s' not written: %s (%s)", item->rec.action, err->message,
              err->context);
}

/*
 * Writes a batch in one transaction.  If that fails for a reason other than a
 * busy database, the entries are written one by one, so one bad entry costs only
 * itself and not the rows that happened to share its batch.  Returns how many
 * rows were committed; *head is the tip after the last commit.
 */
static size_t write_batch(struct deepwell *dw, struct audit_item *first, size_t count,
                          struct deepwell_audit_tip *head)
{
    struct deepwell_error err = {0};
    enum deepwell_code code = write_with_retry(dw, first, count, head, &err);
    struct audit_item *item = first;
    size_t written = 0;

    if (code == DW_OK || count == 1 || transient(code)) {
        for (size_t i = 0; i < count; i++, item = item->next)
            set_outcome(item, code, &err);
        return code == DW_OK ? count : 0;
    }
    for (size_t i = 0; i < count; i++, item = item->next) {
        struct deepwell_error one = {0};
        set_outcome(item, write_with_retry(dw, item, 1, head, &one), &one);
        written += item->status == DW_OK;
    }
    return written;
}

/* Tells each entry's owner the outcome and frees the entries. */
static void finish_batch(struct audit_item *first, size_t count)
{
    struct audit_item *item = first;

    for (size_t i = 0; i < count; i++) {
        struct audit_item *next = item->next;
        if (item->err_out != NULL && item->status != DW_OK)
            *item->err_out = item->error;
        if (item->done != NULL)
            item->done(item->arg, item->status, item->row_id);
        deepwell_audit_record_clear(&item->rec);
        free(item);
        item = next;
    }
}

/* Remembers the batch's newest failure for deepwell_audit_flush (lock held). */
static void note_failures(struct deepwell_audit_writer *w, const struct audit_item *first,
                          size_t count)
{
    const struct audit_item *item = first;

    for (size_t i = 0; i < count; i++, item = item->next) {
        if (item->status != DW_OK) {
            w->last_failed = w->done + i + 1;
            w->last_error = item->error;
        }
    }
}

/* ---- the thread --------------------------------------------------------------------- */

/* Detaches up to batch_max entries from the queue head (lock held). */
static struct audit_item *take_batch(struct deepwell_audit_writer *w, size_t *count)
{
    struct audit_item *first = w->head, *last = w->head;
    size_t n = 1;

    while (n < (size_t)w->batch_max && last->next != NULL) {
        last = last->next;
        n++;
    }
    w->head = last->next;
    w->waiting -= n;
    if (w->head == NULL)
        w->tail = NULL;
    last->next = NULL;
    *count = n;
    return first;
}

/* Under load, waits (lock held) up to LINGER_NS for LINGER_ROWS entries in all. */
static void linger(struct deepwell_audit_writer *w)
{
    int64_t now = time_mono_ns();
    if (w->waiting >= LINGER_ROWS || w->stopping || now - w->last_commit_ns >= BUSY_GAP_NS)
        return;
    struct timespec until = time_mono_timespec(now + LINGER_NS);
    while (w->waiting < LINGER_ROWS && !w->stopping)
        if (pthread_cond_timedwait(&w->queued, &w->lock, &until) != 0)
            break;
}

/* ---- sealing ------------------------------------------------------------------------ */

/* Seals the head (lock held; released while signing and syncing the seal file). */
static void seal_now(struct deepwell_audit_writer *w)
{
    struct deepwell_audit_tip head = w->chain_head;
    struct deepwell_error err = {0};

    pthread_mutex_unlock(&w->lock);
    enum deepwell_code code = deepwell_sealer_seal(w->sealer, &head, &err);
    pthread_mutex_lock(&w->lock);
    w->last_seal_ns = time_mono_ns();
    if (code == DW_OK) {
        w->unsealed = 0;
        return;
    }
    /* Not fatal to the log itself: try again an interval later, and say so. */
    log_error("audit", "cannot seal the audit log at row %lld: %s", (long long)head.id,
              err.message);
    w->first_unsealed_ns = time_mono_ns();
}

/* When the next seal is due (lock held; only meaningful with unsealed rows). */
static int64_t seal_due_at(const struct deepwell_audit_writer *w)
{
    int64_t due = w->first_unsealed_ns + w->seal_interval_ns;
    int64_t by_rows = w->last_seal_ns + w->seal_min_gap_ns;
    if (w->unsealed >= w->seal_rows && by_rows < due)
        due = by_rows;
    return due;
}

static bool seal_due(const struct deepwell_audit_writer *w, int64_t now)
{
    return w->sealer != NULL && w->unsealed > 0 && now >= seal_due_at(w);
}

/* Counts rows a batch committed (lock held) and seals when that is due. */
static void count_for_seal(struct deepwell_audit_writer *w, size_t written,
                           const struct deepwell_audit_tip *head, int64_t now)
{
    if (w->sealer == NULL || written == 0)
        return;
    if (w->unsealed == 0)
        w->first_unsealed_ns = now;
    w->unsealed += (int64_t)written;
    w->chain_head = *head;
    if (seal_due(w, now))
        seal_now(w);
}

/* Waits for entries (lock held); an idle log with unsealed rows is sealed on time. */
static void wait_for_entries(struct deepwell_audit_writer *w)
{
    while (w->head == NULL && !w->stopping) {
        if (w->sealer == NULL || w->unsealed == 0) {
            pthread_cond_wait(&w->queued, &w->lock);
            continue;
        }
        struct timespec until = time_mono_timespec(seal_due_at(w));
        if (pthread_cond_timedwait(&w->queued, &w->lock, &until) != 0 &&
            seal_due(w, time_mono_ns()))
            seal_now(w);
    }
}

void deepwell_audit_attach_sealer(struct deepwell *dw, struct deepwell_sealer *s, int rows,
                                  int interval_s, int min_gap_ms,
                                  const struct deepwell_audit_tip *sealed)
{
    struct deepwell_audit_writer *w = dw->audit;

    if (w == NULL) {
        deepwell_sealer_free(s);
        return;
    }
    pthread_mutex_lock(&w->lock);
    if (w->sealer != NULL) { /* the thread may be signing with it: keep the first */
        pthread_mutex_unlock(&w->lock);
        log_error("audit", "the audit log already has a sealer");
        deepwell_sealer_free(s);
        return;
    }
    w->sealer = s;
    w->seal_rows = rows;
    w->seal_interval_ns = (int64_t)interval_s * 1000000000LL;
    w->seal_min_gap_ns = (int64_t)min_gap_ms * 1000000LL;
    w->last_seal_ns = time_mono_ns();
    w->chain_head = *sealed;
    w->unsealed = 0;
    pthread_mutex_unlock(&w->lock);
}

static void *audit_thread_main(void *arg)
{
    struct deepwell_audit_writer *w = arg;

    pthread_setname_np(pthread_self(), "dw-audit"); /* for top -H, perf and gdb */
    pthread_mutex_lock(&w->lock);
    for (;;) {
        wait_for_entries(w);
        if (w->head == NULL)
            break; /* stopping, and everything queued is written */
        linger(w);

        size_t count;
        struct audit_item *batch = take_batch(w, &count);
        pthread_mutex_unlock(&w->lock);

        struct deepwell_audit_tip head = {0};
        size_t written = write_batch(w->dw, batch, count, &head);
        pthread_mutex_lock(&w->lock);
        note_failures(w, batch, count);
        pthread_mutex_unlock(&w->lock);
        /* Callbacks run without the lock so they may append again. */
        finish_batch(batch, count);

        pthread_mutex_lock(&w->lock);
        w->done += count;
        w->last_commit_ns = time_mono_ns();
        pthread_cond_broadcast(&w->finished);
        count_for_seal(w, written, &head, w->last_commit_ns);
    }
    /* The last seal: the log as this process leaves it. */
    if (w->sealer != NULL && w->unsealed > 0)
        seal_now(w);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

enum deepwell_code deepwell_audit_start(struct deepwell *dw, struct deepwell_error *err)
{
    struct deepwell_audit_writer *w;
    int rc;

    if (sodium_init() < 0)
        return deepwell_error_set(err, DW_INTERNAL, "audit.start", "libsodium failed to start");
    w = calloc(1, sizeof(*w));
    if (w == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "audit.start", "out of memory");
    w->dw = dw;
    w->batch_max = dw->opts.audit_batch_max > 0 ? dw->opts.audit_batch_max : DEFAULT_BATCH_MAX;
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->queued, &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&w->finished, NULL);
    rc = pthread_create(&w->thread, NULL, audit_thread_main, w);
    if (rc != 0) {
        pthread_cond_destroy(&w->finished);
        pthread_cond_destroy(&w->queued);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return deepwell_error_set(err, DW_INTERNAL, "audit.start", "cannot start thread: %s",
                                  strerror(rc));
    }
    dw->audit = w;
    return DW_OK;
}

void deepwell_audit_stop(struct deepwell *dw)
{
    struct deepwell_audit_writer *w = dw->audit;

    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_signal(&w->queued);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    deepwell_sealer_free(w->sealer);
    pthread_cond_destroy(&w->finished);
    pthread_cond_destroy(&w->queued);
    pthread_mutex_destroy(&w->lock);
    free(w);
    dw->audit = NULL;
}

void deepwell_audit_reload_tip(struct deepwell *dw)
{
    (void)dw; /* see audit.h: every batch reads the tip inside its own transaction */
}

/* ---- appending ---------------------------------------------------------------------- */

static bool on_audit_thread(const struct deepwell_audit_writer *w)
{
    return pthread_equal(pthread_self(), w->thread) != 0;
}

static enum deepwell_code enqueue(struct deepwell *dw, const struct deepwell_audit_entry *entry,
                                  deepwell_audit_done_fn done, void *arg,
                                  struct deepwell_error *err_out, struct deepwell_error *err)
{
    struct deepwell_audit_writer *w = dw->audit;
    struct audit_item *item;
    char ts[32];
    enum deepwell_code code;

    if (w == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "audit.append", "the audit log is not open");
    item = calloc(1, sizeof(*item));
    if (item == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "audit.append", "out of memory");
    time_format_iso_ms(time_now_ms(), ts, sizeof(ts));
    code = deepwell_audit_record_init(&item->rec, entry, ts, false, err);
    if (code != DW_OK) {
        deepwell_audit_record_clear(&item->rec);
        free(item);
        return code;
    }
    item->done = done;
    item->arg = arg;
    item->err_out = err_out;

    pthread_mutex_lock(&w->lock);
    if (w->stopping) {
        pthread_mutex_unlock(&w->lock);
        deepwell_audit_record_clear(&item->rec);
        free(item);
        return deepwell_error_set(err, DW_INTERNAL, "audit.append", "the audit log is closing");
    }
    /* Stamped in queue order, so times never run backwards as ids go up (barring a
     * wall-clock step); the time is when the row was logged, not when it committed. */
    time_format_iso_ms(time_now_ms(), item->rec.ts, sizeof(item->rec.ts));
    if (w->tail != NULL)
        w->tail->next = item;
    else
        w->head = item;
    w->tail = item;
    w->appended++;
    w->waiting++;
    /* The thread sleeps only on an empty queue, or lingers for LINGER_ROWS. */
    if (w->waiting == 1 || w->waiting == LINGER_ROWS)
        pthread_cond_signal(&w->queued);
    pthread_mutex_unlock(&w->lock);
    return DW_OK;
}

enum deepwell_code deepwell_audit_append(struct deepwell *dw,
                                         const struct deepwell_audit_entry *entry,
                                         deepwell_audit_done_fn done, void *arg,
                                         struct deepwell_error *err)
{
    return enqueue(dw, entry, done, arg, NULL, err);
}

/* deepwell_audit_log waits on one of these; the audit thread fills it in. */
struct log_waiter {
    struct deepwell_audit_writer *writer;
    bool finished;
    enum deepwell_code code;
    int64_t row_id;
};

static void log_waiter_done(void *arg, enum deepwell_code status, int64_t row_id)
{
    struct log_waiter *waiter = arg;

    pthread_mutex_lock(&waiter->writer->lock);
    waiter->code = status;
    waiter->row_id = row_id;
    waiter->finished = true;
    pthread_cond_broadcast(&waiter->writer->finished);
    pthread_mutex_unlock(&waiter->writer->lock);
}

enum deepwell_code deepwell_audit_log(struct deepwell *dw, const struct deepwell_audit_entry *entry,
                                      int64_t *row_id, struct deepwell_error *err)
{
    struct log_waiter waiter = {.writer = dw->audit};
    struct deepwell_error batch_err = {0};
    enum deepwell_code code;

    if (dw->audit != NULL && on_audit_thread(dw->audit))
        return deepwell_error_set(err, DW_INTERNAL, "audit.log",
                                  "cannot wait for the audit log from its own thread");
    code = enqueue(dw, entry, log_waiter_done, &waiter, &batch_err, err);
    if (code != DW_OK)
        return code;

    pthread_mutex_lock(&waiter.writer->lock);
    while (!waiter.finished)
        pthread_cond_wait(&waiter.writer->finished, &waiter.writer->lock);
    pthread_mutex_unlock(&waiter.writer->lock);

    if (waiter.code != DW_OK) {
        if (err != NULL)
            *err = batch_err;
        return waiter.code;
    }
    if (row_id != NULL)
        *row_id = waiter.row_id;
    return DW_OK;
}

enum deepwell_code deepwell_audit_flush(struct deepwell *dw, struct deepwell_error *err)
{
    struct deepwell_audit_writer *w = dw->audit;
    enum deepwell_code code = DW_OK;

    if (w == NULL)
        return DW_OK; /* nothing can be queued */
    if (on_audit_thread(w))
        return deepwell_error_set(err, DW_INTERNAL, "audit.flush",
                                  "cannot wait for the audit log from its own thread");
    pthread_mutex_lock(&w->lock);
    uint64_t before = w->done, target = w->appended;
    while (w->done < target)
        pthread_cond_wait(&w->finished, &w->lock);
    /* Report a failure among the entries that were waiting when we were called. */
    if (w->last_failed > before) {
        code = w->last_error.code;
        if (err != NULL)
            *err = w->last_error;
    }
    pthread_mutex_unlock(&w->lock);
    return code;
}
