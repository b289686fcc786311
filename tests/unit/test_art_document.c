/* test_art_document.c - the document renderer (art/document.c): every construct, wrap widths,
 * cut passages inside tables, lists and quotes, refs as links, control characters and
 * hostile input (deep nesting, huge tables, very long words). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "art/document.h"
#include "art/glyphs.h"
#include "art/layout.h"

#define CUT "██████████ [LEVEL 4 REQUIRED]"

/* Renders parts at width; returns the text (malloc'd) and checks every line fits. */
static char *render_parts(const struct art_part *parts, size_t n, int width,
                          struct doc_links *links, struct rich *keep)
{
    struct rich r = {0};
    assert_int_equal(doc_render(parts, n, width, &r, links), 0);
    char *out = malloc(r.len * 4 + 1);
    size_t len = 0;
    int col = 0;
    for (size_t i = 0; i < r.len; i++) {
        if (r.g[i].ch == L'\n') {
            col = 0;
        } else {
            col += layout_char_width(r.g[i].ch);
            if (col > width)
                fail_msg("a line is wider than %d", width);
        }
        len += layout_utf8_encode(r.g[i].ch, out + len);
    }
    out[len] = '\0';
    if (keep != NULL)
        *keep = r;
    else
        rich_free(&r);
    return out;
}

static char *render(const char *md, int width)
{
    struct art_part p = {.text = (char *)md};
    return render_parts(&p, 1, width, NULL, NULL);
}

static void expect(const char *md, int width, const char *want)
{
    char *got = render(md, width);
    if (strcmp(got, want) != 0)
        fail_msg("rendering\n%s\nat %d gave\n%s\nwant\n%s", md, width, got, want);
    free(got);
}

static void paragraphs_wrap_at_the_width(void **state)
{
    expect("The lamp has no gas supply. It burns until sunrise.", 20,
           "The lamp has no gas\nsupply. It burns\nuntil sunrise.\n");
    expect("one\ntwo\n\nthree", 40, "one two\n\nthree\n");
    expect("one  \ntwo", 40, "one\ntwo\n");
}

static void headings_and_emphasis_lose_their_syntax(void **state)
{
    struct rich r;
    struct art_part p = {.text = "# Title\n\nSome **bold** and *it* and ~~gone~~ and `c`."};
    char *got = render_parts(&p, 1, 60, NULL, &r);
    assert_string_equal(got, "Title\n\nSome bold and it and gone and c.\n");
    /* "Title" bold and underlined; "bold" bold; "it" italic; "gone" struck */
    assert_true(r.g[0].ink.attrs & INK_BOLD);
    assert_true(r.g[0].ink.attrs & INK_UNDER);
    const char *t = got;
    size_t at_bold = (size_t)(strstr(t, "bold") - t), at_it = (size_t)(strstr(t, "it ") - t);
    size_t at_gone = (size_t)(strstr(t, "gone") - t);
    assert_true(r.g[at_bold].ink.attrs & INK_BOLD);
    assert_true(r.g[at_it].ink.attrs & INK_ITALIC);
    assert_true(r.g[at_gone].ink.attrs & INK_STRIKE);
    assert_false(r.g[at_bold - 2].ink.attrs & INK_BOLD);
    free(got);
    rich_free(&r);
}

static void lists_quotes_code_and_rules(void **state)
{
    expect("- one\n- two\n  - inner\n- three", 40, "• one\n• two\n  ◦ inner\n• three\n");
    expect("3. a\n4. b", 40, "3. a\n4. b\n");
    expect("- a long item that wraps", 12, "• a long\n  item that\n  wraps\n");
    expect("> quoted text here\n>\n> second", 12, "│ quoted\n│ text here\n│\n│ second\n");
    expect("a\n\n> q", 40, "a\n\n│ q\n"); /* the blank line above a quote has no bar */
    expect("```\nint x;\n  y\n```", 40, "    int x;\n      y\n");
    expect("a\n\n---\n\nb", 5, "a\n\n─────\n\nb\n");
}

static void tables_are_boxed_and_fit_the_width(void **state)
{
    expect("| A | B |\n|---|--:|\n| x | 10 |", 40,
           "┌───┬────┐\n│ A │  B │\n├───┼────┤\n│ x │ 10 │\n└───┴────┘\n");
    /* Too wide for 20 columns: columns shrink and their cells wrap. */
    char *got =
        render("| Name | Notes |\n|---|---|\n| SCP-173 | moves when unobserved by anyone |", 24);
    assert_non_null(strstr(got, "┌"));
    assert_non_null(strstr(got, "unobserved"));
    free(got);
    /* No room for the columns: each cell on a line of its own. */
    expect("| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |", 8,
           "a\nb\nc\nd\n───\n1\n2\n3\n4\n");
}

