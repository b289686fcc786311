/*
 * test_dw_search_snippet.c - the snippet of a search hit (deepwell/search_snippet.c):
 * which words it marks, where it starts and ends, and that a hostile text (one huge
 * word, broken UTF-8, no match) still gives a short, whole snippet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/utf8.h"
#include "deepwell/search.h"

static bool valid_utf8(const char *s)
{
    size_t len = strlen(s);
    uint32_t cp;
    for (size_t i = 0, n; i < len; i += n)
        if ((n = utf8_decode((const unsigned char *)s + i, len - i, &cp)) == 0)
            return false;
    return true;
}

static char *snippet(const char *query, const char *text)
{
    struct dw_search_parsed parsed;
    struct deepwell_error err;
    assert_int_equal(dw_search_parse(query, &parsed, &err), DW_OK);
    char *s = dw_search_snippet(text, &parsed);
    assert_non_null(s);
    return s;
}

static void expect(const char *query, const char *text, const char *want)
{
    char *got = snippet(query, text);
    assert_string_equal(got, want);
    free(got);
}

static void marks_the_query_words_in_any_ascii_case(void **state)
{
    (void)state;
    expect("lantern", "A Lantern hangs.", "A **Lantern** hangs.");
    expect("\"brass cog\"", "One brass cog, two BRASS cogs.",
           "One **brass** **cog**, two **BRASS** cogs.");
    /* A prefix marks the words that begin so; a plain word only itself. */
    expect("kari*", "Karitogra and kari, not okari.", "**Karitogra** and **kari**, not okari.");
    expect("cog", "cogs and a cog", "cogs and a **cog**");
}

static void starts_three_words_before_the_first_mark(void **state)
{
    (void)state;
    expect("lantern", "one two three four five six lantern seven",
           "\xe2\x80\xa6"
           "four five six **lantern** seven");
    /* Sixteen words at most, then an ellipsis. */
    expect("a1", "a1 b c d e f g h i j k l m n o p q r s",
           "**a1** b c d e f g h i j k l m n o p\xe2\x80\xa6");
    /* No word found (the match was in the title): the start of the text. */
    expect("zebra", "Nothing here.", "Nothing here.");
    expect("zebra", "", "");
}

static void splits_words_as_the_index_does(void **state)
{
    (void)state;
    /* Dashes and curly quotes part words; runs of white space are one space. */
    expect("containment",
           "Special\xe2\x80\x94"
           "containment\n\n  procedures",
           "Special\xe2\x80\x94**containment** procedures");
    expect("scp 173", "See SCP-173.", "See **SCP**-**173**.");
    /* A word in another script is marked as typed. */
    expect("\xd1\x88\xd1\x83\xd1\x82\xd0\xba\xd0\xb0",
           "\xd1\x88\xd1\x83\xd1\x82\xd0\xba\xd0\xb0 ok",
           "**\xd1\x88\xd1\x83\xd1\x82\xd0\xba\xd0\xb0** ok");
}

static void a_hostile_text_gives_a_short_whole_snippet(void **state)
{
    (void)state;
    /* One word of 100,000 letters that matches: cut, still marked, still UTF-8. */
    size_t n = 100000;
    char *text = malloc(n * 2 + 1);
    assert_non_null(text);
    memcpy(text, "huge", 4);
    for (size_t i = 4; i + 1 < n * 2; i += 2)
        memcpy(text + i, "\xc3\xa9", 2); /* é */
    text[n * 2 - (n * 2 - 4) % 2] = '\0';
    char *got = snippet("huge*", text);
    assert_true(strlen(got) < 600);
    assert_true(strncmp(got, "**huge", 6) == 0);
    assert_non_null(strstr(got, "**\xe2\x80\xa6"));
    assert_true(valid_utf8(got));
    free(got);
    /* Broken UTF-8 is passed through as bytes, never read past the end. */
    free(snippet("x", "\xf0\x9f"));
    free(snippet("x", "x \xe2\x80"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(marks_the_query_words_in_any_ascii_case),
        cmocka_unit_test(starts_three_words_before_the_first_mark),
        cmocka_unit_test(splits_words_as_the_index_does),
        cmocka_unit_test(a_hostile_text_gives_a_short_whole_snippet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
