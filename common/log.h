/*
 * log.h - one line per event on stderr: "2026-11-22T15:30:01.123Z LEVEL module: message".
 * Secrets (passwords, tokens) must never be passed to these functions.
 */
#ifndef SCIPNET_LOG_H
#define SCIPNET_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERROR };

void log_set_level(enum log_level level);
/* Parses "debug", "info", "notice", "warning", "error"; returns -1 when unknown. */
int log_level_parse(const char *name);
void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(mod, ...)   log_msg(LOG_DEBUG, mod, __VA_ARGS__)
#define log_info(mod, ...)    log_msg(LOG_INFO, mod, __VA_ARGS__)
#define log_notice(mod, ...)  log_msg(LOG_NOTICE, mod, __VA_ARGS__)
#define log_warning(mod, ...) log_msg(LOG_WARNING, mod, __VA_ARGS__)
#define log_error(mod, ...)   log_msg(LOG_ERROR, mod, __VA_ARGS__)

#endif
