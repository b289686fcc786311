/*
 * fuzz_config.c - the configuration (common/config.c): INI files and config_set.
 *
 * Input: the text of an INI file, which config_load_file reads from a temporary
 * file (inih, with the project's line counting).  Then every "key=value" line of
 * the same text goes through config_set.  Checked: a failed load leaves the
 * config untouched; an error message is one line naming the file and a line
 * number; after any mix of successes and failures every field is still within
 * the range config.h gives, and every string is NUL-terminated in its buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"

static char path[96];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_config: %s: %s\n", what, detail ? detail : "");
    abort();
}

static void teardown(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(path, sizeof(path), "/tmp/fuzz_config.%ld.ini", (long)getpid());
    atexit(teardown);
    return 0;
}

static int terminated(const char *buf, size_t size)
{
    return memchr(buf, '\0', size) != NULL;
}

static int one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0)
            return 1;
    return 0;
}

/* Every value within what config.h and config.c promise. */
static void check_ranges(const struct scipnet_config *c)
{
    static const char *const sync[] = {"OFF", "NORMAL", "FULL", "EXTRA", NULL};
    static const char *const levels[] = {"debug", "info", "notice", "warning", "error", NULL};
    if (!terminated(c->listen, sizeof(c->listen)) || !terminated(c->cert, sizeof(c->cert)) ||
        !terminated(c->key, sizeof(c->key)) || !terminated(c->db, sizeof(c->db)) ||
        !terminated(c->synchronous, sizeof(c->synchronous)) ||
        !terminated(c->log_level, sizeof(c->log_level)))
        die("a string field is not terminated", NULL);
    if (c->db[0] == '\0')
        die("db became empty", NULL);
    const char *colon = strrchr(c->listen, ':');
    if (colon == NULL || colon == c->listen)
        die("listen is not HOST:PORT", c->listen);
    long port = strtol(colon + 1, NULL, 10);
    if (port < 0 || port > 65535)
        die("listen port out of range", c->listen);
    if (!one_of(c->synchronous, sync))
        die("synchronous not canonical", c->synchronous);
    if (!one_of(c->log_level, levels))
        die("log_level not canonical", c->log_level);
    if (c->workers < 0 || c->workers > 64 || c->hash_concurrency < 1 || c->hash_concurrency > 64 ||
        c->readers < 1 || c->readers > 64 || c->max_connections < 1 ||
        c->max_connections > 1048576 || c->handshake_timeout_s < 1 || c->idle_timeout_s < 1 ||
        c->shutdown_grace_s < 0 || c->checkout_timeout_ms < 1 || c->busy_timeout_ms < 1 ||
        c->session_idle_s < 1 || c->session_lifetime_s < 1 || c->login_max_failures < 1 ||
        c->login_max_failures_addr < 1 || c->login_backoff_base_s < 1 ||
        c->login_backoff_max_s < 1 || c->argon2_opslimit < 1 ||
        c->argon2_opslimit > 4294967295ULL || c->argon2_memlimit_kib < 8 ||
        c->argon2_memlimit_kib > 4194304ULL)
        die("a number is out of range", NULL);
}

static void check_error(int rc, const char *err, int from_file)
{
    if (rc == 0)
        return;
    if (err[0] == '\0')
        die("failure without a message", NULL);
    if (strchr(err, '\n') != NULL && from_file)
        die("error message is more than one line", err);
    if (from_file && strncmp(err, path, strlen(path)) != 0 && strncmp(err, "cannot read", 11) != 0)
        die("file error does not name the file", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        die("cannot write the temporary file", path);

    struct scipnet_config cfg, before;
    config_defaults(&cfg);
    before = cfg;
    char err[600] = "";
    int rc = config_load_file(&cfg, path, err, sizeof(err));
    check_error(rc, err, 1);
    if (rc != 0 && memcmp(&cfg, &before, sizeof(cfg)) != 0)
        die("a failed load changed the config", err);
    check_ranges(&cfg);

    /* The same text as flag-style key=value pairs, one per line. */
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        const char *value = NULL;
        if (eq != NULL) {
            *eq = '\0';
            value = eq + 1;
        }
        struct scipnet_config prev = cfg;
        err[0] = '\0';
        rc = config_set(&cfg, line, value, err, sizeof(err));
        check_error(rc, err, 0);
        if (rc != 0 && memcmp(&cfg, &prev, sizeof(cfg)) != 0)
            die("a refused config_set changed the config", err);
        /* A tiny error buffer must stay in bounds. */
        char tiny[4];
        (void)config_set(&prev, line, value, tiny, sizeof(tiny));
        (void)config_set(&prev, line, value, NULL, 0);
    }
    check_ranges(&cfg);
    free(text);
    return 0;
}
