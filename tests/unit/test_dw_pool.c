/* test_dw_pool.c - the connection pool: concurrency, exhaustion, statement cache, cleanup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>

#include "common/timeutil.h"
#include "deepwell/pool.h"
#include "dw_fixture.h"

#define THREADS 6
#define ROUNDS  150

static const char SQL_CREATE[] = "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)";
static const char SQL_INSERT[] = "INSERT INTO t (v) VALUES (?1)";
static const char SQL_COUNT[] = "SELECT count(*) FROM t";

struct pool_fixture {
    struct dw_fixture *dir;
    struct deepwell_pool *pool;
};

static struct deepwell_pool *open_pool(const char *path, int readers, int checkout_timeout_ms)
{
    struct deepwell_options opts = {0};
    opts.path = path;
    opts.readers = readers;
    opts.checkout_timeout_ms = checkout_timeout_ms;
    opts.create = true;
    deepwell_options_defaults(&opts);
    struct deepwell_pool *pool = NULL;
    struct deepwell_error err;
    if (deepwell_pool_open(&opts, &pool, &err) != DW_OK)
        fprintf(stderr, "pool open: %s\n", err.message);
    return pool;
}

static int64_t count_rows(struct deepwell_pool *pool)
{
    struct deepwell_conn *conn;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_READER, &conn, &err), DW_OK);
    sqlite3_stmt *stmt = deepwell_conn_prepare(conn, SQL_COUNT, &err);
    assert_non_null(stmt);
    assert_int_equal(deepwell_step(conn, stmt), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(stmt, 0);
    deepwell_pool_release(pool, conn);
    return n;
}

static int setup(void **state)
{
    struct pool_fixture *f = calloc(1, sizeof(*f));
    if (f == NULL || (f->dir = dw_fixture_new("test_dw_pool")) == NULL)
        return -1;
    f->pool = open_pool(f->dir->path, 2, 2000);
    if (f->pool == NULL)
        return -1;
    struct deepwell_conn *conn;
    if (deepwell_pool_acquire(f->pool, DW_CONN_WRITER, &conn, NULL) != DW_OK)
        return -1;
    int rc = sqlite3_exec(deepwell_conn_db(conn), SQL_CREATE, NULL, NULL, NULL);
    deepwell_pool_release(f->pool, conn);
    *state = f;
    return rc == SQLITE_OK ? 0 : -1;
}

static int teardown(void **state)
{
    struct pool_fixture *f = *state;
    deepwell_pool_close(f->pool);
    dw_fixture_free(f->dir);
    free(f);
    return 0;
}

struct worker {
    struct deepwell_pool *pool;
    int index;
    int writes;
    int failures;
};

/* Alternates writer inserts (in a transaction) and reader counts. */
static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int round = 0; round < ROUNDS; round++) {
        bool write = (round + w->index) % 3 == 0;
        struct deepwell_conn *conn;
        struct deepwell_error err;
        if (deepwell_pool_acquire(w->pool, write ? DW_CONN_WRITER : DW_CONN_READER, &conn, &err) !=
            DW_OK) {
            w->failures++;
            continue;
        }
        if (write) {
            sqlite3_stmt *stmt = NULL;
            bool ok = deepwell_conn_begin(conn, &err) == DW_OK &&
                      (stmt = deepwell_conn_prepare(conn, SQL_INSERT, &err)) != NULL &&
                      sqlite3_bind_int(stmt, 1, round) == SQLITE_OK &&
                      deepwell_step(conn, stmt) == SQLITE_DONE &&
                      deepwell_conn_commit(conn, &err) == DW_OK;
            if (ok)
                w->writes++;
            else
                w->failures++;
        } else {
            sqlite3_stmt *stmt = deepwell_conn_prepare(conn, SQL_COUNT, &err);
            if (stmt == NULL || deepwell_step(conn, stmt) != SQLITE_ROW)
                w->failures++;
        }
        deepwell_pool_release(w->pool, conn);
    }
    return NULL;
}

