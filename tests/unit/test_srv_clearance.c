/* test_srv_clearance.c - the access rules as a table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "server/clearance.h"
#include "server/throttle.h"

static void scp_and_mtf_read_by_level(void **state)
{
    (void)state;
    for (int reader = 1; reader <= 6; reader++)
        for (int file = 1; file <= 6; file++) {
            struct reader r = {reader, 0};
            int want = reader >= file ? 0 : file;
            assert_int_equal(clearance_read(&r, REF_SCP, file, 1), want);
            assert_int_equal(clearance_read(&r, REF_MTF, file, 1), want);
            assert_int_equal(clearance_read(&r, REF_USER, file, 1), want);
            assert_int_equal(clearance_title(&r, REF_SCP, file), want);
            assert_int_equal(clearance_title(&r, REF_SITE, file), 0);
        }
}

static void sites_by_level_3_or_own_staff(void **state)
{
    (void)state;
    struct reader outsider = {2, 19}, staff = {1, 77}, senior = {3, 0};
    assert_int_equal(clearance_read(&outsider, REF_SITE, 3, 77), 3);
    assert_int_equal(clearance_read(&staff, REF_SITE, 3, 77), 0);
    assert_int_equal(clearance_read(&senior, REF_SITE, 3, 77), 0);
    struct reader nosite = {2, 0};
    assert_int_equal(clearance_read(&nosite, REF_SITE, 3, 0), 3);
}

static void create_rules(void **state)
{
    (void)state;
    struct reader l1 = {1, 0}, l2 = {2, 0}, l3 = {3, 0}, l4 = {4, 0};
    assert_int_equal(clearance_create(&l1, REF_SCP, 1), 2);
    assert_int_equal(clearance_create(&l2, REF_SCP, 2), 0);
    assert_int_equal(clearance_create(&l2, REF_SCP, 3), 3);
    assert_int_equal(clearance_create(&l4, REF_MTF, 4), 0);
    assert_int_equal(clearance_create(&l4, REF_MTF, 5), 5);
    assert_int_equal(clearance_create(&l2, REF_SITE, 1), 3);
    assert_int_equal(clearance_create(&l3, REF_SITE, 1), 0);
    assert_int_equal(clearance_create(&l2, REF_USER, 2), 0);
    assert_int_equal(clearance_create(&l2, REF_USER, 3), 3);
    assert_int_equal(clearance_create(&l1, REF_USER, 1), 2);
}

static void status_and_audit(void **state)
{
    (void)state;
    struct reader l2 = {2, 0}, l3 = {3, 0}, l5 = {5, 0};
    assert_int_equal(clearance_set_status(&l2, 1), 3);
    assert_int_equal(clearance_set_status(&l3, 2), 0);
    assert_int_equal(clearance_set_status(&l3, 4), 4);
    assert_int_equal(clearance_audit(&l3), 5);
    assert_int_equal(clearance_audit(&l5), 0);
}

static void backoff_doubles_to_the_cap(void **state)
{
    (void)state;
    assert_int_equal(throttle_backoff_s(4, 5, 2, 300), 0);
    assert_int_equal(throttle_backoff_s(5, 5, 2, 300), 2);
    assert_int_equal(throttle_backoff_s(6, 5, 2, 300), 4);
    assert_int_equal(throttle_backoff_s(8, 5, 2, 300), 16);
    assert_int_equal(throttle_backoff_s(40, 5, 2, 300), 300);
    char key[THROTTLE_KEY_MAX];
    throttle_user_key("Agent.Vance", key);
    assert_string_equal(key, "user:agent.vance");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scp_and_mtf_read_by_level),
        cmocka_unit_test(sites_by_level_3_or_own_staff),
        cmocka_unit_test(create_rules),
        cmocka_unit_test(status_and_audit),
        cmocka_unit_test(backoff_doubles_to_the_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
