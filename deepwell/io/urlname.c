/* urlname.c - percent-encoding of file names. */
#include "deepwell/io/urlname.h"

#include <string.h>

#include "common/hex.h"
#include "deepwell/io/textfile.h"

bool urlname_decode(const char *in, char *out, size_t outsize)
{
    size_t n = 0;
    for (size_t i = 0; in[i] != '\0'; i++) {
        char c = in[i];
        if (c == '%') {
            int hi = hex_digit(in[i + 1]);
            int lo = hi < 0 ? -1 : hex_digit(in[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (n + 1 >= outsize)
            return false;
        out[n++] = c;
    }
    if (outsize == 0)
        return false;
    out[n] = '\0';
    return textfile_utf8_valid(out, n);
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

bool urlname_encode(const char *in, char *out, size_t outsize)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p != '\0'; p++) {
        size_t need = is_unreserved(*p) ? 1 : 3;
        if (n + need >= outsize)
            return false;
        if (need == 1) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 0x0F];
        }
    }
    if (outsize == 0)
        return false;
    out[n] = '\0';
    return true;
}