static void threads_share_a_small_pool(void **state)
{
    struct pool_fixture *f = *state;
    struct deepwell_pool_stats before, after;
    deepwell_pool_get_stats(f->pool, &before);

    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.pool = f->pool, .index = i};
        assert_int_equal(pthread_create(&threads[i], NULL, worker_main, &workers[i]), 0);
    }
    int writes = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(workers[i].failures, 0);
        writes += workers[i].writes;
    }

    deepwell_pool_get_stats(f->pool, &after);
    assert_int_equal(after.size, 3);
    assert_int_equal(after.in_use, 0);
    assert_int_equal(after.checkouts - before.checkouts, THREADS * ROUNDS);
    assert_int_equal(after.timeouts, 0);
    assert_int_equal(count_rows(f->pool), writes);
}

static void checkout_gives_up_when_all_are_held(void **state)
{
    struct pool_fixture *f = *state;
    struct deepwell_pool *pool = open_pool(f->dir->path, 1, 30);
    assert_non_null(pool);

    struct deepwell_conn *writer, *reader, *extra;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_WRITER, &writer, &err), DW_OK);
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_READER, &reader, &err), DW_OK);

    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_WRITER, &extra, &err), DW_POOL_EXHAUSTED);
    assert_null(extra);
    assert_non_null(strstr(err.message, "pool exhausted"));
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_READER, &extra, &err), DW_POOL_EXHAUSTED);

    struct deepwell_pool_stats stats;
    deepwell_pool_get_stats(pool, &stats);
    assert_int_equal(stats.timeouts, 2);
    assert_int_equal(stats.waits, 2);
    assert_int_equal(stats.in_use, 2);
    assert_int_equal(stats.checkouts, 2);

    /* Freed again, the next checkout succeeds at once. */
    deepwell_pool_release(pool, reader);
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_READER, &extra, &err), DW_OK);
    deepwell_pool_release(pool, extra);
    deepwell_pool_release(pool, writer);
    deepwell_pool_close(pool);
}

struct late_release {
    struct deepwell_pool *pool;
    struct deepwell_conn *conn;
};

static void *release_later(void *arg)
{
    struct late_release *r = arg;
    usleep(50 * 1000);
    deepwell_pool_release(r->pool, r->conn);
    return NULL;
}

static void waiting_checkout_gets_a_released_connection(void **state)
{
    struct pool_fixture *f = *state;
    struct deepwell_conn *writer;
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_WRITER, &writer, NULL), DW_OK);
    struct late_release r = {f->pool, writer};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, release_later, &r), 0);

    struct deepwell_conn *again;
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_WRITER, &again, NULL), DW_OK);
    pthread_join(thread, NULL);
    deepwell_pool_release(f->pool, again);

    struct deepwell_pool_stats stats;
    deepwell_pool_get_stats(f->pool, &stats);
    assert_true(stats.waits >= 1);
    assert_int_equal(stats.timeouts, 0);
}

static void statements_are_cached_per_sql(void **state)
{
    struct pool_fixture *f = *state;
    struct deepwell_conn *conn;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_READER, &conn, &err), DW_OK);
    sqlite3_stmt *first = deepwell_conn_prepare(conn, SQL_COUNT, &err);
    assert_non_null(first);
    assert_int_equal(deepwell_step(conn, first), SQLITE_ROW);
    /* The same literal, and an equal string elsewhere, give the same (reset) statement. */
    assert_ptr_equal(deepwell_conn_prepare(conn, SQL_COUNT, &err), first);
    char *copy = strdup(SQL_COUNT);
    assert_ptr_equal(deepwell_conn_prepare(conn, copy, &err), first);
    free(copy);
    assert_false(sqlite3_stmt_busy(first));

    assert_null(deepwell_conn_prepare(conn, "  ", &err));
    assert_int_equal(err.code, DW_INTERNAL);
    assert_null(deepwell_conn_prepare(conn, "SELECT x FROM nowhere", &err));
    assert_int_equal(err.code, DW_INTERNAL);
    assert_non_null(strstr(err.message, "no such table"));
    assert_non_null(strstr(err.context, "SELECT x FROM"));
    deepwell_pool_release(f->pool, conn);
}

