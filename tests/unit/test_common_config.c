/* test_common_config.c - defaults, INI files, environment overrides and config_set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/config.h"

/* Writes text to a fresh temporary file; its path goes into path (at least 64 bytes). */
static void write_temp(char *path, const char *text)
{
    strcpy(path, "/tmp/test_config_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void clear_env(void)
{
    unsetenv("SCIPNET_WORKERS");
    unsetenv("SCIPNET_DB");
    unsetenv("SCIPNET_SYNCHRONOUS");
    unsetenv("SCIPNET_ARGON2_MEMLIMIT_KIB");
}

static void defaults_match_the_header(void **state)
{
    (void)state;
    struct scipnet_config cfg;
    config_defaults(&cfg);
    assert_string_equal(cfg.listen, "127.0.0.1:7019");
    assert_string_equal(cfg.db, "deepwell.db");
    assert_string_equal(cfg.cert, "");
    assert_int_equal(cfg.workers, 0); /* as many as the machine has cores */
    assert_int_equal(cfg.hash_concurrency, 2);
    assert_int_equal(cfg.max_connections, 16384);
    assert_int_equal(cfg.max_connections_per_addr, 256);
    assert_int_equal(cfg.handshake_timeout_s, 10);
    assert_int_equal(cfg.idle_timeout_s, 300);
    assert_int_equal(cfg.shutdown_grace_s, 5);
    assert_int_equal(cfg.readers, 4);
    assert_int_equal(cfg.checkout_timeout_ms, 2000);
    assert_int_equal(cfg.busy_timeout_ms, 5000);
    assert_string_equal(cfg.synchronous, "NORMAL");
    assert_int_equal(cfg.session_idle_s, 900);
    assert_int_equal(cfg.session_lifetime_s, 28800);
    assert_int_equal(cfg.max_sessions_per_user, 32);
    assert_int_equal(cfg.session_rate, 200);
    assert_int_equal(cfg.session_burst, 2000);
    assert_int_equal(cfg.login_max_failures, 5);
    assert_int_equal(cfg.login_max_failures_addr, 20);
    assert_int_equal(cfg.login_backoff_base_s, 2);
    assert_int_equal(cfg.login_backoff_max_s, 300);
    assert_int_equal(cfg.argon2_opslimit, 2);
    assert_int_equal(cfg.argon2_memlimit_kib, 65536);
    assert_string_equal(cfg.log_level, "info");
}

static void file_sets_keys_in_any_section(void **state)
{
    (void)state;
    char path[64], err[512] = "";
    write_temp(path, "; SCiPNET\n"
                     "workers = 8\n"
                     "[server]\n"
                     "listen = 0.0.0.0:0\n"
                     "[store]\n"
                     "db = /var/lib/scipnet/deepwell.db\n"
                     "synchronous = full\n"
                     "# comment\n"
                     "[log]\n"
                     "log_level = DEBUG\n"
                     "argon2_memlimit_kib = 8\n");
    struct scipnet_config cfg;
    config_defaults(&cfg);
    int rc = config_load_file(&cfg, path, err, sizeof(err));
    unlink(path);
    assert_int_equal(rc, 0);
    assert_int_equal(cfg.workers, 8);
    assert_string_equal(cfg.listen, "0.0.0.0:0");
    assert_string_equal(cfg.db, "/var/lib/scipnet/deepwell.db");
    assert_string_equal(cfg.synchronous, "FULL");
    assert_string_equal(cfg.log_level, "debug");
    assert_int_equal(cfg.argon2_memlimit_kib, 8);
    assert_int_equal(cfg.readers, 4); /* untouched keys keep their defaults */
}

static void unknown_key_names_file_and_line(void **state)
{
    (void)state;
    char path[64], err[512] = "", expected[128];
    write_temp(path, "[server]\nworkers = 2\n\nlisen = 1.2.3.4:5\nreaders = 2\n");
    struct scipnet_config cfg;
    config_defaults(&cfg);
    int rc = config_load_file(&cfg, path, err, sizeof(err));
    unlink(path);
    assert_int_equal(rc, -1);
    snprintf(expected, sizeof(expected), "%s:4: unknown key 'lisen'", path);
    assert_string_equal(err, expected);
    /* A bad file changes nothing, not even the keys before the bad line. */
    assert_int_equal(cfg.workers, 0);
    assert_int_equal(cfg.readers, 4);
}

static void bad_values_name_file_line_and_key(void **state)
{
    (void)state;
    const char *bad[] = {"workers = -1\n",
                         "workers = 65\n",
                         "workers = 4x\n",
                         "readers = -1\n",
                         "readers = \n",
                         "busy_timeout_ms = 0\n",
                         "synchronous = fast\n",
                         "log_level = loud\n",
                         "listen = nowhere\n",
                         "listen = h:70000\n",
                         "db = \n",
                         "workers = +4\n",
                         "workers = 99999999999999999999\n",
                         "argon2_memlimit_kib = 7\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[64], err[512] = "", prefix[80], text[128];
        snprintf(text, sizeof(text), "[x]\n%s", bad[i]);
        write_temp(path, text);
        struct scipnet_config cfg;
        config_defaults(&cfg);
        int rc = config_load_file(&cfg, path, err, sizeof(err));
        unlink(path);
        assert_int_equal(rc, -1);
        snprintf(prefix, sizeof(prefix), "%s:2: bad value", path);
        assert_memory_equal(err, prefix, strlen(prefix));
    }
}

static void syntax_errors_and_missing_files_are_reported(void **state)
{
    (void)state;
    char path[64], err[512] = "", expected[160];
    write_temp(path, "workers = 2\nthis is not ini\n");
    struct scipnet_config cfg;
    config_defaults(&cfg);
    assert_int_equal(config_load_file(&cfg, path, err, sizeof(err)), -1);
    unlink(path);
    snprintf(expected, sizeof(expected), "%s:2: syntax error", path);
    assert_memory_equal(err, expected, strlen(expected));

    assert_int_equal(config_load_file(&cfg, "/nonexistent/server.ini", err, sizeof(err)), -1);
    assert_string_equal(err,
                        "cannot read config /nonexistent/server.ini: No such file or directory");
}

static void overlong_lines_are_refused_not_split(void **state)
{
    (void)state;
    char path[64], err[512] = "", text[1200], expected[96];
    int n = snprintf(text, sizeof(text), "workers = 2\ncert = /");
    memset(text + n, 'c', 1000);
    strcpy(text + n + 1000, "\n");
    write_temp(path, text);
    struct scipnet_config cfg;
    config_defaults(&cfg);
    int rc = config_load_file(&cfg, path, err, sizeof(err));
    unlink(path);
    assert_int_equal(rc, -1);
    snprintf(expected, sizeof(expected), "%s:2: line too long", path);
    assert_memory_equal(err, expected, strlen(expected));
    assert_string_equal(cfg.cert, "");
}

static void environment_overrides_the_file(void **state)
{
    (void)state;
    char path[64], err[512] = "";
    write_temp(path, "workers = 8\ndb = file.db\nreaders = 3\n");
    struct scipnet_config cfg;
    config_defaults(&cfg);
    setenv("SCIPNET_WORKERS", "16", 1);
    setenv("SCIPNET_SYNCHRONOUS", "extra", 1);
    assert_int_equal(config_load_file(&cfg, path, err, sizeof(err)), 0);
    unlink(path);
    assert_int_equal(config_apply_env(&cfg, err, sizeof(err)), 0);
    assert_int_equal(cfg.workers, 16);      /* env beats file */
    assert_string_equal(cfg.db, "file.db"); /* file beats default */
    assert_int_equal(cfg.readers, 3);
    assert_string_equal(cfg.synchronous, "EXTRA");
    /* A flag (config_set) comes last and wins. */
    assert_int_equal(config_set(&cfg, "workers", "32", err, sizeof(err)), 0);
    assert_int_equal(cfg.workers, 32);
    clear_env();
}

static void bad_environment_names_the_variable(void **state)
{
    (void)state;
    char err[512] = "";
    struct scipnet_config cfg;
    config_defaults(&cfg);
    setenv("SCIPNET_DB", "other.db", 1);
    setenv("SCIPNET_ARGON2_MEMLIMIT_KIB", "lots", 1);
    assert_int_equal(config_apply_env(&cfg, err, sizeof(err)), -1);
    assert_string_equal(err,
                        "SCIPNET_ARGON2_MEMLIMIT_KIB: bad value 'lots' for argon2_memlimit_kib: "
                        "expected an integer from 8 to 4194304");
    assert_string_equal(cfg.db, "deepwell.db"); /* all or nothing */
    clear_env();
}

static void config_set_checks_keys_and_values(void **state)
{
    (void)state;
    char err[512] = "";
    struct scipnet_config cfg;
    config_defaults(&cfg);
    assert_int_equal(config_set(&cfg, "nope", "1", err, sizeof(err)), -1);
    assert_string_equal(err, "unknown key 'nope'");
    assert_int_equal(config_set(&cfg, "hash_concurrency", "65", err, sizeof(err)), -1);
    assert_string_equal(err,
                        "bad value '65' for hash_concurrency: expected an integer from 1 to 64");
    assert_int_equal(cfg.hash_concurrency, 2);
    assert_int_equal(config_set(&cfg, "synchronous", "sometimes", err, sizeof(err)), -1);
    assert_string_equal(
        err, "bad value 'sometimes' for synchronous: expected one of OFF, NORMAL, FULL, EXTRA");
    assert_int_equal(config_set(&cfg, "idle_timeout_s", "0", err, sizeof(err)), -1);
    assert_int_equal(config_set(&cfg, "db", NULL, err, sizeof(err)), -1);

    char long_path[CONFIG_PATH_MAX + 10];
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[sizeof(long_path) - 1] = '\0';
    assert_int_equal(config_set(&cfg, "db", long_path, err, sizeof(err)), -1);
    assert_string_equal(cfg.db, "deepwell.db");

    assert_int_equal(config_set(&cfg, "argon2_opslimit", "4294967295", err, sizeof(err)), 0);
    assert_true(cfg.argon2_opslimit == 4294967295ULL);
    assert_int_equal(config_set(&cfg, "listen", "[::1]:7019", err, sizeof(err)), 0);
    assert_string_equal(cfg.listen, "[::1]:7019");
    assert_int_equal(config_set(&cfg, "cert", "", err, sizeof(err)), 0);
    assert_int_equal(config_set(&cfg, "log_level", "Warning", err, sizeof(err)), 0);
    assert_string_equal(cfg.log_level, "warning");
}

int main(void)
{
    clear_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_match_the_header),
        cmocka_unit_test(file_sets_keys_in_any_section),
        cmocka_unit_test(unknown_key_names_file_and_line),
        cmocka_unit_test(bad_values_name_file_line_and_key),
        cmocka_unit_test(syntax_errors_and_missing_files_are_reported),
        cmocka_unit_test(overlong_lines_are_refused_not_split),
        cmocka_unit_test(environment_overrides_the_file),
        cmocka_unit_test(bad_environment_names_the_variable),
        cmocka_unit_test(config_set_checks_keys_and_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
