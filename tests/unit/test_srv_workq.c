/*
 * test_srv_workq.c - the worker pools: every job runs, a pool with standby threads
 * runs short jobs on one thread, a stuck job does not hold the others back, and no
 * job is forgotten in the queue (a stress run with random lengths and arrivals), and
 * a fair pool runs a newcomer before a flood.  The fair queue itself: test_srv_fairq.c.
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

#include "server/fairq.h"
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

/* A job that blocks until its own gate opens: the test decides when each one ends. */
struct gated_job {
    struct job job; /* first */
    pthread_mutex_t *mu;
    pthread_cond_t *changed;
    bool started, open, done;
};

static void run_gated(struct job *job)
{
    struct gated_job *g = (struct gated_job *)job;
    pthread_mutex_lock(g->mu);
    g->started = true;
    pthread_cond_broadcast(g->changed);
    while (!g->open)
        pthread_cond_wait(g->changed, g->mu);
    g->done = true;
    pthread_cond_broadcast(g->changed);
    pthread_mutex_unlock(g->mu);
}

/* Waits (mu held) up to seconds for *flag; false on timeout. */
static bool wait_flag(pthread_mutex_t *mu, pthread_cond_t *changed, const bool *flag, int seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    int rc = 0;
    while (!*flag && rc == 0)
        rc = pthread_cond_timedwait(changed, mu, &until);
    return *flag;
}

/*
 * The primary is idle and only a standby thread works: a job pushed now is the
 * primary's to run.  It once stayed queued until some later push found no thread busy.
 */
static void job_pushed_while_only_standby_works_runs(void **state)
{
    (void)state;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
    struct gated_job a = {{.run = run_gated}, &mu, &changed, false, false, false};
    struct gated_job b = a, c = a;
    struct workq *q = workq_new(2, "test", 0, 1000); /* standby after 1 ms */
    assert_non_null(q);

    workq_push(q, &a.job); /* the primary takes a and stays on it */
    pthread_mutex_lock(&mu);
    assert_true(wait_flag(&mu, &changed, &a.started, 10));
    pthread_mutex_unlock(&mu);
    workq_push(q, &b.job); /* after 1 ms the standby thread takes b */
    pthread_mutex_lock(&mu);
    assert_true(wait_flag(&mu, &changed, &b.started, 10));
    a.open = true; /* the primary finishes a and goes idle */
    pthread_cond_broadcast(&changed);
    assert_true(wait_flag(&mu, &changed, &a.done, 10));
    pthread_mutex_unlock(&mu);

    c.open = true;
    workq_push(q, &c.job); /* only the standby thread (on b) is busy */
    pthread_mutex_lock(&mu);
    bool ran = wait_flag(&mu, &changed, &c.done, 5);
    b.open = true;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&mu);
    workq_drain_and_free(q);
    assert_true(ran);
}

/*
 * Stress: rounds of a random number of jobs of random length (sleeps, so valgrind
 * runs it as fast as a native build), pushed at random gaps, on pools with and
 * without standby.  Every job must start within STRESS_BOUND_NS of its push; a round
 * whose jobs have not all run by then fails at once.  The bound is generous (a
 * round's whole work is under 4 ms): a forgotten job waits for ever, not for long.
 */
#define STRESS_ROUNDS   2400
#define STRESS_MAX_JOBS 8
#define STRESS_MAX_RUN  400 /* us */
#define STRESS_MAX_GAP  300 /* us */
#define STRESS_BOUND_NS (2 * 1000 * 1000 * 1000LL)

struct stress_job {
    struct job job; /* first */
    struct tally *tally;
    int64_t pushed_ns, started_ns;
    int run_us;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_us(int us)
{
    struct timespec ts = {0, (long)us * 1000};
    if (us > 0)
        nanosleep(&ts, NULL);
}

static void run_stress(struct job *job)
{
    struct stress_job *j = (struct stress_job *)job;
    j->started_ns = mono_ns();
    sleep_us(j->run_us);
    pthread_mutex_lock(&j->tally->mu);
    j->tally->done++;
    pthread_cond_broadcast(&j->tally->changed);
    pthread_mutex_unlock(&j->tally->mu);
}

/* Waits for done >= n until the deadline (a CLOCK_REALTIME wait, as the tally's cond). */
static bool wait_done_for(struct tally *t, int n, int64_t ns)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    int64_t end = (int64_t)until.tv_nsec + ns;
    until.tv_sec += (time_t)(end / 1000000000LL);
    until.tv_nsec = (long)(end % 1000000000LL);
    pthread_mutex_lock(&t->mu);
    int rc = 0;
    while (t->done < n && rc == 0)
        rc = pthread_cond_timedwait(&t->changed, &t->mu, &until);
    bool ok = t->done >= n;
    pthread_mutex_unlock(&t->mu);
    return ok;
}

