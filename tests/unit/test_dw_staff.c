/*
 * test_dw_staff.c - the store behind the staff tools: who is online (session list),
 * revoking a user's sessions, a password change ending the other sessions, and the
 * login record whoami shows (previous login, failures since).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dw_fixture.h"

static int64_t add_user(struct deepwell *dw, const char *name, int clearance)
{
    struct deepwell_user_new user = {.name = name,
                                     .password_hash = "$argon2id$x",
                                     .clearance = clearance,
                                     .title = "Researcher",
                                     .active = true,
                                     .personnel_active = true};
    int64_t id = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_user_add(dw, &user, &id, &err), DW_OK);
    return id;
}

/* A session of user seen last at seen_ms (expires at 100000); its id. */
static int64_t add_session(struct deepwell *dw, int64_t user, uint8_t tag, const char *addr,
                           int64_t seen_ms)
{
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    for (int i = 0; i < DEEPWELL_TOKEN_HASH_BYTES; i++)
        hash[i] = (uint8_t)(tag + i);
    struct deepwell_error err;
    assert_int_equal(deepwell_session_create(dw, hash, user, addr, 1000, 100000, &err), DW_OK);
    struct deepwell_session s;
    assert_int_equal(deepwell_session_find(dw, hash, &s, &err), DW_OK);
    assert_int_equal(deepwell_session_touch(dw, s.id, seen_ms, &err), DW_OK);
    return s.id;
}

static struct deepwell_session_query query(int max_level)
{
    struct deepwell_session_query q = {
        .now_ms = 5000, .idle_cutoff_ms = 1500, .max_level = max_level, .limit = 50};
    return q;
}

static void list_hides_users_above_the_reader_and_dead_sessions(void **state)
{
    struct dw_fixture *f = *state;
    int64_t low = add_user(f->dw, "low", 2), mid = add_user(f->dw, "mid", 4);
    int64_t top = add_user(f->dw, "top", 6);
    int64_t a = add_session(f->dw, low, 1, "10.0.0.1:5000", 2000);
    int64_t b = add_session(f->dw, mid, 2, "10.0.0.2:5000", 3000);
    add_session(f->dw, top, 3, "10.0.0.3:5000", 4000);
    int64_t idle = add_session(f->dw, low, 4, "10.0.0.4:5000", 1000); /* before the cutoff */
    (void)idle;
    int64_t gone = add_session(f->dw, mid, 5, "10.0.0.5:5000", 2500);
    struct deepwell_error err;
    assert_int_equal(deepwell_session_revoke(f->dw, gone, &err), DW_OK);

    struct deepwell_session_query q = query(5);
    struct deepwell_session_rows rows;
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2); /* top (6) withheld, idle and revoked ones gone */
    assert_false(rows.more);
    assert_int_equal(rows.rows[0].id, b); /* newest seen first */
    assert_string_equal(rows.rows[0].user_name, "mid");
    assert_int_equal(rows.rows[0].clearance, 4);
    assert_string_equal(rows.rows[0].client_addr, "10.0.0.2:5000");
    assert_int_equal(rows.rows[0].last_seen_ms, 3000);
    assert_int_equal(rows.rows[0].created_ms, 1000);
    assert_int_equal(rows.rows[0].expires_ms, 100000);
    assert_int_equal(rows.rows[1].id, a);
    deepwell_session_rows_free(&rows);

    q = query(6);
    q.user_id = low;
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1);
    assert_int_equal(rows.rows[0].id, a);
    deepwell_session_rows_free(&rows);

    q = query(5);
    q.session_id = b;
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1);
    deepwell_session_rows_free(&rows);
    q.max_level = 3; /* the same session, its user above the reader */
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 0);
    deepwell_session_rows_free(&rows);
}

static void list_pages_at_its_limit(void **state)
{
    struct dw_fixture *f = *state;
    int64_t u = add_user(f->dw, "many", 2);
    for (uint8_t i = 0; i < 5; i++)
        add_session(f->dw, u, (uint8_t)(10 + i), "10.0.0.1:1", 2000 + i);
    struct deepwell_session_query q = query(6);
    q.limit = 2;
    struct deepwell_session_rows rows;
    struct deepwell_error err;
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    assert_true(rows.more);
    assert_int_equal(rows.rows[0].last_seen_ms, 2004);
    deepwell_session_rows_free(&rows);
    q.offset = 4;
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1);
    assert_false(rows.more);
    assert_int_equal(rows.rows[0].last_seen_ms, 2000);
    deepwell_session_rows_free(&rows);
    q.limit = 0;
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_INVALID);
}

