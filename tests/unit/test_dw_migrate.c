/*
 * test_dw_migrate.c - migrations from every earlier version, refusals, pre-migration backups.
 * Runs on either engine (dw_fixture.h); file-level cases are SQLite's alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deepwell/migrate.h"
#include "deepwell/schema.h"
#include "deepwell/pool.h"
#include "deepwell/search.h"
#include "deepwell/schema.h"
#include "dw_fixture.h"

/* Opens a pool on path (creating it), migrates it to version and closes it again. */
static void build_store_at(const char *path, int version)
{
    struct deepwell_options opts = {0};
    opts.path = path;
    opts.create = true;
    deepwell_options_defaults(&opts);
    struct deepwell_pool *pool;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_open(&opts, &pool, &err), DW_OK);
    struct deepwell_conn *writer;
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_WRITER, &writer, &err), DW_OK);
    int reached = -1;
    assert_int_equal(deepwell_migrate_to(writer, path, version, &reached, &err), DW_OK);
    assert_int_equal(reached, version);
    int read_back = -1;
    assert_int_equal(deepwell_migrate_read_version(writer, &read_back, &err), DW_OK);
    assert_int_equal(read_back, version);
    deepwell_pool_release(pool, writer);
    deepwell_pool_close(pool);
}

/* Rows that exist at each version, to be found again after migrating. */
static void insert_data_for(const char *path, int version)
{
    if (version >= 1) {
        assert_int_equal(dw_fixture_exec(path,
                                         "INSERT INTO sites (id, name, created_at, updated_at)"
                                         " VALUES (19, 'Site-19', 'then', 'then');"
                                         "INSERT INTO scp_files (number, title,"
                                         " clearance_level, created_at, updated_at)"
                                         " VALUES (2, 'The Living Room', 2, 'then', 'then');"
                                         "INSERT INTO sections (scp_id, kind, title, position,"
                                         " clearance_level, body) SELECT id, 'description',"
                                         " 'Description', 1, 2, 'A room that breathes.'"
                                         " FROM scp_files WHERE number = 2;"
                                         "INSERT INTO status_history (scp_id, old_status,"
                                         " new_status, changed_at) SELECT id, 'active',"
                                         " 'neutralized', 'then' FROM scp_files WHERE number = 2"),
                         SQLITE_OK);
    }
    if (version >= DEEPWELL_SEARCH_VERSION) { /* indexed as the write path would have */
        char meta[512], sql[1024];
        dw_search_meta("scp", 2, 2, "", "", 1, 7, meta, sizeof(meta));
        snprintf(sql, sizeof(sql),
                 "INSERT INTO search_docs (kind, ref_id, file_level, title, band_lo, band_hi,"
                 " body, meta) VALUES ('scp', 2, 2, 'The Living Room', 1, 7,"
                 " 'SCP-002 The Living Room', '%s')",
                 meta);
        assert_int_equal(dw_fixture_exec(path, sql), SQLITE_OK);
    }
    if (version >= 8) {
        /* More files than one backfill transaction takes (64), twice over. */
        assert_int_equal(dw_fixture_exec(path, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL"
                                               " SELECT x + 1 FROM c WHERE x < 130)"
                                               " INSERT INTO scp_files (number, title,"
                                               " clearance_level, created_at, updated_at)"
                                               " SELECT 1000 + x, 'Bulk file', 2, 'then', 'then'"
                                               " FROM c"),
                         SQLITE_OK);
    }
    if (version >= 7) {
        assert_int_equal(dw_fixture_exec(path, "UPDATE scp_files SET tags = 'Domestic living-room'"
                                               " WHERE number = 2;"
                                               "INSERT INTO scp_files (number, title,"
                                               " clearance_level, created_at, updated_at, tags)"
                                               " VALUES (3, 'The Drift', 2, 'then', 'then',"
                                               " 'élan Эксперимент')"),
                         SQLITE_OK);
    }
    if (version >= 13) { /* tags indexed as 13 did: only their ASCII letters ("élan": "lan") */
        char meta[512], sql[1024];
        dw_search_meta("scp", 2, 2, "", " domestic  livingroom ", 1, 7, meta, sizeof(meta));
        snprintf(sql, sizeof(sql),
                 "UPDATE search_docs SET tags = ' domestic  livingroom ', meta = '%s'"
                 " WHERE ref_id = 2",
                 meta);
        assert_int_equal(dw_fixture_exec(path, sql), SQLITE_OK);
        dw_search_meta("scp", 3, 2, "", " lan ", 1, 7, meta, sizeof(meta));
        snprintf(sql, sizeof(sql),
                 "INSERT INTO search_docs (kind, ref_id, file_level, title, band_lo, band_hi,"
                 " body, meta, tags) VALUES ('scp', 3, 2, 'The Drift', 1, 7,"
                 " 'SCP-003 The Drift', '%s', ' lan ')",
                 meta);
        assert_int_equal(dw_fixture_exec(path, sql), SQLITE_OK);
    }
    if (version >= 2) {
        assert_int_equal(dw_fixture_exec(path, "INSERT INTO login_failures (key, failures,"
                                               " last_failure_ms) VALUES ('user:vance', 3, 1000)"),
                         SQLITE_OK);
    }
}

