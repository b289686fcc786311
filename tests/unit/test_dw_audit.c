/*
 * test_dw_audit.c - the hash-chained audit log: group commit, verification, tampering.
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

struct fixture {
    struct dw_fixture *fx; /* the directory or schema, removed by teardown */
    const char *path;
    struct deepwell *dw;
};

static enum deepwell_code open_store(struct fixture *f, int batch_max)
{
    struct deepwell_options opts = {0};
    struct deepwell_error err = {0};

    opts.path = f->path;
    opts.create = true;
    opts.migrate = true;
    opts.audit_batch_max = batch_max;
    enum deepwell_code code = deepwell_open(&opts, &f->dw, &err);
    if (code != DW_OK)
        fprintf(stderr, "open: %s (%s)\n", err.message, err.context);
    return code;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (f == NULL || (f->fx = dw_fixture_new("test_dw_audit")) == NULL)
        return -1;
    f->path = f->fx->path;
    if (open_store(f, 32) != DW_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    f->fx->dw = f->dw; /* closed by dw_fixture_free */
    dw_fixture_free(f->fx);
    free(f);
    return 0;
}

static void reopen(struct fixture *f)
{
    deepwell_close(f->dw);
    f->dw = NULL;
    assert_int_equal(open_store(f, 32), DW_OK);
}

/*
 * Runs sql on a connection of its own, as an intruder with file (or database) access
 * would: sqlite_sql on SQLite, pg_sql on PostgreSQL.  0 on success.
 */
static int exec_raw_for(const char *path, const char *sqlite_sql, const char *pg_sql, char *message,
                        size_t size)
{
    if (dw_fixture_pg())
        return dw_fixture_pg_exec(path, pg_sql, message, size);
    const char *sql = sqlite_sql;
    sqlite3 *db;
    char *errmsg = NULL;
    int rc = dw_fixture_open_raw(path, SQLITE_OPEN_READWRITE, &db);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        rc = sqlite3_exec(db, sql, NULL, NULL, &errmsg);
    }
    if (message != NULL)
        snprintf(message, size, "%s", errmsg != NULL ? errmsg : "");
    sqlite3_free(errmsg);
    sqlite3_close(db);
    return rc;
}

/* The same SQL on both engines. */
static int exec_raw(const char *path, const char *sql, char *message, size_t size)
{
    return exec_raw_for(path, sql, sql, message, size);
}

static int64_t log_one(struct deepwell *dw, const char *action, const char *details)
{
    struct deepwell_audit_entry e = {.client_addr = "127.0.0.1:5000",
                                     .action = action,
                                     .outcome = DW_OUTCOME_SUCCESS,
                                     .severity = DW_SEV_INFO,
                                     .details_json = details};
    struct deepwell_error err = {0};
    int64_t id = 0;

    assert_int_equal(deepwell_audit_log(dw, &e, &id, &err), DW_OK);
    assert_true(id > 0);
    return id;
}

static void assert_chain_whole(struct deepwell *dw, int64_t expected_rows)
{
    struct deepwell_error err = {0};
    int64_t checked = -1, bad = -1;

    enum deepwell_code code = deepwell_audit_verify(dw, &checked, &bad, &err);
    if (code != DW_OK)
        fprintf(stderr, "verify: %s\n", err.message);
    assert_int_equal(code, DW_OK);
    assert_int_equal(checked, expected_rows);
    assert_int_equal(bad, 0);
}

/* ---- tests -------------------------------------------------------------------------- */

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
        cmocka_unit_test_setup_teardown(fresh_log_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(first_row_chains_on_zeros_and_rows_link, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_rows_all_land_once, setup, teardown),
        cmocka_unit_test_setup_teardown(edited_row_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(deleted_row_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(update_and_delete_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(details_must_be_a_json_object, setup, teardown),
        cmocka_unit_test_setup_teardown(details_are_stored_canonically, setup, teardown),
        cmocka_unit_test_setup_teardown(close_flushes_queued_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(only_the_bad_entry_of_a_failed_batch_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(queries_filter_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(queries_leave_out_users_above_the_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(row_json_has_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_inserted_in_a_transaction_chain_with_the_thread, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
