/* test_art_fit.c - the layout rules at any size: nothing cut silently ('…'), the user and the
 * last key kept in narrow frames, columns sized by content, text at most 100 columns wide,
 * labels and redactions never split, the top line kept across a resize, and one line when
 * the window is too small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "art/layout.h"
#include "art/screens.h"

/* Row y as text. */
static char *row(const struct canvas *c, int y)
{
    static char buf[2048];
    canvas_row_utf8(c, y, buf, sizeof(buf));
    return buf;
}

static int find_row(const struct canvas *c, const char *text)
{
    for (int y = 0; y < c->rows; y++)
        if (strstr(row(c, y), text) != NULL)
            return y;
    return -1;
}

static struct art_level level(int n, const char *name, const char *colour)
{
    struct art_level l = {0};
    l.level = n;
    snprintf(l.name, sizeof(l.name), "%s", name);
    snprintf(l.colour, sizeof(l.colour), "%s", colour);
    return l;
}

static void cut_text_ends_in_an_ellipsis(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 2, 20), 0);
    assert_int_equal(canvas_text_fit(&c, 0, 0, "The Tin Heron (neutralized)", ink_plain(), 10), 10);
    assert_string_equal(row(&c, 0), "The Tin H…");
    /* What fits is written whole, without an ellipsis. */
    assert_int_equal(canvas_text_fit(&c, 1, 0, "SCP-002", ink_plain(), 7), 7);
    assert_string_equal(row(&c, 1), "SCP-002");
    /* The canvas edge cuts too, and shows it. */
    canvas_clear(&c);
    canvas_text_fit(&c, 0, 15, "Euclid", ink_plain(), 10);
    assert_string_equal(row(&c, 0), "               Eucl…");
    canvas_free(&c);
    /* Text longer than fit's 512-character buffer, in a wider canvas: cut there, and shown. */
    char longer[700];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(canvas_init(&c, 1, 1000), 0);
    assert_int_equal(canvas_text_fit(&c, 0, 0, longer, ink_plain(), 1000), 512);
    assert_int_equal(canvas_at(&c, 0, 511)->ch, L'…');
    assert_int_equal(canvas_at(&c, 0, 510)->ch, L'x');
    canvas_free(&c);
}

static void narrow_frame_keeps_user_and_last_key(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 20, 60), 0);
    struct art_frame f = {.location = "SCP DATABASE",
                          .user = "researcher · Level 2 - Restricted",
                          .keys = "Tab/1-4 kind  / search  n/p page  Enter open  : command  "
                                  "? help  q back"};
    art_frame_draw(&c, &f);
    assert_non_null(strstr(row(&c, 0), "researcher · Level 2"));
    assert_non_null(strstr(row(&c, 0), "…"));
    const char *keys = row(&c, 19);
    assert_true(layout_text_width(keys) <= 60);
    /* Whole keys dropped from the middle, "? help" and the last one kept, no word cut. */
    assert_non_null(strstr(keys, "Tab/1-4 kind  / search"));
    assert_non_null(strstr(keys, "…  ? help  q back"));
    assert_null(strstr(keys, "comman "));
    /* "? help" from the middle of the line stays too, next to the last key. */
    struct art_frame welcome = {.keys = "Enter run command (empty: browse)  ? help  Esc clear  "
                                        "LOGOUT  QUIT"};
    art_frame_draw(&c, &welcome);
    assert_string_equal(row(&c, 19), " Enter run command (empty: browse)  …  ? help  QUIT");
    /* Wide enough: all of it, and the location between. */
    canvas_free(&c);
    assert_int_equal(canvas_init(&c, 24, 120), 0);
    art_frame_draw(&c, &f);
    assert_non_null(strstr(row(&c, 0), "SCP DATABASE"));
    assert_non_null(strstr(row(&c, 0), "researcher · Level 2 - Restricted"));
    assert_non_null(strstr(row(&c, 23), "? help  q back"));
    assert_null(strstr(row(&c, 23), "…"));
    canvas_free(&c);
}

