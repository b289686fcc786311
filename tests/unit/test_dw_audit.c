/*
 * test_dw_audit.c - the hash-chained audit log: group commit, verification, tampering.
 * Reading it back: test_dw_audit_read.c.
 * Runs on either engine (dw_fixture.h); the raw SQL an intruder would run is each engine's.
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
#include "dw_fixture.h"

#define THREADS         4
#define ROWS_PER_THREAD 200

#include "dw_audit_fixture.h"

static void fresh_log_verifies(void **state)
{
    struct fixture *f = *state;

    assert_chain_whole(f->dw, 0);
    assert_int_equal(log_one(f->dw, "login", NULL), 1);
    assert_int_equal(log_one(f->dw, "read", "{\"ref\":\"SCP-002\"}"), 2);
    assert_int_equal(log_one(f->dw, "logout", "{}"), 3);
    assert_chain_whole(f->dw, 3);
}

static void first_row_chains_on_zeros_and_rows_link(void **state)
{
    struct fixture *f = *state;
    struct deepwell_audit_query q = {.oldest_first = true};
    struct deepwell_audit_rows rows;
    struct deepwell_error err = {0};
    static const uint8_t zeros[32] = {0};

    log_one(f->dw, "a", NULL);
    log_one(f->dw, "b", NULL);
    assert_int_equal(deepwell_audit_query(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    assert_memory_equal(rows.rows[0].prev_hash, zeros, 32);
    assert_memory_equal(rows.rows[1].prev_hash, rows.rows[0].hash, 32);
    assert_memory_not_equal(rows.rows[0].hash, zeros, 32);
    deepwell_audit_rows_free(&rows);
}

/* ---- group commit from several threads ---------------------------------------------- */

struct writer_arg {
    struct deepwell *dw;
    int thread;
    pthread_mutex_t *lock;
    int *callbacks;
    int failures;
};

static void counted_done(void *arg, enum deepwell_code status, int64_t row_id)
{
    struct writer_arg *w = arg;
    pthread_mutex_lock(w->lock);
    if (status == DW_OK && row_id > 0)
        (*w->callbacks)++;
    else
        w->failures++;
    pthread_mutex_unlock(w->lock);
}

static void *writer_main(void *arg)
{
    struct writer_arg *w = arg;
    char details[64];

    for (int i = 0; i < ROWS_PER_THREAD; i++) {
        struct deepwell_audit_entry e = {.user_id = w->thread + 1,
                                         .client_addr = "10.0.0.1:1",
                                         .action = "load",
                                         .outcome = DW_OUTCOME_SUCCESS,
                                         .severity = DW_SEV_NOTICE,
                                         .details_json = details};
        struct deepwell_error err = {0};
        int64_t id = 0;
        snprintf(details, sizeof(details), "{\"thread\":%d,\"n\":%d}", w->thread, i);
        /* Half the rows wait for their commit; the other half use the callback form. */
        enum deepwell_code code = (i % 2 == 0)
                                      ? deepwell_audit_log(w->dw, &e, &id, &err)
                                      : deepwell_audit_append(w->dw, &e, counted_done, w, &err);
        if (code != DW_OK) {
            pthread_mutex_lock(w->lock);
            w->failures++;
            pthread_mutex_unlock(w->lock);
        }
    }
    return NULL;
}

