/*
 * test_srv_fairq.c - the hash pool's queue (fairq) is fair across client addresses and
 * connections: a newcomer goes next, sources and connections take turns, jobs without a
 * source keep their order, and a random run matches a model.
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

/* ---- fair queue ------------------------------------------------------------------ */

static void nop(struct job *job)
{
    (void)job;
}

static struct job fair_job(const char *source, uintptr_t conn)
{
    return (struct job){.run = nop, .source = source, .source_conn = conn};
}

/* Two workers busy with a flooder's jobs: the next one free takes the newcomer's. */
static void fair_newcomer_goes_to_the_next_free_worker(void **state)
{
    (void)state;
    struct fairq *f = fairq_new();
    assert_non_null(f);
    struct job flood[50], other = fair_job("127.0.0.2", 9);
    for (int i = 0; i < 50; i++) {
        flood[i] = fair_job("127.0.0.1", 1 + i % 5);
        fairq_push(f, &flood[i]);
    }
    struct fairq_conn *w1, *w2, *w3;
    assert_ptr_equal(fairq_take(f, &w1)->source, flood[0].source);
    assert_ptr_equal(fairq_take(f, &w2)->source, flood[0].source);
    fairq_push(f, &other); /* queued behind 48 of the flood */
    fairq_done(f, w1);
    assert_ptr_equal(fairq_take(f, &w1), &other);
    /* The flood goes on with whatever is free. */
    fairq_done(f, w2);
    assert_ptr_equal(fairq_take(f, &w3)->source, flood[0].source);
    fairq_done(f, w1);
    fairq_done(f, w3);
    int left = 0;
    struct fairq_conn *c;
    while (fairq_take(f, &c) != NULL) {
        fairq_done(f, c);
        left++;
    }
    assert_int_equal(left, 50 - 3);
    fairq_free(f); /* every group was freed with its last job (valgrind, ASan) */
}

/* With one worker the tie (nobody running) goes to who was served longest ago. */
static void fair_one_worker_alternates_sources(void **state)
{
    (void)state;
    struct fairq *f = fairq_new();
    assert_non_null(f);
    struct job a[4], b[2];
    for (int i = 0; i < 4; i++) {
        a[i] = fair_job("10.0.0.1", 1);
        fairq_push(f, &a[i]);
    }
    struct fairq_conn *c;
    assert_ptr_equal(fairq_take(f, &c), &a[0]);
    for (int i = 0; i < 2; i++) {
        b[i] = fair_job("10.0.0.2", 2);
        fairq_push(f, &b[i]);
    }
    const struct job *want[] = {&b[0], &a[1], &b[1], &a[2], &a[3]};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        fairq_done(f, c);
        assert_ptr_equal(fairq_take(f, &c), want[i]);
    }
    fairq_done(f, c);
    assert_true(fairq_empty(f));
    fairq_free(f);
}

/* Within one address, connections take turns; a connection's jobs keep their order. */
static void fair_connections_of_one_address_take_turns(void **state)
{
    (void)state;
    struct fairq *f = fairq_new();
    assert_non_null(f);
    struct job mine[6], theirs = fair_job("192.0.2.7", 2);
    for (int i = 0; i < 6; i++) {
        mine[i] = fair_job("192.0.2.7", 1);
        fairq_push(f, &mine[i]);
    }
    struct fairq_conn *c1, *c2;
    assert_ptr_equal(fairq_take(f, &c1), &mine[0]);
    fairq_push(f, &theirs);
    assert_ptr_equal(fairq_take(f, &c2), &theirs); /* a second worker: the other conn */
    fairq_done(f, c2);
    for (int i = 1; i < 6; i++) { /* then conn 1 in its own order */
        fairq_done(f, c1);
        assert_ptr_equal(fairq_take(f, &c1), &mine[i]);
    }
    fairq_done(f, c1);
    assert_null(fairq_take(f, &c1));
    fairq_free(f);
}

/* Jobs without a source share one group, first in first out, and it is reused. */
static void fair_jobs_without_source_queue_in_order(void **state)
{
    (void)state;
    struct fairq *f = fairq_new();
    assert_non_null(f);
    struct job j[3] = {fair_job(NULL, 0), fair_job(NULL, 0), fair_job(NULL, 0)};
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3; i++)
            fairq_push(f, &j[i]);
        for (int i = 0; i < 3; i++) {
            struct fairq_conn *c;
            assert_ptr_equal(fairq_take(f, &c), &j[i]);
            fairq_done(f, c);
        }
        assert_true(fairq_empty(f));
    }
    fairq_free(f);
}

