/* test_art_palette.c - every level and class colour readable (WCAG 4.5:1) in the dark and
 * light themes, told apart in 8 colours; ASCII stand-ins keep boxes and redactions; the
 * client's theme setting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <math.h>

#include "art/canvas.h"
#include "art/colours.h"
#include "art/glyphs.h"
#include "art/palette.h"
#include "client/settings.h"
#include "common/foundation.h"

static uint32_t rgb_of(const char *hex)
{
    struct ink ink = ink_hex(hex, 0);
    assert_true(ink.coloured);
    return ink.rgb;
}

/* The colour shown must be readable, on its own and once rounded to the 256-colour cube. */
static void assert_readable(uint32_t rgb, enum art_theme theme)
{
    uint32_t bg = art_theme_background(theme);
    uint32_t shown = palette_display_rgb(rgb, theme);
    int index = palette_terminal(rgb, theme, COLOUR_XTERM256).colour;
    double exact = palette_contrast(shown, bg);
    double in256 = palette_contrast(colours_xterm256_rgb(index), bg);
    if (exact < 4.5 || in256 < 4.5)
        fail_msg("#%06X in theme %d: contrast %.2f (256 colours: %.2f), below 4.5", rgb, (int)theme,
                 exact, in256);
}

static void contrast_formula_matches_wcag(void **state)
{
    (void)state;
    assert_true(palette_contrast(0x000000, 0xFFFFFF) > 20.99);
    assert_true(palette_contrast(0x777777, 0xFFFFFF) > 4.47);
    assert_true(palette_contrast(0x777777, 0xFFFFFF) < 4.49);
    /* What the issue saw: level 6 (#850005, colour 88) on black is unreadable as sent. */
    assert_true(palette_contrast(0x850005, 0x000000) < 4.5);
    assert_true(palette_contrast(colours_xterm256_rgb(88), 0x000000) < 4.5);
}

static void every_level_is_readable_in_both_themes(void **state)
{
    (void)state;
    for (int level = 1; level <= 6; level++) {
        uint32_t rgb = rgb_of(foundation_level(level)->colour);
        assert_readable(rgb, THEME_DARK);
        assert_readable(rgb, THEME_LIGHT);
    }
}

static void every_class_and_alarm_is_readable(void **state)
{
    (void)state;
    static const enum foundation_class_kind kinds[] = {FOUNDATION_CONTAINMENT, FOUNDATION_SECONDARY,
                                                       FOUNDATION_DISRUPTION, FOUNDATION_RISK};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        size_t n;
        const struct foundation_class *c = foundation_classes(kinds[k], &n);
        for (size_t i = 0; i < n; i++) {
            assert_readable(rgb_of(c[i].colour), THEME_DARK);
            assert_readable(rgb_of(c[i].colour), THEME_LIGHT);
        }
    }
    /* A colour the client has never seen is made readable too. */
    assert_readable(0x000080, THEME_DARK);
    assert_readable(0xFFFF80, THEME_LIGHT);
}

static int distance(uint32_t a, uint32_t b)
{
    int d = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
        int x = (int)(a >> shift & 0xFF) - (int)(b >> shift & 0xFF);
        d += x * x;
    }
    return (int)sqrt((double)d);
}

/* Six levels, six colours a person tells apart at a glance, in both themes. */
static void levels_look_different_in_each_theme(void **state)
{
    (void)state;
    enum art_theme themes[] = {THEME_DARK, THEME_LIGHT};
    for (size_t t = 0; t < 2; t++) {
        for (int a = 1; a <= 6; a++) {
            for (int b = a + 1; b <= 6; b++) {
                uint32_t ca = palette_display_rgb(rgb_of(foundation_level(a)->colour), themes[t]);
                uint32_t cb = palette_display_rgb(rgb_of(foundation_level(b)->colour), themes[t]);
                if (distance(ca, cb) < 70)
                    fail_msg("theme %d: levels %d (#%06X) and %d (#%06X) look alike", (int)t, a, ca,
                             b, cb);
            }
        }
    }
}

static bool same(struct palette_ink a, struct palette_ink b)
{
    return a.colour == b.colour && a.attrs == b.attrs;
}

static void eight_colours_tell_the_levels_apart(void **state)
{
    (void)state;
    struct palette_ink seen[6];
    for (int level = 1; level <= 6; level++) {
        uint32_t rgb = rgb_of(foundation_level(level)->colour);
        seen[level - 1] = palette_terminal(rgb, THEME_DARK, COLOUR_BASIC8);
        for (int other = 1; other < level; other++)
            if (same(seen[level - 1], seen[other - 1]))
                fail_msg("levels %d and %d look the same in 8 colours", other, level);
    }
    /* The main classes: Safe, Euclid, Keter and the secondary ones with a colour. */
    const char *names[] = {"Safe", "Euclid", "Keter", "Thaumiel", "Archon", "Apollyon"};
    enum foundation_class_kind kind[] = {FOUNDATION_CONTAINMENT, FOUNDATION_CONTAINMENT,
                                         FOUNDATION_CONTAINMENT, FOUNDATION_SECONDARY,
                                         FOUNDATION_SECONDARY,   FOUNDATION_SECONDARY};
    struct palette_ink cls[6];
    for (int i = 0; i < 6; i++) {
        cls[i] = palette_terminal(rgb_of(foundation_class_colour(kind[i], names[i])), THEME_DARK,
                                  COLOUR_BASIC8);
        for (int j = 0; j < i; j++)
            if (same(cls[i], cls[j]))
                fail_msg("%s and %s look the same in 8 colours", names[j], names[i]);
    }
    /* Safe is green, not cyan. */
    assert_int_equal(cls[0].colour, 2);
}