static void cut_passages_keep_their_look_everywhere(void **state)
{
    struct art_part parts[] = {
        {.text = "| who | what |\n|---|---|\n| D-9341 | "},
        {.redacted = true, .needed = {.level = 4}},
        {.text = " |\n\n- item "},
        {.redacted = true, .needed = {.level = 4}},
        {.text = "\n\n> quote "},
        {.redacted = true, .needed = {.level = 4}},
        {.text = "\n"},
    };
    char *got = render_parts(parts, 7, 60, NULL, NULL);
    const char *p = got;
    for (int i = 0; i < 3; i++) {
        p = strstr(p, CUT);
        if (p == NULL)
            fail_msg("cut passage %d missing in\n%s", i, got);
        p++;
    }
    assert_non_null(strstr(got, "│ D-9341 │ " CUT " │"));
    assert_non_null(strstr(got, "• item " CUT));
    assert_non_null(strstr(got, "│ quote " CUT));
    free(got);
    /* A text cannot forge a cut passage with the renderer's own placeholders. */
    expect("x \xf3\xb0\x80\x80 y", 40, "x \xef\xbf\xbd y\n");
}

static void footnotes_become_numbered_notes(void **state)
{
    expect("Lamp[^a] and flame[^b].\n\n[^b]: The second.\n[^a]: The first.\n", 40,
           "Lamp[1] and flame[2].\n\n────────────\n[1] The first.\n[2] The second.\n");
}

static void refs_are_links(void **state)
{
    struct doc_links links = {0};
    struct rich r;
    struct art_part p = {.text = "See scp-049-arc, SITE-19 and MTF-3; not xSCP-1 or `SCP-2`x."};
    char *got = render_parts(&p, 1, 80, &links, &r);
    assert_int_equal(links.count, 3);
    assert_string_equal(links.v[0].ref, "SCP-049-ARC");
    assert_string_equal(links.v[1].ref, "SITE-19");
    assert_string_equal(links.v[2].ref, "MTF-3");
    /* The link covers exactly the ref's glyphs. */
    assert_int_equal(links.v[1].end - links.v[1].start, 7);
    assert_int_equal(r.g[links.v[1].start].ch, L'S');
    free(got);
    rich_free(&r);
    doc_links_free(&links);
    /* A link in a table cell and in a wrapped list item is found too. */
    struct art_part t = {.text = "| ref |\n|---|\n| USER-5 |\n\n- a b c d e f SCP-173"};
    got = render_parts(&t, 1, 10, &links, &r);
    assert_int_equal(links.count, 2);
    assert_string_equal(links.v[0].ref, "USER-5");
    assert_string_equal(links.v[1].ref, "SCP-173");
    assert_int_equal(r.g[links.v[1].start].ch, L'S');
    assert_int_equal(r.g[links.v[1].end - 1].ch, L'3');
    free(got);
    rich_free(&r);
    doc_links_free(&links);
}

static void control_characters_are_shown_escaped(void **state)
{
    expect("a\x1b[2Jb \xc2\x9b c\xe2\x80\xae", 40, "a\\e[2Jb \\u009b c\\u202e\n");
    expect("| \x07 |\n|---|\n| &#27; |", 40, "┌────┐\n│ \\a │\n├────┤\n│ \\e │\n└────┘\n");
    /* --raw: a script asked for the bytes */
    doc_set_raw(true);
    expect("a\x1b[2Jb", 40, "a\x1b[2Jb\n");
    doc_set_raw(false);
    expect("a\x1b[2Jb", 40, "a\\e[2Jb\n");
}

