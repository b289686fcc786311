/* test_common_vis.c - untrusted text made visible: every class of control, and the log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/vis.h"

/* The escaped form of len bytes (a static buffer: one call per assertion). */
static const char *vis_n(const char *s, size_t len, unsigned flags)
{
    static char out[1024];
    size_t n = vis_encode(out, sizeof(out), s, len, flags);
    assert_true(n < sizeof(out));
    assert_int_equal(n, strlen(out));
    return out;
}

static const char *vis(const char *s, unsigned flags)
{
    return vis_n(s, strlen(s), flags);
}

/* No byte of out is ESC, another C0 control (but tab and newline), DEL or >= 0x80. */
static void assert_inert(const char *out)
{
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p >= 0x7f)
            fail_msg("raw byte 0x%02x in \"%s\"", *p, out);
}

static void c0_controls_are_escaped(void **state)
{
    (void)state;
    assert_string_equal(vis("a\x01"
                            "b\x1f"
                            "c",
                            0),
                        "a\\x01b\\x1fc");
    assert_string_equal(vis("\a\b\v\f\r", 0), "\\a\\b\\v\\f\\r");
    assert_string_equal(vis_n("x\0y", 3, 0), "x\\x00y");
    /* Tab and newline: escaped in a field, kept in text, and VIS_EOL keeps only a last one. */
    assert_string_equal(vis("a\tb\nc\n", 0), "a\\tb\\nc\\n");
    assert_string_equal(vis("a\tb\nc\n", VIS_TEXT), "a\tb\nc\n");
    assert_string_equal(vis("a\tb\nc\n", VIS_LINE), "a\tb\\nc\n");
    assert_string_equal(vis("line\r\n", VIS_LINE), "line\\r\n");
}

static void escape_sequences_are_escaped(void **state)
{
    (void)state;
    /* OSC 52 (clipboard), OSC 0 (title), OSC 8 (hyperlink), CSI 2J (clear screen). */
    assert_string_equal(vis("\x1b]52;c;cm0gLXJmIH4=\x07", VIS_TEXT), "\\e]52;c;cm0gLXJmIH4=\\a");
    assert_string_equal(vis("\x1b]0;owned\x1b\\", VIS_TEXT), "\\e]0;owned\\e\\");
    assert_string_equal(vis("\x1b]8;;http://x\x1b\\a\x1b]8;;\x1b\\", 0),
                        "\\e]8;;http://x\\e\\a\\e]8;;\\e\\");
    assert_string_equal(vis("\x1b[2J\x1b[1;1H", VIS_TEXT), "\\e[2J\\e[1;1H");
}

static void del_is_escaped(void **state)
{
    (void)state;
    assert_string_equal(vis("a\x7f"
                            "b",
                            VIS_TEXT),
                        "a\\x7fb");
}

static void c1_controls_are_escaped_as_utf8_and_as_bytes(void **state)
{
    (void)state;
    /* U+009B (a one-byte CSI) and the rest of U+0080-U+009F, written as UTF-8. */
    assert_string_equal(vis("\xc2\x9b"
                            "2J",
                            VIS_TEXT),
                        "\\u009b2J");
    assert_string_equal(vis("\xc2\x80\xc2\x9f", VIS_TEXT), "\\u0080\\u009f");
    char all[80], *p = all;
    for (unsigned cp = 0x80; cp <= 0x9f; cp++) {
        *p++ = (char)0xc2;
        *p++ = (char)cp;
    }
    *p = '\0';
    assert_inert(vis(all, VIS_TEXT));
    /* The same controls as raw bytes are not UTF-8: shown as bytes. */
    assert_string_equal(vis("\x9b"
                            "2J\x90\x9d",
                            VIS_TEXT),
                        "\\x9b2J\\x90\\x9d");
    /* U+00A0 just after the range is an ordinary character. */
    assert_string_equal(vis("\xc2\xa0", VIS_TEXT), "\xc2\xa0");
}

