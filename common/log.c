/* log.c - leveled, line-at-a-time logging to stderr. */
#include "common/log.h"
#include "common/timeutil.h"
#include "common/vis.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum log_level min_level = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "notice", "warning", "error"};

void log_set_level(enum log_level level)
{
    min_level = level;
}

int log_level_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof(level_names) / sizeof(level_names[0])); i++)
        if (strcmp(level_names[i], name) == 0)
            return i;
    return -1;
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char stamp[32], message[1024], line[64 + VIS_SIZE(sizeof(message))];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    time_format_iso_ms(time_now_ms(), stamp, sizeof(stamp));
    int n = snprintf(line, sizeof(line), "%s %s %s: ", stamp, level_names[level], module);
    if (n < 0 || (size_t)n >= sizeof(line) - 2)
        return;
    /* Names and titles in a message are untrusted: no control reaches the operator's
     * terminal, and a newline in one cannot forge a second line. */
    size_t len = (size_t)n;
    len += vis_encode(line + len, sizeof(line) - len - 1, message, strlen(message), 0);
    if (len > sizeof(line) - 2)
        len = strlen(line);
    line[len] = '\n';
    line[len + 1] = '\0';
    /* One fputs per event so lines from different threads never interleave. */
    fputs(line, stderr);
}
