/* error.c - deepwell error codes, their names, and filling struct deepwell_error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "deepwell/pool.h"

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

static enum deepwell_code code_for_sqlite(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return DW_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DW_BUSY;
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
    case SQLITE_AUTH:
        return DW_IO;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return DW_CORRUPT;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return DW_CONFLICT;
        return DW_INVALID;
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
        return DW_INVALID;
    default:
        return DW_INTERNAL;
    }
}

enum deepwell_code deepwell_error_from_sqlite(struct deepwell_error *err, sqlite3 *db, int rc,
                                              const char *context)
{
    /* The connection's extended code tells a UNIQUE failure from a CHECK failure. */
    if (db != NULL && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff))
        rc = sqlite3_extended_errcode(db);
    enum deepwell_code code = code_for_sqlite(rc);
    if (code == DW_OK)
        code = DW_INTERNAL; /* a caller treated success as failure: still report something */
    if (err == NULL)
        return code;

    if ((rc & 0xff) == SQLITE_NOTADB)
        return deepwell_error_set(err, code, context,
                                  "not a deepwell store: file is not a database");
    const char *message = sqlite3_errstr(rc);
    if (db != NULL && (sqlite3_errcode(db) & 0xff) == (rc & 0xff))
        message = sqlite3_errmsg(db);
    deepwell_error_set(err, code, context, "%s", message);
    err->from_engine = true;
    return code;
}