static void bidi_controls_are_escaped(void **state)
{
    (void)state;
    assert_string_equal(vis("gpj.\xe2\x80\xae"
                            "exe",
                            VIS_TEXT),
                        "gpj.\\u202eexe");
    assert_string_equal(vis("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0),
                        "\\u202a\\u202b\\u202c\\u202d");
    assert_string_equal(vis("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", 0),
                        "\\u2066\\u2067\\u2068\\u2069");
    assert_string_equal(vis("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0), "\\u200e\\u200f\\u061c");
    /* Neighbours of the ranges are kept: U+2029, U+202F, U+2065, U+206A, U+200D. */
    const char *kept = "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xe2\x80\x8d";
    assert_string_equal(vis(kept, 0), kept);
}

static void invalid_utf8_is_shown_as_bytes(void **state)
{
    (void)state;
    assert_string_equal(vis("a\xff"
                            "b\xfe",
                            0),
                        "a\\xffb\\xfe");
    /* A lone continuation byte, a cut sequence, an overlong '/' and an overlong ESC. */
    assert_string_equal(vis("\x80", 0), "\\x80");
    assert_string_equal(vis("\xe2\x80", 0), "\\xe2\\x80");
    assert_string_equal(vis("\xe2\x80"
                            "x",
                            0),
                        "\\xe2\\x80x");
    assert_string_equal(vis("\xc0\xaf", 0), "\\xc0\\xaf");
    assert_string_equal(vis("\xc0\x9b", 0), "\\xc0\\x9b");
    assert_string_equal(vis("\xe0\x80\x9b", 0), "\\xe0\\x80\\x9b");
    /* A surrogate (U+D800) and a code point past U+10FFFF. */
    assert_string_equal(vis("\xed\xa0\x80", 0), "\\xed\\xa0\\x80");
    assert_string_equal(vis("\xf4\x90\x80\x80", 0), "\\xf4\\x90\\x80\\x80");
}

static void normal_utf8_is_kept(void **state)
{
    (void)state;
    const char *text = "Keter — SCP-173 «статуя» 機密 \xf0\x9f\x94\x92 café \\e [x] 50%";
    assert_string_equal(vis(text, 0), text);
    assert_string_equal(vis(text, VIS_TEXT), text);
}

static void a_short_buffer_gets_whole_escapes_only(void **state)
{
    (void)state;
    char out[8];
    /* "ab\e[2J" needs 7 bytes; with 5 bytes of room "ab" and "\e" fit, never half of "\e". */
    assert_int_equal(vis_encode(out, 6, "ab\x1b[2J", 6, 0), 7);
    assert_string_equal(out, "ab\\e[");
    assert_int_equal(vis_encode(out, 4, "ab\x1b[2J", 6, 0), 7);
    assert_string_equal(out, "ab");
    assert_int_equal(vis_encode(out, 3, "\xe2\x80\xae", 3, 0), 6);
    assert_string_equal(out, "");
    /* Nothing after a unit that did not fit, even if it would: no gaps. */
    assert_int_equal(vis_encode(out, 3,
                                "a\x1b"
                                "bc",
                                4, 0),
                     5);
    assert_string_equal(out, "a");
    assert_int_equal(vis_encode(NULL, 0, "\xff\xff", 2, 0), 8);
    /* VIS_SIZE is enough for the worst case, a bad byte each. */
    char worst[VIS_SIZE(3)];
    assert_int_equal(vis_encode(worst, sizeof(worst), "\xff\xfe\xfd", 3, 0), 12);
}

/* What f wrote, read back from the start of its file. */
static char *read_back(FILE *f)
{
    static char buf[8192];
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    return buf;
}

static void print_helpers_escape_unless_raw(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(vis_fprintf(f, VIS_LINE, "USER-%d %s\n", 7, "eve\x1b[2J\nroot"), 0);
    assert_int_equal(vis_fputs(f, "body\x9b\n", VIS_TEXT), 0);
    assert_string_equal(read_back(f), "USER-7 eve\\e[2J\\nroot\nbody\\x9b\n");
    fclose(f);

    /* Longer than every internal buffer: still whole, still escaped. */
    f = tmpfile();
    char big[3000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[1020] = '\x1b';
    assert_int_equal(vis_fprintf(f, 0, "%s|%s", big, big), 0);
    const char *out = read_back(f);
    assert_int_equal(strlen(out), 2 * 3000 + 1);
    assert_inert(out);
    fclose(f);

    /* --raw: the chosen stream gets the bytes, any other stream is still escaped. */
    FILE *raw = tmpfile(), *other = tmpfile();
    vis_set_raw(raw);
    assert_int_equal(vis_fprintf(raw, VIS_LINE, "%s\n", "\x1b]52;c;eA==\x07"), 0);
    assert_int_equal(vis_fputs(other, "\x1b", 0), 0);
    vis_set_raw(NULL);
    assert_string_equal(read_back(raw), "\x1b]52;c;eA==\x07\n");
    assert_string_equal(read_back(other), "\\e");
    fclose(raw);
    fclose(other);
}

static void json_keeps_its_meaning(void **state)
{
    (void)state;
    /* jansson leaves DEL, C1 and bidi raw in strings: their \u escapes mean the same. */
    assert_string_equal(vis("{\"t\":\"a\x7f\xc2\x9b\xe2\x80\xae\x1b\"}\n", VIS_JSON | VIS_LINE),
                        "{\"t\":\"a\\u007f\\u009b\\u202e\\u001b\"}\n");
}

static void dup_allocates_the_escaped_form(void **state)
{
    (void)state;
    char *s = vis_dup("\xe2\x80\xae"
                      "evil\xff",
                      0);
    assert_non_null(s);
    assert_string_equal(s, "\\u202eevil\\xff");
    free(s);
}

/* The server log: one line per event, whatever a message holds. */
static void log_lines_escape_untrusted_text(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    int saved = dup(2);
    assert_true(saved >= 0);
    fflush(stderr);
    assert_int_equal(dup2(fileno(f), 2), 2);
    log_msg(LOG_WARNING, "login", "cannot reset failures of %s",
            "user:adm\x1b[2K\r2026-12-07 info login: ok\n\xe2\x80\xae\xc2\x9b\xff");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    const char *out = read_back(f);
    assert_non_null(strstr(out,
                           " warning login: cannot reset failures of user:adm\\e[2K\\r2026-12-07"
                           " info login: ok\\n\\u202e\\u009b\\xff\n"));
    /* Exactly one line. */
    assert_non_null(strchr(out, '\n'));
    assert_int_equal(strchr(out, '\n')[1], '\0');
    assert_inert(out);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(c0_controls_are_escaped),
        cmocka_unit_test(escape_sequences_are_escaped),
        cmocka_unit_test(del_is_escaped),
        cmocka_unit_test(c1_controls_are_escaped_as_utf8_and_as_bytes),
        cmocka_unit_test(bidi_controls_are_escaped),
        cmocka_unit_test(invalid_utf8_is_shown_as_bytes),
        cmocka_unit_test(normal_utf8_is_kept),
        cmocka_unit_test(a_short_buffer_gets_whole_escapes_only),
        cmocka_unit_test(print_helpers_escape_unless_raw),
        cmocka_unit_test(json_keeps_its_meaning),
        cmocka_unit_test(dup_allocates_the_escaped_form),
        cmocka_unit_test(log_lines_escape_untrusted_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