static void too_small_is_one_clear_line(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 12, 40), 0);
    assert_true(art_too_small(&c));
    art_too_small_draw(&c);
    assert_string_equal(row(&c, 6), "WINDOW TOO SMALL (40x12): SCiPNET NEEDS…");
    for (int y = 0; y < c.rows; y++)
        if (y != 6)
            assert_string_equal(row(&c, y), "");
    canvas_free(&c);
    assert_int_equal(canvas_init(&c, 20, 60), 0);
    assert_false(art_too_small(&c));
    canvas_free(&c);
}

static void list_columns_are_sized_by_content(void **state)
{
    (void)state;
    struct art_list_item items[2];
    memset(items, 0, sizeof(items));
    snprintf(items[0].ref, sizeof(items[0].ref), "SITE-19");
    items[0].title = "Site-19";
    items[0].accessible = true;
    items[0].classification = level(2, "Level 2 - Restricted", "#0087BD");
    items[0].detail = "Stonehaven, Aberdeenshire, Scotland";
    snprintf(items[1].ref, sizeof(items[1].ref), "SITE-77");
    items[1].title = "Site-77, the site with a title longer than any window is wide, "
                     "for it goes on and on";
    items[1].accessible = true;
    items[1].classification = level(3, "Level 3 - Confidential", "#FFD300");
    items[1].detail = "Ventimiglia";
    struct art_list l = {"site", 2, 0, items, 2};
    struct art_browser b = {"site", &l, 0, NULL, false, NULL, NULL, 0};
    struct art_frame f = {.keys = "q back"};
    struct canvas c;
    /* At 120 columns the location is whole (it was cut at 13 characters). */
    assert_int_equal(canvas_init(&c, 24, 120), 0);
    art_browser(&c, &f, &b);
    int y = find_row(&c, "SITE-19");
    assert_true(y > 0);
    assert_non_null(strstr(row(&c, y), "Stonehaven, Aberdeenshire, Scotland  Site-19"));
    y = find_row(&c, "SITE-77");
    assert_non_null(strstr(row(&c, y), "…"));
    assert_true(layout_text_width(row(&c, y)) <= 120);
    canvas_free(&c);
    /* At 60 the location gives way to the title, and says it was cut. */
    assert_int_equal(canvas_init(&c, 20, 60), 0);
    art_browser(&c, &f, &b);
    y = find_row(&c, "SITE-19");
    assert_non_null(strstr(row(&c, y), "Stonehaven"));
    assert_non_null(strstr(row(&c, y), "…  Site-19"));
    assert_true(layout_text_width(row(&c, y)) <= 60);
    canvas_free(&c);
}

/* A file with a long body, a long header and a redaction in the middle of a sentence. */
static struct art_file long_file(void)
{
    struct art_file f = {0};
    snprintf(f.ref, sizeof(f.ref), "SCP-002");
    snprintf(f.kind, sizeof(f.kind), "scp");
    f.title = strdup("The Patient Lamp");
    f.classification = level(2, "Level 2 - Restricted", "#0087BD");
    f.site.set = true;
    snprintf(f.site.name, sizeof(f.site.name), "Site-19");
    snprintf(f.site.ref, sizeof(f.site.ref), "SITE-19");
    f.task_force.set = true;
    snprintf(f.task_force.name, sizeof(f.task_force.name), "Epsilon-6 \"Lamplighters\"");
    snprintf(f.task_force.ref, sizeof(f.task_force.ref), "MTF-3");
    f.nsections = 1;
    f.sections = calloc(1, sizeof(*f.sections));
    struct art_section *d = &f.sections[0];
    snprintf(d->kind, sizeof(d->kind), "description");
    d->nparts = 3;
    d->parts = calloc(3, sizeof(*d->parts));
    /* Every word differs, so a test can tell which one is on top. */
    char text[2][16384] = {"", ""};
    for (int half = 0; half < 2; half++) {
        for (int i = 0; i < 300; i++) {
            char word[32];
            snprintf(word, sizeof(word), "%c%03da %c%03db ", 'p' + half, i, 'p' + half, i);
            strcat(text[half], word);
        }
    }
    d->parts[0].text = strdup(text[0]);
    d->parts[1].redacted = true;
    d->parts[1].needed = level(4, "Level 4 - Secret", "#FF6D00");
    d->parts[2].text = strdup(text[1]);
    return f;
}

