/* test_dw_sessions.c - sessions by token hash, and the failed-login counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dw_fixture.h"

static int64_t add_user(struct deepwell *dw, const char *name)
{
    struct deepwell_user_new user = {.name = name,
                                     .password_hash = "$argon2id$x",
                                     .clearance = 2,
                                     .title = "Researcher",
                                     .active = true,
                                     .personnel_active = true};
    int64_t id = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_user_add(dw, &user, &id, &err), DW_OK);
    return id;
}

static void token_hash(uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES], uint8_t tag)
{
    for (int i = 0; i < DEEPWELL_TOKEN_HASH_BYTES; i++)
        hash[i] = (uint8_t)(tag + i);
}

static void create_find_touch_revoke(void **state)
{
    struct dw_fixture *f = *state;
    int64_t user = add_user(f->dw, "vance");
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    token_hash(hash, 1);
    struct deepwell_error err;
    assert_int_equal(deepwell_session_create(f->dw, hash, user, "127.0.0.1:5000", 1000, 9000, &err),
                     DW_OK);

    struct deepwell_session s;
    assert_int_equal(deepwell_session_find(f->dw, hash, &s, &err), DW_OK);
    assert_true(s.id > 0);
    assert_int_equal(s.user_id, user);
    assert_int_equal(s.created_ms, 1000);
    assert_int_equal(s.last_seen_ms, 1000);
    assert_int_equal(s.expires_ms, 9000);
    assert_false(s.revoked);

    assert_int_equal(deepwell_session_touch(f->dw, s.id, 4000, &err), DW_OK);
    assert_int_equal(deepwell_session_touch(f->dw, s.id, 3000, &err), DW_OK); /* late: ignored */
    assert_int_equal(deepwell_session_find(f->dw, hash, &s, &err), DW_OK);
    assert_int_equal(s.last_seen_ms, 4000);

    assert_int_equal(deepwell_session_revoke(f->dw, s.id, &err), DW_OK);
    assert_int_equal(deepwell_session_find(f->dw, hash, &s, &err), DW_OK);
    assert_true(s.revoked);

    assert_int_equal(deepwell_session_touch(f->dw, 999, 1, &err), DW_NOT_FOUND);
    assert_int_equal(deepwell_session_revoke(f->dw, 999, &err), DW_NOT_FOUND);
    token_hash(hash, 2);
    assert_int_equal(deepwell_session_find(f->dw, hash, &s, &err), DW_NOT_FOUND);
}

static void session_found_with_its_user(void **state)
{
    struct dw_fixture *f = *state;
    int64_t user = add_user(f->dw, "vance");
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    token_hash(hash, 1);
    struct deepwell_error err;
    assert_int_equal(deepwell_session_create(f->dw, hash, user, NULL, 1000, 9000, &err), DW_OK);

    struct deepwell_session s;
    struct deepwell_user u;
    assert_int_equal(deepwell_session_find_with_user(f->dw, hash, &s, &u, &err), DW_OK);
    assert_int_equal(s.user_id, user);
    assert_int_equal(s.created_ms, 1000);
    assert_int_equal(s.expires_ms, 9000);
    assert_false(s.revoked);
    struct deepwell_user by_id;
    assert_int_equal(deepwell_user_find(f->dw, NULL, user, &by_id, &err), DW_OK);
    assert_memory_equal(&u, &by_id, sizeof(u));

    assert_int_equal(deepwell_user_set_active(f->dw, user, false, &err), DW_OK);
    assert_int_equal(deepwell_session_find_with_user(f->dw, hash, &s, &u, &err), DW_OK);
    assert_int_equal(u.id, user);
    assert_false(u.active);
    assert_true(s.revoked); /* disabling ends the user's sessions */

    token_hash(hash, 2);
    assert_int_equal(deepwell_session_find_with_user(f->dw, hash, &s, &u, &err), DW_NOT_FOUND);
}

static void bad_sessions_are_refused(void **state)
{
    struct dw_fixture *f = *state;
    int64_t user = add_user(f->dw, "vance");
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    token_hash(hash, 1);
    struct deepwell_error err;
    assert_int_equal(deepwell_session_create(f->dw, hash, user, NULL, 1, 2, &err), DW_OK);
    assert_int_equal(deepwell_session_create(f->dw, hash, user, NULL, 1, 2, &err), DW_CONFLICT);
    token_hash(hash, 2);
    assert_int_equal(deepwell_session_create(f->dw, hash, 4242, NULL, 1, 2, &err), DW_INVALID);
    assert_string_equal(err.message, "no such user: USER-4242");
    assert_int_equal(deepwell_session_create(f->dw, hash, 0, NULL, 1, 2, &err), DW_INVALID);
    assert_int_equal(deepwell_session_create(f->dw, NULL, user, NULL, 1, 2, &err), DW_INVALID);
}

