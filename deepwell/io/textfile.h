/*
 * textfile.h - reading whole text files for the importer (internal to deepwell/io/).
 *
 * Imported text must be valid UTF-8 without NUL bytes: the store keeps C strings
 * and the protocol sends UTF-8 JSON, so a bad byte is refused at the door.
 */
#ifndef SCIPNET_DEEPWELL_IO_TEXTFILE_H
#define SCIPNET_DEEPWELL_IO_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "deepwell/deepwell.h"

/* Largest file the importer reads (a section body); bigger is refused. */
#define TEXTFILE_MAX_BYTES (16u * 1024u * 1024u)

/* Why a file was not read.  The importer names it in its summary and goes on. */
enum textfile_refusal {
    TEXTFILE_READ = 0, /* not refused */
    TEXTFILE_SYMLINK,  /* a symbolic link: never followed */
    TEXTFILE_FIFO,     /* FIFOs, sockets, devices and folders are never read */
    TEXTFILE_SOCKET,
    TEXTFILE_DEVICE,
    TEXTFILE_FOLDER,
    TEXTFILE_TOO_LARGE, /* more than the cap, when opened or while read */
};

/* The refusal for a file of this type (from lstat), TEXTFILE_READ for a regular file. */
enum textfile_refusal textfile_refusal_of(unsigned mode);

/* "symbolic link; not followed", "larger than N bytes; not read", ... (max_bytes is N). */
void textfile_refusal_text(enum textfile_refusal refusal, size_t max_bytes, char *out, size_t size);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or NUL). */
bool textfile_utf8_valid(const char *s, size_t len);

/*
 * Reads name, relative to the folder dirfd (or AT_FDCWD), into a malloc'd
 * NUL-terminated string, reading only what was given: a symbolic link is not
 * followed, a FIFO or device is not opened (and could not block if swapped in after
 * the check), and at most max_bytes + 1 bytes are read, so a file that grows while
 * read is refused too.  Refused: DW_OK, *out NULL, *refusal says why.  shown names
 * the file in errors: DW_NOT_FOUND when absent, DW_IO when it cannot be read,
 * DW_INVALID when it is not UTF-8.
 */
enum deepwell_code textfile_read_at(int dirfd, const char *name, const char *shown,
                                    size_t max_bytes, char **out, enum textfile_refusal *refusal,
                                    struct deepwell_error *err);

/* Writes len bytes to a new file (O_EXCL) with the given mode; DW_IO on failure. */
enum deepwell_code textfile_write(const char *path, const char *data, size_t len, unsigned mode,
                                  struct deepwell_error *err);

#endif
