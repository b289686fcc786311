/* notify.c - sd_notify without libsystemd: see notify.h. */
#include "server/notify.h"
#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Fills addr from $NOTIFY_SOCKET: a path, or "@name" for the abstract namespace. */
static int notify_address(const char *name, struct sockaddr_un *addr, socklen_t *len)
{
    size_t n = strlen(name);
    if ((name[0] != '/' && name[0] != '@') || n < 2 || n >= sizeof(addr->sun_path)) {
        errno = EINVAL;
        return -1;
    }
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, name, n);
    if (name[0] == '@')
        addr->sun_path[0] = '\0'; /* abstract: no terminating NUL counted */
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'));
    return 0;
}

int notify_send(const char *state)
{
    const char *name = getenv("NOTIFY_SOCKET");
    if (name == NULL || name[0] == '\0')
        return 0;
    size_t len = strlen(state);
    if (len == 0 || len > NOTIFY_STATE_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    struct sockaddr_un addr;
    socklen_t alen;
    if (notify_address(name, &addr, &alen) < 0)
        return -1;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    ssize_t sent = sendto(fd, state, len, MSG_NOSIGNAL, (struct sockaddr *)&addr, alen);
    int saved = errno;
    close(fd);
    if (sent != (ssize_t)len) {
        errno = sent < 0 ? saved : EMSGSIZE;
        return -1;
    }
    return 0;
}

long long notify_watchdog_usec(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    if (usec == NULL || getenv("NOTIFY_SOCKET") == NULL)
        return 0;
    char *end;
    errno = 0;
    long long n = strtoll(usec, &end, 10);
    if (errno != 0 || end == usec || *end != '\0' || n <= 0)
        return 0;
    if (pid != NULL) {
        long long p = strtoll(pid, &end, 10);
        if (end == pid || *end != '\0' || p != (long long)getpid())
            return 0; /* meant for another process (our parent, a wrapper) */
    }
    return n;
}

void notify_state(const char *fmt, ...)
{
    char state[NOTIFY_STATE_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(state, sizeof(state), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(state)) {
        log_warning("notify", "state too long for $NOTIFY_SOCKET; not sent");
        return;
    }
    if (notify_send(state) < 0)
        log_warning("notify", "cannot notify $NOTIFY_SOCKET: %s", strerror(errno));
}
