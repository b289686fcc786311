/* sqlite_audit_file.c - an SQLite store's audit log in a file of its own (sqlite_audit_file.h). */
#include "deepwell/sqlite_audit_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "deepwell/private_file.h"
#include "deepwell/query.h"
#include "deepwell/schema.h"

static const char SQL_ATTACH[] = "ATTACH ?1 AS audit";
static const char SQL_HAS_LOG[] =
    "SELECT count(*) FROM audit.sqlite_schema WHERE type = 'table' AND name = 'audit_log'";
static const char SQL_MAIN_HAS_LOG[] =
    "SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = 'audit_log'";

enum deepwell_code deepwell_audit_file_path(const char *store_path, char *out, size_t size,
                                            struct deepwell_error *err)
{
    int n = snprintf(out, size, "%s.audit", store_path);
    if (n < 0 || (size_t)n >= size)
        return deepwell_error_set(err, DW_INVALID, "audit.file", "store path too long");
    return DW_OK;
}

/* A failure of the audit file itself, named as such (not as the store file's). */
static enum deepwell_code audit_file_error(struct deepwell_error *err, sqlite3 *db, int rc,
                                           const char *path)
{
    enum deepwell_code code = deepwell_error_from_sqlite(NULL, db, rc, "audit.file");
    const char *why = (rc & 0xff) == SQLITE_NOTADB ? "not a database" : sqlite3_errstr(rc);
    if (db != NULL && (sqlite3_errcode(db) & 0xff) == (rc & 0xff) && (rc & 0xff) != SQLITE_NOTADB)
        why = sqlite3_errmsg(db);
    return deepwell_error_set(err, code, "audit.file", "the store's audit log %s: %s", path, why);
}

/* Runs SQL with no parameters and no rows on a bare connection. */
static enum deepwell_code exec_plain(sqlite3 *db, const char *sql, const char *context,
                                     struct deepwell_error *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? DW_OK : deepwell_error_from_sqlite(err, db, rc, context);
}

enum deepwell_code deepwell_audit_file_attach(sqlite3 *db, const char *store_path,
                                              const char *synchronous_sql, bool *attached,
                                              struct deepwell_error *err)
{
    *attached = false;
    if (sqlite3_db_filename(db, "audit") != NULL) {
        *attached = true;
        return DW_OK;
    }
    char path[DEEPWELL_AUDIT_PATH_MAX];
    enum deepwell_code code = deepwell_audit_file_path(store_path, path, sizeof(path), err);
    if (code != DW_OK)
        return code;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return DW_OK;
        return deepwell_error_set(err, DW_IO, "audit.file", "cannot open %s: %s", path,
                                  strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return deepwell_error_set(err, DW_IO, "audit.file", "not a regular file: %s", path);

    /* The name is bound, so no path needs quoting. */
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, SQL_ATTACH, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 1, path, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK)
        return audit_file_error(err, db, rc, path);
    if (synchronous_sql != NULL) {
        code = exec_plain(db, synchronous_sql, "audit.file", err);
        if (code != DW_OK) {
            sqlite3_exec(db, "DETACH audit", NULL, NULL, NULL);
            return code;
        }
    }
    *attached = true;
    return DW_OK;
}

/* Makes an empty audit file in WAL mode (WAL is kept in the file, so this is once). */
static enum deepwell_code create_file(const char *store_path, struct deepwell_error *err)
{
    char path[DEEPWELL_AUDIT_PATH_MAX];
    enum deepwell_code code = deepwell_audit_file_path(store_path, path, sizeof(path), err);
    if (code != DW_OK)
        return code;
    code = deepwell_private_file_create(path, "audit.file: creating", err);
    if (code != DW_OK)
        return code;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        code = exec_plain(db, "PRAGMA journal_mode=WAL", "audit.file: creating", err);
    else
        code = deepwell_error_from_sqlite(err, db, rc, "audit.file: creating");
    rc = sqlite3_close_v2(db);
    if (code == DW_OK && rc != SQLITE_OK)
        code = deepwell_error_from_sqlite(err, NULL, rc, "audit.file: creating");
    return code;
}

enum deepwell_code deepwell_audit_file_split(struct deepwell_conn *writer, const char *store_path,
                                             struct deepwell_error *err)
{
    sqlite3 *db = deepwell_sqlite_db(writer);
    bool attached = false;
    enum deepwell_code code = deepwell_audit_file_attach(db, store_path, NULL, &attached, err);
    if (code == DW_OK && !attached) {
        code = create_file(store_path, err);
        if (code == DW_OK)
            code = deepwell_audit_file_attach(db, store_path, NULL, &attached, err);
    }
    if (code != DW_OK)
        return code;

    /* BEGIN IMMEDIATE locks both files, so no row is appended during the copy; only
       the audit file is written, so its commit is one file's, whole or not at all. */
    code = deepwell_conn_begin(writer, err);
    if (code != DW_OK)
        return code;
    int64_t main_has_log = 0;
    code = dw_exec(writer, deepwell_audit_file_schema, "audit.file: schema", err);
    if (code == DW_OK)
        code = dw_query_int64(writer, SQL_MAIN_HAS_LOG, "audit.file", &main_has_log, err);
    if (code == DW_OK && main_has_log)
        code = dw_exec(writer, deepwell_audit_file_copy, "audit.file: copying rows", err);
    if (code == DW_OK)
        code = deepwell_conn_commit(writer, err);
    else
        deepwell_conn_rollback(writer);
    return code;
}

enum deepwell_code deepwell_audit_file_check(sqlite3 *db, const char *store_path,
                                             struct deepwell_error *err)
{
    char path[DEEPWELL_AUDIT_PATH_MAX];
    enum deepwell_code code = deepwell_audit_file_path(store_path, path, sizeof(path), err);
    if (code != DW_OK)
        return code;
    if (sqlite3_db_filename(db, "audit") == NULL)
        return deepwell_error_set(err, DW_IO, "open",
                                  "the store's audit log %s is missing: restore it together "
                                  "with %s from the same backup",
                                  path, store_path);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, SQL_HAS_LOG, -1, &stmt, NULL);
    int64_t tables = 0;
    if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        tables = sqlite3_column_int64(stmt, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK)
        return audit_file_error(err, db, rc, path);
    if (tables == 0)
        return deepwell_error_set(err, DW_CORRUPT, "open",
                                  "%s holds no audit log: restore it together with %s from "
                                  "the same backup",
                                  path, store_path);
    return DW_OK;
}
