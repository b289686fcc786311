/*
 * test_srv_pwtiming.c - an unknown name costs a verify at the stored hashes' typical
 * cost, not at the configured limits, and that cost is known from the start.  (The
 * store's median is tested in test_dw_throttle.c, on both engines.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deepwell/password.h"
#include "dw_fixture.h"
#include "server/pwtiming.h"

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

static void configured_limits_before_init(void **state)
{
    (void)state;
    /* Before pwtiming_init (as in the fuzzers): the configured limits. */
    struct deepwell_pwhash_limits configured = {1, 8 * 1024}, dummy;
    pwtiming_dummy_limits(&configured, &dummy);
    assert_int_equal(dummy.memlimit, 8 * 1024);
    assert_int_equal(dummy.opslimit, 1);
}

static void dummy_uses_the_stored_cost_and_is_timed_at_start(void **state)
{
    struct dw_fixture *f = *state;
    /* The operator lowered the limits below what the accounts were hashed with. */
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof(name), "u%d", i);
        add_hashed(f->dw, name, 3, 2048);
    }
    add_hashed(f->dw, "rehashed", 1, 8);
    struct deepwell_pwhash_limits configured = {1, 8 * 1024}, dummy;
    assert_int_equal(pwtiming_init(f->dw, &configured), 0);
    pwtiming_dummy_limits(&configured, &dummy);
    assert_int_equal(dummy.memlimit, 2048 * 1024);
    assert_int_equal(dummy.opslimit, 3);
    /* Measured already: the first wrong password is padded, not hashed twice over. */
    assert_true(pwtiming_typical_us() > 0);
}

static void never_below_the_configured_limits(void **state)
{
    struct dw_fixture *f = *state;
    /* Hashes from before the limits were raised: those are padded up to the dummy. */
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "old%d", i);
        add_hashed(f->dw, name, 1, 8);
    }
    add_hashed(f->dw, "many-passes", 4, 8);
    add_hashed(f->dw, "many-passes2", 4, 8);
    add_hashed(f->dw, "many-passes3", 4, 8);
    add_hashed(f->dw, "many-passes4", 4, 8);
    struct deepwell_pwhash_limits configured = {2, 512 * 1024}, dummy;
    assert_int_equal(pwtiming_init(f->dw, &configured), 0);
    pwtiming_dummy_limits(&configured, &dummy);
    assert_int_equal(dummy.memlimit, 512 * 1024); /* the configured memory */
    assert_int_equal(dummy.opslimit, 4);          /* the stored passes, higher */
}

static void no_stored_hash_means_the_configured_limits(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_pwhash_limits configured = {1, 16 * 1024}, dummy;
    assert_int_equal(pwtiming_init(f->dw, &configured), 0);
    pwtiming_dummy_limits(&configured, &dummy);
    assert_int_equal(dummy.memlimit, 16 * 1024);
    assert_int_equal(dummy.opslimit, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(configured_limits_before_init),
        cmocka_unit_test_setup_teardown(dummy_uses_the_stored_cost_and_is_timed_at_start,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(never_below_the_configured_limits, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(no_stored_hash_means_the_configured_limits,
                                        dw_fixture_setup, dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
