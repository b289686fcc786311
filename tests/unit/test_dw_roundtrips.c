/*
 * test_dw_roundtrips.c - what one read costs PostgreSQL, in round trips.
 *
 * A server's read is: the session with its user and the file's head, and the read's
 * audit row committed in its own batch.  Each statement is a round trip over the
 * socket (deepwell_pool_stats counts them), so this pins the count: a change that
 * adds one to every read fails here.  SQLite answers in-process: skipped there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <stdbool.h>

#include "common/foundation.h"
#include "deepwell/deepwell.h"
#include "dw_fixture.h"

/* The session with the file's head 1 + audit batch 4 (BEGIN with the lock, the tip with
   the actors' names, the INSERT, COMMIT); it was 8 (the head on its own, and BEGIN, the
   lock, the tip and each name on their own). */
#define READ_ROUND_TRIPS 5

static int setup(void **state)
{
    struct dw_fixture *f = dw_fixture_new("test_dw_roundtrips");
    struct deepwell_error err;
    if (f == NULL || dw_fixture_open(f, true, true, &err) != DW_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    dw_fixture_free(*state);
    return 0;
}

struct reader_state {
    int64_t user;
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
};

static void prepare(struct deepwell *dw, struct reader_state *r)
{
    struct deepwell_user_new user = {.name = "reader",
                                     .password_hash = "$argon2id$x",
                                     .clearance = 3,
                                     .title = "Researcher",
                                     .active = true,
                                     .personnel_active = true};
    struct deepwell_error err;
    assert_int_equal(deepwell_user_add(dw, &user, &r->user, &err), DW_OK);
    for (int i = 0; i < DEEPWELL_TOKEN_HASH_BYTES; i++)
        r->hash[i] = (uint8_t)(7 + i);
    assert_int_equal(deepwell_session_create(dw, r->hash, r->user, "10.0.0.1:1", 1000, 9000, &err),
                     DW_OK);
    struct deepwell_scp scp = {.number = 900, .title = "Test", .level = 2, .containment = "Safe"};
    assert_int_equal(deepwell_scp_create(dw, &scp, NULL, &err), DW_OK);
}

/* What a server does for one read of SCP-900, its audit row committed before the reply. */
static void one_read(struct deepwell *dw, const struct reader_state *r)
{
    struct deepwell_error err;
    struct deepwell_session session;
    struct deepwell_user user;
    struct deepwell_scp scp;
    bool found = false;
    assert_int_equal(deepwell_session_find_with_scp_head(dw, r->hash, 900, "", &session, &user,
                                                         &scp, &found, &err),
                     DW_OK);
    assert_int_equal(user.id, r->user);
    assert_false(session.revoked);
    assert_true(found);
    assert_string_equal(scp.title, "Test");
    assert_string_equal(scp.containment, "Safe");
    assert_int_equal(scp.level, 2);
    assert_int_equal(scp.task_force_level, FOUNDATION_LEVEL_MAX); /* no task force */
    deepwell_scp_free(&scp);
    struct deepwell_audit_entry e = {.user_id = user.id,
                                     .client_addr = "10.0.0.1:1",
                                     .action = "read",
                                     .outcome = DW_OUTCOME_SUCCESS,
                                     .severity = DW_SEV_INFO,
                                     .details_json = "{\"ref\":\"SCP-900\"}"};
    int64_t row = 0;
    assert_int_equal(deepwell_audit_log(dw, &e, &row, &err), DW_OK);
    assert_true(row > 0);
}

static uint64_t trips(struct deepwell *dw)
{
    struct deepwell_pool_stats stats;
    deepwell_pool_stats(dw, &stats);
    return stats.round_trips;
}

static void one_read_costs_few_round_trips(void **state)
{
    struct dw_fixture *f = *state;
    if (!dw_fixture_pg())
        skip(); /* SQLite has no round trips */
    struct reader_state r;
    prepare(f->dw, &r);
    one_read(f->dw, &r); /* prepares the statements each connection keeps */
    one_read(f->dw, &r);

    uint64_t before = trips(f->dw);
    one_read(f->dw, &r);
    uint64_t cost = trips(f->dw) - before;
    fprintf(stderr, "one read: %llu round trips\n", (unsigned long long)cost);
    assert_true(cost > 0);
    assert_true(cost <= READ_ROUND_TRIPS);

    /* The chain the cheaper batches wrote is whole, each row naming its actor. */
    struct deepwell_error err;
    int64_t checked = 0, bad = 0;
    assert_int_equal(deepwell_audit_verify(f->dw, &checked, &bad, &err), DW_OK);
    assert_true(checked >= 3);
    assert_int_equal(bad, 0);
    struct deepwell_audit_rows rows;
    struct deepwell_audit_query q = {.limit = 1};
    assert_int_equal(deepwell_audit_query(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1);
    assert_string_equal(rows.rows[0].user_name, "reader");
    deepwell_audit_rows_free(&rows);
}

/* The head comes with the session, never instead of it: a revoked session reads as such. */
static void session_with_head_still_sees_revocation(void **state)
{
    struct dw_fixture *f = *state;
    struct reader_state r;
    prepare(f->dw, &r);
    struct deepwell_error err;
    struct deepwell_session session;
    struct deepwell_user user;
    struct deepwell_scp scp;
    bool found = true;
    /* No such file: the session and user still come, the file does not. */
    assert_int_equal(deepwell_session_find_with_scp_head(f->dw, r.hash, 901, "", &session, &user,
                                                         &scp, &found, &err),
                     DW_OK);
    assert_false(found);
    assert_int_equal(user.id, r.user);
    assert_int_equal(deepwell_session_find_with_scp_head(f->dw, r.hash, 900, "J", &session, &user,
                                                         &scp, &found, &err),
                     DW_OK);
    assert_false(found); /* SCP-900-J is not SCP-900 */

    assert_int_equal(deepwell_session_revoke(f->dw, session.id, &err), DW_OK);
    assert_int_equal(deepwell_session_find_with_scp_head(f->dw, r.hash, 900, "", &session, &user,
                                                         &scp, &found, &err),
                     DW_OK);
    assert_true(session.revoked);
    deepwell_scp_free(&scp);
    uint8_t other[DEEPWELL_TOKEN_HASH_BYTES] = {0};
    assert_int_equal(deepwell_session_find_with_scp_head(f->dw, other, 900, "", &session, &user,
                                                         &scp, &found, &err),
                     DW_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(one_read_costs_few_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(session_with_head_still_sees_revocation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