static void every_job_runs_within_a_bound_under_random_load(void **state)
{
    (void)state;
    const struct {
        int threads, standby_us;
    } pools[] = {{2, 100}, {3, 250}, {2, 0}, {4, 50}};
    const char *env = getenv("SCIPNET_TEST_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 16;
    srand(seed);
    static struct stress_job jobs[STRESS_MAX_JOBS];
    int64_t worst_ns = 0;
    for (size_t p = 0; p < sizeof(pools) / sizeof(pools[0]); p++) {
        struct tally t;
        tally_init(&t);
        struct workq *q = workq_new(pools[p].threads, "stress", 0, pools[p].standby_us);
        assert_non_null(q);
        for (int round = 0; round < STRESS_ROUNDS / 4; round++) {
            int n = 1 + rand() % STRESS_MAX_JOBS;
            int before = t.done;
            for (int i = 0; i < n; i++) {
                jobs[i] = (struct stress_job){.job = {.run = run_stress}, .tally = &t};
                /* Mostly short, now and then longer than the standby delay. */
                jobs[i].run_us = rand() % 4 == 0 ? rand() % STRESS_MAX_RUN : rand() % 40;
                jobs[i].pushed_ns = mono_ns();
                workq_push(q, &jobs[i].job);
                sleep_us(rand() % 3 == 0 ? rand() % STRESS_MAX_GAP : 0);
            }
            if (!wait_done_for(&t, before + n, STRESS_BOUND_NS))
                fail_msg("seed %u, pool %zu, round %d: %d of %d jobs not run after 2 s", seed, p,
                         round, before + n - t.done, n);
            for (int i = 0; i < n; i++) {
                int64_t waited = jobs[i].started_ns - jobs[i].pushed_ns;
                if (waited > STRESS_BOUND_NS)
                    fail_msg("seed %u: a job waited %lld ns", seed, (long long)waited);
                if (waited > worst_ns)
                    worst_ns = waited;
            }
        }
        workq_drain_and_free(q);
        tally_destroy(&t);
    }
    print_message("stress: %d rounds, longest wait %.3f ms\n", STRESS_ROUNDS, worst_ns / 1e6);
}

struct order_log {
    pthread_mutex_t mu;
    const struct job *ran[16];
    int n;
};

struct logged_job {
    struct job job; /* first */
    struct order_log *log;
};

static void run_logged(struct job *job)
{
    struct logged_job *j = (struct logged_job *)job;
    pthread_mutex_lock(&j->log->mu);
    j->log->ran[j->log->n++] = job;
    pthread_mutex_unlock(&j->log->mu);
}

static void fair_pool_runs_the_newcomer_before_the_flood(void **state)
{
    (void)state;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
    struct order_log log = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct workq *q = workq_new_fair(1, "test", 0);
    assert_non_null(q);
    struct gated_job gate = {{.run = run_gated, .source = "127.0.0.1", .source_conn = 1},
                             &mu,
                             &changed,
                             false,
                             false,
                             false};
    workq_push(q, &gate.job);
    pthread_mutex_lock(&mu);
    assert_true(wait_flag(&mu, &changed, &gate.started, 10));
    pthread_mutex_unlock(&mu);
    struct logged_job flood[8], other;
    for (int i = 0; i < 8; i++) {
        flood[i] = (struct logged_job){{.run = run_logged, .source = "127.0.0.1"}, &log};
        workq_push(q, &flood[i].job);
    }
    other = (struct logged_job){{.run = run_logged, .source = "127.0.0.2"}, &log};
    workq_push(q, &other.job);
    pthread_mutex_lock(&mu);
    gate.open = true;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&mu);
    workq_drain_and_free(q);
    assert_int_equal(log.n, 9);
    assert_ptr_equal(log.ran[0], &other.job);
    for (int i = 0; i < 8; i++)
        assert_ptr_equal(log.ran[1 + i], &flood[i].job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_job_runs_with_or_without_standby),
        cmocka_unit_test(short_jobs_keep_to_one_thread),
        cmocka_unit_test(stuck_job_does_not_hold_the_others),
        cmocka_unit_test(drain_runs_what_is_queued),
        cmocka_unit_test(job_pushed_while_only_standby_works_runs),
        cmocka_unit_test(every_job_runs_within_a_bound_under_random_load),
        cmocka_unit_test(fair_pool_runs_the_newcomer_before_the_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
