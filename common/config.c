/*
 * config.c - defaults, INI file, SCIPNET_* environment and flags, all funnelled
 * through config_set so every source checks values the same way.
 */
#include "common/config.h"
#include "common/integer.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum key_type {
    KEY_STRING, /* any text that fits */
    KEY_PATH,   /* non-empty text */
    KEY_LISTEN, /* "host:port" */
    KEY_INT,    /* int within [min, max] */
    KEY_ULL,    /* unsigned long long within [min, max] */
    KEY_CHOICE, /* one of choices, any case; stored in its canonical spelling */
};

struct config_key {
    const char *name;
    enum key_type type;
    size_t offset;
    size_t size; /* strings: buffer size */
    long long min, max;
    const char *const *choices; /* NULL-terminated */
};

static const char *const synchronous_modes[] = {"OFF", "NORMAL", "FULL", "EXTRA", NULL};
static const char *const log_levels[] = {"debug", "info", "notice", "warning", "error", NULL};

#define STR(field, type_)                                                                          \
#field, type_, offsetof(struct scipnet_config, field),                                         \
        sizeof(((struct scipnet_config *)0)->field), 0, 0, NULL
#define NUM(field, type_, lo, hi)                                                                  \
#field, type_, offsetof(struct scipnet_config, field), 0, lo, hi, NULL
#define CHOICE(field, list)                                                                        \
#field, KEY_CHOICE, offsetof(struct scipnet_config, field),                                    \
        sizeof(((struct scipnet_config *)0)->field), 0, 0, list

#define DAY_S   86400LL
#define HOUR_MS 3600000LL

/* Every key, in the order of config.h; the environment is read in this order. */
static const struct config_key keys[] = {
    {STR(listen, KEY_LISTEN)},
    {STR(cert, KEY_STRING)},
    {STR(key, KEY_STRING)},
    {NUM(workers, KEY_INT, 0, 64)},
    {NUM(hash_concurrency, KEY_INT, 1, 64)},
    {NUM(max_connections, KEY_INT, 1, 1048576)},
    {NUM(handshake_timeout_s, KEY_INT, 1, DAY_S)},
    {NUM(idle_timeout_s, KEY_INT, 1, DAY_S)},
    {NUM(shutdown_grace_s, KEY_INT, 0, DAY_S)},
    {NUM(max_connections_per_addr, KEY_INT, 1, 1048576)},
    {STR(db, KEY_PATH)},
    {NUM(readers, KEY_INT, 1, 64)},
    {NUM(checkout_timeout_ms, KEY_INT, 1, HOUR_MS)},
    {NUM(busy_timeout_ms, KEY_INT, 1, HOUR_MS)},
    {CHOICE(synchronous, synchronous_modes)},
    {NUM(audit_seal_rows, KEY_INT, 1, 1000000000)},
    {NUM(audit_seal_interval_s, KEY_INT, 1, DAY_S)},
    {NUM(session_idle_s, KEY_INT, 1, 365 * DAY_S)},
    {NUM(session_lifetime_s, KEY_INT, 1, 365 * DAY_S)},
    {NUM(max_sessions_per_user, KEY_INT, 1, 1000000)},
    {NUM(session_rate, KEY_INT, 1, 1000000000)},
    {NUM(session_burst, KEY_INT, 1, 1000000000)},
    {NUM(login_max_failures, KEY_INT, 1, 1000000)},
    {NUM(login_max_failures_addr, KEY_INT, 1, 1000000)},
    {NUM(login_backoff_base_s, KEY_INT, 1, DAY_S)},
    {NUM(login_backoff_max_s, KEY_INT, 1, 365 * DAY_S)},
    /* libsodium's argon2id bounds: ops 1..2^32-1, memory from 8 KiB (capped here at 4 GiB). */
    {NUM(argon2_opslimit, KEY_ULL, 1, 4294967295LL)},
    {NUM(argon2_memlimit_kib, KEY_ULL, 8, 4194304)},
    {CHOICE(log_level, log_levels)},
};

