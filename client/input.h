/* input.h - a line of UTF-8 being typed: append a character, delete the last one. */
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
};

void input_clear(struct input *in);
void input_set(struct input *in, const char *text);
/* Append a printable character; false when it does not fit or is not printable. */
bool input_add(struct input *in, wchar_t ch);
/* Remove the last character (a whole UTF-8 sequence). */
void input_backspace(struct input *in);

#endif
