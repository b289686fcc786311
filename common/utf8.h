/* utf8.h - one strict UTF-8 decoder (RFC 3629) for the client, the store and the logs. */
#ifndef SCIPNET_COMMON_UTF8_H
#define SCIPNET_COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the valid UTF-8 character at s, which has len > 0 bytes left, with
 * its code point in *cp; 0 when the bytes there are not one: a stray or cut-short sequence,
 * an overlong form, a UTF-16 surrogate or a code point past U+10FFFF.  NUL is valid here.
 */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif
