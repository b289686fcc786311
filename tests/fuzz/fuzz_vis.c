/*
 * fuzz_vis.c - the escaper of untrusted text (common/vis.c).
 *
 * The first byte picks the flags, the rest is the text.  For any bytes: the output is valid
 * UTF-8 holding no C0 control (but a tab or newline the flags keep), no DEL, no C1 and no
 * bidi control; it fits in VIS_SIZE and is at most 4 bytes per input byte without VIS_JSON;
 * text that is valid UTF-8 without such controls comes out unchanged; every smaller buffer
 * gets a prefix of the whole output, NUL-terminated in bounds, never half a character.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vis.h"

static void die(const char *what)
{
    fprintf(stderr, "fuzz_vis: %s\n", what);
    abort();
}

/* A strict UTF-8 decoder written apart from vis.c: length of the character, 0 if invalid. */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    static const struct {
        unsigned char mask, lead;
        size_t n;
        uint32_t min;
    } forms[] = {{0x80, 0x00, 1, 0},
                 {0xE0, 0xC0, 2, 0x80},
                 {0xF0, 0xE0, 3, 0x800},
                 {0xF8, 0xF0, 4, 0x10000}};
    for (size_t f = 0; f < 4; f++) {
        if ((s[0] & forms[f].mask) != forms[f].lead)
            continue;
        size_t n = forms[f].n;
        if (n > len)
            return 0;
        uint32_t c = s[0] & (uint32_t)(0x7F >> (n == 1 ? 0 : n));
        for (size_t i = 1; i < n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return 0;
            c = c << 6 | (s[i] & 0x3F);
        }
        if (c < forms[f].min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        *cp = c;
        return n;
    }
    return 0;
}

static int controls(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* Every character of s is valid and shown; allowed says which controls may stand. */
static int clean(const unsigned char *s, size_t len, unsigned flags, int last_nl_only)
{
    for (size_t i = 0, n; i < len; i += n) {
        uint32_t c;
        n = decode(s + i, len - i, &c);
        if (n == 0)
            return 0;
        if (!controls(c))
            continue;
        if (c == '\t' && (flags & VIS_TAB))
            continue;
        if (c == '\n' && (flags & VIS_NL))
            continue;
        if (c == '\n' && (flags & VIS_EOL) && (!last_nl_only || i + 1 == len))
            continue;
        return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0] & (VIS_TAB | VIS_NL | VIS_EOL | VIS_JSON);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    size_t total = vis_encode(NULL, 0, text, len, flags);
    if (total + 1 > VIS_SIZE(len) || (!(flags & VIS_JSON) && total > 4 * len))
        die("longer than VIS_SIZE, or than 4 bytes per input byte without VIS_JSON");
    char *out = malloc(total + 1);
    if (out == NULL)
        return 0;
    if (vis_encode(out, total + 1, text, len, flags) != total || strlen(out) != total)
        die("the length differs from the text written");
    if (!clean((const unsigned char *)out, total, flags, 0))
        die("a control or a bad byte in the output");
    /* A newline kept by VIS_EOL alone can only be the input's last byte. */
    if ((flags & (VIS_EOL | VIS_NL)) == VIS_EOL &&
        !clean((const unsigned char *)out, total, flags, 1))
        die("VIS_EOL kept a newline that does not end the text");
    if (clean(data + 1, len, flags, 1) && (total != len || memcmp(out, text, len) != 0))
        die("clean text was changed");

    char *small = malloc(total + 1);
    if (small == NULL) {
        free(out);
        return 0;
    }
    size_t prev = 0;
    for (size_t room = 1; room <= total; room++) {
        memset(small, 0x55, total + 1);
        if (vis_encode(small, room, text, len, flags) != total)
            die("a short buffer changed the length");
        size_t got = strlen(small);
        if (got >= room || memcmp(small, out, got) != 0 || got < prev)
            die("a short buffer is not a growing prefix");
        /* Whole escapes only: what is cut off starts a new unit. */
        if (got < total && clean((const unsigned char *)small, got, flags, 0) == 0)
            die("a short buffer ends in half a character");
        prev = got;
    }
    free(small);
    free(out);
    return 0;
}
