/* test_art_layout.c - word wrap by display width, boxes, colours, and whole screens rendered
 * into a plain 80x24 text grid (no terminal needed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "art/colours.h"
#include "art/layout.h"
#include "art/screens.h"

static void wrap_text(const char *text, int width, struct rich *r, struct wrapped *w)
{
    memset(r, 0, sizeof(*r));
    memset(w, 0, sizeof(*w));
    assert_int_equal(rich_append(r, text, ink_plain()), 0);
    assert_int_equal(layout_wrap(r->g, r->len, width, w), 0);
}

/* Line i of a wrap as UTF-8. */
static void line_text(const struct rich *r, const struct wrapped *w, size_t i, char *buf)
{
    size_t len = 0;
    for (size_t k = 0; k < w->lines[i].len; k++)
        len += layout_utf8_encode(r->g[w->lines[i].start + k].ch, buf + len);
    buf[len] = '\0';
}

static void widths_count_columns_not_bytes(void **state)
{
    (void)state;
    assert_int_equal(layout_text_width("SCP-002"), 7);
    assert_int_equal(layout_text_width("██████████"), 10);
    assert_int_equal(layout_text_width("機密"), 4);
    assert_int_equal(layout_text_width("·"), 1);
    assert_int_equal(layout_char_width(L'a'), 1);
    assert_int_equal(layout_char_width(L'財'), 2);
}

static void wrap_breaks_at_spaces(void **state)
{
    (void)state;
    struct rich r;
    struct wrapped w;
    char buf[256];
    wrap_text("The quick brown fox jumps over the lazy dog", 10, &r, &w);
    assert_int_equal(w.count, 5);
    line_text(&r, &w, 0, buf);
    assert_string_equal(buf, "The quick");
    line_text(&r, &w, 4, buf);
    assert_string_equal(buf, "dog");
    for (size_t i = 0; i < w.count; i++)
        assert_true(w.lines[i].width <= 10);
    rich_free(&r);
    wrapped_free(&w);
}

static void wrap_keeps_newlines_and_blank_lines(void **state)
{
    (void)state;
    struct rich r;
    struct wrapped w;
    char buf[64];
    wrap_text("one\n\ntwo", 20, &r, &w);
    assert_int_equal(w.count, 3);
    line_text(&r, &w, 1, buf);
    assert_string_equal(buf, "");
    line_text(&r, &w, 2, buf);
    assert_string_equal(buf, "two");
    rich_free(&r);
    wrapped_free(&w);
}

static void wrap_counts_blocks_by_width(void **state)
{
    (void)state;
    struct rich r;
    struct wrapped w;
    char buf[256];
    /* 10 blocks + " [LEVEL 4 REQUIRED]" = 29 columns but 47 bytes. */
    wrap_text("abc ██████████ [LEVEL 4 REQUIRED] xyz", 33, &r, &w);
    line_text(&r, &w, 0, buf);
    assert_string_equal(buf, "abc ██████████ [LEVEL 4 REQUIRED]");
    assert_int_equal(w.lines[0].width, 33);
    line_text(&r, &w, 1, buf);
    assert_string_equal(buf, "xyz");
    rich_free(&r);
    wrapped_free(&w);
}

static void wrap_counts_cjk_as_two_columns(void **state)
{
    (void)state;
    struct rich r;
    struct wrapped w;
    /* Twelve wide characters with no spaces: cut every 5 characters (10 columns) in 11. */
    wrap_text("機密機密機密機密機密機密", 11, &r, &w);
    assert_int_equal(w.count, 3);
    assert_int_equal(w.lines[0].width, 10);
    assert_int_equal(w.lines[0].len, 5);
    assert_int_equal(w.lines[2].len, 2);
    for (size_t i = 0; i < w.count; i++)
        assert_true(w.lines[i].width <= 11);
    rich_free(&r);
    wrapped_free(&w);
    /* A one-column line still makes progress with a wide character. */
    wrap_text("機密", 1, &r, &w);
    assert_int_equal(w.count, 2);
    rich_free(&r);
    wrapped_free(&w);
}

