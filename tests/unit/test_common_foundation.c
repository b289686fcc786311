/* test_common_foundation.c - levels, classes, titles and file refs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/foundation.h"

static void levels_have_full_names_and_colours(void **state)
{
    (void)state;
    assert_string_equal(foundation_level(4)->full_name, "Level 4 - Secret");
    assert_string_equal(foundation_level(6)->colour, "#850005");
    assert_null(foundation_level(0));
    assert_null(foundation_level(7));
}

static void refs_parse_ignoring_case_and_padding(void **state)
{
    (void)state;
    struct foundation_ref r;
    char buf[32];
    assert_true(foundation_ref_parse("scp-0002", &r));
    assert_int_equal(r.kind, REF_SCP);
    assert_int_equal(r.number, 2);
    assert_string_equal(foundation_ref_format(&r, buf, sizeof(buf)), "SCP-002");
    assert_true(foundation_ref_parse("Site-19", &r));
    assert_string_equal(foundation_ref_format(&r, buf, sizeof(buf)), "SITE-19");
    assert_true(foundation_ref_parse("MTF-3", &r));
    assert_int_equal(r.kind, REF_MTF);
}

static void scp_refs_take_a_suffix_and_number_zero(void **state)
{
    (void)state;
    struct foundation_ref r;
    char buf[32];
    assert_true(foundation_ref_parse("scp-049-arc", &r));
    assert_int_equal(r.kind, REF_SCP);
    assert_int_equal(r.number, 49);
    assert_string_equal(r.suffix, "ARC");
    assert_string_equal(foundation_ref_format(&r, buf, sizeof(buf)), "SCP-049-ARC");
    assert_true(foundation_ref_parse("SCP-0000-Ex", &r));
    assert_int_equal(r.number, 0);
    assert_string_equal(foundation_ref_format(&r, buf, sizeof(buf)), "SCP-000-EX");
    assert_true(foundation_ref_parse("SCP-1953-ABCDEFGH", &r));
    assert_string_equal(r.suffix, "ABCDEFGH");
    /* the plain ref clears a suffix left in the struct: SCP-049 is not SCP-049-ARC */
    assert_true(foundation_ref_parse("SCP-049", &r));
    assert_string_equal(r.suffix, "");
    assert_string_equal(foundation_ref_format(&r, buf, sizeof(buf)), "SCP-049");
}

static void bad_refs_are_refused(void **state)
{
    (void)state;
    struct foundation_ref r;
    const char *bad[] = {"SCP-../../x", "SCP-", "SCP-1a", "SCP2", "SITE-0", "SCP-1234567890", "",
                         "XYZ-1", "SCP--1", "SCP-1 ", "SCP-+1",
                         /* suffixes: SCP refs only, a dash and 1-8 ASCII letters, nothing after */
                         "SCP-1-", "SCP-1-J1", "SCP-1-ABCDEFGHI", "SITE-19-J", "MTF-3-A",
                         "USER-2-X", "SCP-1-J-K", "SCP-1--J", "SCP-1-\xc3\xa9", "SCP-1-J "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(foundation_ref_parse(bad[i], &r));
    assert_false(foundation_ref_parse(NULL, &r));
}

static void classes_and_titles_match_any_case(void **state)
{
    (void)state;
    assert_string_equal(foundation_class_colour(FOUNDATION_CONTAINMENT, "keter"), "#C40233");
    assert_string_equal(foundation_class_colour(FOUNDATION_CONTAINMENT, "Pending"), "#808080");
    assert_null(foundation_class_by_name(FOUNDATION_RISK, "Apocalyptic"));
    assert_string_equal(foundation_title_canonical("site director"), "Site Director");
    assert_null(foundation_title_canonical("Janitor"));
    assert_true(foundation_status_valid("neutralized"));
    assert_false(foundation_status_valid("Neutralized"));
}

static void all_digit_names_are_ids(void **state)
{
    (void)state;
    assert_true(foundation_name_is_id("3"));
    assert_true(foundation_name_is_id("0042"));
    assert_true(foundation_name_is_id("99999999999999999999999"));
    assert_false(foundation_name_is_id(""));
    assert_false(foundation_name_is_id(NULL));
    assert_false(foundation_name_is_id("agent"));
    assert_false(foundation_name_is_id("d4242"));
    assert_false(foundation_name_is_id("42.0"));
    assert_false(foundation_name_is_id("-3"));
    assert_false(foundation_name_is_id(" 3"));
    assert_false(foundation_name_is_id("\xd9\xa3")); /* ARABIC-INDIC DIGIT THREE */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(levels_have_full_names_and_colours),
        cmocka_unit_test(refs_parse_ignoring_case_and_padding),
        cmocka_unit_test(scp_refs_take_a_suffix_and_number_zero),
        cmocka_unit_test(bad_refs_are_refused),
        cmocka_unit_test(classes_and_titles_match_any_case),
        cmocka_unit_test(all_digit_names_are_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
