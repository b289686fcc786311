/* test_common_integer.c - the one strict integer parser, as a config file or an admin types it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/integer.h"

static void whole_numbers_in_range_parse(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_true(integer_parse("0", 0, 10, &v));
    assert_int_equal(v, 0);
    assert_true(integer_parse("10", 0, 10, &v));
    assert_int_equal(v, 10);
    assert_true(integer_parse("-3", -5, 5, &v));
    assert_int_equal(v, -3);
    assert_true(integer_parse("007", 0, 10, &v));
    assert_int_equal(v, 7);
    assert_true(integer_parse("9223372036854775807", 0, INT64_MAX, &v));
    assert_int_equal(v, INT64_MAX);
    assert_true(integer_parse("-9223372036854775808", INT64_MIN, 0, &v));
    assert_int_equal(v, INT64_MIN);
}

static void anything_else_is_refused_and_leaves_out_alone(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "-",
        "+7",
        " 7",
        "7 ",
        "7\n",
        "\t7",
        "0x10",
        "1e3",
        "7.0",
        "7a",
        "--7",
        "- 7",
        "1,000",
        "٣",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t v = 42;
        if (integer_parse(bad[i], INT64_MIN, INT64_MAX, &v))
            fail_msg("'%s' parsed as %lld", bad[i], (long long)v);
        assert_int_equal(v, 42);
    }
}

static void the_range_is_inclusive_and_enforced(void **state)
{
    (void)state;
    int64_t v = 42;
    assert_false(integer_parse("11", 0, 10, &v));
    assert_false(integer_parse("-1", 0, 10, &v));
    assert_false(integer_parse("65536", 0, 65535, &v));
    assert_int_equal(v, 42);
    assert_true(integer_parse("65535", 0, 65535, &v));
    assert_int_equal(v, 65535);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_numbers_in_range_parse),
        cmocka_unit_test(anything_else_is_refused_and_leaves_out_alone),
        cmocka_unit_test(the_range_is_inclusive_and_enforced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