static void set_error(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (errbuf == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

void config_defaults(struct scipnet_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->listen, sizeof(cfg->listen), "127.0.0.1:%d", CONFIG_DEFAULT_PORT);
    cfg->workers = 0; /* one per core: server.c */
    cfg->hash_concurrency = 2;
    cfg->max_connections = 16384;
    cfg->handshake_timeout_s = 10;
    cfg->idle_timeout_s = 300;
    cfg->shutdown_grace_s = 5;
    cfg->max_connections_per_addr = 256;
    snprintf(cfg->db, sizeof(cfg->db), "deepwell.db");
    cfg->readers = 4;
    cfg->checkout_timeout_ms = 2000;
    cfg->busy_timeout_ms = 5000;
    snprintf(cfg->synchronous, sizeof(cfg->synchronous), "NORMAL");
    cfg->audit_seal_rows = 1000;
    cfg->audit_seal_interval_s = 60;
    cfg->session_idle_s = 900;
    cfg->session_lifetime_s = 28800;
    cfg->max_sessions_per_user = 32;
    cfg->session_rate = 200;
    cfg->session_burst = 2000;
    cfg->login_max_failures = 5;
    cfg->login_max_failures_addr = 20;
    cfg->login_backoff_base_s = 2;
    cfg->login_backoff_max_s = 300;
    cfg->argon2_opslimit = 2;
    cfg->argon2_memlimit_kib = 65536;
    snprintf(cfg->log_level, sizeof(cfg->log_level), "info");
}

static const struct config_key *find_key(const char *name)
{
    for (size_t i = 0; i < COUNT(keys); i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* Strict decimal: optional '-', digits only, nothing else, no overflow. */
/* "host:port" with a non-empty host (IPv6 in brackets) and a port 0..65535. */
static bool listen_valid(const char *text)
{
    const char *colon = strrchr(text, ':');
    int64_t port;
    return colon != NULL && colon != text && colon[1] != '-' &&
           integer_parse(colon + 1, 0, 65535, &port);
}

static int set_string(struct scipnet_config *cfg, const struct config_key *k, const char *value,
                      char *errbuf, size_t errlen)
{
    size_t len = strlen(value);
    if (len >= k->size) {
        set_error(errbuf, errlen, "value for %s is too long (at most %zu bytes)", k->name,
                  k->size - 1);
        return -1;
    }
    if (k->type == KEY_PATH && len == 0) {
        set_error(errbuf, errlen, "bad value '' for %s: expected a path", k->name);
        return -1;
    }
    if (k->type == KEY_LISTEN && !listen_valid(value)) {
        set_error(errbuf, errlen, "bad value '%s' for %s: expected HOST:PORT (port 0..65535)",
                  value, k->name);
        return -1;
    }
    memcpy((char *)cfg + k->offset, value, len + 1);
    return 0;
}

static int set_number(struct scipnet_config *cfg, const struct config_key *k, const char *value,
                      char *errbuf, size_t errlen)
{
    int64_t n;
    if (!integer_parse(value, k->min, k->max, &n)) {
        set_error(errbuf, errlen, "bad value '%s' for %s: expected an integer from %lld to %lld",
                  value, k->name, k->min, k->max);
        return -1;
    }
    if (k->type == KEY_INT)
        *(int *)((char *)cfg + k->offset) = (int)n;
    else
        *(unsigned long long *)((char *)cfg + k->offset) = (unsigned long long)n;
    return 0;
}

static int set_choice(struct scipnet_config *cfg, const struct config_key *k, const char *value,
                      char *errbuf, size_t errlen)
{
    for (const char *const *c = k->choices; *c != NULL; c++) {
        if (strcasecmp(*c, value) == 0) {
            snprintf((char *)cfg + k->offset, k->size, "%s", *c);
            return 0;
        }
    }
    char expected[128] = "";
    for (const char *const *c = k->choices; *c != NULL; c++) {
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof(expected) - used, "%s%s", used ? ", " : "", *c);
    }
    set_error(errbuf, errlen, "bad value '%s' for %s: expected one of %s", value, k->name,
              expected);
    return -1;
}

int config_set(struct scipnet_config *cfg, const char *key, const char *value, char *errbuf,
               size_t errlen)
{
    const struct config_key *k = key != NULL ? find_key(key) : NULL;
    if (k == NULL) {
        set_error(errbuf, errlen, "unknown key '%s'", key != NULL ? key : "");
        return -1;
    }
    if (value == NULL) {
        set_error(errbuf, errlen, "missing value for %s", k->name);
        return -1;
    }
    switch (k->type) {
    case KEY_STRING:
    case KEY_PATH:
    case KEY_LISTEN:
        return set_string(cfg, k, value, errbuf, errlen);
    case KEY_INT:
    case KEY_ULL:
        return set_number(cfg, k, value, errbuf, errlen);
    case KEY_CHOICE:
        return set_choice(cfg, k, value, errbuf, errlen);
    }
    set_error(errbuf, errlen, "internal error: key %s has no type", k->name);
    return -1;
}

/* ---- INI file ------------------------------------------------------------------ */

/* What the inih callbacks share: the file, the line being parsed, the first error. */
struct file_parse {
    FILE *file;
    const char *path;
    int line;
    struct scipnet_config *cfg;
    char error[512];
};

/*
 * inih's handler is not told the line number (the packaged library is built
 * without INI_HANDLER_LINENO), so lines are counted here as inih reads them.
 * A line longer than inih's buffer would be split into two "lines"; stop instead.
 */
static char *read_line(char *str, int num, void *stream)
{
    struct file_parse *p = stream;
    if (p->error[0] != '\0' || fgets(str, num, p->file) == NULL)
        return NULL;
    p->line++;
    if (strchr(str, '\n') == NULL && !feof(p->file)) {
        snprintf(p->error, sizeof(p->error), "%s:%d: line too long (at most %d characters)",
                 p->path, p->line, num - 3);
        return NULL;
    }
    return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    (void)section; /* sections are headings for people only */
    struct file_parse *p = user;
    if (p->error[0] != '\0')
        return 0;
    char why[400];
    if (config_set(p->cfg, name, value, why, sizeof(why)) != 0) {
        snprintf(p->error, sizeof(p->error), "%s:%d: %s", p->path, p->line, why);
        return 0;
    }
    return 1;
}

int config_load_file(struct scipnet_config *cfg, const char *path, char *errbuf, size_t errlen)
{
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        set_error(errbuf, errlen, "cannot read config %s: %s", path, strerror(errno));
        return -1;
    }
    /* Parse into a copy so a bad file leaves cfg as it was. */
    struct scipnet_config *copy = malloc(sizeof(*copy));
    if (copy == NULL) {
        fclose(file);
        set_error(errbuf, errlen, "cannot read config %s: out of memory", path);
        return -1;
    }
    *copy = *cfg;
    struct file_parse p = {.file = file, .path = path, .cfg = copy};
    int rc = ini_parse_stream(read_line, &p, on_key, &p);
    bool read_failed = ferror(file) != 0;
    fclose(file);

    int result = -1;
    if (p.error[0] != '\0')
        set_error(errbuf, errlen, "%s", p.error);
    else if (read_failed)
        set_error(errbuf, errlen, "cannot read config %s: read error", path);
    else if (rc > 0)
        set_error(errbuf, errlen, "%s:%d: syntax error (expected 'key = value' or '[section]')",
                  path, rc);
    else if (rc < 0)
        set_error(errbuf, errlen, "cannot read config %s: out of memory", path);
    else {
        *cfg = *copy;
        result = 0;
    }
    free(copy);
    return result;
}

/* ---- environment ------------------------------------------------------------------ */

int config_apply_env(struct scipnet_config *cfg, char *errbuf, size_t errlen)
{
    struct scipnet_config copy = *cfg; /* all or nothing, as with a file */
    for (size_t i = 0; i < COUNT(keys); i++) {
        char var[64] = "SCIPNET_";
        size_t n = strlen(var);
        for (const char *c = keys[i].name; *c != '\0' && n + 1 < sizeof(var); c++)
            var[n++] = (char)toupper((unsigned char)*c);
        var[n] = '\0';
        const char *value = getenv(var);
        if (value == NULL)
            continue;
        char why[400];
        if (config_set(&copy, keys[i].name, value, why, sizeof(why)) != 0) {
            set_error(errbuf, errlen, "%s: %s", var, why);
            return -1;
        }
    }
    *cfg = copy;
    return 0;
}
