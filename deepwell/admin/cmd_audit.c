/*
 * cmd_audit.c - `deepwell audit ...`: verify the hash chain (against the server's
 * signed seals), show the newest rows, export rows as JSON Lines.
 */
#include "deepwell/admin/admin.h"
#include "common/integer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deepwell/seal.h"

#define TAIL_DEFAULT 20

static const char usage_verify[] = "deepwell audit verify --db PATH [--seals FILE --pub FILE]";
static const char usage_tail[] = "deepwell audit tail --db PATH [-n N]";
static const char usage_export[] = "deepwell audit export --db PATH --format jsonl [--after ID]";

/* Opens the store, runs one audit query, closes it. */
static int query_rows(const struct admin_ctx *ctx, const struct deepwell_audit_query *q,
                      struct deepwell_audit_rows *rows)
{
    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    struct deepwell_error err = {0};
    enum deepwell_code code = deepwell_audit_query(dw, q, rows, &err);
    deepwell_close(dw);
    if (code != DW_OK)
        return admin_fail_store("cannot read the audit log", &err);
    return ADMIN_OK;
}

/* ---- audit verify ----------------------------------------------------------------------- */

/* The seal file and public key: the flags, else beside an SQLite store (seal.h). */
static int seal_files(const struct admin_ctx *ctx, const char **seals, const char **pub,
                      struct deepwell_seal_paths *paths, bool *found)
{
    const char *file = deepwell_location_file(ctx->cfg.db);
    struct deepwell_error err = {0};
    bool given = *seals != NULL || *pub != NULL;

    *found = false;
    if (file != NULL && deepwell_seal_paths_for(file, paths, &err) != DW_OK)
        return admin_fail_store("cannot name the seal files", &err);
    if (*seals == NULL)
        *seals = file != NULL ? paths->file : NULL;
    if (*pub == NULL)
        *pub = file != NULL ? paths->pub : NULL;
    if (*seals == NULL || *pub == NULL) {
        if (given) /* a network store has nothing beside it to default to */
            return admin_usage_error(usage_verify, "--seals and --pub go together");
        return ADMIN_OK;
    }
    /* Unsealed only when neither file is there (a store no server has run on). */
    *found = given || access(*seals, F_OK) == 0 || access(*pub, F_OK) == 0;
    return ADMIN_OK;
}

static int run_verify(struct admin_ctx *ctx, int argc, char **argv)
{
    const char *seals = NULL, *pub = NULL;
    const struct admin_option opts[] = {{"--seals", &seals, NULL}, {"--pub", &pub, NULL}};
    int rc = admin_parse_args(argc, argv, 1, opts, 2, NULL, 0, 0, NULL, usage_verify);
    if (rc != ADMIN_OK)
        return rc;
    struct deepwell_seal_paths paths;
    bool sealed = false;
    if ((rc = seal_files(ctx, &seals, &pub, &paths, &sealed)) != ADMIN_OK)
        return rc;
    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    int64_t checked = 0, bad_id = 0;
    struct deepwell_seal_report rep = {0};
    struct deepwell_error err = {0};
    enum deepwell_code code = sealed ? deepwell_audit_verify_sealed(dw, seals, pub, &rep, &err)
                                     : deepwell_audit_verify(dw, &checked, &bad_id, &err);
    deepwell_close(dw);
    if (sealed) {
        checked = rep.rows;
        bad_id = rep.bad_id;
    }
    if (code == DW_CORRUPT && bad_id > 0)
        return admin_fail("audit chain broken at row %lld: %s", (long long)bad_id,
                          err.message[0] ? err.message : "hash mismatch");
    if (code == DW_CORRUPT)
        return admin_fail("audit log does not match its seals: %s", err.message);
    if (code != DW_OK)
        return admin_fail_store("cannot verify the audit log", &err);
    if (!sealed) {
        vis_fprintf(
            stdout, VIS_LINE, "audit chain intact: %lld rows (not checked against seals: %s)\n",
            (long long)checked,
            seals != NULL ? "no seal file beside the store" : "give --seals FILE --pub FILE");
        return ADMIN_OK;
    }
    vis_fprintf(
        stdout, VIS_LINE,
        "audit chain intact: %lld rows; sealed to row %lld at %s (%s line %lld, key %s, %lld "
        "seals)\n",
        (long long)checked, (long long)rep.sealed_id, rep.sealed_ts, seals, (long long)rep.line,
        rep.key_id, (long long)rep.seals);
    return ADMIN_OK;
}