/* An upgraded store keys files by number and suffix: SCP-002-J beside SCP-002. */
static void check_suffixes(struct deepwell *dw)
{
    struct deepwell_error err;
    struct deepwell_section section = {
        .kind = "description", .title = "Description", .level = 2, .body = "A living joke."};
    struct deepwell_scp joke = {.number = 2,
                                .suffix = "J",
                                .title = "The Living Joke",
                                .level = 2,
                                .nsections = 1,
                                .sections = &section};
    assert_int_equal(deepwell_scp_create(dw, &joke, NULL, &err), DW_OK);
    assert_int_equal(deepwell_scp_create(dw, &joke, NULL, &err), DW_CONFLICT);
    assert_string_equal(err.message, "SCP-002-J already exists");
    struct deepwell_scp got;
    assert_int_equal(deepwell_scp_get(dw, 2, "J", &got, &err), DW_OK);
    assert_string_equal(got.title, "The Living Joke");
    assert_string_equal(got.suffix, "J");
    deepwell_scp_free(&got);
    assert_int_equal(deepwell_scp_get(dw, 2, "", &got, &err), DW_OK);
    assert_string_equal(got.title, "The Living Room");
    deepwell_scp_free(&got);
    /* Both in the index, each under its own designation. */
    struct deepwell_search_query q = {
        .query = "living", .reader_level = 2, .site_read_level = 3, .limit = 10};
    struct deepwell_search_result found;
    assert_int_equal(deepwell_search(dw, &q, &found, &err), DW_OK);
    assert_int_equal(found.total, 2);
    assert_int_equal(found.items[0].id + found.items[1].id, 4);
    assert_string_equal(found.items[0].suffix[0] ? found.items[0].suffix : found.items[1].suffix,
                        "J");
    deepwell_search_free(&found);
}

static void check_data_for(struct deepwell *dw, int version)
{
    struct deepwell_error err;
    if (version >= 1) {
        struct deepwell_site site;
        assert_int_equal(deepwell_site_get(dw, 19, &site, &err), DW_OK);
        assert_string_equal(site.name, "Site-19");
        deepwell_site_free(&site);
        struct deepwell_scp scp;
        assert_int_equal(deepwell_scp_get(dw, 2, "", &scp, &err), DW_OK);
        assert_string_equal(scp.title, "The Living Room");
        assert_string_equal(scp.suffix, "");
        /* Version 9 rebuilt the tables (SQLite): the sections and history came along. */
        assert_int_equal(scp.nsections, 1);
        assert_string_equal(scp.sections[0].body, "A room that breathes.");
        deepwell_scp_free(&scp);
    }
    if (version >= 1 && version < DEEPWELL_SEARCH_VERSION) {
        /* A file written before the index existed is indexed when the index is made (one
         * written by raw SQL after it, as insert_data_for does, is not: only the store's
         * write path indexes). */
        struct deepwell_search_query q = {
            .query = "living", .reader_level = 2, .site_read_level = 3, .limit = 10};
        struct deepwell_search_result found;
        assert_int_equal(deepwell_search(dw, &q, &found, &err), DW_OK);
        assert_int_equal(found.total, 1);
        assert_int_equal(found.items[0].id, 2);
        deepwell_search_free(&found);
        check_suffixes(dw);
    }
    if (version >= 8 && version < DEEPWELL_SEARCH_REINDEX_VERSION) {
        /* Files the index made at 8 never held are all indexed when it is made again. */
        struct deepwell_search_query q = {
            .query = "bulk", .reader_level = 2, .site_read_level = 3, .limit = 10};
        struct deepwell_search_result found;
        assert_int_equal(deepwell_search(dw, &q, &found, &err), DW_OK);
        assert_int_equal(found.total, 130);
        deepwell_search_free(&found);
    }
    if (version >= 7 && version < DEEPWELL_SEARCH_REINDEX_VERSION) {
        /* Tags stored before the index held them are found once the store is migrated. */
        struct deepwell_search_query q = {.query = "living tag:domestic tag:LIVING-ROOM",
                                          .reader_level = 2,
                                          .site_read_level = 3,
                                          .limit = 10};
        struct deepwell_search_result found;
        assert_int_equal(deepwell_search(dw, &q, &found, &err), DW_OK);
        assert_int_equal(found.total, 1);
        deepwell_search_free(&found);
        /* A tag past ASCII is indexed whole, however the store indexed it before. */
        const char *queries[] = {"drift tag:élan", "drift tag:эксперимент", "drift tag:lan"};
        for (size_t i = 0; i < 3; i++) {
            q.query = queries[i];
            assert_int_equal(deepwell_search(dw, &q, &found, &err), DW_OK);
            if (found.total != (i < 2 ? 1 : 0))
                fail_msg("from %d, '%s': %lld hits", version, q.query, (long long)found.total);
            deepwell_search_free(&found);
        }
    }
    if (version >= 2) {
        struct deepwell_login_failures failures;
        assert_int_equal(deepwell_login_failures_get(dw, "user:vance", &failures, &err), DW_OK);
        assert_int_equal(failures.failures, 3);
    }
}

