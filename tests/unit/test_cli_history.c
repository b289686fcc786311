/* test_cli_history.c - the command line's history: walked, bounded, kept, never a password. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/history.h"

static struct history h, again; /* large: not on the stack */

static void up_and_down_walk_back_to_what_was_typed(void **state)
{
    (void)state;
    memset(&h, 0, sizeof(h));
    assert_true(history_add(&h, "LIST SCP"));
    assert_true(history_add(&h, "ACCESS SCP 002"));
    assert_false(history_add(&h, "ACCESS SCP 002 ")); /* the same again: kept once */
    assert_false(history_add(&h, "   "));
    assert_false(history_add(&h, ""));
    struct input in;
    input_set(&in, "ACC");
    assert_true(history_walk(&h, &in, -1));
    assert_string_equal(in.text, "ACCESS SCP 002");
    assert_true(history_walk(&h, &in, -1));
    assert_string_equal(in.text, "LIST SCP");
    assert_false(history_walk(&h, &in, -1)); /* the oldest: stays */
    assert_string_equal(in.text, "LIST SCP");
    assert_true(history_walk(&h, &in, 1));
    assert_true(history_walk(&h, &in, 1));
    assert_string_equal(in.text, "ACC"); /* the draft is back */
    assert_false(history_walk(&h, &in, 1));
}

static void never_a_password_and_bounded(void **state)
{
    (void)state;
    memset(&h, 0, sizeof(h));
    assert_false(history_add(&h, "CREATE USER password=hunter2"));
    assert_false(history_add(&h, "x --PASSWORD hunter2"));
    assert_false(history_add(&h, "LIST \x1b[2J"));
    assert_int_equal(h.count, 0);
    char line[32];
    for (int i = 0; i < HISTORY_MAX + 5; i++) {
        snprintf(line, sizeof(line), "ACCESS SCP %d", i);
        assert_true(history_add(&h, line));
    }
    assert_int_equal(h.count, HISTORY_MAX);
    assert_string_equal(h.lines[0], "ACCESS SCP 5"); /* the oldest are forgotten */
}

static void kept_between_runs_in_xdg_state_home(void **state)
{
    (void)state;
    char dir[] = "/tmp/scipnet-history-XXXXXX";
    assert_non_null(mkdtemp(dir));
    setenv("XDG_STATE_HOME", dir, 1);
    char path[4096];
    assert_int_equal(history_default_path(path, sizeof(path)), 0);
    char want[4200];
    snprintf(want, sizeof(want), "%s/scipnet/history", dir);
    assert_string_equal(path, want);
    assert_int_equal(history_load(&h, path), 0); /* none yet: empty */
    assert_int_equal(h.count, 0);
    history_add(&h, "LIST SITE");
    history_add(&h, "ACCESS MTF 3");
    assert_int_equal(history_save(&h, path), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* what someone looked at is theirs */
    /* a password someone put in the file by hand is not read back either */
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fprintf(f, "login password=hunter2\n");
    fclose(f);
    assert_int_equal(history_load(&again, path), 0);
    assert_int_equal(again.count, 2);
    assert_string_equal(again.lines[1], "ACCESS MTF 3");
    unlink(path);
    snprintf(want, sizeof(want), "%s/scipnet", dir);
    rmdir(want);
    rmdir(dir);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/someone", 1);
    assert_int_equal(history_default_path(path, sizeof(path)), 0);
    assert_string_equal(path, "/home/someone/.local/state/scipnet/history");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(up_and_down_walk_back_to_what_was_typed),
        cmocka_unit_test(never_a_password_and_bounded),
        cmocka_unit_test(kept_between_runs_in_xdg_state_home),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
