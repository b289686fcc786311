/*
 * workq.c - worker threads for store work and password hashing.
 *
 * Without standby every thread waits on `work` and a push wakes one.  With it,
 * thread 0 (the primary) is the only one a push wakes, whenever it is not on a
 * job (even while standby threads work: only it takes a job unasked); the others wait on
 * `standby` and look at the queue every standby_ns while the pool is busy.  One
 * takes a job only when every working thread has been on its job that long, and
 * a push wakes one at once when that is already so.  After IDLE_SLEEP_NS without
 * work they stop looking and sleep until the primary starts work again.
 */
#include "server/workq.h"
#include "server/fairq.h"
#include "common/log.h"
#include "common/timeutil.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Standby threads of a pool idle this long stop polling (an idle server stays asleep). */
#define IDLE_SLEEP_NS 1000000000LL

struct workq {
    pthread_mutex_t mu;
    pthread_cond_t work;     /* jobs for the primary (or for all, without standby) */
    pthread_cond_t standby;  /* CLOCK_MONOTONIC: the standby threads' timed waits */
    struct job *head, *tail; /* the queue, first in first out ... */
    struct fairq *fair;      /* ... or, in a fair pool, this one */
    bool stopping;
    int64_t standby_ns;   /* 0: no standby, every thread takes jobs at once */
    int active;           /* threads running a job */
    int64_t *started_ns;  /* per thread: when its job began, 0 when idle */
    int64_t last_busy_ns; /* when a job last ended */
    int deep_sleepers;    /* standby threads waiting without a deadline */
    int nthreads;
    int nice;
    char name[16];
    pthread_t *threads;
};

struct worker {
    struct workq *q;
    int index;
};

/* Every working thread has been on its job standby_ns (mu held): it is stuck. */
static bool all_stuck(struct workq *q, int64_t now)
{
    if (q->active == 0)
        return false;
    for (int i = 0; i < q->nthreads; i++)
        if (q->started_ns[i] != 0 && now - q->started_ns[i] < q->standby_ns)
            return false;
    return true;
}

static bool is_standby(struct workq *q, int index)
{
    return q->standby_ns > 0 && index > 0;
}

static bool has_job(const struct workq *q)
{
    return q->fair != NULL ? !fairq_empty(q->fair) : q->head != NULL;
}

/* Whether thread index takes the head job now (mu held, a job queued). */
static bool takes_job(struct workq *q, int index)
{
    if (!is_standby(q, index) || q->stopping)
        return true;
    /* The primary was woken for it and is on its way; or it is busy but not stuck. */
    return all_stuck(q, time_mono_ns());
}

/* Waits for something to do (mu held). */
static void wait_for_work(struct workq *q, int index)
{
    if (!is_standby(q, index)) {
        pthread_cond_wait(&q->work, &q->mu);
        return;
    }
    int64_t now = time_mono_ns();
    if (q->active == 0 && !has_job(q) && now - q->last_busy_ns >= IDLE_SLEEP_NS) {
        q->deep_sleepers++;
        pthread_cond_wait(&q->standby, &q->mu);
        q->deep_sleepers--;
        return;
    }
    struct timespec until = time_mono_timespec(now + q->standby_ns);
    pthread_cond_timedwait(&q->standby, &q->mu, &until);
}

static void run_one(struct workq *q, int index)
{
    struct fairq_conn *source = NULL;
    struct job *job = q->head;
    if (q->fair != NULL) {
        job = fairq_take(q->fair, &source);
    } else {
        q->head = job->next;
        if (q->head == NULL)
            q->tail = NULL;
    }
    q->active++;
    if (q->standby_ns > 0) {
        q->started_ns[index] = time_mono_ns();
        /* Busy again after a long idle: the sleeping standby threads resume watching. */
        if (q->deep_sleepers > 0)
            pthread_cond_broadcast(&q->standby);
    }
    pthread_mutex_unlock(&q->mu);
    job->next = NULL;
    job->run(job);
    pthread_mutex_lock(&q->mu);
    if (source != NULL)
        fairq_done(q->fair, source); /* job itself may be gone: it was handed on */
    q->active--;
    if (q->standby_ns > 0) {
        q->started_ns[index] = 0;
        q->last_busy_ns = time_mono_ns();
    }
}

