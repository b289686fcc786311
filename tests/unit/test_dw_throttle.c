/*
 * test_dw_throttle.c - login attempts reserved in the store: the backoff the store
 * computes doubles as server/throttle.c's throttle_backoff_s does, a blocked key
 * reserves nothing, a good attempt gives its reservation back, and two stores on one
 * database never let more than the limit through.  Also the typical stored password
 * cost (server/pwtiming.c).  Runs on either engine (dw_fixture.h).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deepwell/password.h"
#include "dw_fixture.h"

static const struct deepwell_throttle_policy POLICY = {5, 2, 300};

/* Policy {5, 2, 300}: the block in seconds after n failures (test_srv_clearance has the same). */
static int64_t expected_backoff_s(int n)
{
    static const int64_t table[] = {0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256};
    return n < (int)(sizeof(table) / sizeof(table[0])) ? table[n] : 300;
}

static void reserve(struct deepwell *dw, const char *key, int64_t now_ms, bool want_granted,
                    struct deepwell_login_failures *lf)
{
    struct deepwell_error err;
    bool granted = !want_granted;
    enum deepwell_code rc =
        deepwell_login_failures_reserve(dw, key, now_ms, &POLICY, &granted, lf, &err);
    if (rc != DW_OK)
        fprintf(stderr, "reserve: %s (%s)\n", err.message, err.context);
    assert_int_equal(rc, DW_OK);
    assert_int_equal(granted, want_granted);
}

static void backoff_matches_the_policy(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_login_failures lf;
    int64_t now = 1000000;
    for (int n = 1; n <= 40; n++) {
        reserve(f->dw, "user:vance", now, true, &lf);
        assert_int_equal(lf.failures, n);
        assert_int_equal(lf.last_failure_ms, now);
        int64_t backoff = expected_backoff_s(n);
        assert_int_equal(lf.blocked_until_ms, backoff ? now + backoff * 1000 : 0);
        if (backoff > 0) {
            /* Blocked until then: nothing is counted, the row is told as it stands. */
            reserve(f->dw, "user:vance", now + backoff * 1000 - 1, false, &lf);
            assert_int_equal(lf.failures, n);
            now += backoff * 1000;
        } else {
            now += 1;
        }
    }
    /* A limit of one blocks from the first failure. */
    struct deepwell_throttle_policy one = {1, 3, 300};
    bool granted = false;
    struct deepwell_error err;
    assert_int_equal(
        deepwell_login_failures_reserve(f->dw, "addr:10.0.0.9", 5000, &one, &granted, &lf, &err),
        DW_OK);
    assert_true(granted);
    assert_int_equal(lf.blocked_until_ms, 8000);
    one.max_failures = 0;
    assert_int_equal(
        deepwell_login_failures_reserve(f->dw, "addr:10.0.0.9", 9000, &one, &granted, &lf, &err),
        DW_INVALID);
}

