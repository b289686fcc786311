/* log.c - leveled, line-at-a-time logging to stderr. */
#include "common/log.h"
#include "common/timeutil.h"

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
    char stamp[32], line[1024];
    time_format_iso_ms(time_now_ms(), stamp, sizeof(stamp));
    int n = snprintf(line, sizeof(line), "%s %s %s: ", stamp, level_names[level], module);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    /* One fputs per event so lines from different threads never interleave. */
    size_t len = strlen(line);
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    if (len + 1 < sizeof(line)) {
        line[len] = '\n';
        line[len + 1] = '\0';
    } else {
        line[sizeof(line) - 2] = '\n';
    }
    fputs(line, stderr);
}
