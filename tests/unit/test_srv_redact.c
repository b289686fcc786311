/* test_srv_redact.c - markup parsing and redaction: no classified byte may leave. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/markup.h"
#include "server/redact.h"

/* Serialized section for a reader of `level`, caller frees. */
static char *section_for(int level, int section_level, const char *body)
{
    struct reader r = {level, 0, 0};
    json_t *s = redact_section(&r, "description", "Description", section_level, body);
    assert_non_null(s);
    char *text = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(s);
    return text;
}

static void parse_plain_text_is_one_segment(void **state)
{
    (void)state;
    struct markup_doc doc;
    assert_int_equal(markup_parse("hello", 5, &doc), 0);
    assert_int_equal(doc.count, 1);
    assert_int_equal(doc.segments[0].level, 0);
    assert_int_equal(doc.segments[0].length, 5);
    assert_int_equal(doc.malformed, 0);
    markup_free(&doc);
}

static void parse_nested_levels_take_the_highest(void **state)
{
    (void)state;
    const char *t = "a[[LEVEL 3]]b[[LEVEL 5]]c[[LEVEL 2]]d[[/LEVEL]][[/LEVEL]]e[[/LEVEL]]f";
    struct markup_doc doc;
    assert_int_equal(markup_parse(t, strlen(t), &doc), 0);
    assert_int_equal(doc.malformed, 0);
    /* "c" and "d" stay apart: a marker stood between them in the source. */
    int want_levels[] = {0, 3, 5, 5, 3, 0};
    const char *want_text[] = {"a", "b", "c", "d", "e", "f"};
    assert_int_equal(doc.count, 6);
    for (size_t i = 0; i < doc.count; i++) {
        assert_int_equal(doc.segments[i].level, want_levels[i]);
        assert_int_equal(doc.segments[i].length, strlen(want_text[i]));
        assert_memory_equal(t + doc.segments[i].offset, want_text[i], strlen(want_text[i]));
    }
    markup_free(&doc);
}

static void readable_section_loses_its_markers(void **state)
{
    (void)state;
    char *s = section_for(4, 2, "Before [[LEVEL 4]]secret[[/LEVEL]] after.");
    assert_string_equal(s,
                        "{\"kind\":\"description\",\"level\":2,\"text\":\"Before secret after.\","
                        "\"title\":\"Description\"}");
    free(s);
}

static void cut_passage_leaves_no_trace(void **state)
{
    (void)state;
    char *s = section_for(2, 2, "Before [[LEVEL 4]]the secret words[[/LEVEL]] after.");
    assert_null(strstr(s, "secret"));
    assert_null(strstr(s, "LEVEL]"));
    assert_non_null(strstr(s, "\"parts\":[{\"text\":\"Before \"},{\"needed_clearance\":{\"colour\":"
                              "\"#FF6D00\",\"level\":4,\"name\":\"Level 4 - Secret\"},"
                              "\"redacted\":true},{\"text\":\" after.\"}]"));
    assert_null(strstr(s, "\"text\":\"Before  after"));
    free(s);
}

static void adjacent_cuts_merge_at_the_highest_level(void **state)
{
    (void)state;
    char *s = section_for(1, 1, "x[[LEVEL 3]]aaa[[/LEVEL]][[LEVEL 5]]bbb[[/LEVEL]]y");
    assert_null(strstr(s, "aaa"));
    assert_null(strstr(s, "bbb"));
    assert_non_null(strstr(s, "{\"text\":\"x\"},{\"needed_clearance\":{\"colour\":\"#C40233\","
                              "\"level\":5,\"name\":\"Level 5 - Top Secret\"},\"redacted\":true},"
                              "{\"text\":\"y\"}"));
    free(s);
}

static void section_above_reader_has_no_title_or_text(void **state)
{
    (void)state;
    char *s = section_for(3, 5, "the whole addendum is secret");
    assert_string_equal(s, "{\"kind\":\"description\",\"level\":5,\"needed_clearance\":{\"colour\":"
                           "\"#C40233\",\"level\":5,\"name\":\"Level 5 - Top Secret\"},"
                           "\"redacted\":true}");
    free(s);
}

static void malformed_marker_cuts_to_the_end_at_level_6(void **state)
{
    (void)state;
    const char *bodies[] = {
        "ok [[LEVEL 9]]bad level SECRET",
        "ok [[LEVEL 4]]unterminated SECRET",
        "ok [[level 4]]lower case SECRET[[/LEVEL]]",
        "ok [[LEVEL 4]SECRET[[/LEVEL]]",
        "ok [[LEVEL]]SECRET[[/LEVEL]]",
        "ok [[LEVEL 4]]a[[/LEVEL] SECRET",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        char *s = section_for(5, 1, bodies[i]);
        assert_null(strstr(s, "SECRET"));
        assert_non_null(strstr(s, "{\"text\":\"ok "));
        assert_non_null(strstr(s, "\"level\":6"));
        free(s);
        /* Level 6 readers see everything but the markup itself. */
        s = section_for(6, 1, bodies[i]);
        assert_non_null(strstr(s, "SECRET"));
        assert_null(strstr(s, "[["));
        assert_null(strstr(s, "]]"));
        free(s);
    }
}