static void wrap_cuts_words_longer_than_a_line(void **state)
{
    (void)state;
    struct rich r;
    struct wrapped w;
    char buf[64];
    wrap_text("sha256:0123456789abcdef", 8, &r, &w);
    assert_int_equal(w.count, 3);
    line_text(&r, &w, 0, buf);
    assert_string_equal(buf, "sha256:0");
    rich_free(&r);
    wrapped_free(&w);
}

static void canvas_handles_wide_characters(void **state)
{
    (void)state;
    struct canvas c;
    char row[256];
    assert_int_equal(canvas_init(&c, 2, 6), 0);
    assert_int_equal(canvas_text(&c, 0, 0, "機密機密", ink_plain()), 6);
    canvas_row_utf8(&c, 0, row, sizeof(row));
    assert_string_equal(row, "機密機");
    /* A wide character never hangs over the edge. */
    assert_int_equal(canvas_put(&c, 1, 5, L'機', ink_plain()), 0);
    /* Overwriting half of a wide character blanks the other half. */
    canvas_put(&c, 0, 1, L'x', ink_plain());
    canvas_row_utf8(&c, 0, row, sizeof(row));
    assert_string_equal(row, " x密機");
    canvas_free(&c);
}

/* ESC, C1 (U+009B, a one-character CSI) and bidi overrides are drawn as '?' in any locale. */
static void canvas_shows_controls_as_question_marks(void **state)
{
    (void)state;
    const char *locales[] = {"C", "C.UTF-8"};
    for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]); i++) {
        if (setlocale(LC_CTYPE, locales[i]) == NULL)
            continue;
        struct canvas c;
        char row[256];
        assert_int_equal(canvas_init(&c, 1, 20), 0);
        assert_int_equal(canvas_text(&c, 0, 0,
                                     "a\x1b[2J\xc2\x9b"
                                     "b\xe2\x80\xae"
                                     "c\xe2\x81\xa6\x7f",
                                     ink_plain()),
                         11);
        canvas_row_utf8(&c, 0, row, sizeof(row));
        assert_string_equal(row, "a?[2J?b?c??");
        canvas_free(&c);
    }
    setlocale(LC_CTYPE, "C");
}

static void boxes_fit_80_columns(void **state)
{
    (void)state;
    struct canvas c;
    char row[1024];
    assert_int_equal(canvas_init(&c, 5, 80), 0);
    layout_box(&c, 0, 0, 5, 80, ink_plain());
    canvas_row_utf8(&c, 0, row, sizeof(row));
    assert_int_equal(layout_text_width(row), 80);
    assert_memory_equal(row, "┌", strlen("┌"));
    assert_string_equal(row + strlen(row) - strlen("┐"), "┐");
    canvas_row_utf8(&c, 2, row, sizeof(row));
    assert_int_equal(layout_text_width(row), 80);
    canvas_row_utf8(&c, 4, row, sizeof(row));
    assert_string_equal(row + strlen(row) - strlen("┘"), "┘");
    /* A box wider than the canvas is clipped, never wrapped. */
    canvas_clear(&c);
    layout_double_box(&c, 0, 70, 3, 20, ink_plain());
    canvas_row_utf8(&c, 1, row, sizeof(row));
    assert_true(layout_text_width(row) <= 80);
    canvas_free(&c);
}

static void centring_uses_display_width(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 1, 20), 0);
    assert_int_equal(layout_center(&c, 0, 0, 20, "機密", ink_plain()), 8);
    assert_int_equal(layout_center(&c, 0, 0, 20, "abcd", ink_plain()), 8);
    canvas_free(&c);
}

/* Every row of a rendered screen fits the canvas; returns the whole text. */
static char *dump_checked(const struct canvas *c)
{
    for (int y = 0; y < c->rows; y++) {
        char row[1024];
        canvas_row_utf8(c, y, row, sizeof(row));
        assert_true(layout_text_width(row) <= c->cols);
    }
    char *text = canvas_dump(c);
    assert_non_null(text);
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, c->rows);
    return text;
}

