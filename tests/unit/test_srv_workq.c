/*
 * test_srv_workq.c - the worker pools: every job runs, a pool with standby threads
 * runs short jobs on one thread, and a stuck job does not hold the others back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/workq.h"

#define QUICK_JOBS 200

struct tally {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    int done;
    pthread_t threads[8]; /* the distinct threads that ran jobs */
    int nthreads;
    bool release; /* the stuck job may finish */
    bool stuck_running;
};

struct test_job {
    struct job job; /* first */
    struct tally *tally;
    bool stuck; /* waits until the test releases it */
};

static void note_thread(struct tally *t)
{
    pthread_t self = pthread_self();
    for (int i = 0; i < t->nthreads; i++)
        if (pthread_equal(t->threads[i], self))
            return;
    if (t->nthreads < 8)
        t->threads[t->nthreads++] = self;
}

static void run_job(struct job *job)
{
    struct test_job *j = (struct test_job *)job;
    struct tally *t = j->tally;
    pthread_mutex_lock(&t->mu);
    if (j->stuck) {
        t->stuck_running = true;
        pthread_cond_broadcast(&t->changed);
        while (!t->release)
            pthread_cond_wait(&t->changed, &t->mu);
    } else {
        note_thread(t);
    }
    t->done++;
    pthread_cond_broadcast(&t->changed);
    pthread_mutex_unlock(&t->mu);
}

static void tally_init(struct tally *t)
{
    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->changed, NULL);
}

static void tally_destroy(struct tally *t)
{
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->changed);
}

/* Waits (at most a minute: a hang fails the test, it is no measure) for done >= n. */
static bool wait_done(struct tally *t, int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    pthread_mutex_lock(&t->mu);
    int rc = 0;
    while (t->done < n && rc == 0)
        rc = pthread_cond_timedwait(&t->changed, &t->mu, &until);
    bool ok = t->done >= n;
    pthread_mutex_unlock(&t->mu);
    return ok;
}

static void push_quick(struct workq *q, struct tally *t, struct test_job *jobs, int n)
{
    for (int i = 0; i < n; i++) {
        jobs[i] = (struct test_job){.job = {.run = run_job}, .tally = t};
        workq_push(q, &jobs[i].job);
    }
}

static void every_job_runs_with_or_without_standby(void **state)
{
    (void)state;
    const int standby[] = {0, 1000};
    for (size_t k = 0; k < sizeof(standby) / sizeof(standby[0]); k++) {
        struct tally t;
        tally_init(&t);
        struct workq *q = workq_new(3, "test", 0, standby[k]);
        assert_non_null(q);
        static struct test_job jobs[QUICK_JOBS];
        push_quick(q, &t, jobs, QUICK_JOBS);
        assert_true(wait_done(&t, QUICK_JOBS));
        workq_drain_and_free(q);
        tally_destroy(&t);
    }
}

static void short_jobs_keep_to_one_thread(void **state)
{
    (void)state;
    struct tally t;
    tally_init(&t);
    /* A long standby (10 s): no job here runs anywhere near that. */
    struct workq *q = workq_new(3, "test", 0, 10 * 1000 * 1000);
    assert_non_null(q);
    static struct test_job jobs[QUICK_JOBS];
    for (int round = 0; round < 4; round++) {
        push_quick(q, &t, jobs + round * (QUICK_JOBS / 4), QUICK_JOBS / 4);
        assert_true(wait_done(&t, (round + 1) * (QUICK_JOBS / 4)));
    }
    assert_int_equal(t.nthreads, 1);
    workq_drain_and_free(q);
    tally_destroy(&t);
}

static void stuck_job_does_not_hold_the_others(void **state)
{
    (void)state;
    struct tally t;
    tally_init(&t);
    struct workq *q = workq_new(2, "test", 0, 20 * 1000);
    assert_non_null(q);
    struct test_job stuck = {.job = {.run = run_job}, .tally = &t, .stuck = true};
    workq_push(q, &stuck.job);
    pthread_mutex_lock(&t.mu);
    while (!t.stuck_running)
        pthread_cond_wait(&t.changed, &t.mu);
    pthread_mutex_unlock(&t.mu);

    /* The one working thread is stuck: the standby one runs these meanwhile. */
    static struct test_job jobs[QUICK_JOBS];
    push_quick(q, &t, jobs, QUICK_JOBS);
    assert_true(wait_done(&t, QUICK_JOBS));
    pthread_mutex_lock(&t.mu);
    assert_false(t.release); /* all done while the stuck job still waited */
    t.release = true;
    pthread_cond_broadcast(&t.changed);
    pthread_mutex_unlock(&t.mu);
    assert_true(wait_done(&t, QUICK_JOBS + 1));
    workq_drain_and_free(q);
    tally_destroy(&t);
}

static void drain_runs_what_is_queued(void **state)
{
    (void)state;
    struct tally t;
    tally_init(&t);
    struct workq *q = workq_new(2, "test", 0, 1000);
    assert_non_null(q);
    static struct test_job jobs[QUICK_JOBS];
    push_quick(q, &t, jobs, QUICK_JOBS);
    workq_drain_and_free(q);
    assert_int_equal(t.done, QUICK_JOBS);
    tally_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_job_runs_with_or_without_standby),
        cmocka_unit_test(short_jobs_keep_to_one_thread),
        cmocka_unit_test(stuck_job_does_not_hold_the_others),
        cmocka_unit_test(drain_runs_what_is_queued),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
