/* scpdata_text.c - growing text buffers and markdown-to-plain text for the scp-data reader. */
#include "deepwell/io/scpdata_text.h"

#include <stdlib.h>
#include <string.h>

void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sb_str(struct sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* A value of the page's metadata as markdown text: syntax escaped, no line breaks. */
void sb_escaped(struct sbuf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        if (strchr("\\`*_[]<>~|&!#", *s) != NULL)
            sb_put(b, "\\", 1);
        sb_put(b, (unsigned char)*s < 0x20 ? " " : s, 1);
    }
}

/* Markdown back to plain text for a title or a class: escapes and markers dropped. */
void scpdata_plain(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < size; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
            /* an unescaped "[[" in a title could read as a passage marker: one '[' at most */
            if (!(s[i] == '[' && o > 0 && out[o - 1] == '['))
                out[o++] = s[i];
            continue;
        }
        if (s[i] == '*' || s[i] == '~' || s[i] == '\n')
            continue;
        out[o++] = s[i];
    }
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == ':'))
        o--;
    while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80 && o + 1 >= size)
        o--; /* never end on half a character */
    out[o] = '\0';
    size_t lead = strspn(out, " ");
    memmove(out, out + lead, o - lead + 1);
}
