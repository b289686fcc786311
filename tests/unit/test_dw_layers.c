/*
 * test_dw_layers.c - the engine seam (engine.h): the headers above the engines do
 * not bring in SQLite or libpq, every engine fills its whole table, and a statement
 * runs through the table of the engine that prepared it.  Runs on either engine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Only headers above the engines first: they must compile without sqlite3.h or libpq-fe.h. */
#include "deepwell/audit.h"
#include "deepwell/deepwell.h"
#include "deepwell/engine.h"
#include "deepwell/migrate.h"
#include "deepwell/pool.h"
#include "deepwell/query.h"
#include "deepwell/schema.h"
#include "deepwell/store.h"

#if defined(SQLITE_VERSION) || defined(LIBPQ_FE_H)
#error "a header above the engines includes an engine's own header"
#endif

#include "dw_fixture.h"

static const struct deepwell_engine *const engines[] = {&deepwell_engine_sqlite,
                                                        &deepwell_engine_pg};

/* Every member of the table except the ones engine.h says may be NULL. */
static void every_engine_fills_its_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
        const struct deepwell_engine *e = engines[i];
        assert_non_null(e->name);
        assert_non_null(e->open);
        assert_non_null(e->close);
        assert_non_null(e->healthy);
        assert_non_null(e->in_tx);
        assert_non_null(e->end_use);
        assert_non_null(e->prepare);
        assert_non_null(e->begin);
        assert_non_null(e->commit);
        assert_non_null(e->rollback);
        assert_non_null(e->read_begin);
        assert_non_null(e->read_end);
        assert_non_null(e->exec);
        assert_non_null(e->changes);
        assert_non_null(e->last_was_pkey_conflict);
        assert_non_null(e->error);
        assert_non_null(e->migrations);
        assert_non_null(e->sql_has_version_table);
        assert_non_null(e->sql_object_count);
        assert_non_null(e->backup_before_migrate);
        assert_non_null(e->backup);
        assert_non_null(e->integrity);
        const struct dw_stmt_ops *ops = e->stmt;
        assert_non_null(ops);
        assert_non_null(ops->step);
        assert_non_null(ops->reset);
        assert_non_null(ops->clear_bindings);
        assert_non_null(ops->sql);
        assert_non_null(ops->bind_null);
        assert_non_null(ops->bind_int64);
        assert_non_null(ops->bind_text);
        assert_non_null(ops->bind_blob);
        assert_non_null(ops->bind_error);
        assert_non_null(ops->col_is_null);
        assert_non_null(ops->col_int64);
        assert_non_null(ops->col_text);
        assert_non_null(ops->col_blob);
        assert_non_null(ops->col_bytes);
    }
    assert_ptr_not_equal(deepwell_engine_sqlite.stmt, deepwell_engine_pg.stmt);
}

/* The store's own connections: the fixture's engine, its statements, its transactions. */
static void statements_run_through_their_engine(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell *dw = f->dw;
    const struct deepwell_engine *engine =
        dw_fixture_pg() ? &deepwell_engine_pg : &deepwell_engine_sqlite;
    assert_ptr_equal(dw->engine, engine);
    struct deepwell_conn *conn;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, &err), DW_OK);
    assert_ptr_equal(deepwell_conn_engine(conn), engine);
    assert_ptr_equal(deepwell_conn_link(conn)->engine, engine);

    struct dw_stmt *stmt = NULL;
    assert_int_equal(dw_prepare(conn, "SELECT ?1 || 'x', ?2, ?3", &stmt, &err), DW_OK);
    assert_ptr_equal(stmt->ops, engine->stmt);
    assert_ptr_equal(stmt->conn, conn);
    assert_int_equal(dw_bind(stmt, &err, "layers", "tIr", "ab", (int64_t)1 << 40, (int64_t)0),
                     DW_OK);
    assert_int_equal(dw_step(stmt), DW_ROW);
    assert_string_equal((const char *)dw_col_text(stmt, 0), "abx");
    assert_int_equal(dw_col_int64(stmt, 1), (int64_t)1 << 40);
    assert_true(dw_col_is_null(stmt, 2));
    assert_int_equal(dw_step(stmt), DW_DONE);
    dw_reset(stmt);

    /* A transaction left open is the engine's to roll back, and the pool's to log. */
    assert_int_equal(deepwell_conn_begin(conn, &err), DW_OK);
    assert_true(deepwell_conn_in_tx(conn));
    deepwell_pool_release(dw->pool, conn);
    assert_int_equal(deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, &err), DW_OK);
    assert_false(deepwell_conn_in_tx(conn));
    deepwell_pool_release(dw->pool, conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_engine_fills_its_table),
        cmocka_unit_test_setup_teardown(statements_run_through_their_engine, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