static struct art_level level(int n, const char *name, const char *colour)
{
    struct art_level l = {0};
    l.level = n;
    snprintf(l.name, sizeof(l.name), "%s", name);
    snprintf(l.colour, sizeof(l.colour), "%s", colour);
    return l;
}

static void redacted_screen_renders_at_80x24(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    struct art_redacted_screen s = {0};
    snprintf(s.file_ref, sizeof(s.file_ref), "SCP-005");
    s.file_classification = level(4, "Level 4 - Secret", "#FF6D00");
    s.usr_clearance = level(1, "Level 1 - Unrestricted", "#009F6B");
    snprintf(s.logged_at, sizeof(s.logged_at), "2026-11-22T15:30:01.123Z");
    struct art_frame f = {.location = "SCP DATABASE", .keys = "q back"};
    art_redacted(&c, &f, &s);
    char *text = dump_checked(&c);
    assert_non_null(strstr(text, "ACCESS DENIED"));
    assert_non_null(strstr(text, "FILE_REF: SCP-005 REDACTED"));
    assert_non_null(strstr(text, "CLEARANCE LEVEL 4 - SECRET REQUIRED"));
    assert_non_null(strstr(text, "(YOU ARE CLEARANCE LEVEL 1 - UNRESTRICTED)"));
    assert_non_null(strstr(text, "2026-11-22T15:30:01.123Z"));
    assert_non_null(strstr(text, "q back"));
    free(text);
    /* The level's colour reaches the cells. */
    bool coloured = false;
    for (int y = 0; y < c.rows; y++)
        for (int x = 0; x < c.cols; x++)
            if (canvas_at(&c, y, x)->ink.coloured && canvas_at(&c, y, x)->ink.rgb == 0xFF6D00)
                coloured = true;
    assert_true(coloured);
    canvas_free(&c);
}

static void notice_screens_say_what_happened(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    struct art_frame f = {.keys = "q back"};
    struct art_expunged_screen e = {.file_ref = "SCP-404"};
    art_expunged(&c, &f, &e);
    char *text = dump_checked(&c);
    assert_non_null(strstr(text, "DATA EXPUNGED"));
    assert_non_null(strstr(text, "FILE_REF: SCP-404 NOT FOUND"));
    free(text);
    struct art_denied_screen d = {level(2, "Level 2 - Restricted", "#0087BD"),
                                  level(1, "Level 1 - Unrestricted", "#009F6B")};
    art_denied(&c, &f, &d);
    text = dump_checked(&c);
    assert_non_null(strstr(text, "INSUFFICIENT CLEARANCE"));
    assert_non_null(strstr(text, "CLEARANCE LEVEL 2 - RESTRICTED REQUIRED"));
    free(text);
    art_login_failed(&c, &f, "ACCESS REFUSED.", 2);
    text = dump_checked(&c);
    assert_non_null(strstr(text, "IDENTIFICATION / AUTHENTICATION INVALID"));
    assert_non_null(strstr(text, "2 ATTEMPTS REMAINING"));
    free(text);
    /* The same words in batch mode. */
    struct art_notice n;
    art_expunged_notice(&e, &n);
    text = art_notice_plain(&n);
    assert_string_equal(text, "DATA EXPUNGED\nFILE_REF: SCP-404 NOT FOUND\n\n"
                              "NO RECORD EXISTS IN THE DATABASE.\n");
    free(text);
    canvas_free(&c);
}

