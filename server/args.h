/*
 * args.h - reading a request's optional arguments strictly: a key that is present
 * must have the right type and range, or the op answers bad_request.
 */
#ifndef SCIPNET_SERVER_ARGS_H
#define SCIPNET_SERVER_ARGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* An optional integer in [min, max]: *out untouched when absent; false when wrong. */
bool args_optional_int(const json_t *args, const char *key, int min, int max, int *out);

/*
 * An optional non-empty string of at most max-1 bytes with no NUL inside: *out NULL
 * when absent or null; false when wrong.  *out points into args.
 */
bool args_optional_string(const json_t *args, const char *key, size_t max, const char **out);

#endif
