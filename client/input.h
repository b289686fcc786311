/*
 * input.h - a line of UTF-8 being typed, with a cursor: the editing keys people know
 * from readline (Left/Right, Home/End, Ctrl-A/E, Ctrl-U/W/K, Delete, Backspace).
 */
#ifndef SCIPNET_CLIENT_INPUT_H
#define SCIPNET_CLIENT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "common/foundation.h"

#define INPUT_MAX (FOUNDATION_PASSWORD_MAX + 1) /* the longest line typed is a password */

struct input {
    char text[INPUT_MAX];
    size_t len;
    size_t pos; /* the cursor, a byte offset at a character's start; len when at the end */
};

void input_clear(struct input *in);
/* Replace the text; the cursor goes to its end. */
void input_set(struct input *in, const char *text);
/* Insert a printable character at the cursor; false when it does not fit or is not printable. */
bool input_add(struct input *in, wchar_t ch);
/* Remove the character before the cursor (a whole UTF-8 sequence). */
void input_backspace(struct input *in);
/*
 * An editing key: is_key for a curses KEY_* code, else a character.  Returns true when
 * it was one (and applied it): printable characters, Backspace, Delete, Left, Right,
 * Home, End, Ctrl-A, Ctrl-E, Ctrl-U, Ctrl-W, Ctrl-K.  Enter, Tab, Esc are the caller's.
 */
bool input_edit(struct input *in, bool is_key, wint_t code);
/* Columns taken by the text after the cursor: how far left of the end the cursor shows. */
int input_tail_width(const struct input *in);

#endif
