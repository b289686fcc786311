/*
 * sqlite_conn.c - an SQLite connection (WAL, foreign keys on; readers query_only),
 * its transactions, and SQLite's engine table.  Statements: sqlite_stmt.c.
 */
#include "deepwell/sqlite_conn.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "deepwell/engine.h"
#include "deepwell/private_file.h"
#include "deepwell/sqlite_audit_file.h"
#include "deepwell/sqlite_checkpoint.h"
#include "deepwell/sqlite_stmt.h"

/* SQLite's own automatic checkpoint, given back when the checkpointer stops. */
#define AUTOCHECKPOINT_PAGES 1000

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_READ_BEGIN[] = "BEGIN";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

sqlite3 *deepwell_sqlite_db(struct deepwell_conn *conn)
{
    struct dw_engine_conn *link = deepwell_conn_link(conn);
    return link != NULL ? sqlite_conn_of(link)->db : NULL;
}

/* ---- opening and closing ------------------------------------------------------------ */

/*
 * Before SQLite's first use: no allocation statistics, whose one global mutex every
 * statement step queued on (Debian's build has no lookaside memory).  Refused if
 * SQLite was already started (a test that opened a file first): slower, still correct.
 */
static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        log_notice("deepwell",
                   "SQLite was started before the store: its memory statistics stay on");
}

/*
 * Attaches the store's audit file to db when it exists, with the configured
 * synchronous setting; once the schema keeps the log there, fails without it.
 */
static enum deepwell_code attach_audit_file(sqlite3 *db, const struct deepwell_conn_settings *s,
                                            struct deepwell_error *err)
{
    bool attached = false;
    enum deepwell_code code =
        deepwell_audit_file_attach(db, s->location, s->synchronous->audit_sql, &attached, err);
    if (code == DW_OK && s->audit_required)
        code = deepwell_audit_file_check(db, s->location, err);
    return code;
}

/* The checkpointer takes the writer's WAL checkpoints, or SQLite does them itself. */
static void install_wal_hook(sqlite3 *db, const struct deepwell_conn_settings *s)
{
    if (s->checkpointer != NULL)
        sqlite3_wal_hook(db, deepwell_checkpointer_wal_hook, s->checkpointer);
    else
        sqlite3_wal_autocheckpoint(db, AUTOCHECKPOINT_PAGES);
}

/* The failure of opening (or first reading) the file, named by the file. */
static enum deepwell_code open_error(struct deepwell_error *err, sqlite3 *db, int rc,
                                     const char *what, const char *path)
{
    enum deepwell_code code = deepwell_error_from_sqlite(err, db, rc, what);
    if (err != NULL)
        snprintf(err->context, sizeof(err->context), "pool.open: %s", path);
    sqlite3_close_v2(db);
    return code;
}

static enum deepwell_code open_db(const struct deepwell_conn_settings *s,
                                  enum deepwell_conn_role role, bool create, sqlite3 **out,
                                  struct deepwell_error *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create) {
        flags |= SQLITE_OPEN_CREATE;
        enum deepwell_code code = deepwell_private_file_create(s->location, "pool.open", err);
        if (code != DW_OK)
            return code;
    }
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(s->location, &db, flags, NULL);
    if (rc != SQLITE_OK)
        return open_error(err, db, rc, "pool.open", s->location);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, s->busy_timeout_ms);

    /* journal_mode=WAL is persistent in the file, so the writer sets it once. */
    const char *setup[] = {
        role == DW_CONN_WRITER ? "PRAGMA journal_mode=WAL" : NULL,
        "PRAGMA foreign_keys=ON",
        s->synchronous->sql,
        role == DW_CONN_READER ? "PRAGMA query_only=ON" : NULL,
        /*
         * A reader keeps up to 32 MB of pages (SQLite's default is 2 MB): a search
         * reads the same full-text lists again and again, and each page missed is a
         * read of the file and a copy (searches 30 % faster on the bench store).  It
         * is only ever as large as what was read.
         */
        role == DW_CONN_READER ? "PRAGMA cache_size=-32768" : NULL,
    };
    for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++) {
        if (setup[i] == NULL)
            continue;
        rc = sqlite3_exec(db, setup[i], NULL, NULL, NULL);
        /* The first read of the file happens here: name the file, not the pragma. */
        if (rc != SQLITE_OK)
            return open_error(err, db, rc, setup[i], s->location);
    }
    rc = deepwell_sqlite_search_register(db);
    if (rc != SQLITE_OK)
        return open_error(err, db, rc, "search.register", s->location);
    enum deepwell_code code = attach_audit_file(db, s, err);
    if (code != DW_OK) {
        sqlite3_close_v2(db);
        return code;
    }
    if (role == DW_CONN_WRITER && s->checkpointer != NULL)
        install_wal_hook(db, s);
    *out = db;
    return DW_OK;
}

