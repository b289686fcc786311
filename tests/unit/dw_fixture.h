/*
 * dw_fixture.h - a fresh store for the deepwell unit tests, on either engine.
 * Included by one test file each, so its helpers are static.
 *
 * By default the store is an SQLite file in a temporary directory.  With
 * SCIPNET_TEST_DW_ENGINE=pg and SCIPNET_TEST_PG=postgresql://... (tests/run.sh sets
 * both when it started a PostgreSQL cluster: tests/pg/start.sh) the same tests run
 * against PostgreSQL, each in a new schema of its own that is dropped afterwards.
 */
#ifndef SCIPNET_TEST_DW_FIXTURE_H
#define SCIPNET_TEST_DW_FIXTURE_H

#include <ftw.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deepwell/deepwell.h"

struct dw_fixture {
    char dir[64];
    char path[1024]; /* SQLite file, or PostgreSQL URL whose search_path is schema */
    char schema[64];
    struct deepwell *dw;
};

/* True when the tests run against PostgreSQL. */
static inline bool dw_fixture_pg(void)
{
    const char *engine = getenv("SCIPNET_TEST_DW_ENGINE");
    const char *url = getenv("SCIPNET_TEST_PG");
    return engine != NULL && strcmp(engine, "pg") == 0 && url != NULL && url[0] != '\0';
}

/* In a test: skips it on PostgreSQL (it is about SQLite's files, pragmas or internals). */
#define DW_FIXTURE_SQLITE_ONLY()                                                                   \
    do {                                                                                           \
        if (dw_fixture_pg())                                                                       \
            skip();                                                                                \
    } while (0)

/* Runs sql on a connection of its own (0 on success), with the failure in message. */
static inline int dw_fixture_pg_exec(const char *url, const char *sql, char *message, size_t size)
{
    PGconn *conn = PQconnectdb(url);
    int rc = 1;
    if (PQstatus(conn) == CONNECTION_OK) {
        PGresult *res = PQexec(conn, sql);
        ExecStatusType status = PQresultStatus(res);
        rc = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? 0 : 1;
        if (message != NULL)
            snprintf(message, size, "%s", rc == 0 ? "" : PQresultErrorMessage(res));
        PQclear(res);
    } else if (message != NULL) {
        snprintf(message, size, "%s", PQerrorMessage(conn));
    }
    PQfinish(conn);
    return rc;
}

/* A new schema in the test database; path gets the URL that uses it. */
static inline bool dw_fixture_pg_schema(struct dw_fixture *f)
{
    static int counter;
    const char *base = getenv("SCIPNET_TEST_PG");
    snprintf(f->schema, sizeof(f->schema), "t_%d_%d", (int)getpid(), ++counter);
    char sql[256];
    snprintf(
        sql, sizeof(sql),
        "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
        f->schema, f->schema);
    char message[256];
    if (dw_fixture_pg_exec(base, sql, message, sizeof(message)) != 0) {
        fprintf(stderr, "dw_fixture: %s", message);
        return false;
    }
    snprintf(f->path, sizeof(f->path), "%s%coptions=-csearch_path%%3D%s%%2Cpublic", base,
             strchr(base, '?') != NULL ? '&' : '?', f->schema);
    return true;
}

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
    if (dw_fixture_pg() && !dw_fixture_pg_schema(f)) {
        dw_fixture_remove_dir(f->dir);
        free(f);
        return NULL;
    }
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
    if (f->schema[0] != '\0') {
        char sql[256];
        snprintf(sql, sizeof(sql), "SET client_min_messages = warning; DROP SCHEMA %s CASCADE",
                 f->schema);
        dw_fixture_pg_exec(getenv("SCIPNET_TEST_PG"), sql, NULL, 0);
    }
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

static inline bool dw_fixture_is_url(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/*
 * A raw connection to an SQLite store as the store opens it: the file, with its audit
 * file (PATH.audit, where the audit log lives) attached as "audit" when there is one.
 */
static inline int dw_fixture_open_raw(const char *path, int flags, sqlite3 **db)
{
    int rc = sqlite3_open_v2(path, db, flags, NULL);
    char audit[4200];
    snprintf(audit, sizeof(audit), "%s.audit", path);
    struct stat st;
    if (rc == SQLITE_OK && stat(audit, &st) == 0) {
        char *sql = sqlite3_mprintf("ATTACH %Q AS audit", audit);
        rc = sqlite3_exec(*db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
    }
    return rc;
}

/* Runs SQL on a separate raw connection (for checks the API does not offer); 0 = ok. */
static inline int dw_fixture_exec(const char *path, const char *sql)
{
    if (dw_fixture_is_url(path))
        return dw_fixture_pg_exec(path, sql, NULL, 0);
    sqlite3 *db = NULL;
    int rc = dw_fixture_open_raw(path, SQLITE_OPEN_READWRITE, &db);
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
    if (dw_fixture_is_url(path)) {
        int64_t result = -1;
        PGconn *conn = PQconnectdb(path);
        PGresult *res = PQstatus(conn) == CONNECTION_OK ? PQexec(conn, sql) : NULL;
        if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
            result = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        PQfinish(conn);
        return result;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t value = -1;
    if (dw_fixture_open_raw(path, SQLITE_OPEN_READWRITE, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

#endif
