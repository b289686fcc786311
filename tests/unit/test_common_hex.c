/* test_common_hex.c - the one hex-digit reader, against every byte, and its two users. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/hex.h"

static void every_byte_is_a_digit_or_minus_one(void **state)
{
    (void)state;
    static const char digits[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
    int digit_count = 0;
    for (int b = 0; b < 256; b++) {
        char c = (char)b;
        const char *low = c != '\0' ? strchr(digits, c) : NULL;
        const char *up = c != '\0' ? strchr(upper, c) : NULL;
        int want = low != NULL ? (int)(low - digits) : up != NULL ? (int)(up - upper) : -1;
        assert_int_equal(hex_digit(c), want);
        digit_count += want >= 0;
    }
    assert_int_equal(digit_count, 22); /* 0-9, a-f, A-F */
}

static void bytes_above_ascii_are_never_digits(void **state)
{
    (void)state;
    /* char is signed here: 0xb0 must not wrap into '0'..'9' or 'a'..'f'. */
    assert_int_equal(hex_digit((char)0xb0), -1);
    assert_int_equal(hex_digit((char)0xe1), -1);
    assert_int_equal(hex_digit((char)0xc6), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_byte_is_a_digit_or_minus_one),
        cmocka_unit_test(bytes_above_ascii_are_never_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