static void open_transaction_is_rolled_back_on_release(void **state)
{
    struct pool_fixture *f = *state;
    int64_t before = count_rows(f->pool);
    struct deepwell_conn *conn;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_WRITER, &conn, &err), DW_OK);
    assert_int_equal(deepwell_conn_begin(conn, &err), DW_OK);
    sqlite3_stmt *stmt = deepwell_conn_prepare(conn, SQL_INSERT, &err);
    assert_non_null(stmt);
    assert_int_equal(sqlite3_bind_int(stmt, 1, 7), SQLITE_OK);
    assert_int_equal(deepwell_step(conn, stmt), SQLITE_DONE);
    deepwell_pool_release(f->pool, conn); /* no COMMIT */

    assert_int_equal(count_rows(f->pool), before);
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_WRITER, &conn, &err), DW_OK);
    assert_true(sqlite3_get_autocommit(deepwell_conn_db(conn)));
    /* The writer is usable: a new transaction starts and commits. */
    assert_int_equal(deepwell_conn_begin(conn, &err), DW_OK);
    assert_int_equal(deepwell_conn_commit(conn, &err), DW_OK);
    deepwell_pool_release(f->pool, conn);
}

static void broken_connection_is_replaced_on_release(void **state)
{
    struct pool_fixture *f = *state;
    struct deepwell_conn *conn;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_READER, &conn, &err), DW_OK);
    /* Statements longer than 5 bytes now fail, so the health check's SELECT 1 does too. */
    sqlite3_limit(deepwell_conn_db(conn), SQLITE_LIMIT_SQL_LENGTH, 5);
    assert_null(deepwell_conn_prepare(conn, SQL_COUNT, &err));
    deepwell_pool_release(f->pool, conn);

    struct deepwell_pool_stats stats;
    deepwell_pool_get_stats(f->pool, &stats);
    assert_int_equal(stats.replaced, 1);
    assert_int_equal(stats.in_use, 0);
    /* Both readers answer again, the replaced one included. */
    struct deepwell_conn *a, *b;
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_READER, &a, &err), DW_OK);
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_READER, &b, &err), DW_OK);
    assert_non_null(deepwell_conn_prepare(a, SQL_COUNT, &err));
    assert_non_null(deepwell_conn_prepare(b, SQL_COUNT, &err));
    deepwell_pool_release(f->pool, a);
    deepwell_pool_release(f->pool, b);
}

static void locked_store_is_busy_within_a_bound(void **state)
{
    struct pool_fixture *f = *state;
    struct deepwell_options opts = {0};
    opts.path = f->dir->path;
    opts.busy_timeout_ms = 20;
    deepwell_options_defaults(&opts);
    struct deepwell_pool *pool;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_open(&opts, &pool, &err), DW_OK);

    /* Another process holds the write lock throughout. */
    sqlite3 *other;
    assert_int_equal(sqlite3_open(f->dir->path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    struct deepwell_conn *writer;
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_WRITER, &writer, &err), DW_OK);
    int64_t started = time_mono_ms();
    assert_int_equal(deepwell_conn_begin(writer, &err), DW_BUSY);
    assert_true(time_mono_ms() - started < 3000);
    assert_non_null(strstr(err.context, "BEGIN IMMEDIATE"));
    deepwell_pool_release(pool, writer);

    /* Once the lock is gone, the same writer works. */
    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_WRITER, &writer, &err), DW_OK);
    assert_int_equal(deepwell_conn_begin(writer, &err), DW_OK);
    assert_int_equal(deepwell_conn_commit(writer, &err), DW_OK);
    deepwell_pool_release(pool, writer);
    deepwell_pool_close(pool);
}