static void welcome_frames_command_staff_only(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    struct art_frame f = {.prompt = "SCiPNET> ", .input = "ACC"};
    struct art_login_screen s = {"director", "Site Director", "Level 5 - Top Secret",
                                 level(5, "Level 5 - Top Secret", "#C40233")};
    art_welcome(&c, &f, &s);
    char *text = dump_checked(&c);
    assert_non_null(strstr(text, "╔"));
    assert_non_null(strstr(text, "WELCOME, SITE DIRECTOR director"));
    assert_non_null(strstr(text, "SCiPNET> ACC"));
    assert_int_equal(c.cursor_y, 22);
    free(text);
    struct art_login_screen r = {"researcher", "Researcher", "Level 2 - Restricted",
                                 level(2, "Level 2 - Restricted", "#0087BD")};
    art_welcome(&c, &f, &r);
    text = dump_checked(&c);
    assert_null(strstr(text, "╔"));
    assert_non_null(strstr(text, "Welcome, Researcher researcher."));
    assert_non_null(strstr(text, "Level 2 - Restricted"));
    free(text);
    canvas_free(&c);
}

static struct art_file sample_file(void)
{
    struct art_file f = {0};
    snprintf(f.ref, sizeof(f.ref), "SCP-002");
    snprintf(f.kind, sizeof(f.kind), "scp");
    f.title = strdup("The Patient Lamp");
    f.classification = level(2, "Level 2 - Restricted", "#0087BD");
    f.containment.set = true;
    snprintf(f.containment.name, sizeof(f.containment.name), "Euclid");
    snprintf(f.containment.colour, sizeof(f.containment.colour), "#FFD300");
    f.nsections = 2;
    f.sections = calloc(2, sizeof(*f.sections));
    struct art_section *d = &f.sections[0];
    snprintf(d->kind, sizeof(d->kind), "description");
    d->title = strdup("Description");
    d->nparts = 3;
    d->parts = calloc(3, sizeof(*d->parts));
    d->parts[0].text = strdup("Before the cut ");
    d->parts[1].redacted = true;
    d->parts[1].needed = level(4, "Level 4 - Secret", "#FF6D00");
    d->parts[2].text = strdup(" after the cut.");
    struct art_section *a = &f.sections[1];
    snprintf(a->kind, sizeof(a->kind), "addendum");
    a->redacted = true;
    a->needed = level(5, "Level 5 - Top Secret", "#C40233");
    return f;
}

static void file_view_shows_redactions_with_levels(void **state)
{
    (void)state;
    struct canvas c;
    struct art_file file = sample_file();
    struct art_file_view v = {.file = &file};
    struct art_frame f = {.keys = "q back"};
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    art_file_view(&c, &f, &v);
    char *text = dump_checked(&c);
    assert_non_null(strstr(text, "SCP-002 The Patient Lamp"));
    assert_non_null(strstr(text, "CLASSIFICATION: LEVEL 2 - RESTRICTED"));
    assert_non_null(strstr(text, "CONTAINMENT ██ EUCLID"));
    assert_non_null(strstr(text, "Before the cut ██████████ [LEVEL 4 REQUIRED] after the cut."));
    assert_non_null(strstr(text, "ADDENDA: 1."));
    free(text);
    v.mode = ART_FILE_ADDENDA;
    art_file_view(&c, &f, &v);
    text = dump_checked(&c);
    assert_non_null(strstr(text, "1. ██████████ [LEVEL 5 REQUIRED]"));
    free(text);
    canvas_free(&c);
    /* Batch text carries every section, addenda included. */
    text = art_file_plain(&file, 80);
    assert_non_null(strstr(text, "ADDENDUM\n██████████ [LEVEL 5 REQUIRED]\n"));
    assert_null(strchr(text, '\033'));
    free(text);
    art_file_free(&file);
}

static void screens_fit_small_and_large_terminals(void **state)
{
    (void)state;
    int sizes[][2] = {{24, 80}, {43, 132}, {10, 40}};
    struct art_file file = sample_file();
    for (size_t i = 0; i < 3; i++) {
        struct canvas c;
        assert_int_equal(canvas_init(&c, sizes[i][0], sizes[i][1]), 0);
        struct art_frame f = {.user = "researcher · Level 2 - Restricted", .keys = "q back"};
        struct art_file_view v = {.file = &file};
        art_file_view(&c, &f, &v);
        free(dump_checked(&c));
        struct art_banner b = {"localhost:7019", "CONNECTING…", NULL, NULL, false, NULL};
        art_banner(&c, &f, &b);
        char *text = dump_checked(&c);
        if (sizes[i][1] >= 80)
            assert_non_null(strstr(text, "SCP Foundation · Secure. Contain. Protect."));
        free(text);
        art_help(&c, &f, 0, NULL);
        free(dump_checked(&c));
        canvas_free(&c);
    }
    art_file_free(&file);
}

