/*
 * test_art_file_view.c - the file view as keys drive it: the text rendered once and kept
 * while only the scroll, a find or the chosen link changes (a long file re-parsed on every
 * key was 120 ms a key), rendered again on a resize or another addendum; the chosen link
 * marked without marking the kept text; the header's SITE and TASK FORCE as links after
 * the text's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "art/file_view.h"

/* The ink of the first cell where needle starts on the canvas; fails when it is not shown. */
static struct ink ink_at(const struct canvas *c, const wchar_t *needle)
{
    size_t n = wcslen(needle);
    for (int y = 0; y < c->rows; y++)
        for (int x = 0; x + (int)n <= c->cols; x++) {
            size_t k = 0;
            while (k < n && canvas_at(c, y, x + (int)k)->ch == needle[k])
                k++;
            if (k == n)
                return canvas_at(c, y, x)->ink;
        }
    fail_msg("%ls is not on the canvas", needle);
    return ink_plain();
}

static bool reversed(const struct canvas *c, const wchar_t *needle)
{
    return (ink_at(c, needle).attrs & INK_REVERSE) != 0;
}

static void add_section(struct art_file *f, const char *kind, const char *title, const char *text)
{
    struct art_section *s = &f->sections[f->nsections++];
    snprintf(s->kind, sizeof(s->kind), "%s", kind);
    s->title = strdup(title);
    s->level = 1;
    s->parts = calloc(1, sizeof(*s->parts));
    s->nparts = 1;
    s->parts[0].text = strdup(text);
}

/* Sixty lines, then two refs; an addendum or two. */
static struct art_file long_file(bool header_links)
{
    struct art_file f = {.ref = "SCP-013", .kind = "scp"};
    f.title = strdup("The Patient Lamp");
    f.classification.level = 1;
    snprintf(f.classification.name, sizeof(f.classification.name), "Level 1 - Unrestricted");
    if (header_links) {
        f.site.set = f.task_force.set = true;
        snprintf(f.site.ref, sizeof(f.site.ref), "SITE-19");
        snprintf(f.site.name, sizeof(f.site.name), "Site-19");
        snprintf(f.task_force.ref, sizeof(f.task_force.ref), "MTF-3");
        snprintf(f.task_force.name, sizeof(f.task_force.name), "Epsilon-11");
    }
    f.sections = calloc(3, sizeof(*f.sections));
    char text[4096];
    size_t len = 0;
    for (int i = 1; i <= 60; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "Line %d of the lamp.\n\n", i);
    snprintf(text + len, sizeof(text) - len, "Compare SCP-049 and SCP-173 here.\n");
    add_section(&f, "description", "Description", text);
    add_section(&f, "addendum", "Addendum 1", "The first addendum.");
    add_section(&f, "addendum", "Addendum 2", "The second addendum.");
    return f;
}

static char *draw(struct canvas *c, struct art_file_view *v)
{
    struct art_frame fr = {.keys = "q back"};
    art_file_view(c, &fr, v);
    return canvas_dump(c);
}

static void keys_reuse_the_rendered_text(void **state)
{
    (void)state;
    struct art_file file = long_file(false);
    struct canvas c, fresh;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    assert_int_equal(canvas_init(&fresh, 24, 80), 0);
    struct art_file_view v = {.file = &file, .keep = true};
    free(draw(&c, &v));
    assert_int_equal(v.renders, 1);
    /* Scrolling, finding and choosing links: the same text, drawn as a fresh render. */
    for (int i = 0; i < 40; i++) {
        v.scroll += i % 3 == 0 ? 5 : -2;
        v.link_step = i % 7 == 0 ? 1 : 0;
        v.find = "lamp";
        v.find_dir = i % 5 == 0 ? 1 : 0;
        char *kept = draw(&c, &v);
        struct art_file_view once = v; /* the same place, rendered afresh */
        once.keep = false;
        once.cache = NULL;
        once.find_dir = 0;
        char *shown = draw(&fresh, &once);
        assert_string_equal(kept, shown);
        free(kept);
        free(shown);
    }
    assert_int_equal(v.renders, 1);
    /* A resize renders again, at the new width. */
    canvas_free(&c);
    assert_int_equal(canvas_init(&c, 24, 60), 0);
    free(draw(&c, &v));
    assert_int_equal(v.renders, 2);
    free(draw(&c, &v));
    assert_int_equal(v.renders, 2);
    /* Another addendum is another text; back to the list and the same one is not. */
    v.mode = ART_FILE_ADDENDUM;
    v.selected = 0;
    char *text = draw(&c, &v);
    assert_non_null(strstr(text, "The first addendum."));
    free(text);
    v.selected = 1;
    text = draw(&c, &v);
    assert_non_null(strstr(text, "The second addendum."));
    assert_null(strstr(text, "The first addendum."));
    free(text);
    assert_int_equal(v.renders, 4);
    v.mode = ART_FILE_ADDENDA;
    free(draw(&c, &v));
    v.mode = ART_FILE_ADDENDUM;
    free(draw(&c, &v));
    assert_int_equal(v.renders, 4);
    /* Another file (the view reused) is rendered too. */
    struct art_file other = long_file(false);
    v.file = &other;
    free(draw(&c, &v));
    assert_int_equal(v.renders, 5);
    art_file_view_free(&v);
    assert_null(v.cache);
    free(draw(&c, &v)); /* freed, the view still draws */
    assert_int_equal(v.renders, 6);
    art_file_view_free(&v);
    art_file_free(&other);
    art_file_free(&file);
    canvas_free(&c);
    canvas_free(&fresh);
}

