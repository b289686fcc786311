/*
 * urlname.h - URL-encoded file names (internal to deepwell/io/).
 *
 * The original SCiPNET names addendum files after their titles, percent-encoded
 * ("Addendum%20042-A%3A%20Recovery.md").  Encoding is Python's quote(s, safe=''):
 * everything but A-Z a-z 0-9 - . _ ~ becomes %XX, so any title is a safe file name.
 */
#ifndef SCIPNET_DEEPWELL_IO_URLNAME_H
#define SCIPNET_DEEPWELL_IO_URLNAME_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Decodes %XX escapes ('+' is kept as it is).  False when an escape is malformed,
 * decodes to NUL, the result is not UTF-8, or it does not fit in out.
 */
bool urlname_decode(const char *in, char *out, size_t outsize);

/* Encodes in; false when the result does not fit in out. */
bool urlname_encode(const char *in, char *out, size_t outsize);

#endif