static void hostile_input_stays_bounded(void **state)
{
    /* Deep nesting: every line still fits, and the indent stops growing. */
    char *deep = malloc(20001);
    for (int i = 0; i < 10000; i++)
        memcpy(deep + 2 * i, "> ", 2);
    strcpy(deep + 19998, "x");
    free(render(deep, 30));
    for (int i = 0; i < 5000; i++)
        memcpy(deep + 4 * i, "- - ", 4);
    strcpy(deep + 19996, "y");
    free(render(deep, 30));
    free(deep);
    /* A huge table: 100 columns, 200 rows. */
    size_t cap = 200 * 100 * 8 + 1000, len = 0;
    char *table = malloc(cap);
    for (int r = 0; r < 202; r++) {
        for (int c = 0; c < 100; c++)
            len += (size_t)snprintf(table + len, cap - len, r == 1 ? "|---" : "| %d ", c);
        len += (size_t)snprintf(table + len, cap - len, "|\n");
    }
    free(render(table, 80));
    free(table);
    /* A very long word is cut to the width. */
    char word[3001];
    memset(word, 'W', 3000);
    word[3000] = '\0';
    char *got = render(word, 50);
    assert_int_equal(strlen(got), 3000 + 60);
    free(got);
    /* Every width down to one column. */
    for (int w = 1; w < 12; w++)
        free(render("# H\n\n> - | a | b |\n>   |---|---|\n>   | 1 | 2 |\n\n```\ncode\n```", w));
}

/* The bounds: links past DOC_LINKS_MAX are plain text, notes past DOC_NOTES_MAX stay text. */
static void links_and_notes_are_bounded(void **state)
{
    size_t cap = 20 * (DOC_LINKS_MAX + 100) + 1, len = 0;
    char *t = malloc(cap);
    for (int i = 0; i < DOC_LINKS_MAX + 100; i++)
        len += (size_t)snprintf(t + len, cap - len, "SCP-%d ", i);
    struct doc_links links = {0};
    struct art_part p = {.text = t};
    free(render_parts(&p, 1, 80, &links, NULL));
    assert_int_equal(links.count, DOC_LINKS_MAX);
    assert_string_equal(links.v[DOC_LINKS_MAX - 1].ref, "SCP-4095");
    doc_links_free(&links);
    len = 0;
    for (int i = 1; i <= DOC_NOTES_MAX + 1; i++)
        len += (size_t)snprintf(t + len, cap - len, "[^%d]", i);
    len += (size_t)snprintf(t + len, cap - len, "\n\n");
    for (int i = 1; i <= DOC_NOTES_MAX + 1; i++)
        len += (size_t)snprintf(t + len, cap - len, "[^%d]: note %d\n", i, i);
    char *got = render(t, 80);
    assert_non_null(strstr(got, "[99] note 99\n"));
    assert_null(strstr(got, "[100] note"));
    assert_non_null(strstr(got, "[^100]")); /* the 100th stays as it was written */
    free(got);
    free(t);
}

/* A terminal without UTF-8 draws ASCII stand-ins: every mark the renderer adds has one. */
static void marks_have_ascii_stand_ins(void **state)
{
    struct rich r = {0};
    struct art_part p = {
        .text = "- a\n  - b\n    - c\n\n> q\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n---\n\n"
                "n[^1]\n\n[^1]: note"};
    assert_int_equal(doc_render(&p, 1, 40, &r, NULL), 0);
    for (size_t i = 0; i < r.len; i++) {
        uint8_t attrs = 0;
        if (r.g[i].ch != L'\n' && art_ascii_glyph(r.g[i].ch, &attrs) == '?')
            fail_msg("U+%04X has no ASCII stand-in", (unsigned)r.g[i].ch);
    }
    rich_free(&r);
}

static void source_shows_cuts(void **state)
{
    struct art_part parts[] = {
        {.text = "**Bold** "},
        {.redacted = true, .needed = {.level = 5}},
        {.text = " end"},
    };
    char *src = doc_source(parts, 3);
    assert_string_equal(src, "**Bold** ██████████ [LEVEL 5 REQUIRED] end");
    free(src);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paragraphs_wrap_at_the_width),
        cmocka_unit_test(headings_and_emphasis_lose_their_syntax),
        cmocka_unit_test(lists_quotes_code_and_rules),
        cmocka_unit_test(tables_are_boxed_and_fit_the_width),
        cmocka_unit_test(cut_passages_keep_their_look_everywhere),
        cmocka_unit_test(footnotes_become_numbered_notes),
        cmocka_unit_test(refs_are_links),
        cmocka_unit_test(control_characters_are_shown_escaped),
        cmocka_unit_test(hostile_input_stays_bounded),
        cmocka_unit_test(links_and_notes_are_bounded),
        cmocka_unit_test(marks_have_ascii_stand_ins),
        cmocka_unit_test(source_shows_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