static const char SQL_AUDIT_INDEXES[] = "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                        " AND name IN ('audit_log_user', 'audit_log_action')";
static const char SQL_AUDIT_INDEXES_PG[] =
    "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()"
    " AND indexname IN ('audit_log_user', 'audit_log_action')";

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Whether a store can stand at version (numbers taken by parallel work may be missing). */
static bool version_exists(int version)
{
    size_t n = 0;
    const struct deepwell_migration *m = deepwell_migrations(&n);
    for (size_t i = 0; i < n; i++)
        if (m[i].version == version)
            return true;
    return version == 0;
}

static void every_earlier_version_migrates_to_latest(void **state)
{
    (void)state;
    int latest = deepwell_schema_latest();
    assert_true(latest >= 2);
    for (int from = 0; from < latest; from++) {
        if (!version_exists(from))
            continue;
        struct dw_fixture *f = dw_fixture_new("test_dw_migrate");
        assert_non_null(f);
        build_store_at(f->path, from);
        insert_data_for(f->path, from);

        struct deepwell_error err;
        assert_int_equal(dw_fixture_open(f, false, true, &err), DW_OK);
        assert_int_equal(deepwell_schema_version(f->dw), latest);
        check_data_for(f->dw, from);
        if (from >= 1) {
            assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM status_history"),
                             1);
        }
        if (from >= 1 && !dw_fixture_pg()) { /* the rebuilt tables still point at scp_files */
            assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM"
                                                           " pragma_foreign_key_check"),
                             0);
            assert_int_equal(dw_fixture_query_int(f->path,
                                                  "SELECT count(*) FROM pragma_foreign_key_list("
                                                  "'sections') WHERE \"table\" = 'scp_files'"),
                             1);
        }
        /* Version 3 dropped the audit log's unused indexes. */
        assert_int_equal(dw_fixture_query_int(f->path, dw_fixture_pg() ? SQL_AUDIT_INDEXES_PG
                                                                       : SQL_AUDIT_INDEXES),
                         0);

        /* One schema_version row per migration (numbers may skip), each with its time. */
        char sql[128];
        size_t versions = 0;
        (void)deepwell_migrations(&versions);
        assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM schema_version"),
                         versions);
        assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM schema_version"
                                                       " WHERE applied_at LIKE '____-__-__T%Z'"),
                         versions);

        /* A store that held something was copied first; the copy is at the old version. */
        char backup[1200];
        snprintf(backup, sizeof(backup), "%s.pre-v%d.bak", f->path, latest);
        if (dw_fixture_pg()) {
            /* PostgreSQL: nothing beside it; each migration is one transaction. */
        } else if (from == 0) {
            assert_false(file_exists(backup));
        } else {
            assert_true(file_exists(backup));
            snprintf(sql, sizeof(sql), "SELECT max(version) FROM schema_version");
            assert_int_equal(dw_fixture_query_int(backup, sql), from);
            assert_int_equal(dw_fixture_query_int(backup, "SELECT count(*) FROM sites"), 1);
        }
        dw_fixture_free(f);
    }
}

