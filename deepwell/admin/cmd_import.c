/*
 * cmd_import.c - `deepwell import SOURCE`: bring an original SCiPNET deepwell folder
 * (SCiPNET.db + markdown files) or an exported folder (manifest.json) into the store,
 * in one transaction, and print what was done and what was left out.
 */
#include "common/vis.h"
#include "deepwell/admin/admin.h"

#include <stdio.h>
#include <string.h>

#include "deepwell/io/import.h"

static const char usage[] =
    "deepwell import --db PATH [--format deepwell|scp-data] [--levels CLASS=N,...] SOURCE_DIR";

static void print_count(const char *what, const struct deepwell_import_count *c)
{
    vis_fprintf(stdout, VIS_LINE, "  %-13s %zu added, %zu already there", what, c->added,
                c->existing);
    if (c->updated > 0)
        vis_fprintf(stdout, VIS_LINE, ", %zu updated", c->updated);
    if (c->refused > 0)
        vis_fprintf(stdout, VIS_LINE, ", %zu refused", c->refused);
    vis_fprintf(stdout, VIS_LINE, "\n");
}

static void print_report(const char *source, const char *db, const struct deepwell_import_report *r)
{
    vis_fprintf(stdout, VIS_LINE, "deepwell: imported %s (%s) into %s\n", source,
                r->from_scp_data   ? "scp-data"
                : r->from_manifest ? "manifest.json"
                                   : "SCiPNET.db",
                db);
    if (r->from_scp_data)
        vis_fprintf(stdout, VIS_LINE, "  %-13s %zu read, %zu refused (named below)\n", "articles",
                    r->articles_read, r->articles_refused);
    print_count("users", &r->users);
    print_count("sites", &r->sites);
    print_count("task forces", &r->task_forces);
    print_count("scp files", &r->scps);
    print_count("sections", &r->sections);
    print_count("descriptions", &r->descriptions);
    if (r->audit_already_imported)
        vis_fprintf(stdout, VIS_LINE, "  %-13s already imported from this source: %zu skipped\n",
                    "audit rows", r->audit_rows.existing);
    else
        print_count("audit rows", &r->audit_rows);
    vis_fprintf(stdout, VIS_LINE, "  %-13s %zu\n", "disabled", r->accounts_disabled);
    if (r->files_refused > 0)
        vis_fprintf(stdout, VIS_LINE, "  %-13s %zu refused (not read; named below)\n", "files",
                    r->files_refused);
    if (r->nnotes > 0) {
        vis_fprintf(stdout, VIS_LINE, "notes (%zu):\n", r->nnotes);
        for (size_t i = 0; i < r->nnotes; i++)
            vis_fprintf(stdout, VIS_LINE, "  %s\n", r->notes[i]);
    }
}

static json_t *report_json(const char *source, const struct deepwell_import_report *r)
{
    return json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "source", source,
        "format",
        r->from_scp_data   ? "scp-data"
        : r->from_manifest ? "export"
                           : "original",
        "users", (json_int_t)r->users.added, "sites", (json_int_t)r->sites.added, "task_forces",
        (json_int_t)r->task_forces.added, "scps", (json_int_t)r->scps.added, "sections",
        (json_int_t)r->sections.added, "descriptions", (json_int_t)r->descriptions.added,
        "audit_rows", (json_int_t)r->audit_rows.added, "accounts_disabled",
        (json_int_t)r->accounts_disabled, "files_refused", (json_int_t)r->files_refused, "articles",
        (json_int_t)r->articles_read, "articles_refused", (json_int_t)r->articles_refused);
}

static int run_import(struct admin_ctx *ctx, int argc, char **argv)
{
    const char *source = NULL, *format = NULL, *levels = NULL;
    const struct admin_option opts[] = {{"--format", &format, NULL}, {"--levels", &levels, NULL}};
    int rc = admin_parse_args(argc, argv, 1, opts, 2, &source, 1, 1, NULL, usage);
    if (rc != ADMIN_OK)
        return rc;
    bool scp_data = format != NULL && strcmp(format, "scp-data") == 0;
    if ((format != NULL && !scp_data && strcmp(format, "deepwell") != 0) ||
        (levels != NULL && !scp_data))
        return admin_fail("--format is deepwell or scp-data; --levels goes with scp-data\n%s",
                          usage);

    /* The whole source is read and checked first: a bad one never creates or changes a store. */
    struct deepwell_import *imp = NULL;
    struct deepwell_error err = {0};
    enum deepwell_code loaded = scp_data ? deepwell_import_load_scp_data(source, levels, &imp, &err)
                                         : deepwell_import_load(source, &imp, &err);
    if (loaded != DW_OK)
        return admin_fail("cannot import %s: %s", source, err.message);

    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_CREATE_MIGRATE, &dw) != ADMIN_OK) {
        deepwell_import_free(imp);
        return ADMIN_FAILED;
    }
    struct deepwell_import_report report;
    enum deepwell_code code = deepwell_import_apply(dw, imp, &report, &err);
    deepwell_import_free(imp);
    if (code != DW_OK) {
        deepwell_close(dw);
        return admin_fail_store("import failed; nothing was written", &err);
    }
    print_report(source, ctx->cfg.db, &report);
    /* The import's words went in as pieces: searches read one list a word once merged. */
    if (report.scps.added + report.scps.updated + report.sites.added + report.sites.updated +
                report.task_forces.added + report.task_forces.updated + report.users.added +
                report.users.updated >
            0 &&
        deepwell_search_optimize(dw, &err) != DW_OK)
        vis_fprintf(stderr, VIS_LINE,
                    "deepwell: the search index was not merged (%s): searches work, slower\n",
                    err.message);
    rc = admin_audit(dw, "import", DW_SEV_NOTICE, report_json(source, &report));
    deepwell_import_report_free(&report);
    deepwell_close(dw);
    return rc;
}

const struct admin_command admin_cmd_import = {
    .name = "import",
    .summary = "import an original SCiPNET deepwell folder, or an exported one",
    .usage = usage,
    .run = run_import,
};