static void help_fits_80_columns(void **state)
{
    (void)state;
    assert_true(art_help_widest() <= 78);
}

/* The create form's own keys are on the help screen, the editor's among them. */
static void help_lists_the_create_forms_keys(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, art_help_count() + 8, 80), 0);
    struct art_frame f = {.keys = "q back"};
    art_help(&c, &f, 0, NULL);
    char *text = dump_checked(&c);
    assert_non_null(strstr(text, "A CREATE FORM"));
    assert_non_null(strstr(text, "Ctrl-O, F4          edit a long field in $VISUAL or $EDITOR"));
    assert_non_null(
        strstr(text, "EDITING A LINE (command line, search, find, login, create form)"));
    assert_non_null(
        strstr(text, "Ctrl-U, Ctrl-K      delete to the start, to the end of the field"));
    assert_non_null(strstr(text, "Ctrl-W              delete the word before the cursor"));
    free(text);
    canvas_free(&c);
}

/* The row of text holding needle, copied into row; -1 when none has it. */
static int row_with(const struct canvas *c, const char *needle, char *row, size_t size)
{
    for (int y = 0; y < c->rows; y++) {
        canvas_row_utf8(c, y, row, size);
        if (strstr(row, needle) != NULL)
            return y;
    }
    return -1;
}

/*
 * At 60 columns a long help line is wrapped, not cut: its rest goes on the next row under
 * the description, and art_help counts the wrapped rows, so scrolling to the end of a small
 * window still reaches the last line.
 */
static void help_wraps_long_lines_under_the_description(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 200, 60), 0);
    struct art_frame f = {.keys = "q back"};
    int rows = 0;
    art_help(&c, &f, 0, &rows);
    char *text = dump_checked(&c);
    assert_null(strstr(text, "…"));
    free(text);
    assert_true(rows > art_help_count());
    char row[1024], next[1024];
    int y = row_with(&c, "next, previous page", row, sizeof(row));
    assert_true(y >= 0);
    int desc = (int)(strstr(row, "next, previous page") - row);
    assert_null(strstr(row, "Ctrl-B)"));
    canvas_row_utf8(&c, y + 1, next, sizeof(next));
    const char *rest = strstr(next, "Ctrl-B)");
    assert_non_null(rest);
    /* The rest starts in the description's column, with only blanks before it. */
    int col = desc;
    while (col > 0 && next[col - 1] == ' ')
        col--;
    assert_true(col < desc - 10);
    assert_true(next[desc] != ' ' && next[desc - 1] == ' ');
    canvas_free(&c);

    assert_int_equal(canvas_init(&c, 20, 60), 0);
    int page = art_help(&c, &f, 1 << 20, &rows);
    assert_true(page < rows);
    assert_true(row_with(&c, "reconnect after a lost", row, sizeof(row)) >= 0);
    assert_true(row_with(&c, "quit", row, sizeof(row)) >= 0);
    canvas_free(&c);
}