static void current_store_is_not_migrated_again(void **state)
{
    (void)state;
    struct dw_fixture *f = dw_fixture_new("test_dw_migrate");
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, true, true, &err), DW_OK);
    deepwell_close(f->dw);
    f->dw = NULL;
    assert_int_equal(dw_fixture_open(f, false, false, &err), DW_OK);
    assert_int_equal(deepwell_schema_version(f->dw), deepwell_schema_latest());
    char backup[1200];
    snprintf(backup, sizeof(backup), "%s.pre-v%d.bak", f->path, deepwell_schema_latest());
    assert_false(file_exists(backup));
    dw_fixture_free(f);
}

static void old_store_without_migrate_is_refused(void **state)
{
    (void)state;
    struct dw_fixture *f = dw_fixture_new("test_dw_migrate");
    build_store_at(f->path, 1);
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, false, false, &err), DW_INVALID);
    assert_null(f->dw);
    assert_non_null(strstr(err.message, "store needs migrating: run deepwell init"));
    /* Nothing was changed. */
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT max(version) FROM schema_version"), 1);
    dw_fixture_free(f);
}

static void newer_store_is_refused(void **state)
{
    (void)state;
    struct dw_fixture *f = dw_fixture_new("test_dw_migrate");
    build_store_at(f->path, deepwell_schema_latest());
    assert_int_equal(dw_fixture_exec(f->path, "INSERT INTO schema_version (version, applied_at)"
                                              " VALUES (999, 'later')"),
                     SQLITE_OK);
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, false, true, &err), DW_TOO_NEW);
    assert_null(f->dw);
    char expected[128];
    snprintf(expected, sizeof(expected),
             "store schema version 999 is newer than this program (%d); upgrade scipnet",
             deepwell_schema_latest());
    assert_string_equal(err.message, expected);
    dw_fixture_free(f);
}

static void file_that_is_not_sqlite_is_corrupt(void **state)
{
    (void)state;
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = dw_fixture_new("test_dw_migrate");
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("this is a personnel memo, not a database\n", fp);
    fclose(fp);
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, false, true, &err), DW_CORRUPT);
    assert_string_equal(err.message, "not a deepwell store: file is not a database");
    dw_fixture_free(f);
}

static void missing_file_without_create_is_io(void **state)
{
    (void)state;
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = dw_fixture_new("test_dw_migrate");
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(f, false, true, &err), DW_IO);
    char expected[1200];
    snprintf(expected, sizeof(expected), "no such store: %s", f->path);
    assert_string_equal(err.message, expected);
    assert_false(file_exists(f->path));

    struct deepwell_options opts = {0};
    struct deepwell *dw = NULL;
    assert_int_equal(deepwell_open(&opts, &dw, &err), DW_INVALID);
    dw_fixture_free(f);
}

static void migrating_past_latest_is_refused(void **state)
{
    (void)state;
    struct dw_fixture *f = dw_fixture_new("test_dw_migrate");
    build_store_at(f->path, 0);
    struct deepwell_options opts = {0};
    opts.path = f->path;
    deepwell_options_defaults(&opts);
    struct deepwell_pool *pool;
    struct deepwell_error err;
    assert_int_equal(deepwell_pool_open(&opts, &pool, &err), DW_OK);
    struct deepwell_conn *writer;
    assert_int_equal(deepwell_pool_acquire(pool, DW_CONN_WRITER, &writer, &err), DW_OK);
    assert_int_equal(deepwell_migrate_to(writer, f->path, deepwell_schema_latest() + 1, NULL, &err),
                     DW_INVALID);
    deepwell_pool_release(pool, writer);
    deepwell_pool_close(pool);
    dw_fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_earlier_version_migrates_to_latest),
        cmocka_unit_test(current_store_is_not_migrated_again),
        cmocka_unit_test(old_store_without_migrate_is_refused),
        cmocka_unit_test(newer_store_is_refused),
        cmocka_unit_test(file_that_is_not_sqlite_is_corrupt),
        cmocka_unit_test(missing_file_without_create_is_io),
        cmocka_unit_test(migrating_past_latest_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
