/*
 * fuzz_textfile.c - the importer's text reading (deepwell/io/textfile.c).
 *
 * textfile_utf8_valid is checked against the server's request validator
 * (server/utf8.c, written separately) plus "no NUL byte": two strict RFC 3629
 * validators must agree on every input.  The bytes are then written with
 * textfile_write and read back with textfile_read_at, which must return them
 * unchanged exactly when they are valid, and DW_INVALID otherwise; with a cap one
 * byte below their size it must refuse them as too large, valid or not.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deepwell/io/textfile.h"
#include "server/utf8.h"

static char dir[64];

static void die(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz_textfile: %s; input (%zu bytes):", what, size);
    for (size_t i = 0; i < size && i < 256; i++)
        fprintf(stderr, " %02x", data[i]);
    fputc('\n', stderr);
    abort();
}

static void teardown(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/section.md", dir);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(dir, sizeof(dir), "/tmp/fuzz_textfile.XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    atexit(teardown);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    int valid = textfile_utf8_valid(s, size);
    int reference = utf8_valid(s, size) && memchr(s, '\0', size) == NULL;
    if (valid != reference)
        die(valid ? "textfile accepts what server/utf8.c refuses (or a NUL)"
                  : "textfile refuses what server/utf8.c accepts",
            data, size);
    /* Every prefix that ends on a sequence boundary keeps the verdict of a valid text. */
    if (valid && size > 0 && !textfile_utf8_valid(s, size - 1) &&
        ((unsigned char)s[size - 1] < 0x80))
        die("a valid text minus its last ASCII byte is invalid", data, size);

    char path[128];
    snprintf(path, sizeof(path), "%s/section.md", dir);
    unlink(path);
    struct deepwell_error err;
    if (textfile_write(path, s, size, 0600, &err) != DW_OK)
        die("textfile_write failed", data, size);
    /* O_EXCL: a second write to the same path must fail, not overwrite. */
    if (textfile_write(path, "x", 1, 0600, &err) != DW_IO)
        die("textfile_write overwrote an existing file", data, size);
    char *back = NULL;
    enum textfile_refusal refusal;
    enum deepwell_code rc = textfile_read_at(AT_FDCWD, path, path, size, &back, &refusal, &err);
    if (refusal != TEXTFILE_READ)
        die("textfile_read_at refused a regular file within the cap", data, size);
    if (valid) {
        if (rc != DW_OK || back == NULL)
            die("textfile_read_at refused valid text", data, size);
        if (strlen(back) != size || memcmp(back, s, size) != 0)
            die("textfile_read_at changed the text", data, size);
    } else {
        if (rc != DW_INVALID || back != NULL)
            die("textfile_read_at accepted invalid text", data, size);
    }
    if (size > 0) {
        char *over = NULL;
        rc = textfile_read_at(AT_FDCWD, path, path, size - 1, &over, &refusal, &err);
        if (rc != DW_OK || over != NULL || refusal != TEXTFILE_TOO_LARGE)
            die("textfile_read_at read past its cap", data, size);
    }
    free(back);
    unlink(path);
    return 0;
}
