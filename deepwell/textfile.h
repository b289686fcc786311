/*
 * textfile.h - reading whole text files for the importer (internal to deepwell/).
 *
 * Imported text must be valid UTF-8 without NUL bytes: the store keeps C strings
 * and the protocol sends UTF-8 JSON, so a bad byte is refused at the door.
 */
#ifndef SCIPNET_DEEPWELL_TEXTFILE_H
#define SCIPNET_DEEPWELL_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "deepwell/deepwell.h"

/* Largest file the importer reads (a section body); bigger is an error. */
#define TEXTFILE_MAX_BYTES (16u * 1024u * 1024u)

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or NUL). */
bool textfile_utf8_valid(const char *s, size_t len);

/*
 * Reads path into a malloc'd NUL-terminated string.  Fails with DW_IO when the
 * file cannot be opened or read (the message names the path and the reason) and
 * DW_INVALID when it is too large or not UTF-8.
 */
enum deepwell_code textfile_read(const char *path, char **out, struct deepwell_error *err);

/* Writes len bytes to a new file (O_EXCL) with the given mode; DW_IO on failure. */
enum deepwell_code textfile_write(const char *path, const char *data, size_t len, unsigned mode,
                                  struct deepwell_error *err);

#endif
