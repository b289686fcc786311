/*
 * fuzz_urlname.c - the importer's file-name handling: percent-decoding of addendum
 * file names (deepwell/io/urlname.c) and the name mapping of deepwell/io/import_map.c.
 *
 * urlname_decode agrees with a model of urlname.h (malformed escape, %00, not
 * UTF-8, or too long for the buffer -> false), for every output size up to the
 * decoded length + 1 and a bigger one; what it decodes re-encodes to Python's
 * quote(s, safe='') form and decodes back to the same bytes.  The import_map
 * functions get the same string and must keep their promises.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deepwell/io/import_map.h"
#include "deepwell/io/textfile.h"
#include "deepwell/io/urlname.h"

static void die(const char *what, const char *text)
{
    fprintf(stderr, "fuzz_urlname: %s: \"%s\"\n", what, text);
    abort();
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decoded bytes into out (big enough), their count in *n; 0 when malformed. */
static int model_decode(const char *in, char *out, size_t *n)
{
    *n = 0;
    for (size_t i = 0; in[i]; i++) {
        if (in[i] == '%') {
            if (hexv(in[i + 1]) < 0 || hexv(in[i + 2]) < 0)
                return 0;
            char c = (char)(hexv(in[i + 1]) * 16 + hexv(in[i + 2]));
            if (c == '\0')
                return 0;
            out[(*n)++] = c;
            i += 2;
        } else {
            out[(*n)++] = in[i];
        }
    }
    out[*n] = '\0';
    return textfile_utf8_valid(out, *n);
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    size_t inlen = strlen(in);

    char *want = malloc(inlen + 1);
    size_t want_len;
    int want_ok = model_decode(in, want, &want_len);

    /* Every size from 0 up to one past the need, then a roomy one. */
    size_t top = (want_ok ? want_len : inlen) + 2;
    for (size_t outsize = 0; outsize <= top; outsize++) {
        char *out = malloc(outsize ? outsize : 1);
        int ok = urlname_decode(in, out, outsize);
        int fits = want_ok && want_len + 1 <= outsize;
        if (ok != fits)
            die(ok ? "decode accepted (malformed, or too long for the buffer)"
                   : "decode refused a good name",
                in);
        if (ok && (strlen(out) != want_len || memcmp(out, want, want_len) != 0))
            die("decoded the wrong bytes", in);
        free(out);
    }

    if (want_ok) {
        /* Re-encode: exactly quote(s, safe=''), and it decodes back. */
        size_t enc_len = 0;
        for (size_t i = 0; i < want_len; i++)
            enc_len += unreserved((unsigned char)want[i]) ? 1 : 3;
        char *enc = malloc(enc_len + 1);
        if (urlname_encode(want, enc, enc_len) || !urlname_encode(want, enc, enc_len + 1))
            die("encode buffer bound is wrong", in);
        if (strlen(enc) != enc_len || strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                                  "qrstuvwxyz0123456789-._~%") != enc_len)
            die("encoded name has unsafe characters", in);
        char *back = malloc(want_len + 1);
        if (!urlname_decode(enc, back, want_len + 1) || strcmp(back, want) != 0)
            die("encode/decode round trip", in);
        free(back);
        free(enc);
    }

    /* import_map.c: pure mapping functions on the same text. */
    int lv = import_level_from_name(in);
    if (lv < 0 || lv > 6)
        die("level out of range", in);
    for (int k = FOUNDATION_CONTAINMENT; k <= FOUNDATION_RISK; k++) {
        const char *c = import_class_canonical(k, in);
        if (c != NULL && foundation_class_by_name(k, c) == NULL)
            die("class is not canonical", in);
    }
    const char *title = import_title_canonical(in);
    if (title != NULL && foundation_title_canonical(title) != title)
        die("title is not canonical", in);
    int64_t num = -1;
    if (import_parse_number(in, &num) && (num < 1 || num > 999999999))
        die("number out of range", in);
    int64_t scp = import_scp_number_from_name(in);
    if (scp < 0)
        die("negative SCP number", in);
    char when[32];
    memset(when, 'x', sizeof(when));
    if (import_normalize_time(in, when)) {
        /* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
        if (strlen(when) != 24 || when[4] != '-' || when[10] != 'T' || when[23] != 'Z')
            die("normalised time has the wrong shape", in);
        char again[32];
        if (!import_normalize_time(when, again) || strcmp(again, when) != 0)
            die("normalised time does not normalise to itself", in);
    }
    free(want);
    free(in);
    return 0;
}
