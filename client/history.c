/* history.c - the command line's history, in memory and in a file between runs. */
#include "client/history.h"
#include "client/xdg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int history_default_path(char *buf, size_t size)
{
    return xdg_path(buf, size, "XDG_STATE_HOME", ".local/state", "history");
}

/* Kept lines are what a person would type again: no secrets, nothing unprintable. */
static bool keepable(const char *line)
{
    if (line[0] == '\0' || strlen(line) >= INPUT_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return false;
        if (strncasecmp((const char *)p, "pass", 4) == 0)
            return false; /* password=, passwd, --password: never on disk */
    }
    return true;
}

bool history_add(struct history *h, const char *line_in)
{
    char line[INPUT_MAX];
    history_reset(h);
    if (strlen(line_in) >= sizeof(line))
        return false;
    /* Kept without the space Tab leaves at the end. */
    snprintf(line, sizeof(line), "%s", line_in);
    for (size_t n = strlen(line); n > 0 && line[n - 1] == ' '; n--)
        line[n - 1] = '\0';
    if (!keepable(line) || (h->count > 0 && strcmp(h->lines[h->count - 1], line) == 0))
        return false;
    if (h->count == HISTORY_MAX) {
        memmove(h->lines[0], h->lines[1], sizeof(h->lines[0]) * (HISTORY_MAX - 1));
        h->count--;
    }
    snprintf(h->lines[h->count++], INPUT_MAX, "%s", line);
    h->at = h->count;
    return true;
}

int history_load(struct history *h, const char *path)
{
    memset(h, 0, sizeof(*h));
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return errno == ENOENT ? 0 : -1;
    char line[INPUT_MAX + 2];
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t n = strcspn(line, "\n");
        if (line[n] != '\n' && !feof(f)) {
            /* longer than a line can be: skip the rest of it */
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
            continue;
        }
        line[n] = '\0';
        history_add(h, line);
    }
    int rc = ferror(f) ? -1 : 0;
    fclose(f);
    return rc;
}

/* mkdir -p for the file's directory, private to the user. */
static int make_dirs(const char *path)
{
    char dir[4096];
    if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
        return -1;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

int history_save(const struct history *h, const char *path)
{
    char tmp[4096];
    if (make_dirs(path) != 0 || snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    for (int i = 0; i < h->count; i++)
        fprintf(f, "%s\n", h->lines[i]);
    if (fflush(f) != 0 || ferror(f)) {
        fclose(f);
        unlink(tmp);
        return -1;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

void history_reset(struct history *h)
{
    h->at = h->count;
    memset(h->draft, 0, sizeof(h->draft));
}

bool history_walk(struct history *h, struct input *in, int direction)
{
    int next = h->at + direction;
    if (next < 0 || next > h->count || h->at > h->count)
        return false;
    if (h->at == h->count)
        snprintf(h->draft, sizeof(h->draft), "%s", in->text);
    h->at = next;
    input_set(in, next == h->count ? h->draft : h->lines[next]);
    return true;
}