static void stray_close_cuts_the_whole_section(void **state)
{
    (void)state;
    char *s = section_for(5, 1, "SECRET forgot the open[[/LEVEL]] rest");
    assert_null(strstr(s, "SECRET"));
    assert_null(strstr(s, "rest"));
    free(s);
    s = section_for(6, 1, "SECRET forgot the open[[/LEVEL]] rest");
    assert_non_null(strstr(s, "\"text\":\"SECRET forgot the open rest\""));
    free(s);
}

static void truncated_marker_at_the_end_is_cut(void **state)
{
    (void)state;
    const char *bodies[] = {"open text [[", "open text [[LEV", "open text [[/lev", "open text [[/"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        char *s = section_for(6, 1, bodies[i]);
        assert_null(strstr(s, "[["));
        assert_non_null(strstr(s, "open text "));
        free(s);
    }
    struct reader r = {6, 0, 0};
    json_t *v = redact_string(&r, 1, "x [[LEVEL 5]]y [[/LE");
    assert_string_equal(json_string_value(v), "x y ");
    json_decref(v);
}

static void too_deep_nesting_is_malformed(void **state)
{
    (void)state;
    char body[2048] = "top ";
    for (int i = 0; i < MARKUP_MAX_DEPTH + 2; i++)
        strcat(body, "[[LEVEL 2]]");
    strcat(body, "SECRET");
    char *s = section_for(5, 1, body);
    assert_null(strstr(s, "SECRET"));
    free(s);
}

static void unicode_survives_and_is_cut_whole(void **state)
{
    (void)state;
    char *s = section_for(2, 1, "Ωmega [[LEVEL 3]]日本語の秘密[[/LEVEL]] ✓ done");
    assert_non_null(strstr(s, "Ωmega "));
    assert_non_null(strstr(s, " ✓ done"));
    assert_null(strstr(s, "日"));
    assert_null(strstr(s, "秘密"));
    free(s);
    s = section_for(3, 1, "Ωmega [[LEVEL 3]]日本語の秘密[[/LEVEL]] ✓ done");
    assert_non_null(strstr(s, "\"text\":\"Ωmega 日本語の秘密 ✓ done\""));
    free(s);
}

static void redacted_string_uses_a_fixed_placeholder(void **state)
{
    (void)state;
    struct reader r = {3, 0, 0};
    json_t *v = redact_string(&r, 3, "North [[LEVEL 5]]exact coordinates[[/LEVEL]] of here");
    assert_string_equal(json_string_value(v), "North " REDACT_PLACEHOLDER " of here");
    json_decref(v);
    v = redact_string(&r, 4, "all of it");
    assert_string_equal(json_string_value(v), REDACT_PLACEHOLDER);
    json_decref(v);
}

/* Every body x every reader: nothing between markers above the reader survives. */
static void exhaustive_no_classified_byte(void **state)
{
    (void)state;
    const char *body = "p0 [[LEVEL 2]]L2a [[LEVEL 4]]L4a[[/LEVEL]] L2b[[/LEVEL]] p1 "
                       "[[LEVEL 6]]L6a[[/LEVEL]][[LEVEL 3]]L3a[[/LEVEL]] p2";
    const char *marks[] = {"L2a", "L4a", "L2b", "L6a", "L3a"};
    int levels[] = {2, 4, 2, 6, 3};
    for (int reader = 1; reader <= 6; reader++) {
        char *s = section_for(reader, 1, body);
        for (size_t m = 0; m < 5; m++) {
            if (reader < levels[m])
                assert_null(strstr(s, marks[m]));
            else
                assert_non_null(strstr(s, marks[m]));
        }
        assert_null(strstr(s, "[[")); /* no markup left either */
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_plain_text_is_one_segment),
        cmocka_unit_test(parse_nested_levels_take_the_highest),
        cmocka_unit_test(readable_section_loses_its_markers),
        cmocka_unit_test(cut_passage_leaves_no_trace),
        cmocka_unit_test(adjacent_cuts_merge_at_the_highest_level),
        cmocka_unit_test(section_above_reader_has_no_title_or_text),
        cmocka_unit_test(malformed_marker_cuts_to_the_end_at_level_6),
        cmocka_unit_test(stray_close_cuts_the_whole_section),
        cmocka_unit_test(truncated_marker_at_the_end_is_cut),
        cmocka_unit_test(too_deep_nesting_is_malformed),
        cmocka_unit_test(unicode_survives_and_is_cut_whole),
        cmocka_unit_test(redacted_string_uses_a_fixed_placeholder),
        cmocka_unit_test(exhaustive_no_classified_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