static void body_text_is_at_most_100_columns(void **state)
{
    (void)state;
    struct art_file file = long_file();
    struct art_file_view v = {.file = &file};
    struct art_frame f = {.keys = "q back"};
    struct canvas c;
    assert_int_equal(canvas_init(&c, 60, 200), 0);
    art_file_view(&c, &f, &v);
    int longest = 0, body = find_row(&c, "DESCRIPTION") + 1;
    for (int y = body; y < c.rows - 2; y++) {
        int w = layout_text_width(row(&c, y));
        longest = w > longest ? w : longest;
    }
    assert_true(longest > 90);
    assert_true(longest <= 1 + ART_TEXT_MAX);
    canvas_free(&c);
    art_file_free(&file);
}

static void labels_and_redactions_never_split(void **state)
{
    (void)state;
    struct art_file file = long_file();
    struct art_frame f = {.keys = "q back"};
    for (int cols = 60; cols <= 200; cols++) {
        struct art_file_view v = {.file = &file};
        struct canvas c;
        assert_int_equal(canvas_init(&c, 200, cols), 0);
        art_file_view(&c, &f, &v);
        if (find_row(&c, "TASK FORCE: Epsilon-6 \"Lamplighters\" (MTF-3)") < 0 ||
            find_row(&c, "SITE: Site-19 (SITE-19)") < 0)
            fail_msg("a header label is split at %d columns", cols);
        if (find_row(&c, "██████████ [LEVEL 4 REQUIRED]") < 0)
            fail_msg("the redaction is split from its level at %d columns", cols);
        canvas_free(&c);
    }
    art_file_free(&file);
}

static void the_top_line_survives_a_resize(void **state)
{
    (void)state;
    struct art_file file = long_file();
    struct art_file_view v = {.file = &file};
    struct art_frame f = {.keys = "q back"};
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    art_file_view(&c, &f, &v);
    v.scroll = 20;
    art_file_view(&c, &f, &v);
    int body = find_row(&c, "────") + 1;
    char top[64];
    snprintf(top, sizeof(top), "%.5s", row(&c, body) + 1); /* "pNNNa": the word on top */
    assert_int_equal(top[0], 'p');
    canvas_free(&c);
    int sizes[][2] = {{20, 60}, {60, 200}, {24, 80}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(canvas_init(&c, sizes[i][0], sizes[i][1]), 0);
        art_file_view(&c, &f, &v);
        body = find_row(&c, "────") + 1;
        /* The word that began the top line before is on the top line after. */
        if (strstr(row(&c, body), top) == NULL)
            fail_msg("at %dx%d the top line is '%s', not the one with %s", sizes[i][1], sizes[i][0],
                     row(&c, body), top);
        assert_true(v.scroll > 0);
        snprintf(top, sizeof(top), "%.5s", row(&c, body) + 1);
        canvas_free(&c);
    }
    art_file_free(&file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cut_text_ends_in_an_ellipsis),
        cmocka_unit_test(narrow_frame_keeps_user_and_last_key),
        cmocka_unit_test(too_small_is_one_clear_line),
        cmocka_unit_test(list_columns_are_sized_by_content),
        cmocka_unit_test(body_text_is_at_most_100_columns),
        cmocka_unit_test(labels_and_redactions_never_split),
        cmocka_unit_test(the_top_line_survives_a_resize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