static void the_chosen_link_leaves_no_mark_behind(void **state)
{
    (void)state;
    struct art_file file = long_file(false);
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    struct art_file_view v = {.file = &file, .keep = true};
    free(draw(&c, &v));
    v.link_step = 1;
    free(draw(&c, &v));
    assert_string_equal(v.link_ref, "SCP-049");
    assert_true(reversed(&c, L"SCP-049"));
    assert_false(reversed(&c, L"SCP-173"));
    v.link_step = 1;
    free(draw(&c, &v));
    assert_string_equal(v.link_ref, "SCP-173");
    assert_false(reversed(&c, L"SCP-049"));
    assert_true(reversed(&c, L"SCP-173"));
    assert_int_equal(v.renders, 1);
    art_file_view_free(&v);
    art_file_free(&file);
    canvas_free(&c);
}

static void header_site_and_task_force_are_links(void **state)
{
    (void)state;
    struct art_file file = long_file(true);
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    struct art_file_view v = {.file = &file, .keep = true};
    char *text = draw(&c, &v);
    assert_non_null(strstr(text, "SITE: Site-19 (SITE-19)   TASK FORCE: Epsilon-11 (MTF-3)"));
    free(text);
    assert_false(reversed(&c, L"Site-19 (SITE-19)"));
    /* The text's refs, then the header's, then round again. */
    static const char *const order[] = {"SCP-049", "SCP-173", "SITE-19", "MTF-3", "SCP-049"};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        v.link_step = 1;
        free(draw(&c, &v));
        assert_string_equal(v.link_ref, order[i]);
    }
    /* Back from the first with Shift-Tab: the task force, reversed (name and ref, not the
     * label). */
    v.link_step = -1;
    free(draw(&c, &v));
    assert_string_equal(v.link_ref, "MTF-3");
    assert_true(reversed(&c, L"Epsilon-11 (MTF-3)"));
    assert_true(reversed(&c, L"(MTF-3)"));
    assert_false(reversed(&c, L"TASK FORCE"));
    assert_false(reversed(&c, L"Site-19 (SITE-19)"));
    /* At the top, the text's refs out of sight: Tab takes the header's in sight. */
    v.link = 0;
    v.scroll = 0;
    v.link_step = 1;
    free(draw(&c, &v));
    assert_string_equal(v.link_ref, "SCP-049"); /* scrolled to, as before */
    struct art_file bare = long_file(true);
    free(bare.sections[0].parts[0].text);
    bare.sections[0].parts[0].text = strdup("No refs here.");
    struct art_file_view w = {.file = &bare};
    w.link_step = 1;
    free(draw(&c, &w));
    assert_string_equal(w.link_ref, "SITE-19");
    assert_true(reversed(&c, L"Site-19 (SITE-19)"));
    w.link_step = -1;
    free(draw(&c, &w));
    assert_string_equal(w.link_ref, "MTF-3");
    /* A header ref the parser does not read is text, not a link. */
    snprintf(bare.site.ref, sizeof(bare.site.ref), "SITE-../x");
    snprintf(bare.task_force.ref, sizeof(bare.task_force.ref), "mtf-0003");
    w.link = 0;
    w.link_step = 1;
    free(draw(&c, &w));
    assert_string_equal(w.link_ref, "MTF-3");
    w.link_step = 1;
    free(draw(&c, &w));
    assert_string_equal(w.link_ref, "MTF-3");
    art_file_free(&bare);
    art_file_view_free(&v);
    art_file_free(&file);
    canvas_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_reuse_the_rendered_text),
        cmocka_unit_test(the_chosen_link_leaves_no_mark_behind),
        cmocka_unit_test(header_site_and_task_force_are_links),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
