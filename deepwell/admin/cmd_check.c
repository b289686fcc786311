/* cmd_check.c - `deepwell check`: integrity, schema version and row counts. */
#include "deepwell/admin/admin.h"

#include <stdio.h>

static const char usage[] = "deepwell check --db PATH";

static void print_report(const struct deepwell_check_report *r)
{
    vis_fprintf(stdout, VIS_LINE, "integrity: %s\n", r->integrity_ok ? "ok" : r->integrity_message);
    vis_fprintf(stdout, VIS_LINE, "schema version: %d (latest %d)\n", r->schema_version,
                deepwell_schema_latest());
    vis_fprintf(stdout, VIS_LINE, "users: %lld\n", (long long)r->users);
    vis_fprintf(stdout, VIS_LINE, "sessions: %lld\n", (long long)r->sessions);
    vis_fprintf(stdout, VIS_LINE, "scp files: %lld\n", (long long)r->scps);
    vis_fprintf(stdout, VIS_LINE, "sections: %lld\n", (long long)r->sections);
    vis_fprintf(stdout, VIS_LINE, "sites: %lld\n", (long long)r->sites);
    vis_fprintf(stdout, VIS_LINE, "task forces: %lld\n", (long long)r->task_forces);
    vis_fprintf(stdout, VIS_LINE, "audit rows: %lld\n", (long long)r->audit_rows);
}

static int run_check(struct admin_ctx *ctx, int argc, char **argv)
{
    int rc = admin_parse_args(argc, argv, 1, NULL, 0, NULL, 0, 0, NULL, usage);
    if (rc != ADMIN_OK)
        return rc;
    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    struct deepwell_check_report report = {0};
    struct deepwell_error err = {0};
    enum deepwell_code code = deepwell_check(dw, &report, &err);
    deepwell_close(dw);
    if (code != DW_OK)
        return admin_fail_store("check failed", &err);
    print_report(&report);
    if (!report.integrity_ok)
        return admin_fail("integrity check failed: %s", report.integrity_message);
    return ADMIN_OK;
}

const struct admin_command admin_cmd_check = {
    .name = "check",
    .summary = "check the store's integrity and print its schema version and row counts",
    .usage = usage,
    .run = run_check,
};
