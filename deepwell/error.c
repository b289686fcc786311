/* error.c - deepwell error codes, their names, and filling struct deepwell_error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "deepwell/pool.h" /* deepwell_error_set */

/* Long SQL is cut here: the start says which statement it was. */
#define CONTEXT_SQL_MAX 120

const char *deepwell_code_name(enum deepwell_code code)
{
    switch (code) {
    case DW_OK:
        return "ok";
    case DW_NOT_FOUND:
        return "not_found";
    case DW_CONFLICT:
        return "conflict";
    case DW_INVALID:
        return "invalid";
    case DW_BUSY:
        return "busy";
    case DW_POOL_EXHAUSTED:
        return "pool_exhausted";
    case DW_IO:
        return "io";
    case DW_CORRUPT:
        return "corrupt";
    case DW_TOO_NEW:
        return "too_new";
    case DW_INTERNAL:
        return "internal";
    }
    return "unknown";
}

static void set_context(struct deepwell_error *err, const char *context)
{
    if (context == NULL) {
        err->context[0] = '\0';
        return;
    }
    size_t len = strlen(context);
    if (len <= CONTEXT_SQL_MAX)
        snprintf(err->context, sizeof(err->context), "%s", context);
    else
        snprintf(err->context, sizeof(err->context), "%.*s...", CONTEXT_SQL_MAX - 3, context);
}

enum deepwell_code deepwell_error_set(struct deepwell_error *err, enum deepwell_code code,
                                      const char *context, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->from_engine = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    set_context(err, context);
    return code;
}
