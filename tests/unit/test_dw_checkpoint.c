/*
 * test_dw_checkpoint.c - WAL checkpoints run on their own thread, and the WAL stays bounded.
 * SQLite only: PostgreSQL has no WAL of ours to checkpoint (its statistics stay 0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <time.h>

#include "deepwell/sqlite_checkpoint.h"
#include "dw_fixture.h"

/* ~2 KiB of details per row: 2,500 rows are ~5 MiB of WAL, well past 1,000 pages. */
#define ROWS      2500
#define PAD_BYTES 2000
#define WAIT_MS   10000

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The length of a WAL file: the store's own (suffix "-wal"), or its audit file's
   (".audit-wal"), where the audit rows these tests append go. */
static int64_t wal_bytes(const struct dw_fixture *f, const char *suffix)
{
    char wal[1100];
    snprintf(wal, sizeof(wal), "%s%s", f->path, suffix);
    struct stat st;
    return stat(wal, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Appends rows audit rows, count each committed, in batches as the server does. */
static void append_rows(struct deepwell *dw, int rows)
{
    static char details[PAD_BYTES + 32];
    snprintf(details, sizeof(details), "{\"pad\":\"%0*d\"}", PAD_BYTES, 7);
    struct deepwell_audit_entry e = {
        .client_addr = "127.0.0.1:1",
        .action = "read",
        .outcome = DW_OUTCOME_SUCCESS,
        .severity = DW_SEV_INFO,
        .details_json = details,
    };
    struct deepwell_error err;
    for (int i = 0; i < rows; i++)
        assert_int_equal(deepwell_audit_append(dw, &e, NULL, NULL, &err), DW_OK);
    assert_int_equal(deepwell_audit_flush(dw, &err), DW_OK);
}

/* Waits until the checkpointer has run at least `least` checkpoints; the stats then. */
static struct deepwell_pool_stats wait_for_checkpoints(struct deepwell *dw, uint64_t least)
{
    struct deepwell_pool_stats stats;
    for (int waited = 0; waited < WAIT_MS; waited += 20) {
        deepwell_pool_stats(dw, &stats);
        if (stats.checkpoints >= least)
            break;
        pause_ms(20);
    }
    return stats;
}

static void long_wal_is_checkpointed_by_the_thread(void **state)
{
    struct dw_fixture *f = *state;
    DW_FIXTURE_SQLITE_ONLY();
    append_rows(f->dw, ROWS);
    struct deepwell_pool_stats stats = wait_for_checkpoints(f->dw, 1);
    assert_true(stats.checkpoints >= 1);
    assert_int_equal(stats.checkpoint_failures, 0);

    /* Once everything is copied back, a commit starts the WAL over from its start. */
    int extra = 0;
    do {
        pause_ms(20);
        append_rows(f->dw, 1);
        extra++;
        deepwell_pool_stats(f->dw, &stats);
    } while (stats.wal_pages >= 20 && extra < WAIT_MS / 20);
    assert_true(stats.wal_pages < 20);

    /* Nothing was lost on the way, and the chain still holds. */
    int64_t checked = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_audit_verify(f->dw, &checked, NULL, &err), DW_OK);
    assert_int_equal(checked, ROWS + extra);
}

/* A store whose WAL limits are small enough to pass many times in a short test. */
#define SMALL_CHECKPOINT_PAGES 50
#define SMALL_RESTART_PAGES    400

static int open_small_wal(void **state, int audit_batch_max)
{
    struct dw_fixture *f = dw_fixture_new("test_dw_checkpoint");
    if (f == NULL)
        return -1;
    struct deepwell_options opts = {0};
    opts.audit_batch_max = audit_batch_max;
    opts.path = f->path;
    opts.readers = 2;
    opts.create = true;
    opts.migrate = true;
    opts.wal_checkpoint_pages = SMALL_CHECKPOINT_PAGES;
    opts.wal_restart_pages = SMALL_RESTART_PAGES;
    deepwell_options_defaults(&opts);
    struct deepwell_error err;
    if (deepwell_open(&opts, &f->dw, &err) != DW_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        dw_fixture_free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int small_wal_setup(void **state)
{
    return open_small_wal(state, 0);
}

/* Small group commits: many commits pass the restart limit, each one a chance to wait. */
static int small_wal_small_batches_setup(void **state)
{
    return open_small_wal(state, 8);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void long_reader_never_holds_the_commits(void **state)
{
    struct dw_fixture *f = *state;
    DW_FIXTURE_SQLITE_ONLY();
    /* Another process's long read (a backup, an export) keeps the WAL from starting over. */
    sqlite3 *reader = NULL;
    assert_int_equal(dw_fixture_open_raw(f->path, SQLITE_OPEN_READWRITE, &reader), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM audit_log", NULL, NULL, NULL), SQLITE_OK);
    /*
     * ~650 pages in commits of 8 rows, past the 400-page limit about 60 times.  Were
     * each commit to wait busy_timeout (5 s) for that reader, this would take minutes.
     */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    append_rows(f->dw, ROWS / 2);
    double took = seconds_since(&start);
    struct deepwell_pool_stats stats;
    deepwell_pool_stats(f->dw, &stats);
    assert_int_equal(stats.checkpoint_failures, 0);
    assert_true(took < 60.0);
    assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(reader);

    /* The reader gone, the next commits past the limit make the WAL start over. */
    uint64_t restarts = stats.checkpoint_restarts;
    for (int i = 0; i < 20 && stats.checkpoint_restarts == restarts; i++) {
        append_rows(f->dw, 200);
        deepwell_pool_stats(f->dw, &stats);
    }
    assert_true(stats.checkpoint_restarts > restarts);
    assert_true(dw_fixture_query_int(f->path, "SELECT count(*) FROM audit_log") >= ROWS / 2);
}

static void wal_stays_bounded_under_steady_writes(void **state)
{
    struct dw_fixture *f = *state;
    DW_FIXTURE_SQLITE_ONLY();
    /* Back-to-back commits of ~25 MiB (6,000+ pages, 15 times the restart limit): the
       writer never pauses, so the WAL starts over only when the checkpointer makes it. */
    append_rows(f->dw, 5 * ROWS);
    struct deepwell_pool_stats stats;
    deepwell_pool_stats(f->dw, &stats);
    assert_true(stats.checkpoints >= 1);
    assert_int_equal(stats.checkpoint_failures, 0);
    /* The file keeps the largest length the WAL ever had. */
    int64_t pages = wal_bytes(f, ".audit-wal") / 4096;
    assert_true(pages > 0);
    /* At most the limit plus the commits that crossed it (a group commit of 256 of
       these rows is ~150 pages). */
    assert_true(stats.checkpoint_restarts >= 1);
    assert_true(pages < 4 * SMALL_RESTART_PAGES);
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM audit_log"), 5 * ROWS);
}

static void bad_limits_are_refused(void **state)
{
    (void)state;
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = dw_fixture_new("test_dw_checkpoint");
    assert_non_null(f);
    struct deepwell_options opts = {0};
    opts.path = f->path;
    opts.create = true;
    opts.migrate = true;
    opts.wal_checkpoint_pages = 500;
    opts.wal_restart_pages = 100;
    deepwell_options_defaults(&opts);
    struct deepwell_error err;
    assert_int_equal(deepwell_open(&opts, &f->dw, &err), DW_INVALID);
    assert_null(f->dw);
    assert_non_null(strstr(err.message, "WAL limits"));
    dw_fixture_free(f);
}

static void idle_store_is_checkpointed_within_seconds(void **state)
{
    struct dw_fixture *f = *state;
    DW_FIXTURE_SQLITE_ONLY();
    /* A few commits, far below the page threshold: only the idle timer copies them. */
    append_rows(f->dw, 10);
    struct deepwell_pool_stats stats = wait_for_checkpoints(f->dw, 1);
    assert_true(stats.checkpoints >= 1);
    assert_true(stats.wal_pages > 0 && stats.wal_pages < DEEPWELL_CHECKPOINT_PAGES);
}

static void closed_store_has_everything_in_its_file(void **state)
{
    struct dw_fixture *f = *state;
    DW_FIXTURE_SQLITE_ONLY();
    append_rows(f->dw, ROWS);
    deepwell_close(f->dw);
    f->dw = NULL;
    /* The last connection to close copies the rest and removes the WAL. */
    assert_int_equal(wal_bytes(f, "-wal"), 0);
    assert_int_equal(wal_bytes(f, ".audit-wal"), 0);
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM audit_log"), ROWS);
}

static void postgresql_reports_no_wal(void **state)
{
    struct dw_fixture *f = *state;
    if (!dw_fixture_pg())
        skip();
    append_rows(f->dw, 10);
    struct deepwell_pool_stats stats;
    deepwell_pool_stats(f->dw, &stats);
    assert_int_equal(stats.checkpoints, 0);
    assert_int_equal(stats.wal_pages, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(long_wal_is_checkpointed_by_the_thread, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(wal_stays_bounded_under_steady_writes, small_wal_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(long_reader_never_holds_the_commits,
                                        small_wal_small_batches_setup, dw_fixture_teardown),
        cmocka_unit_test(bad_limits_are_refused),
        cmocka_unit_test_setup_teardown(idle_store_is_checkpointed_within_seconds, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(closed_store_has_everything_in_its_file, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(postgresql_reports_no_wal, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