static void release_gives_back_what_was_reserved(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    struct deepwell_login_failures lf, mine;
    for (int n = 0; n < 3; n++)
        reserve(f->dw, "addr:10.0.0.1", 1000, true, &lf);
    /* The 5th reservation reaches the limit and blocks; giving it back unblocks. */
    reserve(f->dw, "addr:10.0.0.1", 1000, true, &lf);
    reserve(f->dw, "addr:10.0.0.1", 1000, true, &mine);
    assert_int_equal(mine.failures, 5);
    assert_int_equal(mine.blocked_until_ms, 3000);
    reserve(f->dw, "addr:10.0.0.1", 1500, false, &lf);
    assert_int_equal(deepwell_login_failures_release(f->dw, "addr:10.0.0.1", 1, &mine, 5, &err),
                     DW_OK);
    assert_int_equal(deepwell_login_failures_get(f->dw, "addr:10.0.0.1", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 4);
    assert_int_equal(lf.blocked_until_ms, 0);

    /* Over the limit, a good attempt lifts only the block it set itself. */
    reserve(f->dw, "addr:10.0.0.1", 2000, true, &lf);   /* 5: blocked until 4000 */
    reserve(f->dw, "addr:10.0.0.1", 4000, true, &mine); /* 6: until 8000 */
    assert_int_equal(mine.blocked_until_ms, 8000);
    assert_int_equal(deepwell_login_failures_release(f->dw, "addr:10.0.0.1", 1, &mine, 5, &err),
                     DW_OK);
    assert_int_equal(deepwell_login_failures_get(f->dw, "addr:10.0.0.1", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 5);
    assert_int_equal(lf.blocked_until_ms, 0);
    struct deepwell_login_failures other = {.failures = 9, .blocked_until_ms = 7777};
    reserve(f->dw, "addr:10.0.0.1", 4000, true, &lf); /* 6 again: until 8000 */
    assert_int_equal(deepwell_login_failures_release(f->dw, "addr:10.0.0.1", 1, &other, 5, &err),
                     DW_OK);
    assert_int_equal(deepwell_login_failures_get(f->dw, "addr:10.0.0.1", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 5);
    assert_int_equal(lf.blocked_until_ms, 8000); /* someone else's block stays */

    /* Forgiving everything up to a reservation removes the row; never below 0. */
    reserve(f->dw, "user:vance", 1000, true, &lf);
    reserve(f->dw, "user:vance", 1000, true, &mine);
    reserve(f->dw, "user:vance", 1000, true, &lf); /* a later attempt, still in flight */
    assert_int_equal(
        deepwell_login_failures_release(f->dw, "user:vance", mine.failures, &mine, 5, &err), DW_OK);
    assert_int_equal(deepwell_login_failures_get(f->dw, "user:vance", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 1);
    assert_int_equal(deepwell_login_failures_release(f->dw, "user:vance", 7, &mine, 5, &err),
                     DW_OK);
    assert_int_equal(dw_fixture_pg() ? 0
                                     : dw_fixture_query_int(f->path, "SELECT count(*) FROM"
                                                                     " login_failures WHERE key"
                                                                     " = 'user:vance'"),
                     0);
    assert_int_equal(deepwell_login_failures_get(f->dw, "user:vance", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 0);
}

static void add_user(struct deepwell *dw, const char *name, const char *hash)
{
    struct deepwell_user_new user = {.name = name,
                                     .password_hash = hash,
                                     .clearance = 2,
                                     .title = "Researcher",
                                     .active = true,
                                     .personnel_active = true};
    struct deepwell_error err;
    int64_t id = 0;
    assert_int_equal(deepwell_user_add(dw, &user, &id, &err), DW_OK);
}

static void add_hashed(struct deepwell *dw, const char *name, unsigned long long ops, size_t kib)
{
    struct deepwell_pwhash_limits limits = {ops, kib * 1024};
    char hash[DEEPWELL_HASH_MAX];
    assert_int_equal(deepwell_password_hash("pw", &limits, hash), 0);
    add_user(dw, name, hash);
}

static void typical_cost_is_the_median_of_argon2id_hashes(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    uint64_t kib = 7, passes = 7;
    int found = -1;
    assert_int_equal(deepwell_password_typical_cost(f->dw, 100, &kib, &passes, &found, &err),
                     DW_OK);
    assert_int_equal(found, 0);
    assert_int_equal(kib, 7); /* none stored: left alone */

    add_hashed(f->dw, "a", 1, 8);
    add_hashed(f->dw, "b", 2, 64);
    add_hashed(f->dw, "c", 2, 64);
    add_hashed(f->dw, "d", 3, 256);
    add_user(f->dw, "e", "scrypt:32768:8:1$salt$00ff"); /* imported: not argon2id */
    add_user(f->dw, "f", "$argon2id$v=19$garbage");
    assert_int_equal(deepwell_password_typical_cost(f->dw, 100, &kib, &passes, &found, &err),
                     DW_OK);
    assert_int_equal(found, 4);
    assert_int_equal(kib, 64);
    assert_int_equal(passes, 2);
    assert_int_equal(deepwell_password_typical_cost(f->dw, 0, &kib, &passes, &found, &err),
                     DW_INVALID);
}

#define THREADS     8
#define PER_THREAD  25
#define SHARED_FROM 5000000

struct racer {
    struct deepwell *dw;
    int granted, failed;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        struct deepwell_login_failures lf;
        struct deepwell_error err;
        bool granted = false;
        if (deepwell_login_failures_reserve(r->dw, "user:shared", SHARED_FROM + i, &POLICY,
                                            &granted, &lf, &err) != DW_OK)
            r->failed++;
        else if (granted)
            r->granted++;
    }
    return NULL;
}

/* Two stores (two servers) on one database, many threads each: exactly the limit passes. */
static void two_stores_never_pass_more_than_the_limit(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_options opts = {0};
    opts.path = f->path;
    opts.readers = 2;
    deepwell_options_defaults(&opts);
    struct deepwell *other = NULL;
    struct deepwell_error err;
    assert_int_equal(deepwell_open(&opts, &other, &err), DW_OK);
    pthread_t threads[THREADS];
    struct racer racers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        racers[t] = (struct racer){.dw = t % 2 ? other : f->dw};
        assert_int_equal(pthread_create(&threads[t], NULL, race, &racers[t]), 0);
    }
    int granted = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(racers[t].failed, 0);
        granted += racers[t].granted;
    }
    deepwell_close(other);
    assert_int_equal(granted, POLICY.max_failures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(backoff_matches_the_policy, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(release_gives_back_what_was_reserved, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(two_stores_never_pass_more_than_the_limit, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(typical_cost_is_the_median_of_argon2id_hashes,
                                        dw_fixture_setup, dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
