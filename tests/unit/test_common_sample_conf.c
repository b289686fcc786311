/*
 * test_common_sample_conf.c - dist/scipnet.conf, the sample `make install` puts in
 * /etc, states every default truly: its commented-out "#key = value" lines, made
 * live and loaded over an all-zero configuration, give config_defaults exactly.
 * (That every key of config.c's table is listed is tests/e2e/test_install.py's.)
 * Run from the source tree's top, as tests/run.sh does.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/config.h"

#define SAMPLE "dist/scipnet.conf"

/* Copies the sample to a temporary file with each "#key = value" line made live;
   returns how many it made live. */
static int uncomment_sample(char *path)
{
    FILE *in = fopen(SAMPLE, "r");
    if (in == NULL)
        fail_msg("cannot read %s: run from the source tree's top", SAMPLE);
    strcpy(path, "/tmp/test_sample_conf_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    assert_non_null(out);
    char line[512];
    int live = 0;
    while (fgets(line, sizeof(line), in) != NULL) {
        size_t name = strspn(line + 1, "abcdefghijklmnopqrstuvwxyz0123456789_");
        bool setting = line[0] == '#' && name > 0 && strncmp(line + 1 + name, " =", 2) == 0;
        live += setting;
        assert_true(fputs(setting ? line + 1 : line, out) >= 0);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
    return live;
}

static void sample_states_every_default(void **state)
{
    (void)state;
    char path[64];
    int live = uncomment_sample(path);
    assert_true(live > 0);

    struct scipnet_config defaults, loaded;
    config_defaults(&defaults);
    memset(&loaded, 0, sizeof(loaded));
    char err[512] = "";
    int rc = config_load_file(&loaded, path, err, sizeof(err));
    unlink(path);
    if (rc != 0)
        fail_msg("%s", err);
    /* Every field: a default the sample gets wrong, or one it leaves out (still 0), differs. */
    assert_memory_equal(&loaded, &defaults, sizeof(defaults));
}

/* The check itself can fail: a sample with one wrong default is caught. */
static void a_wrong_default_is_caught(void **state)
{
    (void)state;
    char path[64];
    uncomment_sample(path);
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs("readers = 5\n", f);
    fclose(f);
    struct scipnet_config defaults, loaded;
    config_defaults(&defaults);
    memset(&loaded, 0, sizeof(loaded));
    char err[512] = "";
    assert_int_equal(config_load_file(&loaded, path, err, sizeof(err)), 0);
    unlink(path);
    assert_int_equal(loaded.readers, 5);
    assert_true(memcmp(&loaded, &defaults, sizeof(defaults)) != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_states_every_default),
        cmocka_unit_test(a_wrong_default_is_caught),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
