/* cmd_init.c - `deepwell init`: create a store or bring it to the current schema. */
#include "deepwell/admin/admin.h"

#include <stdio.h>

#include "deepwell/io/demo.h"

static const char usage[] = "deepwell init --db PATH [--demo]";

static int seed_demo(const struct admin_ctx *ctx, struct deepwell *dw)
{
    struct deepwell_pwhash_limits limits;
    admin_pwhash_limits(ctx, &limits);
    struct deepwell_error err = {0};
    if (deepwell_demo_seed(dw, &limits, &err) != DW_OK)
        return admin_fail_store("cannot add the demo content", &err);
    return ADMIN_OK;
}

static int run_init(struct admin_ctx *ctx, int argc, char **argv)
{
    bool demo = false;
    const struct admin_option opts[] = {{"--demo", NULL, &demo}};
    int rc = admin_parse_args(argc, argv, 1, opts, 1, NULL, 0, 0, NULL, usage);
    if (rc != ADMIN_OK)
        return rc;

    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_CREATE_MIGRATE, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    int version = deepwell_schema_version(dw);
    rc = demo ? seed_demo(ctx, dw) : ADMIN_OK;
    if (rc == ADMIN_OK)
        rc = admin_audit(dw, "admin.init", DW_SEV_NOTICE,
                         json_pack("{s:i, s:b}", "schema_version", version, "demo", demo));
    deepwell_close(dw);
    if (rc != ADMIN_OK)
        return rc;

    vis_fprintf(stdout, VIS_LINE, "deepwell: %s at schema version %d\n", ctx->cfg.db, version);
    if (demo)
        vis_fprintf(stdout, VIS_LINE, "demo content added (see docs/demo.md)\n");
    return ADMIN_OK;
}

const struct admin_command admin_cmd_init = {
    .name = "init",
    .summary = "create a store, or migrate it to the current schema (--demo: add demo content)",
    .usage = usage,
    .run = run_init,
};
