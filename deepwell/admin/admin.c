/* admin.c - helpers shared by the admin subcommands: errors, the store, passwords, audit. */
#include "deepwell/admin/admin.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/*
 * An operator at a terminal wants a prompt "database is locked", not the server's
 * patient wait.  The pool retries a busy statement several times, each retry
 * waiting up to busy_timeout again (sqlite_conn.c BUSY_RETRIES), so this short timeout
 * still gives a locked store about two seconds before giving up.
 */
#define ADMIN_BUSY_TIMEOUT_MS 250

/* ---- errors ----------------------------------------------------------------------- */

static void print_error_line(const char *fmt, va_list ap)
{
    char line[1024];
    vsnprintf(line, sizeof(line), fmt, ap);
    /* One line, whatever the message held: names in it are shown, never obeyed. */
    vis_fprintf(stderr, VIS_LINE, "deepwell: %s\n", line);
}

int admin_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_error_line(fmt, ap);
    va_end(ap);
    return ADMIN_FAILED;
}

int admin_fail_store(const char *what, const struct deepwell_error *err)
{
    switch (err->code) {
    case DW_BUSY:
        return admin_fail("%s: database is locked by another process; try again later", what);
    case DW_POOL_EXHAUSTED:
        return admin_fail("%s: the store is busy; try again later", what);
    default:
        if (err->message[0] != '\0')
            return admin_fail("%s: %s", what, err->message);
        return admin_fail("%s: %s", what,
                          err->code != DW_OK ? deepwell_code_name(err->code) : "unknown error");
    }
}

int admin_usage_error(const char *usage, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    admin_fail("%s (usage: %s)", message, usage);
    return ADMIN_USAGE;
}

/* ---- arguments -------------------------------------------------------------------- */

static const struct admin_option *find_option(const struct admin_option *opts, size_t nopts,
                                              const char *name, size_t name_len)
{
    for (size_t i = 0; i < nopts; i++)
        if (strlen(opts[i].name) == name_len && strncmp(opts[i].name, name, name_len) == 0)
            return &opts[i];
    return NULL;
}

/* "-5" is a (bad) number for the command to judge, not an option. */
static bool looks_like_option(const char *arg)
{
    return arg[0] == '-' && arg[1] != '\0' && !isdigit((unsigned char)arg[1]);
}

int admin_parse_args(int argc, char **argv, int first, const struct admin_option *opts,
                     size_t nopts, const char **pos, size_t min_pos, size_t max_pos, size_t *npos,
                     const char *usage)
{
    size_t count = 0;
    bool options_done = false;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (options_done || !looks_like_option(arg)) {
            if (count == max_pos)
                return admin_usage_error(usage, "unexpected argument '%s'", arg);
            pos[count++] = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        const struct admin_option *opt = find_option(opts, nopts, arg, name_len);
        if (opt == NULL)
            return admin_usage_error(usage, "unknown option '%.*s'", (int)name_len, arg);
        if (opt->flag != NULL) {
            if (eq != NULL)
                return admin_usage_error(usage, "option %s takes no value", opt->name);
            *opt->flag = true;
        } else if (eq != NULL) {
            *opt->value = eq + 1;
        } else if (i + 1 < argc) {
            *opt->value = argv[++i];
        } else {
            return admin_usage_error(usage, "option %s needs a value", opt->name);
        }
    }
    if (count < min_pos)
        return admin_usage_error(usage, "missing argument");
    if (npos != NULL)
        *npos = count;
    return ADMIN_OK;
}

/* ---- the store -------------------------------------------------------------------- */

