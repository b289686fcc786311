/*
 * test_dw_audit_file.c - an SQLite store's audit log in its own file (sqlite_audit_file.h):
 * the move from the store file (migration 5) and its interruption, a missing audit
 * file, backups of both files, and commits of audit rows leaving the store file alone.
 * SQLite only: a PostgreSQL store keeps its log in the one database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deepwell/sqlite_audit_file.h"
#include "deepwell/migrate.h"
#include "deepwell/pool.h"
#include "dw_fixture.h"

#define OLD_ROWS 3

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void audit_path_of(const struct dw_fixture *f, char *out, size_t size)
{
    snprintf(out, size, "%s.audit", f->path);
}

/* A pool on f's store for the internal steps (no audit thread, no checkpointer). */
static struct deepwell_pool *open_pool(const struct dw_fixture *f, bool create)
{
    struct deepwell_options opts = {0};
    opts.path = f->path;
    opts.create = create;
    deepwell_options_defaults(&opts);
    struct deepwell_pool *pool = NULL;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_open(&opts, &pool, &err), DW_OK);
    return pool;
}

/* A store at version 4, when the log was a table of the store file, with OLD_ROWS rows. */
static void build_version_4_with_rows(const struct dw_fixture *f)
{
    struct deepwell_pool *pool = open_pool(f, true);
    struct deepwell_conn *writer;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_WRITER, &writer, &err), DW_OK);
    assert_int_equal(deepwell_migrate_to(writer, f->path, 4, NULL, &err), DW_OK);
    deepwell_pool_release(pool, writer);
    deepwell_pool_close(pool);
    for (int i = 1; i <= OLD_ROWS; i++) {
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO audit_log (id, ts, action, outcome, severity, prev_hash, hash)"
                 " VALUES (%d, '2026-01-0%dT00:00:00.000Z', 'old.%d', 'success', 'info',"
                 " zeroblob(32), randomblob(32))",
                 i, i, i);
        assert_int_equal(dw_fixture_exec(f->path, sql), SQLITE_OK);
    }
}

static int64_t count(const struct dw_fixture *f, const char *sql)
{
    return dw_fixture_query_int(f->path, sql);
}

static const char SQL_MAIN_HAS_LOG[] =
    "SELECT count(*) FROM main.sqlite_schema WHERE name = 'audit_log'";

static void old_rows_move_to_the_audit_file(void **state)
{
    (void)state;
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = dw_fixture_new("test_dw_audit_file");
    build_version_4_with_rows(f);
    int64_t before = count(f, "SELECT sum(length(hash) + id) FROM audit_log");
    char audit[1200];
    audit_path_of(f, audit, sizeof(audit));
    assert_false(file_exists(audit));

    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, false, true, &err), DW_OK);
    assert_int_equal(deepwell_schema_version(f->dw), deepwell_schema_latest());
    assert_true(file_exists(audit));
    assert_int_equal(count(f, SQL_MAIN_HAS_LOG), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM audit.audit_log"), OLD_ROWS);
    assert_int_equal(count(f, "SELECT sum(length(hash) + id) FROM audit.audit_log"), before);

    /* New rows follow the old ones, in the audit file, and the log still refuses edits. */
    struct deepwell_audit_entry e = {.action = "new.row"};
    int64_t id = 0;
    assert_int_equal(deepwell_audit_log(f->dw, &e, &id, &err), DW_OK);
    assert_int_equal(id, OLD_ROWS + 1);
    assert_int_equal(count(f, "SELECT count(*) FROM audit.audit_log WHERE action = 'new.row'"), 1);
    assert_int_not_equal(dw_fixture_exec(f->path, "DELETE FROM audit_log WHERE id = 1"), SQLITE_OK);
    dw_fixture_free(f);
}

/* A crash after the first step (rows copied) and before the migration's commit. */
static void interrupted_move_finishes_without_duplicates(void **state)
{
    (void)state;
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = dw_fixture_new("test_dw_audit_file");
    build_version_4_with_rows(f);
    struct deepwell_pool *pool = open_pool(f, false);
    struct deepwell_conn *writer;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_WRITER, &writer, &err), DW_OK);
    assert_int_equal(deepwell_audit_file_split(writer, f->path, &err), DW_OK);
    deepwell_pool_release(pool, writer);
    deepwell_pool_close(pool);
    /* Both files hold the rows now; the store file still says version 4. */
    assert_int_equal(count(f, "SELECT max(version) FROM schema_version"), 4);
    assert_int_equal(count(f, "SELECT count(*) FROM main.audit_log"), OLD_ROWS);
    assert_int_equal(count(f, "SELECT count(*) FROM audit.audit_log"), OLD_ROWS);
    /* ... and an older program appended one more meanwhile. */
    assert_int_equal(
        dw_fixture_exec(f->path, "INSERT INTO main.audit_log (id, ts, action, outcome, severity,"
                                 " prev_hash, hash) VALUES (4, 'later', 'old.4', 'success',"
                                 " 'info', zeroblob(32), randomblob(32))"),
        SQLITE_OK);

    assert_int_equal(dw_fixture_open(f, false, true, &err), DW_OK);
    assert_int_equal(count(f, SQL_MAIN_HAS_LOG), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM audit.audit_log"), OLD_ROWS + 1);
    assert_int_equal(count(f, "SELECT count(DISTINCT id) FROM audit.audit_log"), OLD_ROWS + 1);
    dw_fixture_free(f);
}

