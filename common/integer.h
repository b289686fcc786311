/*
 * integer.h - the one strict integer parser: configuration values, the admin
 * command's numbers, a listen port.  Decimal digits with an optional leading '-',
 * nothing else (no spaces, no '+', no "0x", no trailing text), within [min, max].
 */
#ifndef SCIPNET_COMMON_INTEGER_H
#define SCIPNET_COMMON_INTEGER_H

#include <stdbool.h>
#include <stdint.h>

/* true and *out set when text is such a number in [min, max]; else *out is untouched. */
bool integer_parse(const char *text, int64_t min, int64_t max, int64_t *out);

#endif