int admin_check_parent_dir(const char *path, const char *what)
{
    char dir[CONFIG_PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return ADMIN_OK; /* the current directory */
    slash[slash == dir ? 1 : 0] = '\0';
    struct stat st;
    if (stat(dir, &st) != 0)
        return admin_fail("%s %s: %s", what, path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return admin_fail("%s %s: %s is not a directory", what, path, dir);
    return ADMIN_OK;
}

/* Refuses what SQLite would turn into a confusing message, before opening. */
static int check_store_path(const char *path, enum admin_open_mode mode)
{
    /* A PostgreSQL store is a URL: connecting says whether it is there. */
    if (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0)
        return ADMIN_OK;
    if (strncmp(path, "sqlite:", 7) == 0)
        path += 7;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && mode == ADMIN_OPEN_EXISTING)
            return admin_fail("no such store: %s", path);
        if (errno == ENOENT)
            return admin_check_parent_dir(path, "cannot create store"); /* init creates it */
        return admin_fail("cannot open store %s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return admin_fail("cannot open store %s: is a directory", path);
    if (!S_ISREG(st.st_mode))
        return admin_fail("cannot open store %s: not a regular file", path);
    if (access(path, R_OK | W_OK) != 0)
        return admin_fail("cannot open store %s: %s", path, strerror(errno));
    return ADMIN_OK;
}

int admin_open_store(const struct admin_ctx *ctx, enum admin_open_mode mode, struct deepwell **out)
{
    const char *path = ctx->cfg.db;
    if (check_store_path(path, mode) != ADMIN_OK)
        return ADMIN_FAILED;

    struct deepwell_options opts = {0};
    deepwell_options_defaults(&opts);
    opts.path = path;
    opts.readers = 1; /* one command, one thread */
    opts.checkout_timeout_ms = ctx->cfg.checkout_timeout_ms;
    opts.busy_timeout_ms = ctx->cfg.busy_timeout_ms < ADMIN_BUSY_TIMEOUT_MS
                               ? ctx->cfg.busy_timeout_ms
                               : ADMIN_BUSY_TIMEOUT_MS;
    opts.synchronous = ctx->cfg.synchronous;
    opts.create = mode == ADMIN_OPEN_CREATE_MIGRATE;
    opts.migrate = mode == ADMIN_OPEN_CREATE_MIGRATE;

    struct deepwell_error err = {0};
    enum deepwell_code rc = deepwell_open(&opts, out, &err);
    if (rc == DW_OK)
        return ADMIN_OK;
    *out = NULL;
    char what[CONFIG_PATH_MAX + 64];
    switch (rc) {
    case DW_CORRUPT:
        return admin_fail("%s: %s", path, err.message);
    case DW_TOO_NEW:
        return admin_fail("%s: %s (this deepwell is older than the store)", path, err.message);
    case DW_INVALID:
        if (strstr(err.message, "deepwell init") != NULL)
            return admin_fail("%s: %s", path, err.message);
        return admin_fail("%s: %s (run `deepwell init --db %s` to migrate it)", path, err.message,
                          path);
    default:
        snprintf(what, sizeof(what), "cannot open store %s", path);
        return admin_fail_store(what, &err);
    }
}

void admin_pwhash_limits(const struct admin_ctx *ctx, struct deepwell_pwhash_limits *out)
{
    out->opslimit = ctx->cfg.argon2_opslimit;
    out->memlimit = (size_t)(ctx->cfg.argon2_memlimit_kib * 1024ULL);
}

int admin_audit(struct deepwell *dw, const char *action, enum deepwell_severity severity,
                json_t *details)
{
    char *text = details != NULL ? json_dumps(details, JSON_COMPACT) : NULL;
    json_decref(details);
    if (text == NULL)
        return admin_fail("%s was done but its audit row was not written: out of memory", action);
    struct deepwell_audit_entry entry = {
        .client_addr = "local",
        .action = action,
        .outcome = DW_OUTCOME_SUCCESS,
        .severity = severity,
        .details_json = text,
    };
    struct deepwell_error err = {0};
    int64_t row_id = 0;
    enum deepwell_code rc = deepwell_audit_log(dw, &entry, &row_id, &err);
    free(text);
    if (rc != DW_OK) {
        char what[128];
        snprintf(what, sizeof(what), "%s was done but its audit row was not written", action);
        return admin_fail_store(what, &err);
    }
    return ADMIN_OK;
}

/* ---- input -------------------------------------------------------------------------- */

void admin_wipe(void *buf, size_t size)
{
    explicit_bzero(buf, size);
}

/* At a terminal, prompt on stderr and keep the password off the screen. */
static bool echo_off(struct termios *saved)
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) != 0)
        return false;
    struct termios quiet = *saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
        return false;
    vis_fputs(stderr, "Password: ", 0);
    return true;
}

static void echo_restore(const struct termios *saved)
{
    tcsetattr(STDIN_FILENO, TCSAFLUSH, saved);
    vis_fputs(stderr, "\n", VIS_NL);
}

int admin_read_password(char *buf, size_t size)
{
    char *line = NULL;
    size_t cap = 0;
    struct termios saved;
    bool quiet = echo_off(&saved);
    errno = 0;
    ssize_t len = getline(&line, &cap, stdin);
    int read_errno = errno;
    if (quiet)
        echo_restore(&saved);
    errno = read_errno;
    int result = ADMIN_FAILED;
    if (len < 0) {
        if (ferror(stdin))
            admin_fail("cannot read the password from stdin: %s", strerror(errno));
        else
            admin_fail("empty password (expected one line on stdin)");
        goto done;
    }
    if (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
    if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    if (len == 0)
        admin_fail("empty password (expected one line on stdin)");
    else if (strlen(line) != (size_t)len)
        admin_fail("the password holds a NUL byte");
    else if ((size_t)len >= size)
        admin_fail("password too long (at most %zu bytes)", size - 1);
    else {
        memcpy(buf, line, (size_t)len + 1);
        result = ADMIN_OK;
    }
done:
    if (line != NULL) {
        admin_wipe(line, cap);
        free(line);
    }
    return result;
}
