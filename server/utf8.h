/* utf8.h - strict UTF-8 validation for request lines, before any JSON parser sees them. */
#ifndef SCIPNET_SERVER_UTF8_H
#define SCIPNET_SERVER_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* False on overlong forms, surrogates, code points above U+10FFFF and truncation. */
bool utf8_valid(const char *text, size_t length);

#endif
