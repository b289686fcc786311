/* private_file.c - store files made 0600 before SQLite opens them: private_file.h. */
#include "deepwell/private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deepwell/pool.h"

enum deepwell_code deepwell_private_file_create(const char *path, const char *what,
                                                struct deepwell_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST)
        return DW_OK;
    if (fd < 0)
        return deepwell_error_set(err, DW_IO, what, "cannot create %s: %s", path, strerror(errno));
    /* The umask only takes bits away, but a umask of 0200 would leave 0400: be exact. */
    int rc = fchmod(fd, 0600);
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        unlink(path);
        return deepwell_error_set(err, DW_IO, what, "cannot make %s private: %s", path,
                                  strerror(saved));
    }
    return DW_OK;
}
