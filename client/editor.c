/* editor.c - long text edited in $VISUAL or $EDITOR on a private temporary file. */
#include "client/editor.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *editor_command(void)
{
    const char *e = getenv("VISUAL");
    if (e == NULL || e[0] == '\0')
        e = getenv("EDITOR");
    return e != NULL && e[0] != '\0' ? e : "vi";
}

/* The editor as the shell reads it, so "emacs -nw" works; the path is only ever "$1". */
static int run_editor(const char *path, char *err, size_t errlen)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s \"$1\"", editor_command());
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start the editor: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(err, errlen, "lost the editor: %s", strerror(errno));
            return -1;
        }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "the editor (%.200s) failed; the text is unchanged",
                 editor_command());
        return -1;
    }
    return 0;
}

/* At most max bytes of path; -1 when there are more. */
static int read_back(const char *path, size_t max, char **out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char *buf = f ? malloc(max + 2) : NULL;
    if (buf == NULL) {
        snprintf(err, errlen, "cannot read the edited text back");
        if (f)
            fclose(f);
        return -1;
    }
    size_t n = fread(buf, 1, max + 1, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || n > max) {
        snprintf(err, errlen,
                 failed ? "cannot read the edited text back"
                        : "the text is longer than %zu bytes; it is unchanged",
                 max);
        free(buf);
        return -1;
    }
    if (n > 0 && buf[n - 1] == '\n') /* editors end the last line; the text did not */
        n--;
    buf[n] = '\0';
    *out = buf;
    return 0;
}

int editor_edit(const char *text, size_t max, char **out, char *err, size_t errlen)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/scipnet-XXXXXX.txt", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemps(path, 4); /* 0600, and a name no other user chose */
    if (fd < 0) {
        snprintf(err, errlen, "cannot make a temporary file: %s", strerror(errno));
        return -1;
    }
    size_t len = text ? strlen(text) : 0;
    bool wrote = len == 0 || write(fd, text, len) == (ssize_t)len;
    if (close(fd) != 0 || !wrote) {
        snprintf(err, errlen, "cannot write the temporary file");
        unlink(path);
        return -1;
    }
    int rc = run_editor(path, err, errlen);
    if (rc == 0)
        rc = read_back(path, max, out, err, errlen);
    unlink(path);
    return rc;
}