/* ---- audit tail -------------------------------------------------------------------------- */

static void print_row(const struct deepwell_audit_row *r)
{
    char who[DEEPWELL_NAME_MAX + 8] = "-";
    if (r->user_name[0] != '\0')
        snprintf(who, sizeof(who), "%s", r->user_name);
    else if (r->attempted_name[0] != '\0')
        snprintf(who, sizeof(who), "?%s", r->attempted_name); /* a failed login's name */
    vis_fprintf(stdout, VIS_LINE, "%-6lld %s %-21s %-16s %-24s %-7s %-7s %s\n", (long long)r->id,
                r->ts, r->client_addr, who, r->action, r->outcome, r->severity,
                r->details_json ? r->details_json : "{}");
}

static int run_tail(struct admin_ctx *ctx, int argc, char **argv)
{
    const char *count_text = NULL;
    const struct admin_option opts[] = {{"-n", &count_text, NULL}};
    int rc = admin_parse_args(argc, argv, 1, opts, 1, NULL, 0, 0, NULL, usage_tail);
    if (rc != ADMIN_OK)
        return rc;
    int64_t count = TAIL_DEFAULT;
    if (count_text != NULL && !integer_parse(count_text, 1, 1000000, &count))
        return admin_usage_error(usage_tail, "bad row count '%s': expected 1 to 1000000",
                                 count_text);

    struct deepwell_audit_query q = {.limit = (int)count};
    struct deepwell_audit_rows rows = {0};
    if (query_rows(ctx, &q, &rows) != ADMIN_OK)
        return ADMIN_FAILED;
    /* The query gives newest first; a tail reads oldest to newest, like tail(1). */
    for (size_t i = rows.count; i > 0; i--)
        print_row(&rows.rows[i - 1]);
    deepwell_audit_rows_free(&rows);
    return ADMIN_OK;
}

/* ---- audit export ------------------------------------------------------------------------ */

static int run_export(struct admin_ctx *ctx, int argc, char **argv)
{
    const char *format = NULL, *after_text = NULL;
    const struct admin_option opts[] = {{"--format", &format, NULL},
                                        {"--after", &after_text, NULL}};
    int rc = admin_parse_args(argc, argv, 1, opts, 2, NULL, 0, 0, NULL, usage_export);
    if (rc != ADMIN_OK)
        return rc;
    if (format != NULL && strcmp(format, "jsonl") != 0)
        return admin_usage_error(usage_export, "unknown format '%s': only jsonl", format);
    int64_t after = 0;
    if (after_text != NULL && !integer_parse(after_text, 0, INT64_MAX, &after))
        return admin_usage_error(usage_export, "bad row id '%s'", after_text);

    struct deepwell_audit_query q = {.limit = 0, .after_id = after, .oldest_first = true};
    struct deepwell_audit_rows rows = {0};
    if (query_rows(ctx, &q, &rows) != ADMIN_OK)
        return ADMIN_FAILED;
    rc = ADMIN_OK;
    for (size_t i = 0; i < rows.count && rc == ADMIN_OK; i++) {
        char *line = deepwell_audit_row_json(&rows.rows[i]);
        if (line == NULL)
            rc = admin_fail("cannot export row %lld: out of memory", (long long)rows.rows[i].id);
        else if (vis_fprintf(stdout, VIS_JSON | VIS_LINE, "%s\n", line) == EOF)
            rc = admin_fail("cannot write output");
        free(line);
    }
    deepwell_audit_rows_free(&rows);
    return rc;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

struct audit_subcommand {
    const char *name;
    int (*run)(struct admin_ctx *ctx, int argc, char **argv);
};

static const struct audit_subcommand subcommands[] = {
    {"verify", run_verify},
    {"tail", run_tail},
    {"export", run_export},
};

static const char usage_any[] = "deepwell audit verify|tail|export";

static int run_audit(struct admin_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return admin_usage_error(usage_any, "missing subcommand");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(ctx, argc - 1, argv + 1);
    return admin_usage_error(usage_any, "unknown subcommand '%s'", argv[1]);
}

const struct admin_command admin_cmd_audit = {
    .name = "audit",
    .summary = "verify the audit log's hash chain, show its newest rows, export it",
    .usage = "deepwell audit verify --db PATH [--seals FILE --pub FILE]\n"
             "deepwell audit tail --db PATH [-n N]\n"
             "deepwell audit export --db PATH --format jsonl [--after ID]",
    .run = run_audit,
};
