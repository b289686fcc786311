/* textfile.c - whole-file reads with UTF-8 validation, and exclusive writes. */
#include "deepwell/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deepwell/pool.h"

/* Length of the UTF-8 sequence starting at s (at most left bytes), or 0 when malformed. */
static size_t utf8_sequence_length(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n > left)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool textfile_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_sequence_length(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

enum deepwell_code textfile_read(const char *path, char **out, struct deepwell_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return deepwell_error_set(err, DW_IO, path, "%s: cannot read: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int saved = errno;
        close(fd);
        return deepwell_error_set(err, DW_IO, path, "%s: not a regular file%s%s", path,
                                  saved ? ": " : "", saved ? strerror(saved) : "");
    }
    if ((uint64_t)st.st_size > TEXTFILE_MAX_BYTES) {
        close(fd);
        return deepwell_error_set(err, DW_INVALID, path, "%s: larger than %u bytes", path,
                                  TEXTFILE_MAX_BYTES);
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        close(fd);
        return deepwell_error_set(err, DW_INTERNAL, path, "out of memory");
    }
    for (;;) {
        if (len + 1 == cap) { /* the file grew while we read it: stop at the cap */
            if (cap > TEXTFILE_MAX_BYTES)
                break;
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                close(fd);
                return deepwell_error_set(err, DW_INTERNAL, path, "out of memory");
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            free(buf);
            close(fd);
            return deepwell_error_set(err, DW_IO, path, "%s: cannot read: %s", path,
                                      strerror(saved));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    if (len > TEXTFILE_MAX_BYTES) {
        free(buf);
        return deepwell_error_set(err, DW_INVALID, path, "%s: larger than %u bytes", path,
                                  TEXTFILE_MAX_BYTES);
    }
    if (!textfile_utf8_valid(buf, len)) {
        free(buf);
        return deepwell_error_set(err, DW_INVALID, path, "%s: not valid UTF-8 text", path);
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