static void *worker_main(void *arg)
{
    struct worker *self = arg;
    struct workq *q = self->q;
    int index = self->index;
    free(self);
    pthread_setname_np(pthread_self(), q->name); /* "store" or "hash": for top -H and perf */
    /* On Linux a thread has its own nice value: PRIO_PROCESS with its thread id. */
    if (q->nice > 0 && setpriority(PRIO_PROCESS, (id_t)gettid(), q->nice) != 0)
        log_warning("workq", "%s: cannot lower thread priority", q->name);
    pthread_mutex_lock(&q->mu);
    for (;;) {
        if (has_job(q) && takes_job(q, index))
            run_one(q, index);
        else if (!has_job(q) && q->stopping)
            break;
        else
            wait_for_work(q, index);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static struct workq *start(int threads, const char *name, int nice, int standby_us, bool fair)
{
    struct workq *q = calloc(1, sizeof(*q));
    if (q == NULL)
        return NULL;
    if (fair && (q->fair = fairq_new()) == NULL) {
        free(q);
        return NULL;
    }
    q->nice = nice;
    q->standby_ns = standby_us > 0 && threads > 1 ? (int64_t)standby_us * 1000 : 0;
    snprintf(q->name, sizeof(q->name), "%s", name);
    q->threads = calloc((size_t)threads, sizeof(pthread_t));
    q->started_ns = calloc((size_t)threads, sizeof(int64_t));
    if (q->threads == NULL || q->started_ns == NULL) {
        free(q->threads);
        free(q->started_ns);
        fairq_free(q->fair);
        free(q);
        return NULL;
    }
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->standby, &attr);
    pthread_condattr_destroy(&attr);
    for (int i = 0; i < threads; i++) {
        struct worker *w = malloc(sizeof(*w));
        if (w != NULL)
            *w = (struct worker){q, i};
        if (w == NULL || pthread_create(&q->threads[i], NULL, worker_main, w) != 0) {
            free(w);
            log_error("workq", "%s: cannot start thread %d", name, i);
            workq_drain_and_free(q);
            return NULL;
        }
        q->nthreads++;
    }
    return q;
}

struct workq *workq_new(int threads, const char *name, int nice, int standby_us)
{
    return start(threads, name, nice, standby_us, false);
}

struct workq *workq_new_fair(int threads, const char *name, int nice)
{
    return start(threads, name, nice, 0, true);
}

void workq_push(struct workq *q, struct job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&q->mu);
    if (q->fair != NULL) {
        fairq_push(q->fair, job);
    } else {
        if (q->tail != NULL)
            q->tail->next = job;
        else
            q->head = job;
        q->tail = job;
    }
    /*
     * An idle primary is woken whoever else is busy: a standby thread done with its
     * job takes no other unless all are stuck, so it would leave this one queued.
     */
    if (q->standby_ns == 0 || q->started_ns[0] == 0)
        pthread_cond_signal(&q->work);
    else if (all_stuck(q, time_mono_ns()))
        pthread_cond_signal(&q->standby);
    /* Otherwise the primary takes it when done with its own job. */
    pthread_mutex_unlock(&q->mu);
}

void workq_drain_and_free(struct workq *q)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_broadcast(&q->work);
    pthread_cond_broadcast(&q->standby);
    pthread_mutex_unlock(&q->mu);
    for (int i = 0; i < q->nthreads; i++)
        pthread_join(q->threads[i], NULL);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->standby);
    free(q->threads);
    free(q->started_ns);
    fairq_free(q->fair);
    free(q);
}
