/*
 * main.c - `deepwell`, the store's admin command: global options, then dispatch.
 *
 *   deepwell [--config FILE] [--db PATH] COMMAND [ARGS...]
 *
 * The global options may also follow the command.  Settings come from the
 * defaults, then --config FILE, then SCIPNET_* variables, then --db.
 */
#include "deepwell/admin/admin.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/vis.h"
#include "common/log.h"
#include "common/version.h"

/*
 * The commands, in `deepwell help` order.  To add one (say `vacuum`): write
 * cmd_vacuum.c defining `const struct admin_command admin_cmd_vacuum`, and add
 * one X(vacuum) line here; nothing else changes.
 */
#define ADMIN_COMMANDS(X)                                                                          \
    X(init)                                                                                        \
    X(user)                                                                                        \
    X(backup)                                                                                      \
    X(check)                                                                                       \
    X(import)                                                                                      \
    X(export)                                                                                      \
    X(audit)

#define DECLARE_COMMAND(name) extern const struct admin_command admin_cmd_##name;
#define LIST_COMMAND(name)    &admin_cmd_##name,
ADMIN_COMMANDS(DECLARE_COMMAND)
static const struct admin_command *const commands[] = {ADMIN_COMMANDS(LIST_COMMAND)};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct admin_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_help(FILE *out)
{
    vis_fprintf(out, VIS_TEXT,
                "usage: deepwell [--config FILE] [--db PATH] COMMAND [ARGS...]\n"
                "       deepwell --version\n\n"
                "Administers a SCiPNET deepwell store.  The store is --db PATH, else SCIPNET_DB,\n"
                "else `db` from --config FILE, else ./deepwell.db.  PATH is an SQLite file\n"
                "(or sqlite:FILE) or a postgresql:// URL shared by several servers\n"
                "(docs/SCALING.md).\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        vis_fprintf(out, VIS_TEXT, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    vis_fprintf(out, VIS_TEXT, "  %-8s %s\n\n", "help",
                "show this help, or `deepwell help COMMAND`");
    for (size_t i = 0; i < NCOMMANDS; i++)
        vis_fprintf(out, VIS_TEXT, "%s\n", commands[i]->usage);
}

static void print_command_help(const struct admin_command *cmd)
{
    vis_fprintf(stdout, VIS_LINE, "%s\n\n%s\n", cmd->summary, cmd->usage);
}

/* The global options, taken out of argv wherever they stand. */
struct global_options {
    const char *db;
    const char *config;
};

/* Matches "--NAME VALUE" or "--NAME=VALUE" at argv[*i]; advances *i past the value. */
static int take_global(int argc, char **argv, int *i, const char *name, const char **value,
                       bool *matched)
{
    size_t len = strlen(name);
    const char *arg = argv[*i];
    *matched = false;
    if (strncmp(arg, name, len) != 0 || (arg[len] != '\0' && arg[len] != '='))
        return ADMIN_OK;
    *matched = true;
    if (arg[len] == '=') {
        *value = arg + len + 1;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        admin_fail("option %s needs a value (see `deepwell help`)", name);
        return ADMIN_USAGE;
    }
    return ADMIN_OK;
}

/* Removes the global options from argv (compacting it); returns ADMIN_OK or ADMIN_USAGE. */
static int extract_globals(int *argc, char **argv, struct global_options *globals)
{
    int kept = 1;
    bool rest_positional = false;
    for (int i = 1; i < *argc; i++) {
        bool matched_db = false, matched_config = false;
        if (!rest_positional) {
            if (strcmp(argv[i], "--") == 0)
                rest_positional = true;
            else if (take_global(*argc, argv, &i, "--db", &globals->db, &matched_db) != ADMIN_OK ||
                     take_global(*argc, argv, &i, "--config", &globals->config, &matched_config) !=
                         ADMIN_OK)
                return ADMIN_USAGE;
        }
        if (!matched_db && !matched_config)
            argv[kept++] = argv[i];
    }
    *argc = kept;
    argv[kept] = NULL;
    return ADMIN_OK;
}

static int load_config(struct admin_ctx *ctx, const struct global_options *globals)
{
    char err[1024];
    config_defaults(&ctx->cfg);
    if (globals->config != NULL && config_load_file(&ctx->cfg, globals->config, err, sizeof(err)))
        return admin_fail("%s", err);
    if (config_apply_env(&ctx->cfg, err, sizeof(err)) != 0)
        return admin_fail("%s", err);
    if (globals->db != NULL && config_set(&ctx->cfg, "db", globals->db, err, sizeof(err)) != 0)
        return admin_fail("--db: %s", err);
    /* The store's own notices (migrations applied, ...) follow log_level too. */
    log_set_level((enum log_level)log_level_parse(ctx->cfg.log_level));
    return ADMIN_OK;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

/* Output that never reached stdout (full disk, closed pipe) is a failure too. */
static int finish_output(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        admin_fail("cannot write output: %s", strerror(errno));
        return status == ADMIN_OK ? ADMIN_FAILED : status;
    }
    return status;
}

int main(int argc, char **argv)
{
    struct global_options globals = {0};
    if (extract_globals(&argc, argv, &globals) != ADMIN_OK)
        return ADMIN_USAGE;
    if (argc < 2) {
        print_help(stderr);
        return ADMIN_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0) {
        vis_fprintf(stdout, VIS_LINE, "deepwell %s (store schema %d)\n", SCIPNET_VERSION,
                    deepwell_schema_latest());
        return finish_output(ADMIN_OK);
    }
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        const struct admin_command *cmd = argc > 2 ? find_command(argv[2]) : NULL;
        if (argc > 2 && cmd == NULL) {
            admin_fail("unknown command '%s' (see `deepwell help`)", argv[2]);
            return ADMIN_USAGE;
        }
        if (cmd != NULL)
            print_command_help(cmd);
        else
            print_help(stdout);
        return finish_output(ADMIN_OK);
    }
    const struct admin_command *cmd = find_command(name);
    if (cmd == NULL) {
        admin_fail("unknown command '%s' (see `deepwell help`)", name);
        return ADMIN_USAGE;
    }
    if (wants_help(argc - 1, argv + 1)) {
        print_command_help(cmd);
        return finish_output(ADMIN_OK);
    }

    static struct admin_ctx ctx; /* static: the config holds several 4 KiB paths */
    if (load_config(&ctx, &globals) != ADMIN_OK)
        return ADMIN_USAGE;
    return finish_output(cmd->run(&ctx, argc - 1, argv + 1));
}
