/* input.c - a line of UTF-8 being typed. */
#include "client/input.h"

#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "art/layout.h"

void input_clear(struct input *in)
{
    /* Zeroed, not just truncated: the line may have held a password. */
    memset(in, 0, sizeof(*in));
}

void input_set(struct input *in, const char *text)
{
    input_clear(in);
    snprintf(in->text, sizeof(in->text), "%s", text);
    in->len = strlen(in->text);
}

bool input_add(struct input *in, wchar_t ch)
{
    char buf[4];
    if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
        return false;
    size_t n = layout_utf8_encode(ch, buf);
    if (in->len + n >= sizeof(in->text))
        return false;
    memcpy(in->text + in->len, buf, n);
    in->len += n;
    in->text[in->len] = '\0';
    return true;
}

void input_backspace(struct input *in)
{
    while (in->len > 0) {
        unsigned char c = (unsigned char)in->text[--in->len];
        in->text[in->len] = '\0';
        if ((c & 0xC0) != 0x80)
            break; /* stop at the first byte of the sequence */
    }
}