static void browser_marks_restricted_entries(void **state)
{
    (void)state;
    struct art_list_item items[2];
    memset(items, 0, sizeof(items));
    snprintf(items[0].ref, sizeof(items[0].ref), "SCP-013");
    items[0].title = "A Considerate Umbrella";
    items[0].accessible = true;
    items[0].classification = level(1, "Level 1 - Unrestricted", "#009F6B");
    snprintf(items[1].ref, sizeof(items[1].ref), "SCP-100");
    items[1].accessible = false;
    items[1].classification = level(5, "Level 5 - Top Secret", "#C40233");
    struct art_list l = {"scp", 2, 0, items, 2};
    struct art_browser b = {"scp", &l, 1, NULL, false, NULL, NULL, 0};
    struct art_frame f = {.keys = "q back"};
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    art_browser(&c, &f, &b);
    char *text = dump_checked(&c);
    /* one tab per kind, numbered by the key that opens it */
    assert_non_null(strstr(text, "[1 SCP]   2 SITE    3 MTF    4 USER"));
    assert_non_null(strstr(text, "SCP-013  LEVEL 1"));
    assert_non_null(strstr(text, "A Considerate Umbrella"));
    assert_non_null(strstr(text, "SCP-100  LEVEL 5"));
    assert_non_null(strstr(text, "[ACCESS RESTRICTED]"));
    assert_non_null(strstr(text, "1-2 of 2"));
    free(text);
    canvas_free(&c);
}

/* The search line and the command line put the cursor where it is in the text, and a line
 * longer than the window scrolls so that the cursor stays on screen. */
static void typed_lines_show_their_cursor(void **state)
{
    (void)state;
    struct art_list l = {"scp", 0, 0, NULL, 0};
    struct art_browser b = {"scp", &l, 0, NULL, true, "calder row", NULL, 3};
    struct art_frame f = {.keys = "q back"};
    struct canvas c;
    assert_int_equal(canvas_init(&c, 20, 60), 0);
    art_browser(&c, &f, &b);
    char *text = dump_checked(&c);
    assert_non_null(strstr(text, " SEARCH: calder row\n"));
    free(text);
    assert_int_equal(c.cursor_x, 1 + 8 + 7); /* on the 'r' of "row" */
    char longer[200];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    longer[0] = 'A';
    b.search_input = longer;
    b.search_back = 199; /* at the start: it shows, the rest is cut with '…' */
    art_browser(&c, &f, &b);
    assert_int_equal(c.cursor_x, 9);
    assert_int_equal(canvas_at(&c, c.cursor_y, 9)->ch, L'A');
    assert_int_equal(canvas_at(&c, c.cursor_y, 58)->ch, L'…');
    b.search_back = 0; /* at the end: the start scrolled out, the cursor still in the row */
    art_browser(&c, &f, &b);
    assert_int_equal(c.cursor_x, 58);
    assert_int_equal(canvas_at(&c, c.cursor_y, 9)->ch, L'x');
    struct art_frame p = {
        .keys = "q back", .prompt = ":", .input = "ACCESS SCP 002", .input_back = 4};
    art_frame_draw(&c, &p);
    assert_int_equal(c.cursor_y, 18);
    assert_int_equal(c.cursor_x, 1 + 10);
    canvas_free(&c);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(widths_count_columns_not_bytes),
        cmocka_unit_test(wrap_breaks_at_spaces),
        cmocka_unit_test(wrap_keeps_newlines_and_blank_lines),
        cmocka_unit_test(wrap_counts_blocks_by_width),
        cmocka_unit_test(wrap_counts_cjk_as_two_columns),
        cmocka_unit_test(wrap_cuts_words_longer_than_a_line),
        cmocka_unit_test(canvas_handles_wide_characters),
        cmocka_unit_test(canvas_shows_controls_as_question_marks),
        cmocka_unit_test(boxes_fit_80_columns),
        cmocka_unit_test(centring_uses_display_width),
        cmocka_unit_test(redacted_screen_renders_at_80x24),
        cmocka_unit_test(notice_screens_say_what_happened),
        cmocka_unit_test(welcome_frames_command_staff_only),
        cmocka_unit_test(file_view_shows_redactions_with_levels),
        cmocka_unit_test(screens_fit_small_and_large_terminals),
        cmocka_unit_test(help_fits_80_columns),
        cmocka_unit_test(help_lists_the_create_forms_keys),
        cmocka_unit_test(help_wraps_long_lines_under_the_description),
        cmocka_unit_test(typed_lines_show_their_cursor),
        cmocka_unit_test(browser_marks_restricted_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
