/* test_cli_known_hosts.c - pinned fingerprints: new, trusted and changed servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "client/known_hosts.h"

#define FP_A "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char dir[256];
static char path[512];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/scipnet-kh-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof(path), "%s/deep/er/known_hosts", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void unknown_server_is_new(void **state)
{
    (void)state;
    struct known_host_match m = known_hosts_check(path, "localhost:7019", FP_A);
    assert_int_equal(m.status, KNOWN_HOST_NEW);
}

static void pinned_server_is_trusted(void **state)
{
    (void)state;
    assert_int_equal(known_hosts_add(path, "other:1", FP_B), 0);
    assert_int_equal(known_hosts_add(path, "localhost:7019", FP_A), 0);
    struct known_host_match m = known_hosts_check(path, "localhost:7019", FP_A);
    assert_int_equal(m.status, KNOWN_HOST_TRUSTED);
    assert_int_equal(m.line, 2);
    /* Hex case does not matter; the port does. */
    m = known_hosts_check(
        path, "localhost:7019",
        "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_int_equal(m.status, KNOWN_HOST_TRUSTED);
    m = known_hosts_check(path, "localhost:7020", FP_A);
    assert_int_equal(m.status, KNOWN_HOST_NEW);
    /* The file is private. */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    char line[256];
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "other:1 " FP_B "\n");
    fclose(f);
}

static void changed_fingerprint_names_file_and_line(void **state)
{
    (void)state;
    FILE *f;
    assert_int_equal(known_hosts_add(path, "a:1", FP_A), 0);
    f = fopen(path, "a");
    fputs("# a comment\n\n", f);
    fclose(f);
    assert_int_equal(known_hosts_add(path, "localhost:7019", FP_A), 0);
    struct known_host_match m = known_hosts_check(path, "localhost:7019", FP_B);
    assert_int_equal(m.status, KNOWN_HOST_CHANGED);
    assert_int_equal(m.line, 4);
    assert_string_equal(m.pinned, FP_A);
    char warning[2048];
    known_hosts_changed_warning(warning, sizeof(warning), path, "localhost:7019", &m, FP_B);
    char expect[700];
    snprintf(expect, sizeof(expect), "remove line 4 of %s", path);
    assert_non_null(strstr(warning, expect));
    snprintf(expect, sizeof(expect), "%s:4", path);
    assert_non_null(strstr(warning, expect));
    assert_non_null(strstr(warning, "CHANGED"));
    assert_non_null(strstr(warning, FP_B));
}

static void default_path_follows_xdg(void **state)
{
    (void)state;
    char buf[512];
    setenv("XDG_DATA_HOME", "/x/data", 1);
    assert_int_equal(known_hosts_default_path(buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/x/data/scipnet/known_hosts");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/u", 1);
    assert_int_equal(known_hosts_default_path(buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/home/u/.local/share/scipnet/known_hosts");
}

/* The XDG rules every client file follows (client/xdg.c): a relative XDG_* is ignored, a path
 * that does not fit or a missing $HOME is refused rather than cut short. */
static void default_path_refuses_what_it_cannot_build(void **state)
{
    (void)state;
    char buf[512], tiny[16];
    setenv("XDG_DATA_HOME", "relative/data", 1);
    setenv("HOME", "/home/u", 1);
    assert_int_equal(known_hosts_default_path(buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/home/u/.local/share/scipnet/known_hosts");
    assert_int_equal(known_hosts_default_path(tiny, sizeof(tiny)), -1);
    unsetenv("XDG_DATA_HOME");
    unsetenv("HOME");
    assert_int_equal(known_hosts_default_path(buf, sizeof(buf)), -1);
    setenv("HOME", "", 1);
    assert_int_equal(known_hosts_default_path(buf, sizeof(buf)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(unknown_server_is_new, setup, teardown),
        cmocka_unit_test_setup_teardown(pinned_server_is_trusted, setup, teardown),
        cmocka_unit_test_setup_teardown(changed_fingerprint_names_file_and_line, setup, teardown),
        cmocka_unit_test(default_path_follows_xdg),
        cmocka_unit_test(default_path_refuses_what_it_cannot_build),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
