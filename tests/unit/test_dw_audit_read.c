/*
 * test_dw_audit_read.c - the audit log read back: queries, their filters and clearance,
 * row JSON, and rows the importer writes inside its own transaction.  Runs on either engine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>

#include "deepwell/audit.h"
#include "deepwell/deepwell.h"
#include "deepwell/store.h"
#include "dw_audit_fixture.h"

/* ---- reading back ------------------------------------------------------------------- */

/* A reader's query leaves out rows of users above them, before the limit. */
static void queries_leave_out_users_above_the_reader(void **state)
{
    struct fixture *f = *state;
    struct deepwell_audit_rows rows;
    struct deepwell_error err = {0};
    int64_t low = 0, high = 0;
    struct deepwell_user_new agent = {
        .name = "agent", .password_hash = "h", .clearance = 3, .title = "Field Agent"};
    struct deepwell_user_new o5 = {
        .name = "o5", .password_hash = "h", .clearance = 6, .title = "O5 Council Member"};
    assert_int_equal(deepwell_user_add(f->dw, &agent, &low, &err), DW_OK);
    assert_int_equal(deepwell_user_add(f->dw, &o5, &high, &err), DW_OK);
    struct deepwell_audit_entry seen = {.user_id = low, .action = "list"};
    struct deepwell_audit_entry hidden = {.user_id = high, .action = "list"};
    struct deepwell_audit_entry tried = {
        .user_id = high, .attempted_name = "o5", .action = "login", .outcome = DW_OUTCOME_FAILURE};
    assert_int_equal(deepwell_audit_log(f->dw, &seen, NULL, &err), DW_OK);  /* 1 */
    assert_int_equal(deepwell_audit_log(f->dw, &tried, NULL, &err), DW_OK); /* 2 */
    for (int i = 0; i < 3; i++)                                             /* 3-5 */
        assert_int_equal(deepwell_audit_log(f->dw, &hidden, NULL, &err), DW_OK);

    struct deepwell_audit_query reader5 = {.limit = 2, .actor_max_level = 5};
    assert_int_equal(deepwell_audit_query(f->dw, &reader5, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    assert_int_equal(rows.rows[0].id, 2); /* the failed login naming o5 stays */
    assert_int_equal(rows.rows[0].user_clearance, 6);
    assert_int_equal(rows.rows[1].id, 1);
    assert_int_equal(rows.rows[1].user_clearance, 3);
    deepwell_audit_rows_free(&rows);

    struct deepwell_audit_query by_name = {.user = "O5", .actor_max_level = 5};
    assert_int_equal(deepwell_audit_query(f->dw, &by_name, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1); /* only by the attempted name, as for nobody's name */
    assert_int_equal(rows.rows[0].id, 2);
    deepwell_audit_rows_free(&rows);

    struct deepwell_audit_query listing = {.action = "list", .actor_max_level = 5};
    assert_int_equal(deepwell_audit_query(f->dw, &listing, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1);
    deepwell_audit_rows_free(&rows);

    struct deepwell_audit_query all = {.action = "list"};
    assert_int_equal(deepwell_audit_query(f->dw, &all, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 4); /* export and level 6: everything */
    deepwell_audit_rows_free(&rows);
}

static void queries_filter_and_order(void **state)
{
    struct fixture *f = *state;
    struct deepwell_audit_rows rows;
    struct deepwell_error err = {0};

    assert_int_equal(exec_raw(f->path,
                              "INSERT INTO users (id, name, password_hash, clearance_level,"
                              " title_id, created_at, updated_at)"
                              " VALUES (7, 'Director', 'x', 5, 7, 't', 't');",
                              NULL, 0),
                     SQLITE_OK);
    struct deepwell_audit_entry mine = {.user_id = 7, .action = "read", .client_addr = "a"};
    struct deepwell_audit_entry tried = {.attempted_name = "director",
                                         .action = "login",
                                         .outcome = DW_OUTCOME_FAILURE,
                                         .severity = DW_SEV_WARNING};
    struct deepwell_audit_entry other = {.action = "read"};
    assert_int_equal(deepwell_audit_log(f->dw, &mine, NULL, &err), DW_OK);
    assert_int_equal(deepwell_audit_log(f->dw, &tried, NULL, &err), DW_OK);
    assert_int_equal(deepwell_audit_log(f->dw, &other, NULL, &err), DW_OK);
    assert_int_equal(deepwell_audit_log(f->dw, &mine, NULL, &err), DW_OK);

    struct deepwell_audit_query newest = {.limit = 2};
    assert_int_equal(deepwell_audit_query(f->dw, &newest, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    assert_int_equal(rows.rows[0].id, 4);
    assert_int_equal(rows.rows[1].id, 3);
    deepwell_audit_rows_free(&rows);

    struct deepwell_audit_query by_user = {.user = "DIRECTOR"};
    assert_int_equal(deepwell_audit_query(f->dw, &by_user, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 3); /* two of theirs, one failed login as them */
    assert_string_equal(rows.rows[0].user_name, "Director");
    assert_string_equal(rows.rows[1].attempted_name, "director");
    assert_string_equal(rows.rows[1].outcome, "failure");
    assert_string_equal(rows.rows[1].severity, "warning");
    deepwell_audit_rows_free(&rows);

    struct deepwell_audit_query by_action = {.action = "read", .user = "director"};
    assert_int_equal(deepwell_audit_query(f->dw, &by_action, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    deepwell_audit_rows_free(&rows);

    struct deepwell_audit_query export = {.oldest_first = true, .after_id = 2};
    assert_int_equal(deepwell_audit_query(f->dw, &export, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    assert_int_equal(rows.rows[0].id, 3);
    assert_int_equal(rows.rows[1].id, 4);
    deepwell_audit_rows_free(&rows);
}

/* The audit view's filters: outcome, a time range and pages older than an id. */
static void queries_filter_by_outcome_time_and_page(void **state)
{
    struct fixture *f = *state;
    struct deepwell_audit_rows rows;
    struct deepwell_error err = {0};
    struct deepwell_audit_entry ok = {.action = "read"};
    struct deepwell_audit_entry bad = {.action = "login", .outcome = DW_OUTCOME_FAILURE};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(deepwell_audit_log(f->dw, &ok, NULL, &err), DW_OK);  /* 1, 3, 5 */
        assert_int_equal(deepwell_audit_log(f->dw, &bad, NULL, &err), DW_OK); /* 2, 4, 6 */
    }
    struct deepwell_audit_query failures = {.outcome = "failure"};
    assert_int_equal(deepwell_audit_query(f->dw, &failures, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 3);
    assert_int_equal(rows.rows[0].id, 6);
    deepwell_audit_rows_free(&rows);

    struct deepwell_audit_query page = {.outcome = "failure", .before_id = 6, .limit = 1};
    assert_int_equal(deepwell_audit_query(f->dw, &page, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1);
    assert_int_equal(rows.rows[0].id, 4);
    deepwell_audit_rows_free(&rows);

    struct deepwell_audit_query future = {.since = "2999-01-01"};
    assert_int_equal(deepwell_audit_query(f->dw, &future, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 0);
    deepwell_audit_rows_free(&rows);
    struct deepwell_audit_query past = {.until = "2000-01-01"};
    assert_int_equal(deepwell_audit_query(f->dw, &past, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 0);
    deepwell_audit_rows_free(&rows);
    struct deepwell_audit_query now = {
        .since = "2000-01-01", .until = "2999-01-01T00:00:00.000Z", .outcome = "success"};
    assert_int_equal(deepwell_audit_query(f->dw, &now, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 3);
    deepwell_audit_rows_free(&rows);
}

static void row_json_has_every_field(void **state)
{
    struct fixture *f = *state;
    struct deepwell_audit_query q = {.limit = 1};
    struct deepwell_audit_rows rows;
    struct deepwell_error err = {0};
    struct deepwell_audit_entry e = {.attempted_name = "nobody\xff",
                                     .client_addr = "127.0.0.1:1",
                                     .action = "login",
                                     .outcome = DW_OUTCOME_DENIED,
                                     .severity = DW_SEV_ALERT,
                                     .details_json = "{\"reason\":\"unknown user\"}"};

    assert_int_equal(deepwell_audit_log(f->dw, &e, NULL, &err), DW_OK);
    assert_int_equal(deepwell_audit_query(f->dw, &q, &rows, &err), DW_OK);
    char *line = deepwell_audit_row_json(&rows.rows[0]);
    assert_non_null(line);
    assert_null(strchr(line, '\n'));
    json_t *obj = json_loads(line, 0, NULL);
    assert_non_null(obj);
    assert_int_equal(json_integer_value(json_object_get(obj, "id")), 1);
    assert_int_equal(strlen(json_string_value(json_object_get(obj, "ts"))), 24);
    assert_true(json_is_null(json_object_get(obj, "user_id")));
    assert_true(json_is_null(json_object_get(obj, "user")));
    assert_string_equal(json_string_value(json_object_get(obj, "attempted_name")), "nobody?");
    assert_string_equal(json_string_value(json_object_get(obj, "client")), "127.0.0.1:1");
    assert_string_equal(json_string_value(json_object_get(obj, "action")), "login");
    assert_string_equal(json_string_value(json_object_get(obj, "outcome")), "denied");
    assert_string_equal(json_string_value(json_object_get(obj, "severity")), "alert");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(obj, "details"), "reason")),
        "unknown user");
    assert_true(json_is_false(json_object_get(obj, "imported")));
    assert_int_equal(strlen(json_string_value(json_object_get(obj, "prev_hash"))), 64);
    assert_int_equal(strlen(json_string_value(json_object_get(obj, "hash"))), 64);
    json_decref(obj);
    free(line);
    deepwell_audit_rows_free(&rows);
}

/* ---- the importer's path ------------------------------------------------------------ */

static void rows_inserted_in_a_transaction_chain_with_the_thread(void **state)
{
    struct fixture *f = *state;
    struct deepwell_conn *conn;
    struct deepwell_error err = {0};
    struct deepwell_audit_entry e = {.action = "imported.login", .client_addr = "old"};
    struct deepwell_audit_rows rows;

    log_one(f->dw, "before", NULL);
    assert_int_equal(deepwell_pool_acquire(f->dw->pool, DW_CONN_WRITER, &conn, &err), DW_OK);
    assert_int_equal(deepwell_audit_insert_in_tx(conn, &e, "2020-01-01T00:00:00.000Z", true, &err),
                     DW_INTERNAL); /* no transaction yet */
    assert_int_equal(deepwell_conn_begin(conn, &err), DW_OK);
    assert_int_equal(deepwell_audit_insert_in_tx(conn, &e, "2020-01-01T00:00:00.000Z", true, &err),
                     DW_OK);
    assert_int_equal(deepwell_audit_insert_in_tx(conn, &e, "2020-01-02T00:00:00.000Z", true, &err),
                     DW_OK);
    assert_int_equal(deepwell_conn_commit(conn, &err), DW_OK);
    deepwell_pool_release(f->dw->pool, conn);
    deepwell_audit_reload_tip(f->dw);
    assert_int_equal(log_one(f->dw, "after", NULL), 4);
    assert_chain_whole(f->dw, 4);

    struct deepwell_audit_query q = {.action = "imported.login", .oldest_first = true};
    assert_int_equal(deepwell_audit_query(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    assert_true(rows.rows[0].imported);
    assert_string_equal(rows.rows[0].ts, "2020-01-01T00:00:00.000Z");
    deepwell_audit_rows_free(&rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(queries_filter_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(queries_leave_out_users_above_the_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(row_json_has_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(queries_filter_by_outcome_time_and_page, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_inserted_in_a_transaction_chain_with_the_thread, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
