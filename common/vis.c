/* vis.c - untrusted text made visible: one escaper for every program's output. */
#include "common/vis.h"
#include "common/utf8.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The longest escape of one unit: "\u202e" (6) or a 4-byte UTF-8 character kept (4). */
#define UNIT_MAX 8

static FILE *raw_stream;

void vis_set_raw(FILE *stream)
{
    raw_stream = stream;
}

static bool is_bidi(uint32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

bool vis_hidden_codepoint(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_bidi(cp);
}

static size_t escape_c0(unsigned char c, char *out)
{
    static const char named[] = "\a\b\t\n\v\f\r\x1b";
    static const char letters[] = "abtnvfre";
    const char *p = c != 0 ? memchr(named, c, sizeof(named) - 1) : NULL;
    if (p != NULL) {
        out[0] = '\\';
        out[1] = letters[p - named];
        return 2;
    }
    return (size_t)snprintf(out, UNIT_MAX, "\\x%02x", c);
}

/*
 * The visible form of the unit at s[i] (one character, or one bad byte) into out; sets
 * *used to the bytes of s it stands for.  Returns the length of out.
 */
static size_t encode_unit(const unsigned char *s, size_t len, size_t i, unsigned flags,
                          char out[UNIT_MAX], size_t *used)
{
    uint32_t cp;
    size_t n = utf8_decode(s + i, len - i, &cp);
    if (n == 0) {
        *used = 1;
        return (size_t)snprintf(out, UNIT_MAX, "\\x%02x", s[i]);
    }
    *used = n;
    bool keep = !vis_hidden_codepoint(cp) || (cp == '\t' && (flags & VIS_TAB)) ||
                (cp == '\n' && ((flags & VIS_NL) || ((flags & VIS_EOL) && i + 1 == len)));
    if (keep) {
        memcpy(out, s + i, n);
        return n;
    }
    /* Controls in valid JSON only stand inside strings, where \u escapes are at home. */
    if (cp < 0x20 && !(flags & VIS_JSON))
        return escape_c0((unsigned char)cp, out);
    if (cp == 0x7F && !(flags & VIS_JSON))
        return (size_t)snprintf(out, UNIT_MAX, "\\x7f");
    return (size_t)snprintf(out, UNIT_MAX, "\\u%04x", (unsigned)cp);
}

size_t vis_encode(char *dst, size_t size, const char *src, size_t len, unsigned flags)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t total = 0, written = 0, used;
    bool full = false;
    for (size_t i = 0; i < len; i += used) {
        char unit[UNIT_MAX];
        size_t n = encode_unit(s, len, i, flags, unit, &used);
        /* Once one escape does not fit, nothing after it is written: no gaps in the text. */
        if (!full && written + n < size) {
            memcpy(dst + written, unit, n);
            written += n;
        } else {
            full = true;
        }
        total += n;
    }
    if (size > 0)
        dst[written] = '\0';
    return total;
}

char *vis_dup(const char *s, unsigned flags)
{
    size_t len = strlen(s);
    size_t need = vis_encode(NULL, 0, s, len, flags) + 1;
    char *out = malloc(need);
    if (out != NULL)
        vis_encode(out, need, s, len, flags);
    return out;
}

int vis_fputs(FILE *f, const char *s, unsigned flags)
{
    if (f == raw_stream)
        return fputs(s, f) == EOF ? EOF : 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), fill = 0, used;
    char buf[1024];
    /* Escaped in pieces so a long text needs no allocation; one fwrite per full buffer. */
    for (size_t i = 0; i < len; i += used) {
        if (fill + UNIT_MAX > sizeof(buf)) {
            if (fwrite(buf, 1, fill, f) != fill)
                return EOF;
            fill = 0;
        }
        fill += encode_unit(u, len, i, flags, buf + fill, &used);
    }
    if (fill > 0 && fwrite(buf, 1, fill, f) != fill)
        return EOF;
    return 0;
}

int vis_fprintf(FILE *f, unsigned flags, const char *fmt, ...)
{
    char small[512], *text = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return EOF;
    if ((size_t)n >= sizeof(small)) {
        text = malloc((size_t)n + 1);
        if (text == NULL)
            return EOF;
        va_start(ap, fmt);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    int rc = vis_fputs(f, text, flags);
    if (text != small)
        free(text);
    return rc;
}