static void mono_has_no_colour(void **state)
{
    (void)state;
    struct palette_ink p = palette_terminal(0xC40233, THEME_MONO, COLOUR_XTERM256);
    assert_int_equal(p.colour, -1);
    enum art_theme t;
    assert_int_equal(art_theme_parse("light", &t), 0);
    assert_int_equal(t, THEME_LIGHT);
    assert_int_equal(art_theme_parse("mono", &t), 0);
    assert_int_equal(t, THEME_MONO);
    assert_int_equal(art_theme_parse("Dark ", &t), -1);
    assert_int_equal(art_theme_parse(NULL, &t), -1);
}

static void ascii_stand_ins_keep_boxes_and_redactions(void **state)
{
    (void)state;
    uint8_t attrs = 0;
    assert_false(art_charset_unicode("ANSI_X3.4-1968"));
    assert_true(art_charset_unicode("UTF-8"));
    assert_int_equal(art_ascii_glyph(L'┌', &attrs), '+');
    assert_int_equal(art_ascii_glyph(L'─', &attrs), '-');
    assert_int_equal(art_ascii_glyph(L'│', &attrs), '|');
    assert_int_equal(art_ascii_glyph(L'A', &attrs), 'A');
    assert_int_equal(art_ascii_glyph(L'…', &attrs), '~');
    assert_int_equal(art_ascii_glyph(L'機', &attrs), '?');
    assert_int_equal(attrs, 0);
    /* A redaction block is a reversed '#': visible with no colour and no Unicode. */
    assert_int_equal(art_ascii_glyph(L'█', &attrs), '#');
    assert_true(attrs & INK_REVERSE);
}

static char dir[] = "/tmp/scipnet-settings-XXXXXX";

static const char *write_conf(const char *text)
{
    static char path[128];
    snprintf(path, sizeof(path), "%s/scipnet.conf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void theme_from_file_then_environment(void **state)
{
    (void)state;
    struct client_settings s;
    char err[256];
    assert_non_null(mkdtemp(dir));
    unsetenv("SCIPNET_THEME");
    /* No file: dark. */
    assert_int_equal(settings_load(&s, "/nonexistent/scipnet.conf", err, sizeof(err)), 0);
    assert_int_equal(s.theme, THEME_DARK);
    assert_int_equal(settings_load(&s, write_conf("[client]\ntheme = light\n"), err, sizeof(err)),
                     0);
    assert_int_equal(s.theme, THEME_LIGHT);
    setenv("SCIPNET_THEME", "mono", 1);
    assert_int_equal(settings_load(&s, write_conf("theme = light\n"), err, sizeof(err)), 0);
    assert_int_equal(s.theme, THEME_MONO);
    setenv("SCIPNET_THEME", "purple", 1);
    assert_int_equal(settings_load(&s, write_conf("theme = light\n"), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "SCIPNET_THEME"));
    unsetenv("SCIPNET_THEME");
    /* Bad values and unknown keys name the file and line. */
    assert_int_equal(settings_load(&s, write_conf("\ntheme = pink\n"), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "scipnet.conf:2: theme must be dark, light or mono"));
    assert_int_equal(settings_load(&s, write_conf("colour = 1\n"), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "scipnet.conf:1: unknown key 'colour'"));
    /* Where the file is looked for. */
    char path[256];
    setenv("XDG_CONFIG_HOME", "/xdg", 1);
    assert_int_equal(settings_path(path, sizeof(path)), 0);
    assert_string_equal(path, "/xdg/scipnet/scipnet.conf");
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/d", 1);
    assert_int_equal(settings_path(path, sizeof(path)), 0);
    assert_string_equal(path, "/home/d/.config/scipnet/scipnet.conf");
    unlink(write_conf(""));
    rmdir(dir);
}

/* The terminal's colour depth decides how a palette colour is drawn. */
static void colours_map_to_the_terminal(void **state)
{
    (void)state;
    assert_int_equal(colours_choose(true, 256, true, false), COLOUR_EXACT);
    assert_int_equal(colours_choose(true, 256, false, false), COLOUR_XTERM256);
    assert_int_equal(colours_choose(true, 8, false, false), COLOUR_BASIC8);
    assert_int_equal(colours_choose(false, 0, false, false), COLOUR_NONE);
    assert_int_equal(colours_choose(true, 256, true, true), COLOUR_NONE);
    /* #FF6D00 is closest to (255,95,0) = 202 in the cube; greys use the ramp. */
    assert_int_equal(colours_xterm256(0xFF6D00), 202);
    assert_int_equal(colours_xterm256(0x808080), 244);
    assert_int_equal(colours_xterm256(0xC40233), 161);
    assert_int_equal(colours_basic8(0xC40233), 1); /* red */
    assert_int_equal(colours_basic8(0xFFD300), 3); /* yellow */
    assert_int_equal(colours_basic8(0x0087BD), 6); /* cyan-blue -> cyan */
    assert_int_equal(colours_basic8(0x808080), 7); /* grey -> white */
    struct ink ink = ink_hex("#009F6B", 0);
    assert_true(ink.coloured);
    assert_int_equal(ink.rgb, 0x009F6B);
    assert_false(ink_hex("009F6B", 0).coloured);
    assert_false(ink_hex("#00ZZ6B", 0).coloured);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contrast_formula_matches_wcag),
        cmocka_unit_test(colours_map_to_the_terminal),
        cmocka_unit_test(every_level_is_readable_in_both_themes),
        cmocka_unit_test(every_class_and_alarm_is_readable),
        cmocka_unit_test(levels_look_different_in_each_theme),
        cmocka_unit_test(eight_colours_tell_the_levels_apart),
        cmocka_unit_test(mono_has_no_colour),
        cmocka_unit_test(ascii_stand_ins_keep_boxes_and_redactions),
        cmocka_unit_test(theme_from_file_then_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
