/*
 * known_hosts.h - pinned server fingerprints, as OpenSSH pins host keys.
 *
 * One line per server: "host:port sha256:<64 lowercase hex>".  Blank lines and lines
 * starting with '#' are ignored.  The file lives in $XDG_DATA_HOME/scipnet/known_hosts
 * (default ~/.local/share/scipnet/known_hosts).
 */
#ifndef SCIPNET_CLIENT_KNOWN_HOSTS_H
#define SCIPNET_CLIENT_KNOWN_HOSTS_H

#include <stddef.h>

enum known_host_status {
    KNOWN_HOST_NEW,     /* no line for this host:port */
    KNOWN_HOST_TRUSTED, /* the pinned fingerprint matches */
    KNOWN_HOST_CHANGED, /* pinned with another fingerprint: refuse */
    KNOWN_HOST_ERROR,   /* the file could not be read */
};

struct known_host_match {
    enum known_host_status status;
    int line;         /* the pinned line (CHANGED / TRUSTED), 1-based */
    char pinned[128]; /* the fingerprint on that line */
};

/* The default file path into buf; returns 0 or -1 when neither XDG_DATA_HOME nor HOME is set. */
int known_hosts_default_path(char *buf, size_t size);

/* Look host:port up.  A missing file is KNOWN_HOST_NEW. */
struct known_host_match known_hosts_check(const char *path, const char *hostport,
                                          const char *fingerprint);

/* Append a line, creating the directory (0700) and the file (0600). Returns 0 or -1 (errno). */
int known_hosts_add(const char *path, const char *hostport, const char *fingerprint);

/* The warning for a changed fingerprint, naming the file and line to remove. */
void known_hosts_changed_warning(char *buf, size_t size, const char *path, const char *hostport,
                                 const struct known_host_match *m, const char *fingerprint);

#endif