static void readers_cannot_write(void **state)
{
    struct pool_fixture *f = *state;
    struct deepwell_conn *conn;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(f->pool, DW_CONN_READER, &conn, &err), DW_OK);
    sqlite3_stmt *stmt = deepwell_conn_prepare(conn, SQL_INSERT, &err);
    assert_non_null(stmt);
    assert_int_equal(sqlite3_bind_int(stmt, 1, 1), SQLITE_OK);
    int rc = deepwell_step(conn, stmt);
    assert_int_equal(rc & 0xff, SQLITE_READONLY);
    assert_int_equal(deepwell_error_from_sqlite(&err, deepwell_conn_db(conn), rc, "test"), DW_IO);
    deepwell_pool_release(f->pool, conn);
}

static void bad_options_are_refused(void **state)
{
    struct pool_fixture *f = *state;
    struct deepwell_options opts = {0};
    opts.path = f->dir->path;
    deepwell_options_defaults(&opts);
    opts.synchronous = "SOMETIMES";
    struct deepwell_pool *pool;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_open(&opts, &pool, &err), DW_INVALID);
    assert_null(pool);
    assert_non_null(strstr(err.message, "SOMETIMES"));
    opts.synchronous = "full";
    opts.readers = -1;
    assert_int_equal(deepwell_pool_open(&opts, &pool, &err), DW_INVALID);
}

static void error_codes_map_and_name(void **state)
{
    (void)state;
    struct deepwell_error err;
    assert_int_equal(deepwell_error_from_sqlite(&err, NULL, SQLITE_BUSY, "x"), DW_BUSY);
    assert_int_equal(deepwell_error_from_sqlite(&err, NULL, SQLITE_FULL, "x"), DW_IO);
    assert_int_equal(deepwell_error_from_sqlite(&err, NULL, SQLITE_CORRUPT, "x"), DW_CORRUPT);
    assert_int_equal(deepwell_error_from_sqlite(&err, NULL, SQLITE_NOTADB, "x"), DW_CORRUPT);
    assert_string_equal(err.message, "not a deepwell store: file is not a database");
    assert_int_equal(deepwell_error_from_sqlite(&err, NULL, SQLITE_CONSTRAINT_UNIQUE, "x"),
                     DW_CONFLICT);
    assert_int_equal(deepwell_error_from_sqlite(&err, NULL, SQLITE_CONSTRAINT_CHECK, "x"),
                     DW_INVALID);
    char long_context[400];
    memset(long_context, 'a', sizeof(long_context) - 1);
    long_context[sizeof(long_context) - 1] = '\0';
    deepwell_error_set(&err, DW_INTERNAL, long_context, "boom %d", 42);
    assert_string_equal(err.message, "boom 42");
    assert_int_equal(strlen(err.context), 120);
    assert_string_equal(deepwell_code_name(DW_POOL_EXHAUSTED), "pool_exhausted");
    assert_string_equal(deepwell_code_name(DW_NOT_FOUND), "not_found");
    assert_int_equal(deepwell_error_set(NULL, DW_BUSY, NULL, "ignored"), DW_BUSY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(threads_share_a_small_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(checkout_gives_up_when_all_are_held, setup, teardown),
        cmocka_unit_test_setup_teardown(waiting_checkout_gets_a_released_connection, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(statements_are_cached_per_sql, setup, teardown),
        cmocka_unit_test_setup_teardown(open_transaction_is_rolled_back_on_release, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(broken_connection_is_replaced_on_release, setup, teardown),
        cmocka_unit_test_setup_teardown(locked_store_is_busy_within_a_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(readers_cannot_write, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_options_are_refused, setup, teardown),
        cmocka_unit_test(error_codes_map_and_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
