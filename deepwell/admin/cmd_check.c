/* cmd_check.c - `deepwell check`: integrity, schema version and row counts. */
#include "deepwell/admin/admin.h"

#include <stdio.h>

static const char usage[] = "deepwell check --db PATH";

static void print_report(const struct deepwell_check_report *r)
{
    printf("integrity: %s\n", r->integrity_ok ? "ok" : r->integrity_message);
    printf("schema version: %d (latest %d)\n", r->schema_version, deepwell_schema_latest());
    printf("users: %lld\n", (long long)r->users);
    printf("sessions: %lld\n", (long long)r->sessions);
    printf("scp files: %lld\n", (long long)r->scps);
    printf("sections: %lld\n", (long long)r->sections);
    printf("sites: %lld\n", (long long)r->sites);
    printf("task forces: %lld\n", (long long)r->task_forces);
    printf("audit rows: %lld\n", (long long)r->audit_rows);
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
