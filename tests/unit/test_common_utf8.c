/* test_common_utf8.c - the one UTF-8 decoder: every code point round trips, and every
 * kind of malformed sequence is refused at the byte where it stands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/utf8.h"

static size_t encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static void every_scalar_value_round_trips(void **state)
{
    (void)state;
    unsigned char buf[4];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        size_t n = encode(cp, buf);
        uint32_t got = 0xFFFFFFFF;
        assert_int_equal(utf8_decode(buf, n, &got), n);
        assert_int_equal(got, cp);
        /* One byte short is never a character. */
        if (n > 1)
            assert_int_equal(utf8_decode(buf, n - 1, &got), 0);
    }
}

static size_t decode(const char *s, size_t len)
{
    uint32_t cp;
    return utf8_decode((const unsigned char *)s, len, &cp);
}

static void malformed_sequences_are_refused(void **state)
{
    (void)state;
    unsigned char buf[4];
    for (uint32_t cp = 0xD800; cp <= 0xDFFF; cp++) { /* surrogates, encoded as if scalars */
        encode(cp, buf);
        assert_int_equal(utf8_decode(buf, 3, &cp), 0);
    }
    assert_int_equal(decode("\xc0\x80", 2), 0);         /* overlong NUL */
    assert_int_equal(decode("\xc1\xbf", 2), 0);         /* overlong 0x7F */
    assert_int_equal(decode("\xe0\x9f\xbf", 3), 0);     /* overlong 0x7FF */
    assert_int_equal(decode("\xf0\x8f\xbf\xbf", 4), 0); /* overlong 0xFFFF */
    assert_int_equal(decode("\xf4\x90\x80\x80", 4), 0); /* U+110000 */
    assert_int_equal(decode("\xf5\x80\x80\x80", 4), 0);
    assert_int_equal(decode("\xf8\x88\x80\x80", 4), 0); /* a five-byte lead */
    assert_int_equal(decode("\xff", 1), 0);
    assert_int_equal(decode("\x80", 1), 0);         /* lone continuation */
    assert_int_equal(decode("\xe2\x28\xa1", 3), 0); /* second byte not a continuation */
    assert_int_equal(decode("\xe2\x82\x28", 3), 0); /* third byte not a continuation */
    assert_int_equal(decode("\xe2\x82\xac", 2), 0); /* cut short by len, not by a NUL */
    assert_int_equal(decode("\0", 1), 1);           /* NUL is a character; callers decide */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_scalar_value_round_trips),
        cmocka_unit_test(malformed_sequences_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
