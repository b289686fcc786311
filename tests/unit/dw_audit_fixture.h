/*
 * dw_audit_fixture.h - a store opened for the audit tests (test_dw_audit*.c), on either
 * engine, and the helpers they share: writing a row, checking the chain, raw SQL as an
 * intruder.  Included by one test file each, so its helpers are static inline.
 */
#ifndef SCIPNET_TEST_DW_AUDIT_FIXTURE_H
#define SCIPNET_TEST_DW_AUDIT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "deepwell/audit.h"
#include "deepwell/deepwell.h"
#include "dw_fixture.h"

struct fixture {
    struct dw_fixture *fx; /* the directory or schema, removed by teardown */
    const char *path;
    struct deepwell *dw;
};

static inline enum deepwell_code open_store(struct fixture *f, int batch_max)
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

static inline int setup(void **state)
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

static inline int teardown(void **state)
{
    struct fixture *f = *state;
    f->fx->dw = f->dw; /* closed by dw_fixture_free */
    dw_fixture_free(f->fx);
    free(f);
    return 0;
}

static inline void reopen(struct fixture *f)
{
    deepwell_close(f->dw);
    f->dw = NULL;
    assert_int_equal(open_store(f, 32), DW_OK);
}

/*
 * Runs sql on a connection of its own, as an intruder with file (or database) access
 * would: sqlite_sql on SQLite, pg_sql on PostgreSQL.  0 on success.
 */
static inline int exec_raw_for(const char *path, const char *sqlite_sql, const char *pg_sql,
                               char *message, size_t size)
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
static inline int exec_raw(const char *path, const char *sql, char *message, size_t size)
{
    return exec_raw_for(path, sql, sql, message, size);
}

static inline int64_t log_one(struct deepwell *dw, const char *action, const char *details)
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

static inline void assert_chain_whole(struct deepwell *dw, int64_t expected_rows)
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

#endif