static enum deepwell_code lite_open(const struct deepwell_conn_settings *s,
                                    enum deepwell_conn_role role, bool create,
                                    struct deepwell_conn *owner, struct dw_engine_conn **out,
                                    struct deepwell_error *err)
{
    pthread_once(&sqlite_configured, configure_sqlite);
    *out = NULL;
    struct sqlite_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "out of memory");
    enum deepwell_code code = open_db(s, role, create, &c->db, err);
    if (code != DW_OK) {
        free(c);
        return code;
    }
    c->base = (struct dw_engine_conn){.engine = &deepwell_engine_sqlite, .owner = owner};
    c->busy_timeout_ms = s->busy_timeout_ms;
    *out = &c->base;
    return DW_OK;
}

static void lite_close(struct dw_engine_conn *conn)
{
    struct sqlite_conn *c = sqlite_conn_of(conn);
    for (size_t i = 0; i < c->ncached; i++) {
        sqlite3_finalize(c->cache[i].stmt);
        free(c->cache[i].sql);
    }
    int rc = sqlite3_close_v2(c->db);
    if (rc != SQLITE_OK)
        log_warning("deepwell", "closing a connection: %s", sqlite3_errstr(rc));
    free(c);
}

static enum deepwell_code lite_reconfigure(struct dw_engine_conn *conn,
                                           enum deepwell_conn_role role,
                                           const struct deepwell_conn_settings *s,
                                           struct deepwell_error *err)
{
    struct sqlite_conn *c = sqlite_conn_of(conn);
    if (role == DW_CONN_WRITER)
        install_wal_hook(c->db, s);
    return s->audit_required ? attach_audit_file(c->db, s, err) : DW_OK;
}

static bool lite_in_tx(struct dw_engine_conn *conn)
{
    return !sqlite3_get_autocommit(sqlite_conn_of(conn)->db);
}

static bool lite_healthy(struct dw_engine_conn *conn)
{
    struct sqlite_conn *c = sqlite_conn_of(conn);
    return sqlite3_get_autocommit(c->db) &&
           sqlite3_exec(c->db, "SELECT 1", NULL, NULL, NULL) == SQLITE_OK;
}

static bool lite_end_use(struct dw_engine_conn *conn)
{
    struct sqlite_conn *c = sqlite_conn_of(conn);
    /* Cleared too, so no bound value (a token hash, say) lingers until the next use.
       Only what this checkout used: the rest was reset when it was last released. */
    for (size_t i = 0; i < c->nused; i++) {
        struct sqlite_stmt *entry = &c->cache[c->used[i]];
        sqlite3_reset(entry->stmt);
        sqlite3_clear_bindings(entry->stmt);
        entry->used = false;
    }
    c->nused = 0;
    if (sqlite3_get_autocommit(c->db))
        return false;
    sqlite3_exec(c->db, SQL_ROLLBACK, NULL, NULL, NULL);
    return true;
}

/* ---- stepping and transactions ------------------------------------------------------ */
/* BEGIN, COMMIT and the like, through the statement cache. */
static enum deepwell_code run_control(struct dw_engine_conn *conn, const char *sql,
                                      bool retry_in_txn, struct deepwell_error *err)
{
    struct sqlite_conn *c = sqlite_conn_of(conn);
    struct deepwell_error local;
    struct deepwell_error *e = err != NULL ? err : &local;
    struct dw_stmt *stmt = sqlite_prepare(conn, sql, e);
    if (stmt == NULL)
        return e->code;
    sqlite3_stmt *st = deepwell_sqlite_stmt(stmt);
    int rc = sqlite_step_retry(c, st, retry_in_txn);
    enum deepwell_code code = DW_OK;
    if (rc != SQLITE_DONE)
        code = deepwell_error_from_sqlite(err, c->db, rc, sql);
    sqlite3_reset(st);
    return code;
}

