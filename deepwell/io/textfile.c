/* textfile.c - whole-file reads with UTF-8 validation, and exclusive writes. */
#include "deepwell/io/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/utf8.h"
#include "deepwell/pool.h"

bool textfile_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0 || cp == 0) /* a NUL would end the text early */
            return false;
        i += n;
    }
    return true;
}

enum textfile_refusal textfile_refusal_of(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return TEXTFILE_READ;
    case S_IFLNK:
        return TEXTFILE_SYMLINK;
    case S_IFIFO:
        return TEXTFILE_FIFO;
    case S_IFSOCK:
        return TEXTFILE_SOCKET;
    case S_IFDIR:
        return TEXTFILE_FOLDER;
    default:
        return TEXTFILE_DEVICE;
    }
}

void textfile_refusal_text(enum textfile_refusal refusal, size_t max_bytes, char *out, size_t size)
{
    static const char *const what[] = {
        [TEXTFILE_READ] = "read",
        [TEXTFILE_SYMLINK] = "symbolic link; not followed",
        [TEXTFILE_FIFO] = "not a regular file (fifo); not read",
        [TEXTFILE_SOCKET] = "not a regular file (socket); not read",
        [TEXTFILE_DEVICE] = "not a regular file (device); not read",
        [TEXTFILE_FOLDER] = "not a regular file (folder); not read",
    };
    if (refusal == TEXTFILE_TOO_LARGE)
        snprintf(out, size, "larger than %zu bytes; not read", max_bytes);
    else
        snprintf(out, size, "%s", what[refusal]);
}

static enum deepwell_code io_failure(const char *shown, int error, struct deepwell_error *err)
{
    return deepwell_error_set(err, error == ENOENT ? DW_NOT_FOUND : DW_IO, shown,
                              "%s: cannot read: %s", shown, strerror(error));
}

/*
 * Reads fd to its end into *out, but never more than max_bytes + 1 bytes: the size
 * seen at open is only a first guess, since the file may grow while it is read.
 */
static enum deepwell_code read_capped(int fd, size_t size_hint, size_t max_bytes, const char *shown,
                                      char **out, size_t *len_out, struct deepwell_error *err)
{
    size_t limit = max_bytes + 1; /* one byte past the cap is enough to know it is too large */
    size_t cap = size_hint < limit ? size_hint + 1 : limit, len = 0;
    char *buf = malloc(cap + 1);
    if (buf == NULL)
        return deepwell_error_set(err, DW_INTERNAL, shown, "out of memory");
    for (;;) {
        if (len == cap) {
            if (cap == limit)
                break;
            size_t bigger = cap > limit / 2 ? limit : cap * 2;
            char *grown = realloc(buf, bigger + 1);
            if (grown == NULL) {
                free(buf);
                return deepwell_error_set(err, DW_INTERNAL, shown, "out of memory");
            }
            buf = grown;
            cap = bigger;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            free(buf);
            return io_failure(shown, saved, err);
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    *len_out = len;
    return DW_OK;
}

enum deepwell_code textfile_read_at(int dirfd, const char *name, const char *shown,
                                    size_t max_bytes, char **out, enum textfile_refusal *refusal,
                                    struct deepwell_error *err)
{
    *out = NULL;
    *refusal = TEXTFILE_READ;
    /* Looked at first, so a device or FIFO is never even opened. */
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return io_failure(shown, errno, err);
    if ((*refusal = textfile_refusal_of(st.st_mode)) != TEXTFILE_READ)
        return DW_OK;
    /* Swapped since for a link (ELOOP) or a FIFO (opens at once, refused below)? */
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && errno == ELOOP) {
        *refusal = TEXTFILE_SYMLINK;
        return DW_OK;
    }
    if (fd < 0)
        return io_failure(shown, errno, err);
    enum deepwell_code code = DW_OK;
    char *buf = NULL;
    size_t len = 0;
    if (fstat(fd, &st) != 0)
        code = io_failure(shown, errno, err);
    else
        *refusal = textfile_refusal_of(st.st_mode);
    if (code == DW_OK && *refusal == TEXTFILE_READ && (uint64_t)st.st_size > max_bytes)
        *refusal = TEXTFILE_TOO_LARGE;
    if (code == DW_OK && *refusal == TEXTFILE_READ)
        code = read_capped(fd, (size_t)st.st_size, max_bytes, shown, &buf, &len, err);
    close(fd);
    if (code != DW_OK || *refusal != TEXTFILE_READ)
        return code;
    if (len > max_bytes) {
        free(buf);
        *refusal = TEXTFILE_TOO_LARGE;
        return DW_OK;
    }
    if (!textfile_utf8_valid(buf, len)) {
        free(buf);
        return deepwell_error_set(err, DW_INVALID, shown, "%s: not valid UTF-8 text", shown);
    }
    *out = buf;
    return DW_OK;
}

enum deepwell_code textfile_write(const char *path, const char *data, size_t len, unsigned mode,
                                  struct deepwell_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
    if (fd < 0)
        return deepwell_error_set(err, DW_IO, path, "%s: cannot create: %s", path, strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            return deepwell_error_set(err, DW_IO, path, "%s: cannot write: %s", path,
                                      strerror(saved));
        }
        done += (size_t)n;
    }
    if (close(fd) != 0)
        return deepwell_error_set(err, DW_IO, path, "%s: cannot write: %s", path, strerror(errno));
    return DW_OK;
}
