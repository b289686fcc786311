/* sqlite_backup.c - online backup of an open connection to a file (or two, with the audit file). */
#include "deepwell/sqlite_backup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deepwell/sqlite_audit_file.h"
#include "deepwell/pool.h"
#include "deepwell/private_file.h"
#include "deepwell/sqlite_conn.h"

/* A stale file (or its WAL) at path would be mixed into the copy's pages. */
static enum deepwell_code clear_target(const char *path, struct deepwell_error *err)
{
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char name[4300];
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        if (unlink(name) != 0 && errno != ENOENT)
            return deepwell_error_set(err, DW_IO, "backup", "cannot replace %s: %s", name,
                                      strerror(errno));
    }
    return DW_OK;
}

/* Copies src's schema ("main" or "audit") to a new file at out_path. */
static enum deepwell_code copy_schema(sqlite3 *src, const char *schema, const char *out_path,
                                      struct deepwell_error *err)
{
    enum deepwell_code code = clear_target(out_path, err);
    if (code == DW_OK)
        code = deepwell_private_file_create(out_path, "backup", err);
    if (code != DW_OK)
        return code;
    sqlite3 *dest = NULL;
    int rc = sqlite3_open_v2(out_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        code = deepwell_error_from_sqlite(err, dest, rc, "backup");
        if (err != NULL)
            snprintf(err->context, sizeof(err->context), "backup: opening %s", out_path);
        sqlite3_close_v2(dest);
        return code;
    }
    sqlite3_backup *backup = sqlite3_backup_init(dest, "main", src, schema);
    if (backup == NULL) {
        code = deepwell_error_from_sqlite(err, dest, sqlite3_errcode(dest), "backup: init");
        sqlite3_close_v2(dest);
        return code;
    }
    /* All pages in one step: the copy is one consistent snapshot of the source. */
    rc = sqlite3_backup_step(backup, -1);
    int finish_rc = sqlite3_backup_finish(backup);
    if (rc == SQLITE_DONE)
        rc = finish_rc;
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        code = deepwell_error_from_sqlite(err, dest, rc, "backup");
        if (err != NULL)
            snprintf(err->context, sizeof(err->context), "backup: copying to %s", out_path);
    }
    rc = sqlite3_close_v2(dest);
    if (code == DW_OK && rc != SQLITE_OK)
        code = deepwell_error_from_sqlite(err, NULL, rc, "backup: closing the copy");
    if (code != DW_OK)
        unlink(out_path);
    return code;
}

/*
 * Both files from one read transaction, so the pair is one moment of the store:
 * a backup step uses the read transaction its source connection already has.
 */
static enum deepwell_code copy_both(sqlite3 *src, const char *out_path, const char *audit_path,
                                    struct deepwell_error *err)
{
    int rc = sqlite3_exec(src,
                          "BEGIN; SELECT count(*) FROM main.sqlite_schema;"
                          " SELECT count(*) FROM audit.sqlite_schema",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        enum deepwell_code code = deepwell_error_from_sqlite(err, src, rc, "backup: snapshot");
        if (sqlite3_get_autocommit(src) == 0)
            sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
        return code;
    }
    enum deepwell_code code = copy_schema(src, "main", out_path, err);
    if (code == DW_OK) {
        code = copy_schema(src, "audit", audit_path, err);
        if (code != DW_OK)
            unlink(out_path);
    }
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL); /* nothing written: only ends the read */
    return code;
}

enum deepwell_code deepwell_backup_db(sqlite3 *src, const char *out_path,
                                      struct deepwell_error *err)
{
    if (out_path == NULL || out_path[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, "backup", "no backup path given");
    if (sqlite3_db_filename(src, "audit") == NULL)
        return copy_schema(src, "main", out_path, err);
    char audit_path[DEEPWELL_AUDIT_PATH_MAX];
    enum deepwell_code code =
        deepwell_audit_file_path(out_path, audit_path, sizeof(audit_path), err);
    if (code != DW_OK)
        return code;
    return copy_both(src, out_path, audit_path, err);
}
