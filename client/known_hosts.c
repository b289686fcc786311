/* known_hosts.c - pinned server fingerprints. */
#include "client/known_hosts.h"
#include "client/xdg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int known_hosts_default_path(char *buf, size_t size)
{
    return xdg_path(buf, size, "XDG_DATA_HOME", ".local/share", "known_hosts");
}

struct known_host_match known_hosts_check(const char *path, const char *hostport,
                                          const char *fingerprint)
{
    struct known_host_match m = {KNOWN_HOST_NEW, 0, ""};
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (errno != ENOENT)
            m.status = KNOWN_HOST_ERROR;
        return m;
    }
    char line[1024];
    int lineno = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        char host[512], fp[sizeof(m.pinned)];
        if (line[0] == '#' || sscanf(line, "%511s %127s", host, fp) != 2)
            continue;
        if (strcmp(host, hostport) != 0)
            continue;
        /* The first line for a host decides, as in OpenSSH. */
        m.line = lineno;
        snprintf(m.pinned, sizeof(m.pinned), "%s", fp);
        m.status = strcasecmp(fp, fingerprint) == 0 ? KNOWN_HOST_TRUSTED : KNOWN_HOST_CHANGED;
        break;
    }
    fclose(f);
    return m;
}

/* mkdir -p for the directory part of path. */
static int make_parent_dirs(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

int known_hosts_add(const char *path, const char *hostport, const char *fingerprint)
{
    if (make_parent_dirs(path) != 0)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    char line[1024];
    int n = snprintf(line, sizeof(line), "%s %s\n", hostport, fingerprint);
    if (n < 0 || (size_t)n >= sizeof(line)) {
        close(fd);
        errno = ENAMETOOLONG;
        return -1;
    }
    ssize_t written = write(fd, line, (size_t)n);
    int saved = errno;
    if (close(fd) != 0 || written != n) {
        errno = written < 0 ? saved : EIO;
        return -1;
    }
    return 0;
}

void known_hosts_changed_warning(char *buf, size_t size, const char *path, const char *hostport,
                                 const struct known_host_match *m, const char *fingerprint)
{
    snprintf(buf, size,
             "WARNING: THE SERVER'S FINGERPRINT HAS CHANGED! Someone could be impersonating "
             "%s, or its certificate was replaced. Pinned: %s. Offered: %s. "
             "Connection refused. If the change is expected, remove line %d of %s "
             "(Offending line: %s:%d).",
             hostport, m->pinned, fingerprint, m->line, path, path, m->line);
}
