/*
 * dw_fixture.h - a fresh store in a temporary directory, for the deepwell unit tests.
 * Included by one test file each, so its helpers are static.
 */
#ifndef SCIPNET_TEST_DW_FIXTURE_H
#define SCIPNET_TEST_DW_FIXTURE_H

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deepwell/deepwell.h"

struct dw_fixture {
    char dir[64];
    char path[128];
    struct deepwell *dw;
};

static inline int dw_fixture_unlink_one(const char *path, const struct stat *st, int flag,
                                        struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static inline void dw_fixture_remove_dir(const char *dir)
{
    nftw(dir, dw_fixture_unlink_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Makes the directory; the store itself is opened by dw_fixture_open. */
static inline struct dw_fixture *dw_fixture_new(const char *name)
{
    struct dw_fixture *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    snprintf(f->dir, sizeof(f->dir), "/tmp/%s.XXXXXX", name);
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return NULL;
    }
    snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
    return f;
}

static inline enum deepwell_code dw_fixture_open(struct dw_fixture *f, bool create, bool migrate,
                                                 struct deepwell_error *err)
{
    struct deepwell_options opts = {0};
    opts.path = f->path;
    opts.readers = 2;
    opts.create = create;
    opts.migrate = migrate;
    deepwell_options_defaults(&opts);
    enum deepwell_code code = deepwell_open(&opts, &f->dw, err);
    if (code != DW_OK && err != NULL)
        fprintf(stderr, "open %s: %s: %s (%s)\n", f->path, deepwell_code_name(code), err->message,
                err->context);
    return code;
}

static inline void dw_fixture_free(struct dw_fixture *f)
{
    if (f == NULL)
        return;
    deepwell_close(f->dw);
    dw_fixture_remove_dir(f->dir);
    free(f);
}

/* cmocka setup/teardown: a new, migrated store per test. */
static inline int dw_fixture_setup(void **state)
{
    struct dw_fixture *f = dw_fixture_new("test_dw");
    struct deepwell_error err;
    if (f == NULL || dw_fixture_open(f, true, true, &err) != DW_OK) {
        dw_fixture_free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static inline int dw_fixture_teardown(void **state)
{
    dw_fixture_free(*state);
    return 0;
}

/* Runs SQL on a separate raw connection (for checks the API does not offer). */
static inline int dw_fixture_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return rc;
}

/* One integer from a query on a separate raw connection; -1 on error. */
static inline int64_t dw_fixture_query_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t value = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

#endif