static void missing_audit_file_is_refused_by_name(void **state)
{
    (void)state;
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = dw_fixture_new("test_dw_audit_file");
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, true, true, &err), DW_OK);
    deepwell_close(f->dw);
    f->dw = NULL;
    char audit[1200];
    audit_path_of(f, audit, sizeof(audit));
    assert_int_equal(unlink(audit), 0);

    assert_int_equal(dw_fixture_open(f, false, true, &err), DW_IO);
    assert_null(f->dw);
    assert_non_null(strstr(err.message, audit));
    assert_non_null(strstr(err.message, "is missing"));
    /* Reported, not replaced by an empty log. */
    assert_false(file_exists(audit));

    /* A file that is there but holds no log (an empty one) is refused too. */
    FILE *fp = fopen(audit, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(dw_fixture_open(f, false, true, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "holds no audit log"));

    /* One that is not a database at all is named as the audit log, not as the store. */
    fp = fopen(audit, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("an incident report, not a database\n", fp);
    fclose(fp);
    assert_int_equal(dw_fixture_open(f, false, true, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "the store's audit log"));
    assert_non_null(strstr(err.message, "not a database"));
    dw_fixture_free(f);
}

static void backup_copies_both_files_as_one_moment(void **state)
{
    (void)state;
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = dw_fixture_new("test_dw_audit_file");
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, true, true, &err), DW_OK);
    struct deepwell_audit_entry e = {.action = "before.backup"};
    for (int i = 0; i < 5; i++)
        assert_int_equal(deepwell_audit_log(f->dw, &e, NULL, &err), DW_OK);
    char copy[900], copy_audit[1000];
    snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
    snprintf(copy_audit, sizeof(copy_audit), "%s.audit", copy);
    assert_int_equal(deepwell_backup(f->dw, copy, &err), DW_OK);
    assert_true(file_exists(copy_audit));
    /* Never onto the store's own audit file. */
    char own_audit[1200];
    audit_path_of(f, own_audit, sizeof(own_audit));
    assert_int_equal(deepwell_backup(f->dw, own_audit, &err), DW_INVALID);
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM audit.audit_log"), 5);
    assert_int_equal(dw_fixture_query_int(copy, "SELECT count(*) FROM audit.audit_log"), 5);
    assert_int_equal(dw_fixture_query_int(copy, SQL_MAIN_HAS_LOG), 0);

    /* The copy opens as a store of its own, its chain whole. */
    struct dw_fixture other = *f;
    snprintf(other.path, sizeof(other.path), "%s", copy);
    other.dw = NULL;
    assert_int_equal(dw_fixture_open(&other, false, false, &err), DW_OK);
    int64_t rows_checked = 0, bad_id = 0;
    assert_int_equal(deepwell_audit_verify(other.dw, &rows_checked, &bad_id, &err), DW_OK);
    assert_int_equal(rows_checked, 5);
    deepwell_close(other.dw);
    dw_fixture_free(f);
}

/*
 * Why the file is separate: an audit commit must not change the store file, or every
 * reader's page cache for it is dropped (SQLite resets a connection's cache when the
 * file's data_version moves).
 */
static void audit_commits_leave_the_store_file_alone(void **state)
{
    (void)state;
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = dw_fixture_new("test_dw_audit_file");
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, true, true, &err), DW_OK);
    sqlite3 *watcher = NULL;
    assert_int_equal(dw_fixture_open_raw(f->path, SQLITE_OPEN_READONLY, &watcher), SQLITE_OK);
    int64_t main_before = -1, audit_before = -1, main_after = -1, audit_after = -1;
    const char *versions[] = {"PRAGMA main.data_version", "PRAGMA audit.data_version"};
    int64_t *before[] = {&main_before, &audit_before};
    int64_t *after[] = {&main_after, &audit_after};
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 2; i++) {
            sqlite3_stmt *stmt = NULL;
            assert_int_equal(sqlite3_prepare_v2(watcher, versions[i], -1, &stmt, NULL), SQLITE_OK);
            assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
            *(round == 0 ? before[i] : after[i]) = sqlite3_column_int64(stmt, 0);
            sqlite3_finalize(stmt);
        }
        if (round == 0) {
            struct deepwell_audit_entry e = {.action = "read"};
            for (int i = 0; i < 10; i++)
                assert_int_equal(deepwell_audit_log(f->dw, &e, NULL, &err), DW_OK);
        }
    }
    sqlite3_close(watcher);
    assert_int_equal(main_after, main_before);
    assert_int_not_equal(audit_after, audit_before);
    dw_fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(old_rows_move_to_the_audit_file),
        cmocka_unit_test(interrupted_move_finishes_without_duplicates),
        cmocka_unit_test(missing_audit_file_is_refused_by_name),
        cmocka_unit_test(backup_copies_both_files_as_one_moment),
        cmocka_unit_test(audit_commits_leave_the_store_file_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
