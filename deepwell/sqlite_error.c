/* sqlite_error.c - SQLite's result codes as the store's error codes. */
#include "deepwell/sqlite_conn.h"

#include "deepwell/pool.h"

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
