/*
 * cmd_export.c - `deepwell export OUT_DIR`: write the store as a deepwell folder
 * (markdown files + manifest.json) that `deepwell import` reads back.
 */
#include "deepwell/admin/admin.h"

#include <stdio.h>

#include "deepwell/io/export.h"

static const char usage[] = "deepwell export --db PATH [--with-credentials] OUT_DIR";

static int run_export(struct admin_ctx *ctx, int argc, char **argv)
{
    const char *out_dir = NULL;
    bool with_credentials = false;
    const struct admin_option opts[] = {{"--with-credentials", NULL, &with_credentials}};
    int rc = admin_parse_args(argc, argv, 1, opts, 1, &out_dir, 1, 1, NULL, usage);
    if (rc != ADMIN_OK)
        return rc;

    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    struct deepwell_export_options options = {.with_credentials = with_credentials};
    struct deepwell_export_report report;
    struct deepwell_error err = {0};
    enum deepwell_code code = deepwell_export(dw, out_dir, &options, &report, &err);
    if (code != DW_OK) {
        deepwell_close(dw);
        char what[CONFIG_PATH_MAX + 48];
        snprintf(what, sizeof(what), "export to %s failed", out_dir);
        return admin_fail_store(what, &err);
    }
    vis_fprintf(
        stdout, VIS_LINE,
        "deepwell: exported %s to %s: %zu users, %zu sites, %zu task forces, %zu scp files, "
        "%zu sections, %zu descriptions (%zu files)%s\n",
        ctx->cfg.db, out_dir, report.users, report.sites, report.task_forces, report.scps,
        report.sections, report.descriptions, report.files,
        with_credentials ? "; password hashes in credentials.json (mode 0600)" : "");
    rc = admin_audit(dw, "export", DW_SEV_NOTICE,
                     json_pack("{s:s, s:b}", "out", out_dir, "credentials", with_credentials));
    deepwell_close(dw);
    return rc;
}

const struct admin_command admin_cmd_export = {
    .name = "export",
    .summary = "write the store as a deepwell folder (markdown + manifest.json)",
    .usage = usage,
    .run = run_export,
};