static void live_count_leaves_out_revoked_expired_and_idle(void **state)
{
    struct dw_fixture *f = *state;
    int64_t a = add_user(f->dw, "a");
    int64_t b = add_user(f->dw, "b");
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    struct deepwell_error err;
    /* live */
    token_hash(hash, 1);
    assert_int_equal(deepwell_session_create(f->dw, hash, a, "", 5000, 50000, &err), DW_OK);
    /* expired at 9000 */
    token_hash(hash, 2);
    assert_int_equal(deepwell_session_create(f->dw, hash, a, "", 5000, 9000, &err), DW_OK);
    /* idle since 1000 */
    token_hash(hash, 3);
    assert_int_equal(deepwell_session_create(f->dw, hash, b, "", 1000, 50000, &err), DW_OK);
    /* b's second session, live until revoke_user */
    token_hash(hash, 4);
    assert_int_equal(deepwell_session_create(f->dw, hash, b, "", 6000, 50000, &err), DW_OK);

    int64_t count = 0;
    assert_int_equal(deepwell_session_count_live(f->dw, 10000, 2000, &count, &err), DW_OK);
    assert_int_equal(count, 2);
    assert_int_equal(deepwell_session_revoke_user(f->dw, b, &err), DW_OK);
    assert_int_equal(deepwell_session_count_live(f->dw, 10000, 2000, &count, &err), DW_OK);
    assert_int_equal(count, 1);
    assert_int_equal(deepwell_session_revoke_user(f->dw, 999, &err), DW_OK); /* nothing to end */
}

static void trim_user_ends_the_oldest_live_sessions(void **state)
{
    struct dw_fixture *f = *state;
    int64_t a = add_user(f->dw, "a");
    int64_t b = add_user(f->dw, "b");
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    struct deepwell_error err;
    /* a: an idle one (not counted), then four live ones, oldest first */
    token_hash(hash, 1);
    assert_int_equal(deepwell_session_create(f->dw, hash, a, "", 1000, 50000, &err), DW_OK);
    for (int i = 0; i < 4; i++) {
        token_hash(hash, 10 + i);
        assert_int_equal(deepwell_session_create(f->dw, hash, a, "", 6000 + i, 50000, &err), DW_OK);
    }
    token_hash(hash, 20); /* b: untouched by a's trim */
    assert_int_equal(deepwell_session_create(f->dw, hash, b, "", 6000, 50000, &err), DW_OK);

    int64_t ended = -1, count = 0;
    assert_int_equal(deepwell_session_trim_user(f->dw, a, 10000, 2000, 2, &ended, &err), DW_OK);
    assert_int_equal(ended, 2);
    assert_int_equal(deepwell_session_count_live(f->dw, 10000, 2000, &count, &err), DW_OK);
    assert_int_equal(count, 3); /* a's two newest, and b's */
    struct deepwell_session s;
    for (int i = 0; i < 4; i++) {
        token_hash(hash, 10 + i);
        assert_int_equal(deepwell_session_find(f->dw, hash, &s, &err), DW_OK);
        assert_int_equal(s.revoked, i < 2); /* the oldest ended */
    }
    assert_int_equal(deepwell_session_trim_user(f->dw, a, 10000, 2000, 2, &ended, &err), DW_OK);
    assert_int_equal(ended, 0); /* at the cap: nothing more to end */
    assert_int_equal(deepwell_session_trim_user(f->dw, a, 10000, 2000, -1, &ended, &err),
                     DW_INVALID);
}

static void login_failures_count_block_and_reset(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_login_failures lf;
    struct deepwell_error err;
    assert_int_equal(deepwell_login_failures_get(f->dw, "user:vance", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 0);
    assert_int_equal(lf.blocked_until_ms, 0);

    assert_int_equal(deepwell_login_failures_record(f->dw, "user:vance", 1000, 0, &lf, &err),
                     DW_OK);
    assert_int_equal(lf.failures, 1);
    assert_int_equal(deepwell_login_failures_record(f->dw, "user:vance", 2000, 6000, &lf, &err),
                     DW_OK);
    assert_int_equal(lf.failures, 2);
    assert_int_equal(lf.last_failure_ms, 2000);
    assert_int_equal(lf.blocked_until_ms, 6000);
    assert_int_equal(deepwell_login_failures_record(f->dw, "addr:10.0.0.1", 2000, 0, NULL, &err),
                     DW_OK);

    memset(&lf, 0, sizeof(lf));
    assert_int_equal(deepwell_login_failures_get(f->dw, "user:vance", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 2);
    assert_int_equal(lf.last_failure_ms, 2000);
    assert_int_equal(lf.blocked_until_ms, 6000);

    assert_int_equal(deepwell_login_failures_reset(f->dw, "user:vance", &err), DW_OK);
    assert_int_equal(deepwell_login_failures_get(f->dw, "user:vance", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 0);
    assert_int_equal(deepwell_login_failures_get(f->dw, "addr:10.0.0.1", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 1);

    assert_int_equal(deepwell_login_failures_get(f->dw, "", &lf, &err), DW_INVALID);
    assert_int_equal(deepwell_login_failures_record(f->dw, NULL, 1, 1, &lf, &err), DW_INVALID);
}

static void counters_survive_a_restart(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    assert_int_equal(deepwell_login_failures_record(f->dw, "user:x", 1, 2, NULL, &err), DW_OK);
    deepwell_close(f->dw);
    f->dw = NULL;
    assert_int_equal(dw_fixture_open(f, false, false, &err), DW_OK);
    struct deepwell_login_failures lf;
    assert_int_equal(deepwell_login_failures_get(f->dw, "user:x", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 1);
    assert_int_equal(lf.blocked_until_ms, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(create_find_touch_revoke, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(session_found_with_its_user, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(bad_sessions_are_refused, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(live_count_leaves_out_revoked_expired_and_idle,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(trim_user_ends_the_oldest_live_sessions, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(login_failures_count_block_and_reset, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(counters_survive_a_restart, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
