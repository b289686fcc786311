/*
 * admin.h - what the `deepwell` admin command's subcommands share.
 *
 * Conventions: results go to stdout; every failure prints ONE line on stderr
 * ("deepwell: ...") and the command exits non-zero.  Input is checked before the
 * store is touched, so bad input changes nothing.
 */
#ifndef SCIPNET_DEEPWELL_ADMIN_H
#define SCIPNET_DEEPWELL_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/config.h"
#include "common/vis.h"
#include "deepwell/deepwell.h"
#include "deepwell/password.h"

/* Exit codes. */
enum {
    ADMIN_OK = 0,
    ADMIN_FAILED = 1, /* the command ran and failed (store error, broken chain, ...) */
    ADMIN_USAGE = 2,  /* bad command line; nothing was done */
};

/* Global state: the configuration after --config, SCIPNET_* and --db. */
struct admin_ctx {
    struct scipnet_config cfg;
};

/*
 * A top-level command ("init", "user", ...).  Each lives in its own cmd_NAME.c
 * defining `const struct admin_command admin_cmd_NAME`; main.c lists them.
 */
struct admin_command {
    const char *name;
    const char *summary; /* one line for `deepwell help` */
    const char *usage;   /* usage lines, each starting with "deepwell " */
    /* argv[0] is the command name; returns an exit code. */
    int (*run)(struct admin_ctx *ctx, int argc, char **argv);
};

/* ---- errors ----------------------------------------------------------------------- */

/* Prints "deepwell: <message>" on stderr; returns ADMIN_FAILED. */
int admin_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "deepwell: <what>: <store message>" for a store error; returns ADMIN_FAILED. */
int admin_fail_store(const char *what, const struct deepwell_error *err);
/* Prints "deepwell: <message> (usage: ...)" on stderr; returns ADMIN_USAGE. */
int admin_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- arguments -------------------------------------------------------------------- */

/* One option a (sub)command accepts: either a flag or an option with a value. */
struct admin_option {
    const char *name;   /* "--clearance", "-n" */
    const char **value; /* receives the value (options taking one), else NULL */
    bool *flag;         /* set true when present (flags), else NULL */
};

/*
 * Parses argv[first..] into options and positional arguments ("--opt VALUE" or
 * "--opt=VALUE"; "--" ends options).  Accepts between min_pos and max_pos
 * positionals, stored in pos[].  Returns ADMIN_OK or a printed usage error.
 */
int admin_parse_args(int argc, char **argv, int first, const struct admin_option *opts,
                     size_t nopts, const char **pos, size_t min_pos, size_t max_pos, size_t *npos,
                     const char *usage);

/* ---- the store -------------------------------------------------------------------- */

enum admin_open_mode {
    ADMIN_OPEN_EXISTING,      /* the store must exist and be at the current schema */
    ADMIN_OPEN_CREATE_MIGRATE /* init: create the file and apply pending migrations */
};

/* Opens ctx->cfg.db; on failure prints the one error line and returns ADMIN_FAILED. */
int admin_open_store(const struct admin_ctx *ctx, enum admin_open_mode mode, struct deepwell **out);

/* Fails with "<what> PATH: <reason>" unless PATH's directory exists. */
int admin_check_parent_dir(const char *path, const char *what);

/* Password hashing limits from the configuration (argon2_opslimit, argon2_memlimit_kib). */
void admin_pwhash_limits(const struct admin_ctx *ctx, struct deepwell_pwhash_limits *out);

/*
 * Records a successful admin action in the audit log (client "local") and waits
 * until it is committed.  Takes ownership of details (a JSON object, NULL = out of
 * memory), which must never hold a password.  Returns ADMIN_OK or ADMIN_FAILED.
 */
int admin_audit(struct deepwell *dw, const char *action, enum deepwell_severity severity,
                json_t *details);

/* ---- input and output ------------------------------------------------------------- */

/*
 * Reads one line from stdin as a password (newline stripped) into buf.  Prints
 * the error and returns ADMIN_FAILED when it is empty, too long or unreadable.
 */
int admin_read_password(char *buf, size_t size);
/* Wipes a password buffer in a way the compiler cannot drop. */
void admin_wipe(void *buf, size_t size);

#endif