static void concurrent_rows_all_land_once(void **state)
{
    struct fixture *f = *state;
    pthread_t threads[THREADS];
    struct writer_arg args[THREADS];
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int callbacks = 0;
    static bool seen[THREADS][ROWS_PER_THREAD];
    struct deepwell_error err = {0};

    memset(seen, 0, sizeof(seen));
    for (int t = 0; t < THREADS; t++) {
        args[t] = (struct writer_arg){f->dw, t, &lock, &callbacks, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, writer_main, &args[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    assert_int_equal(deepwell_audit_flush(f->dw, &err), DW_OK);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(args[t].failures, 0);
    assert_int_equal(callbacks, THREADS * ROWS_PER_THREAD / 2);

    struct deepwell_audit_query q = {.oldest_first = true};
    struct deepwell_audit_rows rows;
    assert_int_equal(deepwell_audit_query(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, THREADS * ROWS_PER_THREAD);
    for (size_t i = 0; i < rows.count; i++) {
        json_t *d = json_loads(rows.rows[i].details_json, 0, NULL);
        assert_non_null(d);
        int t = (int)json_integer_value(json_object_get(d, "thread"));
        int n = (int)json_integer_value(json_object_get(d, "n"));
        json_decref(d);
        assert_true(t >= 0 && t < THREADS && n >= 0 && n < ROWS_PER_THREAD);
        assert_false(seen[t][n]);
        seen[t][n] = true;
        assert_int_equal(rows.rows[i].id, (int64_t)i + 1);
        assert_int_equal(rows.rows[i].user_id, t + 1);
        if (i > 0) /* stamped in queue order */
            assert_true(strcmp(rows.rows[i - 1].ts, rows.rows[i].ts) <= 0);
    }
    deepwell_audit_rows_free(&rows);
    assert_chain_whole(f->dw, THREADS * ROWS_PER_THREAD);
}

/* ---- round trips ------------------------------------------------------------------- */

#define BATCH_ROWS 30

static void count_done(void *arg, enum deepwell_code status, int64_t row_id)
{
    int *ok = arg;
    if (status == DW_OK && row_id > 0)
        __atomic_add_fetch(ok, 1, __ATOMIC_RELAXED);
}

/*
 * On PostgreSQL every statement is a round trip: a batch of rows must cost fewer round
 * trips than it has rows (several rows to an INSERT, each actor's name read once), not
 * two per row.  The writer is held meanwhile so the rows queue up into one batch.
 */
static void a_batch_costs_fewer_round_trips_than_rows(void **state)
{
    struct fixture *f = *state;
    if (!dw_fixture_pg())
        skip(); /* SQLite has no round trips */
    struct deepwell_error err = {0};
    struct deepwell_pool_stats before, after;
    struct deepwell_conn *writer;
    int ok = 0;

    deepwell_pool_stats(f->dw, &before);
    assert_int_equal(deepwell_pool_acquire(f->dw->pool, DW_CONN_WRITER, &writer, &err), DW_OK);
    for (int i = 0; i < BATCH_ROWS; i++) {
        char details[32];
        snprintf(details, sizeof(details), "{\"n\":%d}", i);
        struct deepwell_audit_entry e = {.user_id = i % 3,
                                         .client_addr = "10.0.0.1:1",
                                         .action = "read",
                                         .outcome = DW_OUTCOME_SUCCESS,
                                         .severity = DW_SEV_INFO,
                                         .details_json = details};
        assert_int_equal(deepwell_audit_append(f->dw, &e, count_done, &ok, &err), DW_OK);
    }
    usleep(100 * 1000); /* the audit thread waits for the writer with what it took */
    deepwell_pool_release(f->dw->pool, writer);
    assert_int_equal(deepwell_audit_flush(f->dw, &err), DW_OK);
    deepwell_pool_stats(f->dw, &after);

    assert_int_equal(__atomic_load_n(&ok, __ATOMIC_RELAXED), BATCH_ROWS);
    uint64_t trips = after.round_trips - before.round_trips;
    fprintf(stderr, "%d audit rows: %llu round trips\n", BATCH_ROWS, (unsigned long long)trips);
    assert_true(trips > 0);
    assert_true(trips < BATCH_ROWS);
    assert_chain_whole(f->dw, BATCH_ROWS);
}

/* ---- tampering ---------------------------------------------------------------------- */

static void edited_row_is_found(void **state)
{
    struct fixture *f = *state;
    struct deepwell_error err = {0};
    int64_t checked = 0, bad = 0;

    for (int i = 0; i < 5; i++)
        log_one(f->dw, "read", "{\"ref\":\"SCP-013\"}");
    deepwell_close(f->dw);
    f->dw = NULL;
    assert_int_equal(
        exec_raw_for(f->path,
                     "DROP TRIGGER audit_log_no_update;"
                     "UPDATE audit_log SET details = '{\"ref\":\"SCP-005\"}' WHERE id = 3;",
                     "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;"
                     "UPDATE audit_log SET details = '{\"ref\":\"SCP-005\"}' WHERE id = 3;",
                     NULL, 0),
        SQLITE_OK);
    reopen(f);
    assert_int_equal(deepwell_audit_verify(f->dw, &checked, &bad, &err), DW_CORRUPT);
    assert_int_equal(bad, 3);
    assert_int_equal(checked, 2);
    assert_non_null(strstr(err.message, "row 3"));
    assert_int_equal(err.code, DW_CORRUPT);
}

static void deleted_row_is_found(void **state)
{
    struct fixture *f = *state;
    struct deepwell_error err = {0};
    int64_t bad = 0;

    for (int i = 0; i < 4; i++)
        log_one(f->dw, "login", NULL);
    assert_int_equal(exec_raw_for(f->path,
                                  "DROP TRIGGER audit_log_no_delete;"
                                  "DELETE FROM audit_log WHERE id = 2;",
                                  "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;"
                                  "DELETE FROM audit_log WHERE id = 2;",
                                  NULL, 0),
                     SQLITE_OK);
    assert_int_equal(deepwell_audit_verify(f->dw, NULL, &bad, &err), DW_CORRUPT);
    assert_int_equal(bad, 3);
}

static void update_and_delete_are_refused(void **state)
{
    struct fixture *f = *state;
    char message[256];

    log_one(f->dw, "login", NULL);
    assert_int_not_equal(exec_raw(f->path, "UPDATE audit_log SET action = 'x' WHERE id = 1;",
                                  message, sizeof(message)),
                         SQLITE_OK);
    assert_non_null(strstr(message, "append-only"));
    assert_int_not_equal(
        exec_raw(f->path, "DELETE FROM audit_log WHERE id = 1;", message, sizeof(message)),
        SQLITE_OK);
    assert_non_null(strstr(message, "append-only"));
    assert_chain_whole(f->dw, 1);
}

/* ---- validation --------------------------------------------------------------------- */

static void details_must_be_a_json_object(void **state)
{
    struct fixture *f = *state;
    const char *bad[] = {"[1,2]", "5", "\"text\"", "null", "{\"a\":", "{\"a\":1,\"a\":2}", ""};
    struct deepwell_error err = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct deepwell_audit_entry e = {.action = "x", .details_json = bad[i]};
        assert_int_equal(deepwell_audit_log(f->dw, &e, NULL, &err), DW_INVALID);
        assert_int_equal(deepwell_audit_append(f->dw, &e, NULL, NULL, &err), DW_INVALID);
    }
    struct deepwell_audit_entry no_action = {.action = NULL};
    assert_int_equal(deepwell_audit_log(f->dw, &no_action, NULL, &err), DW_INVALID);
    struct deepwell_audit_entry bad_outcome = {.action = "x", .outcome = 7};
    assert_int_equal(deepwell_audit_log(f->dw, &bad_outcome, NULL, &err), DW_INVALID);
    assert_chain_whole(f->dw, 0);
}

static void details_are_stored_canonically(void **state)
{
    struct fixture *f = *state;
    struct deepwell_audit_query q = {.limit = 1};
    struct deepwell_audit_rows rows;
    struct deepwell_error err = {0};

    log_one(f->dw, "read", "{ \"z\" : 1, \"a\" : {\"y\": [1, 2], \"b\": \"\\u00e9\"} }");
    assert_int_equal(deepwell_audit_query(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 1);
    assert_string_equal(rows.rows[0].details_json,
                        "{\"a\":{\"b\":\"\xc3\xa9\",\"y\":[1,2]},\"z\":1}");
    deepwell_audit_rows_free(&rows);
}

/* ---- durability --------------------------------------------------------------------- */

static int close_callbacks;

static void count_close_callback(void *arg, enum deepwell_code status, int64_t row_id)
{
    (void)arg;
    if (status == DW_OK && row_id > 0)
        close_callbacks++; /* only the audit thread touches this */
}

static void close_flushes_queued_rows(void **state)
{
    struct fixture *f = *state;
    struct deepwell_error err = {0};

    close_callbacks = 0;
    for (int i = 0; i < 300; i++) {
        struct deepwell_audit_entry e = {.action = "queued", .client_addr = "local"};
        assert_int_equal(deepwell_audit_append(f->dw, &e, count_close_callback, NULL, &err), DW_OK);
    }
    reopen(f); /* closes without a flush of its own */
    assert_int_equal(close_callbacks, 300);

    struct deepwell_audit_query q = {.action = "queued"};
    struct deepwell_audit_rows rows;
    assert_int_equal(deepwell_audit_query(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 300);
    deepwell_audit_rows_free(&rows);
    assert_chain_whole(f->dw, 300);
}

/* ---- a failing batch ---------------------------------------------------------------- */

struct outcome_tally {
    int ok, failed;
    enum deepwell_code poison_status;
};

static void tally_done(void *arg, enum deepwell_code status, int64_t row_id)
{
    struct outcome_tally *t = arg; /* only the audit thread touches this */
    if (status == DW_OK && row_id > 0)
        t->ok++;
    else
        t->failed++;
}

static void poison_done(void *arg, enum deepwell_code status, int64_t row_id)
{
    struct outcome_tally *t = arg;
    (void)row_id;
    t->poison_status = status;
    tally_done(arg, status, row_id);
}

static void only_the_bad_entry_of_a_failed_batch_fails(void **state)
{
    struct fixture *f = *state;
    struct outcome_tally tally = {0, 0, DW_OK};
    struct deepwell_error err = {0};
    struct deepwell_audit_rows rows;

    /* A trigger that refuses one action makes whichever batch holds it fail. */
    assert_int_equal(exec_raw_for(f->path,
                                  "CREATE TRIGGER audit.poison BEFORE INSERT ON audit_log"
                                  " WHEN NEW.action = 'poison'"
                                  " BEGIN SELECT RAISE(ABORT, 'poisoned row'); END;",
                                  "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS"
                                  " $$ BEGIN IF NEW.action = 'poison' THEN"
                                  " RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$;"
                                  "CREATE TRIGGER poison BEFORE INSERT ON audit_log"
                                  " FOR EACH ROW EXECUTE FUNCTION poison();",
                                  NULL, 0),
                     SQLITE_OK);
    struct deepwell_audit_entry good = {.action = "good"};
    struct deepwell_audit_entry poison = {.action = "poison"};
    for (int i = 0; i < 20; i++)
        assert_int_equal(deepwell_audit_append(f->dw, &good, tally_done, &tally, &err), DW_OK);
    assert_int_equal(deepwell_audit_append(f->dw, &poison, poison_done, &tally, &err), DW_OK);
    for (int i = 0; i < 20; i++)
        assert_int_equal(deepwell_audit_append(f->dw, &good, tally_done, &tally, &err), DW_OK);
    assert_int_not_equal(deepwell_audit_flush(f->dw, &err), DW_OK);
    assert_int_not_equal(tally.poison_status, DW_OK);
    /* The batch that held it is retried row by row: only the bad entry is lost. */
    assert_int_equal(tally.failed, 1);
    assert_int_equal(tally.ok, 40);

    /* The waiting form hears why. */
    assert_int_not_equal(deepwell_audit_log(f->dw, &poison, NULL, &err), DW_OK);
    assert_non_null(strstr(err.message, "poisoned row"));

    /* Everything reported committed is there, nothing else, and the chain is whole. */
    assert_int_equal(log_one(f->dw, "after", NULL), tally.ok + 1);
    struct deepwell_audit_query q = {.oldest_first = true};
    assert_int_equal(deepwell_audit_query(f->dw, &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, (size_t)tally.ok + 1);
    deepwell_audit_rows_free(&rows);
    assert_chain_whole(f->dw, tally.ok + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fresh_log_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(first_row_chains_on_zeros_and_rows_link, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_rows_all_land_once, setup, teardown),
        cmocka_unit_test_setup_teardown(a_batch_costs_fewer_round_trips_than_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(edited_row_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(deleted_row_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(update_and_delete_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(details_must_be_a_json_object, setup, teardown),
        cmocka_unit_test_setup_teardown(details_are_stored_canonically, setup, teardown),
        cmocka_unit_test_setup_teardown(close_flushes_queued_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(only_the_bad_entry_of_a_failed_batch_fails, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