static void revoke_user_counts_what_it_ended(void **state)
{
    struct dw_fixture *f = *state;
    int64_t u = add_user(f->dw, "kicked", 2), other = add_user(f->dw, "other", 2);
    add_session(f->dw, u, 1, "a", 2000);
    add_session(f->dw, u, 2, "b", 2000);
    add_session(f->dw, other, 3, "c", 2000);
    int64_t ended = -1;
    struct deepwell_error err;
    assert_int_equal(deepwell_session_revoke_user_count(f->dw, u, &ended, &err), DW_OK);
    assert_int_equal(ended, 2);
    assert_int_equal(deepwell_session_revoke_user_count(f->dw, u, &ended, &err), DW_OK);
    assert_int_equal(ended, 0);
    struct deepwell_session_query q = query(6);
    struct deepwell_session_rows rows;
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1);
    assert_string_equal(rows.rows[0].user_name, "other");
    deepwell_session_rows_free(&rows);
}

static void password_change_ends_the_other_sessions(void **state)
{
    struct dw_fixture *f = *state;
    int64_t u = add_user(f->dw, "changer", 3), other = add_user(f->dw, "bystander", 3);
    int64_t keep = add_session(f->dw, u, 1, "a", 2000);
    add_session(f->dw, u, 2, "b", 2000);
    add_session(f->dw, u, 3, "c", 2000);
    add_session(f->dw, other, 4, "d", 2000);
    int64_t ended = -1;
    struct deepwell_error err;
    assert_int_equal(deepwell_user_change_password(f->dw, u, "$argon2id$new", keep, &ended, &err),
                     DW_OK);
    assert_int_equal(ended, 2);
    struct deepwell_user user;
    assert_int_equal(deepwell_user_find(f->dw, NULL, u, &user, &err), DW_OK);
    assert_string_equal(user.password_hash, "$argon2id$new");
    struct deepwell_session_query q = query(6);
    struct deepwell_session_rows rows;
    assert_int_equal(deepwell_session_list(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2); /* the kept one and the bystander's */
    assert_true(rows.rows[0].id == keep || rows.rows[1].id == keep);
    deepwell_session_rows_free(&rows);

    assert_int_equal(deepwell_user_change_password(f->dw, u, "", keep, &ended, &err), DW_INVALID);
    assert_int_equal(deepwell_user_change_password(f->dw, 999, "$argon2id$x", 0, &ended, &err),
                     DW_NOT_FOUND);
}

static void login_record_keeps_the_previous_login_and_failures(void **state)
{
    struct dw_fixture *f = *state;
    int64_t u = add_user(f->dw, "returning", 2);
    struct deepwell_error err;
    struct deepwell_user user;
    assert_int_equal(deepwell_user_find(f->dw, NULL, u, &user, &err), DW_OK);
    assert_string_equal(user.previous_login, "");
    assert_int_equal(user.failed_logins, 0);

    /* 2026-11-22T15:30:01.123Z, then three wrong passwords, then a day later */
    assert_int_equal(deepwell_user_record_login(f->dw, u, INT64_C(1795361401123), &err), DW_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(deepwell_user_record_failure(f->dw, u, &err), DW_OK);
    assert_int_equal(deepwell_user_find(f->dw, NULL, u, &user, &err), DW_OK);
    assert_int_equal(user.failed_logins, 3);
    assert_int_equal(deepwell_user_record_login(f->dw, u, INT64_C(1795447801123), &err), DW_OK);
    assert_int_equal(deepwell_user_find(f->dw, NULL, u, &user, &err), DW_OK);
    assert_string_equal(user.last_login, "2026-11-23T15:30:01.123Z");
    assert_string_equal(user.previous_login, "2026-11-22T15:30:01.123Z");
    assert_int_equal(user.failed_before_login, 3);
    assert_int_equal(user.failed_logins, 0);
    assert_int_equal(deepwell_user_record_failure(f->dw, 999, &err), DW_NOT_FOUND);
}

/* Who is online reads the live sessions by last seen: an index, not a scan of every
   session ever made (sessions are kept after they end). */
static void sessions_are_indexed_by_last_seen(void **state)
{
    struct dw_fixture *f = *state;
    const char *sql = dw_fixture_pg() ? "SELECT count(*) FROM pg_indexes"
                                        " WHERE schemaname = current_schema()"
                                        " AND indexname = 'sessions_last_seen'"
                                      : "SELECT count(*) FROM sqlite_schema"
                                        " WHERE type = 'index' AND name = 'sessions_last_seen'";
    assert_int_equal(dw_fixture_query_int(f->path, sql), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(list_hides_users_above_the_reader_and_dead_sessions,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(list_pages_at_its_limit, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(revoke_user_counts_what_it_ended, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(password_change_ends_the_other_sessions, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(login_record_keeps_the_previous_login_and_failures,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(sessions_are_indexed_by_last_seen, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