/*
 * Random pushes from 12 addresses x 4 connections and random ends on 3 simulated
 * workers, checked against a model kept here: each job taken comes from an address
 * with the fewest running (of those with jobs queued), then served longest ago (a
 * group with nothing queued or running is forgotten); the same within the address;
 * and is its connection's oldest.
 */
#define MODEL_ADDRS 12
#define MODEL_CONNS 4
#define MODEL_JOBS  20000

struct model_group {
    int queued, running;
    long served; /* step when last taken; -1 = never */
};

static bool model_ahead(const struct model_group *a, const struct model_group *b)
{
    return a->running != b->running ? a->running < b->running : a->served <= b->served;
}

static void fair_queue_matches_a_model_under_random_use(void **state)
{
    (void)state;
    static const char *names[MODEL_ADDRS] = {"10.0.0.1", "10.0.0.2", "10.0.0.3",  "10.0.0.4",
                                             "10.0.0.5", "10.0.0.6", "10.0.0.7",  "10.0.0.8",
                                             "::1",      "fe80::2",  "192.0.2.9", "198.51.100.1"};
    static struct job jobs[MODEL_JOBS];
    static int job_addr[MODEL_JOBS], job_conn[MODEL_JOBS];
    struct model_group addr[MODEL_ADDRS], conn[MODEL_ADDRS][MODEL_CONNS];
    for (int a = 0; a < MODEL_ADDRS; a++) {
        addr[a] = (struct model_group){0, 0, -1};
        for (int c = 0; c < MODEL_CONNS; c++)
            conn[a][c] = (struct model_group){0, 0, -1};
    }
    int next_seq[MODEL_ADDRS][MODEL_CONNS] = {{0}}, taken_seq[MODEL_ADDRS][MODEL_CONNS] = {{0}};
    static int seq_of[MODEL_JOBS];
    struct fairq_conn *worker[3] = {NULL, NULL, NULL};
    int worker_job[3] = {-1, -1, -1};
    struct fairq *f = fairq_new();
    assert_non_null(f);
    srand(7);
    int pushed = 0;
    for (long step = 0;
         pushed < MODEL_JOBS || !fairq_empty(f) || worker[0] || worker[1] || worker[2]; step++) {
        int w = rand() % 3;
        if (pushed < MODEL_JOBS && rand() % 2 == 0) {
            int a = rand() % MODEL_ADDRS, c = rand() % MODEL_CONNS;
            jobs[pushed] = fair_job(names[a], (uintptr_t)(100 + c));
            job_addr[pushed] = a;
            job_conn[pushed] = c;
            seq_of[pushed] = next_seq[a][c]++;
            fairq_push(f, &jobs[pushed++]);
            addr[a].queued++;
            conn[a][c].queued++;
        } else if (worker[w] != NULL) {
            int j = worker_job[w];
            fairq_done(f, worker[w]);
            struct model_group *groups[2] = {&addr[job_addr[j]], &conn[job_addr[j]][job_conn[j]]};
            for (int g = 0; g < 2; g++)
                if (--groups[g]->running == 0 && groups[g]->queued == 0)
                    groups[g]->served = -1; /* an idle group is forgotten: new again */
            worker[w] = NULL;
        } else {
            struct job *job = fairq_take(f, &worker[w]);
            if (job == NULL)
                continue;
            int j = (int)(job - jobs), a = job_addr[j], c = job_conn[j];
            for (int x = 0; x < MODEL_ADDRS; x++)
                if (addr[x].queued > 0 && !model_ahead(&addr[a], &addr[x]))
                    fail_msg("step %ld: took from address %d, %d is ahead", step, a, x);
            for (int y = 0; y < MODEL_CONNS; y++)
                if (conn[a][y].queued > 0 && !model_ahead(&conn[a][c], &conn[a][y]))
                    fail_msg("step %ld: took from connection %d, %d is ahead", step, c, y);
            assert_int_equal(seq_of[j], taken_seq[a][c]++);
            worker_job[w] = j;
            addr[a].queued--;
            conn[a][c].queued--;
            addr[a].running++;
            conn[a][c].running++;
            addr[a].served = conn[a][c].served = step;
        }
    }
    fairq_free(f); /* nothing left allocated (valgrind, ASan) */
}

/* Through the pool: the job a flooder queued after a newcomer's runs after it. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fair_newcomer_goes_to_the_next_free_worker),
        cmocka_unit_test(fair_one_worker_alternates_sources),
        cmocka_unit_test(fair_connections_of_one_address_take_turns),
        cmocka_unit_test(fair_jobs_without_source_queue_in_order),
        cmocka_unit_test(fair_queue_matches_a_model_under_random_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