/* One writer at a time holds the file: IMMEDIATE takes its lock at BEGIN, locked or not. */
static enum deepwell_code lite_begin(struct dw_engine_conn *conn, bool locked,
                                     struct deepwell_error *err)
{
    return run_control(conn, SQL_BEGIN, false, err);
}

static void lite_rollback(struct dw_engine_conn *conn)
{
    struct sqlite_conn *c = sqlite_conn_of(conn);
    if (sqlite3_get_autocommit(c->db))
        return;
    /* Reset first: pending statements would otherwise make ROLLBACK fail with BUSY. */
    for (size_t i = 0; i < c->ncached; i++)
        sqlite3_reset(c->cache[i].stmt);
    int rc = sqlite3_exec(c->db, SQL_ROLLBACK, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        deepwell_conn_mark_suspect(conn->owner);
        log_warning("deepwell", "ROLLBACK failed: %s", sqlite3_errmsg(c->db));
    }
}

static enum deepwell_code lite_commit(struct dw_engine_conn *conn, struct deepwell_error *err)
{
    enum deepwell_code code = run_control(conn, SQL_COMMIT, true, err);
    /* A failed COMMIT leaves the transaction open; end it so the caller need not. */
    if (code != DW_OK)
        lite_rollback(conn);
    return code;
}

/* A deferred read transaction: the snapshot starts at the first read. */
static enum deepwell_code lite_read_begin(struct dw_engine_conn *conn, struct deepwell_error *err)
{
    return run_control(conn, SQL_READ_BEGIN, false, err);
}

static void lite_read_end(struct dw_engine_conn *conn)
{
    run_control(conn, SQL_COMMIT, false, NULL);
}

static enum deepwell_code lite_exec(struct dw_engine_conn *conn, const char *sql,
                                    const char *context, struct deepwell_error *err)
{
    sqlite3 *db = sqlite_conn_of(conn)->db;
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? DW_OK : deepwell_error_from_sqlite(err, db, rc, context);
}

static int64_t lite_changes(struct dw_engine_conn *conn)
{
    return sqlite3_changes(sqlite_conn_of(conn)->db);
}

static bool lite_last_was_pkey_conflict(struct dw_engine_conn *conn)
{
    return sqlite3_extended_errcode(sqlite_conn_of(conn)->db) == SQLITE_CONSTRAINT_PRIMARYKEY;
}

static enum deepwell_code lite_error(struct dw_engine_conn *conn, struct deepwell_error *err,
                                     int rc, const char *context)
{
    return deepwell_error_from_sqlite(err, sqlite_conn_of(conn)->db, rc, context);
}

/* ---- the engine table ---------------------------------------------------------------- */

const struct deepwell_engine deepwell_engine_sqlite = {
    .kind = DW_ENGINE_SQLITE,
    .name = "sqlite",
    .check_after_failure = false,
    .open = lite_open,
    .close = lite_close,
    .reconfigure = lite_reconfigure,
    .healthy = lite_healthy,
    .in_tx = lite_in_tx,
    .end_use = lite_end_use,
    .prepare = sqlite_prepare,
    .begin = lite_begin,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .read_begin = lite_read_begin,
    .read_end = lite_read_end,
    .exec = lite_exec,
    .changes = lite_changes,
    .last_was_pkey_conflict = lite_last_was_pkey_conflict,
    .error = lite_error,
    .stmt = &sqlite_stmt_ops,
    .search = &deepwell_sqlite_search_sql,
    .migrations = deepwell_migrations,
    .sql_has_version_table =
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'",
    .sql_object_count = "SELECT count(*) FROM sqlite_schema",
    .sql_audit_lock = NULL, /* BEGIN IMMEDIATE already holds the file's one write lock */
    .sql_migrate_lock = NULL,
    .backup_before_migrate = deepwell_sqlite_backup_before_migrate,
    .backup = deepwell_sqlite_backup,
    .integrity = deepwell_sqlite_integrity,
};
