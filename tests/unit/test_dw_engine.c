/*
 * test_dw_engine.c - choosing the engine from the store's location, and two open
 * stores on one deepwell (as two servers share one PostgreSQL database) writing at
 * once: every write lands, sessions and throttling are shared, and the audit log
 * stays one chain.  Runs on either engine (dw_fixture.h); on PostgreSQL the
 * concurrent writes conflict (SQLSTATE 40001) and are run again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>

#include "deepwell/engine.h"
#include "dw_fixture.h"

#define THREADS          4
#define USERS_PER_THREAD 15
#define ROWS_PER_THREAD  50

/* A second store handle on the fixture's deepwell: the other "server". */
static struct deepwell *open_other(struct dw_fixture *f)
{
    struct deepwell_options opts = {0};
    opts.path = f->path;
    opts.readers = 2;
    deepwell_options_defaults(&opts);
    struct deepwell *dw = NULL;
    struct deepwell_error err;
    if (deepwell_open(&opts, &dw, &err) != DW_OK)
        fprintf(stderr, "open other: %s (%s)\n", err.message, err.context);
    assert_non_null(dw);
    return dw;
}

static void locations_pick_the_engine(void **state)
{
    (void)state;
    assert_int_equal(deepwell_engine_for("/var/lib/scipnet/deepwell.db")->kind, DW_ENGINE_SQLITE);
    assert_int_equal(deepwell_engine_for("sqlite:/tmp/x.db")->kind, DW_ENGINE_SQLITE);
    assert_int_equal(deepwell_engine_for("postgresql://u@db/deepwell")->kind, DW_ENGINE_PG);
    assert_int_equal(deepwell_engine_for("postgres://db/deepwell")->kind, DW_ENGINE_PG);
    assert_int_equal(deepwell_engine_for("postgresql.db")->kind, DW_ENGINE_SQLITE);
    assert_string_equal(deepwell_engine_sqlite_path("sqlite:/tmp/x.db"), "/tmp/x.db");
    assert_string_equal(deepwell_engine_sqlite_path("/tmp/x.db"), "/tmp/x.db");
}

static void only_conflicts_are_retryable(void **state)
{
    (void)state;
    struct deepwell_error err;
    deepwell_error_set(&err, DW_BUSY, "x", "could not serialize access (SQLSTATE 40001)");
    assert_true(deepwell_error_is_retryable(&err));
    deepwell_error_set(&err, DW_BUSY, "x", "deadlock detected (SQLSTATE 40P01)");
    assert_true(deepwell_error_is_retryable(&err));
    deepwell_error_set(&err, DW_BUSY, "x", "database is locked");
    assert_false(deepwell_error_is_retryable(&err));
    deepwell_error_set(&err, DW_CONFLICT, "x", "duplicate key (SQLSTATE 23505)");
    assert_false(deepwell_error_is_retryable(&err));
    assert_false(deepwell_error_is_retryable(NULL));
}

struct adder {
    struct deepwell *dw;
    int index;
    int ok;
};

static void *add_users(void *arg)
{
    struct adder *a = arg;
    for (int i = 0; i < USERS_PER_THREAD; i++) {
        char name[32];
        snprintf(name, sizeof(name), "agent-%d-%d", a->index, i);
        struct deepwell_user_new user = {.name = name,
                                         .password_hash = "x",
                                         .clearance = 2,
                                         .title = "Researcher",
                                         .active = true,
                                         .personnel_active = true};
        struct deepwell_error err;
        int64_t id = 0;
        enum deepwell_code code = deepwell_user_add(a->dw, &user, &id, &err);
        if (code == DW_OK && id > 0)
            a->ok++;
        else
            fprintf(stderr, "user_add %s: %s\n", name, err.message);
    }
    return NULL;
}

static void two_stores_add_users_at_once(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell *other = open_other(f);
    pthread_t threads[THREADS];
    struct adder adders[THREADS];
    for (int t = 0; t < THREADS; t++) {
        adders[t] = (struct adder){.dw = t % 2 == 0 ? f->dw : other, .index = t};
        assert_int_equal(pthread_create(&threads[t], NULL, add_users, &adders[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(adders[t].ok, USERS_PER_THREAD);
    }
    deepwell_close(other);
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(DISTINCT id) FROM users"),
                     THREADS * USERS_PER_THREAD);
}

static void sessions_and_throttling_are_shared(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell *other = open_other(f);
    struct deepwell_error err;
    struct deepwell_user_new user = {.name = "vance",
                                     .password_hash = "x",
                                     .clearance = 3,
                                     .title = "Field Agent",
                                     .active = true,
                                     .personnel_active = true};
    int64_t user_id = 0;
    assert_int_equal(deepwell_user_add(f->dw, &user, &user_id, &err), DW_OK);

    /* Issued by one, found by the other; ended by the other, ended for the first. */
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    memset(hash, 0x5c, sizeof(hash));
    assert_int_equal(deepwell_session_create(f->dw, hash, user_id, "a", 1000, 9000, &err), DW_OK);
    struct deepwell_session s;
    assert_int_equal(deepwell_session_find(other, hash, &s, &err), DW_OK);
    assert_false(s.revoked);
    assert_int_equal(deepwell_session_revoke(other, s.id, &err), DW_OK);
    assert_int_equal(deepwell_session_find(f->dw, hash, &s, &err), DW_OK);
    assert_true(s.revoked);

    /* Failures counted on both add up. */
    struct deepwell_login_failures lf;
    assert_int_equal(deepwell_login_failures_record(f->dw, "user:vance", 1000, 0, &lf, &err),
                     DW_OK);
    assert_int_equal(deepwell_login_failures_record(other, "user:vance", 2000, 5000, &lf, &err),
                     DW_OK);
    assert_int_equal(lf.failures, 2);
    assert_int_equal(deepwell_login_failures_get(f->dw, "user:vance", &lf, &err), DW_OK);
    assert_int_equal(lf.failures, 2);
    assert_int_equal(lf.blocked_until_ms, 5000);
    deepwell_close(other);
}

struct logger {
    struct deepwell *dw;
    int ok;
};

static void *log_rows(void *arg)
{
    struct logger *l = arg;
    struct deepwell_audit_entry e = {.client_addr = "127.0.0.1:7019", .action = "read"};
    for (int i = 0; i < ROWS_PER_THREAD; i++) {
        struct deepwell_error err;
        if (deepwell_audit_log(l->dw, &e, NULL, &err) == DW_OK)
            l->ok++;
        else
            fprintf(stderr, "audit: %s\n", err.message);
    }
    return NULL;
}

static void audit_rows_of_two_stores_form_one_chain(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell *other = open_other(f);
    pthread_t threads[THREADS];
    struct logger loggers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        loggers[t] = (struct logger){.dw = t % 2 == 0 ? f->dw : other};
        assert_int_equal(pthread_create(&threads[t], NULL, log_rows, &loggers[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(loggers[t].ok, ROWS_PER_THREAD);
    }
    deepwell_close(other);
    struct deepwell_error err;
    int64_t checked = 0, bad = 0;
    assert_int_equal(deepwell_audit_verify(f->dw, &checked, &bad, &err), DW_OK);
    assert_int_equal(checked, THREADS * ROWS_PER_THREAD);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(locations_pick_the_engine),
        cmocka_unit_test(only_conflicts_are_retryable),
        cmocka_unit_test_setup_teardown(two_stores_add_users_at_once, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(sessions_and_throttling_are_shared, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(audit_rows_of_two_stores_form_one_chain, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
