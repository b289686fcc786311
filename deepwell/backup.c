/* backup.c - online backup of an open connection to a file. */
#include "deepwell/backup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deepwell/pool.h"

enum deepwell_code deepwell_backup_db(sqlite3 *src, const char *out_path,
                                      struct deepwell_error *err)
{
    if (out_path == NULL || out_path[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, "backup", "no backup path given");
    /* A stale file (or its WAL) there would be mixed into the copy's pages. */
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[4200];
        snprintf(path, sizeof(path), "%s%s", out_path, suffixes[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            return deepwell_error_set(err, DW_IO, "backup", "cannot replace %s: %s", path,
                                      strerror(errno));
    }

    sqlite3 *dest = NULL;
    int rc = sqlite3_open_v2(out_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        enum deepwell_code code = deepwell_error_from_sqlite(err, dest, rc, "backup");
        if (err != NULL)
            snprintf(err->context, sizeof(err->context), "backup: opening %s", out_path);
        sqlite3_close_v2(dest);
        return code;
    }
    sqlite3_backup *backup = sqlite3_backup_init(dest, "main", src, "main");
    if (backup == NULL) {
        enum deepwell_code code =
            deepwell_error_from_sqlite(err, dest, sqlite3_errcode(dest), "backup: init");
        sqlite3_close_v2(dest);
        return code;
    }
    /* All pages in one step: the copy is one consistent snapshot of the source. */
    rc = sqlite3_backup_step(backup, -1);
    int finish_rc = sqlite3_backup_finish(backup);
    if (rc == SQLITE_DONE)
        rc = finish_rc;
    enum deepwell_code code = DW_OK;
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
