/* cmd_backup.c - `deepwell backup OUT`: an online copy of the store (SQLite or pg_dump). */
#include "deepwell/admin/admin.h"
#include "deepwell/sqlite_audit_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] = "deepwell backup --db PATH OUT";

static int run_backup(struct admin_ctx *ctx, int argc, char **argv)
{
    const char *out_path = NULL;
    int rc = admin_parse_args(argc, argv, 1, NULL, 0, &out_path, 1, 1, NULL, usage);
    if (rc != ADMIN_OK)
        return rc;
    /* Never overwrite: a typo must not replace an older backup (or the store itself).
       An SQLite store's copy is two files: OUT and OUT.audit, its audit log. */
    char audit_path[DEEPWELL_AUDIT_PATH_MAX];
    struct deepwell_error path_err = {0};
    if (deepwell_audit_file_path(out_path, audit_path, sizeof(audit_path), &path_err) != DW_OK)
        return admin_fail("cannot write backup %s: %s", out_path, path_err.message);
    const char *targets[] = {out_path, audit_path};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        struct stat st;
        if (lstat(targets[i], &st) == 0)
            return admin_fail("%s already exists; not overwriting it", targets[i]);
        if (errno != ENOENT)
            return admin_fail("cannot write backup %s: %s", targets[i], strerror(errno));
    }
    if (admin_check_parent_dir(out_path, "cannot write backup") != ADMIN_OK)
        return ADMIN_FAILED;

    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    struct deepwell_error err = {0};
    enum deepwell_code code = deepwell_backup(dw, out_path, &err);
    deepwell_close(dw);
    if (code != DW_OK) {
        unlink(out_path); /* a partial copy is worse than none */
        unlink(audit_path);
        char what[CONFIG_PATH_MAX + 32];
        snprintf(what, sizeof(what), "backup to %s failed", out_path);
        return admin_fail_store(what, &err);
    }
    struct stat st;
    if (lstat(audit_path, &st) == 0)
        vis_fprintf(stdout, VIS_LINE, "deepwell: backed up %s to %s and its audit log to %s\n",
                    ctx->cfg.db, out_path, audit_path);
    else
        vis_fprintf(stdout, VIS_LINE, "deepwell: backed up %s to %s\n", ctx->cfg.db, out_path);
    return ADMIN_OK;
}

const struct admin_command admin_cmd_backup = {
    .name = "backup",
    .summary = "copy the store to a new file while it is in use",
    .usage = usage,
    .run = run_backup,
};
