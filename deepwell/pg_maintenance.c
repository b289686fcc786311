/*
 * pg_maintenance.c - backup and the integrity check for a PostgreSQL store.
 *
 * The backup is pg_dump's custom format (restore with pg_restore); the check is
 * that the server answers, the schema is there and its fixed rows are whole:
 * PostgreSQL checks its own pages, there is no integrity_check to run.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "deepwell/engine.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

extern char **environ;

enum deepwell_code deepwell_pg_backup_before_migrate(struct deepwell_conn *writer,
                                                     const char *location, int target,
                                                     struct deepwell_error *err)
{
    (void)writer, (void)location, (void)err;
    /* Each migration is one transaction, so a failed one leaves the store as it was. */
    log_notice("deepwell",
               "migrating a PostgreSQL store to version %d (back it up first with "
               "deepwell backup)",
               target);
    return DW_OK;
}

enum deepwell_code deepwell_pg_backup(struct deepwell *dw, const char *out_path,
                                      struct deepwell_error *err)
{
    if (unlink(out_path) != 0 && errno != ENOENT)
        return deepwell_error_set(err, DW_IO, "backup", "cannot replace %s: %s", out_path,
                                  strerror(errno));
    char file_arg[4200], db_arg[4200];
    snprintf(file_arg, sizeof(file_arg), "--file=%s", out_path);
    snprintf(db_arg, sizeof(db_arg), "--dbname=%s", dw->path);
    /* One consistent snapshot of the whole database, in the custom (pg_restore) format. */
    char *argv[] = {"pg_dump", "--format=custom", "--no-owner", file_arg, db_arg, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ);
    if (rc != 0)
        return deepwell_error_set(err, DW_IO, "backup", "cannot run pg_dump: %s", strerror(rc));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return deepwell_error_set(err, DW_IO, "backup", "waiting for pg_dump: %s",
                                      strerror(errno));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(out_path);
        return deepwell_error_set(err, DW_IO, "backup", "pg_dump failed (status %d)",
                                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return DW_OK;
}

enum deepwell_code deepwell_pg_integrity(struct deepwell_conn *conn,
                                         struct deepwell_check_report *out,
                                         struct deepwell_error *err)
{
    int64_t levels = 0;
    enum deepwell_code code = dw_query_int64(conn, "SELECT count(*) FROM clearance_levels",
                                             "check.integrity", &levels, err);
    if (code != DW_OK)
        return code;
    out->integrity_ok = levels == 6;
    snprintf(out->integrity_message, sizeof(out->integrity_message), "%s",
             out->integrity_ok ? "ok" : "clearance_levels is not whole");
    return DW_OK;
}
