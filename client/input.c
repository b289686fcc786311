/* input.c - a line of UTF-8 being typed, edited at a cursor. */
#define NCURSES_WIDECHAR 1
#include "client/input.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "art/layout.h"

#define CTRL(c) ((c)&0x1f)

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
    /* snprintf may have cut a UTF-8 sequence: drop its stray start */
    while (in->len > 0 && ((unsigned char)in->text[in->len - 1] & 0xC0) == 0xC0)
        in->text[--in->len] = '\0';
    in->pos = in->len;
}

static size_t prev_char(const struct input *in, size_t at)
{
    while (at > 0 && ((unsigned char)in->text[--at] & 0xC0) == 0x80)
        ;
    return at;
}

static size_t next_char(const struct input *in, size_t at)
{
    while (at < in->len && ((unsigned char)in->text[++at] & 0xC0) == 0x80)
        ;
    return at;
}

/* Remove bytes [from, to) and wipe what the move leaves behind (it may be a password). */
static void cut(struct input *in, size_t from, size_t to)
{
    if (to <= from)
        return;
    memmove(in->text + from, in->text + to, in->len - to);
    memset(in->text + in->len - (to - from), 0, to - from);
    in->len -= to - from;
    if (in->pos >= to)
        in->pos -= to - from;
    else if (in->pos > from)
        in->pos = from;
}

bool input_add(struct input *in, wchar_t ch)
{
    char buf[4];
    if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
        return false;
    size_t n = layout_utf8_encode(ch, buf);
    if (in->len + n >= sizeof(in->text))
        return false;
    if (in->pos > in->len)
        in->pos = in->len;
    memmove(in->text + in->pos + n, in->text + in->pos, in->len - in->pos);
    memcpy(in->text + in->pos, buf, n);
    in->len += n;
    in->pos += n;
    in->text[in->len] = '\0';
    return true;
}

void input_backspace(struct input *in)
{
    cut(in, prev_char(in, in->pos), in->pos);
}

static bool is_word(unsigned char c)
{
    return c != ' ' && c != '\t';
}

/* Ctrl-W: the word before the cursor and the spaces after it, as in a shell. */
static void cut_word(struct input *in)
{
    size_t at = in->pos;
    while (at > 0 && !is_word((unsigned char)in->text[at - 1]))
        at--;
    while (at > 0 && is_word((unsigned char)in->text[at - 1]))
        at--;
    cut(in, at, in->pos);
}

static bool edit_key(struct input *in, wint_t code)
{
    switch (code) {
    case KEY_BACKSPACE:
        input_backspace(in);
        return true;
    case KEY_DC:
        cut(in, in->pos, next_char(in, in->pos));
        return true;
    case KEY_LEFT:
        in->pos = prev_char(in, in->pos);
        return true;
    case KEY_RIGHT:
        in->pos = next_char(in, in->pos);
        return true;
    case KEY_HOME:
        in->pos = 0;
        return true;
    case KEY_END:
        in->pos = in->len;
        return true;
    default:
        return false;
    }
}

bool input_edit(struct input *in, bool is_key, wint_t code)
{
    if (is_key)
        return edit_key(in, code);
    switch (code) {
    case 127:
    case CTRL('H'):
        input_backspace(in);
        return true;
    case CTRL('A'):
        in->pos = 0;
        return true;
    case CTRL('E'):
        in->pos = in->len;
        return true;
    case CTRL('U'):
        cut(in, 0, in->pos);
        return true;
    case CTRL('K'):
        cut(in, in->pos, in->len);
        return true;
    case CTRL('W'):
        cut_word(in);
        return true;
    case CTRL('D'):
        cut(in, in->pos, next_char(in, in->pos));
        return true;
    default:
        return input_add(in, (wchar_t)code);
    }
}

int input_tail_width(const struct input *in)
{
    return layout_text_width(in->text + (in->pos < in->len ? in->pos : in->len));
}
