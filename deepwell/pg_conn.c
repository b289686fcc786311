/*
 * pg_conn.c - a PostgreSQL connection through libpq: opening it, its health, its
 * transactions; and PostgreSQL's engine table (engine.h).  Statements: pg_stmt.c.
 */
#include "deepwell/pg_conn.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "deepwell/pool.h"

static const char SQL_BEGIN[] = "BEGIN ISOLATION LEVEL SERIALIZABLE";
static const char SQL_BEGIN_LOCKED[] = "BEGIN ISOLATION LEVEL READ COMMITTED";
/* One snapshot for several statements; read-only, so it never conflicts. */
static const char SQL_READ_BEGIN[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

static struct pg_conn *pg(struct dw_engine_conn *conn)
{
    assert(conn->engine == &deepwell_engine_pg); /* a connection of another engine */
    return (struct pg_conn *)conn;
}

/* ---- errors ------------------------------------------------------------------------- */

static void first_line(char *dst, size_t size, const char *src)
{
    size_t n = strcspn(src != NULL ? src : "", "\n");
    if (n >= size)
        n = size - 1;
    memcpy(dst, src != NULL ? src : "", n);
    dst[n] = '\0';
}

void pg_record_error(struct pg_conn *pc, const PGresult *res)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state == NULL)
        state = PQstatus(pc->conn) == CONNECTION_BAD ? "08006" : "XX000";
    snprintf(pc->sqlstate, sizeof(pc->sqlstate), "%s", state);
    const char *message = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    first_line(pc->message, sizeof(pc->message),
               message != NULL ? message : PQerrorMessage(pc->conn));
    const char *constraint = res != NULL ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    snprintf(pc->constraint, sizeof(pc->constraint), "%s", constraint != NULL ? constraint : "");
}

/* SQLSTATE classes to the store's codes, as error.c does for SQLite's result codes. */
static enum deepwell_code code_for_sqlstate(const char *state)
{
    if (strcmp(state, "23505") == 0)
        return DW_CONFLICT;
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
        return DW_INVALID;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
        strcmp(state, "57014") == 0)
        return DW_BUSY;
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "28", 2) == 0 ||
        strncmp(state, "53", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
        strcmp(state, "3D000") == 0 || strcmp(state, "25006") == 0)
        return DW_IO;
    if (strcmp(state, "XX001") == 0 || strcmp(state, "XX002") == 0)
        return DW_CORRUPT;
    return DW_INTERNAL;
}

enum deepwell_code pg_conn_error(struct pg_conn *pc, struct deepwell_error *err,
                                 const char *context)
{
    enum deepwell_code code = code_for_sqlstate(pc->sqlstate);
    /* The SQLSTATE is kept in the message: deepwell_error_is_retryable looks for it. */
    deepwell_error_set(err, code, context, "%s (SQLSTATE %s)", pc->message, pc->sqlstate);
    if (err != NULL)
        err->from_engine = true;
    return code;
}

static bool pg_last_was_pkey_conflict(struct dw_engine_conn *conn)
{
    struct pg_conn *pc = pg(conn);
    size_t n = strlen(pc->constraint);
    return strcmp(pc->sqlstate, "23505") == 0 && n > 5 &&
           strcmp(pc->constraint + n - 5, "_pkey") == 0;
}

bool pg_retryable_state(const char *state)
{
    return strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0;
}

/* ---- the connection ------------------------------------------------------------------ */

static void ignore_notice(void *arg, const char *message)
{
    (void)arg, (void)message; /* "relation already exists, skipping" and the like */
}

/* SET name = value, with the value as a parameter (set_config), like every other value. */
static enum deepwell_code set_setting(struct pg_conn *pc, const char *name, const char *value,
                                      struct deepwell_error *err)
{
    const char *params[2] = {name, value};
    PGresult *res =
        PQexecParams(pc->conn, "SELECT set_config($1, $2, false)", 2, NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        pg_record_error(pc, res);
    PQclear(res);
    return ok ? DW_OK : pg_conn_error(pc, err, "pool.open: postgresql");
}

static void pg_close(struct dw_engine_conn *conn);

static enum deepwell_code pg_open(const struct deepwell_conn_settings *settings,
                                  enum deepwell_conn_role role, bool create,
                                  struct deepwell_conn *owner, struct dw_engine_conn **out,
                                  struct deepwell_error *err)
{
    (void)create; /* the database is made by its administrator; the schema by migrations */
    *out = NULL;
    struct pg_conn *pc = calloc(1, sizeof(*pc));
    if (pc == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "out of memory");
    pc->base = (struct dw_engine_conn){.engine = &deepwell_engine_pg, .owner = owner};
    pc->conn = PQconnectdb(settings->location);
    if (pc->conn == NULL || PQstatus(pc->conn) != CONNECTION_OK) {
        char message[200];
        first_line(message, sizeof(message),
                   pc->conn != NULL ? PQerrorMessage(pc->conn) : "out of memory");
        /* The location may hold a password: name the engine, not the URL. */
        deepwell_error_set(err, DW_IO, "pool.open: postgresql", "cannot connect: %s", message);
        PQfinish(pc->conn);
        free(pc);
        return DW_IO;
    }
    PQsetNoticeProcessor(pc->conn, ignore_notice, NULL);
    char timeout[24];
    snprintf(timeout, sizeof(timeout), "%d", settings->busy_timeout_ms);
    enum deepwell_code code = set_setting(pc, "client_min_messages", "warning", err);
    /* A lock held past busy_timeout is DW_BUSY (55P03), as SQLite's busy_timeout is. */
    if (code == DW_OK)
        code = set_setting(pc, "lock_timeout", timeout, err);
    /* Readers only read, as SQLite's readers run with query_only. */
    if (code == DW_OK && role == DW_CONN_READER)
        code = set_setting(pc, "default_transaction_read_only", "on", err);
    if (code != DW_OK) {
        pg_close(&pc->base);
        return code;
    }
    *out = &pc->base;
    return DW_OK;
}

static void pg_close(struct dw_engine_conn *conn)
{
    struct pg_conn *pc = pg(conn);
    for (size_t i = 0; i < pc->nstmts; i++)
        pg_stmt_free(pc->stmts[i]);
    PQfinish(pc->conn);
    free(pc);
}

bool pg_conn_in_tx(struct pg_conn *pc)
{
    PGTransactionStatusType status = PQtransactionStatus(pc->conn);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

static bool pg_in_tx(struct dw_engine_conn *conn)
{
    return pg_conn_in_tx(pg(conn));
}

static bool pg_healthy(struct dw_engine_conn *conn)
{
    struct pg_conn *pc = pg(conn);
    if (PQstatus(pc->conn) != CONNECTION_OK || pg_conn_in_tx(pc))
        return false;
    PGresult *res = PQexec(pc->conn, "SELECT 1");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    return ok;
}

static enum deepwell_code pg_exec(struct dw_engine_conn *conn, const char *sql, const char *context,
                                  struct deepwell_error *err)
{
    struct pg_conn *pc = pg(conn);
    deepwell_conn_count_round_trip(pc->base.owner);
    PGresult *res = PQexec(pc->conn, sql);
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        pc->changes = atoll(PQcmdTuples(res));
        PQclear(res);
        return DW_OK;
    }
    pg_record_error(pc, res);
    PQclear(res);
    return pg_conn_error(pc, err, context);
}

static bool pg_end_use(struct dw_engine_conn *conn)
{
    struct pg_conn *pc = pg(conn);
    for (size_t i = 0; i < pc->nstmts; i++)
        pg_stmt_clear(pc->stmts[i]);
    if (!pg_conn_in_tx(pc))
        return false;
    pg_exec(conn, SQL_ROLLBACK, "release", NULL);
    return true;
}

static int64_t pg_changes(struct dw_engine_conn *conn)
{
    return pg(conn)->changes;
}

static enum deepwell_code pg_error(struct dw_engine_conn *conn, struct deepwell_error *err, int rc,
                                   const char *context)
{
    (void)rc; /* the connection keeps the SQLSTATE and message */
    return pg_conn_error(pg(conn), err, context);
}

/* ---- transactions: the server answers for its own locking ---------------------------- */

static enum deepwell_code control(struct dw_engine_conn *conn, const char *sql,
                                  struct deepwell_error *err)
{
    enum deepwell_code code = pg_exec(conn, sql, sql, err);
    if (code != DW_OK && code != DW_BUSY)
        deepwell_conn_mark_suspect(conn->owner);
    return code;
}

/*
 * SERIALIZABLE is the nearest to SQLite's one writer (a conflict is SQLSTATE 40001
 * and deepwell_write_tx runs the body again); locked is READ COMMITTED, for a
 * transaction that takes its own lock first and must see what was committed while
 * it waited (the audit chain).
 */
static enum deepwell_code pg_begin(struct dw_engine_conn *conn, bool locked,
                                   struct deepwell_error *err)
{
    return control(conn, locked ? SQL_BEGIN_LOCKED : SQL_BEGIN, err);
}

static void pg_rollback(struct dw_engine_conn *conn)
{
    if (pg_conn_in_tx(pg(conn)) && pg_exec(conn, SQL_ROLLBACK, SQL_ROLLBACK, NULL) != DW_OK) {
        deepwell_conn_mark_suspect(conn->owner);
        log_warning("deepwell", "ROLLBACK failed on PostgreSQL");
    }
}

static enum deepwell_code pg_commit(struct dw_engine_conn *conn, struct deepwell_error *err)
{
    enum deepwell_code code = control(conn, SQL_COMMIT, err);
    if (code != DW_OK)
        pg_rollback(conn);
    return code;
}

static enum deepwell_code pg_read_begin(struct dw_engine_conn *conn, struct deepwell_error *err)
{
    return pg_exec(conn, SQL_READ_BEGIN, "read.begin", err);
}

static void pg_read_end(struct dw_engine_conn *conn)
{
    pg_exec(conn, SQL_COMMIT, "read.end", NULL);
}

/* ---- the engine table ---------------------------------------------------------------- */

const struct deepwell_engine deepwell_engine_pg = {
    .kind = DW_ENGINE_PG,
    .name = "postgresql",
    /* A restart or failover ends every connection at once. */
    .check_after_failure = true,
    .open = pg_open,
    .close = pg_close,
    .reconfigure = NULL, /* no audit file, no WAL hook: the server keeps its own */
    .healthy = pg_healthy,
    .in_tx = pg_in_tx,
    .end_use = pg_end_use,
    .prepare = pg_prepare,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .read_begin = pg_read_begin,
    .read_end = pg_read_end,
    .exec = pg_exec,
    .changes = pg_changes,
    .last_was_pkey_conflict = pg_last_was_pkey_conflict,
    .error = pg_error,
    .stmt = &pg_stmt_ops,
    .search = &deepwell_pg_search_sql,
    .migrations = deepwell_pg_migrations,
    .sql_has_version_table = "SELECT count(*) FROM information_schema.tables"
                             " WHERE table_schema = current_schema()"
                             " AND table_name = 'schema_version'",
    .sql_object_count = "SELECT count(*) FROM information_schema.tables"
                        " WHERE table_schema = current_schema()",
    /*
     * Every server's audit batch locks the one row of audit_lock before reading the
     * chain's tip, so their rows form one chain.  A row lock (not an advisory lock)
     * so CockroachDB takes it too; released by COMMIT or ROLLBACK, so a killed server
     * cannot leave it held.
     */
    .sql_audit_lock = "SELECT id FROM audit_lock WHERE id = 1 FOR UPDATE",
    /* Two statements in one simple query: the BEGIN's transaction goes on after it. */
    .sql_audit_begin = "BEGIN ISOLATION LEVEL READ COMMITTED;"
                       " SELECT id FROM audit_lock WHERE id = 1 FOR UPDATE",
    /* Before the schema exists there is no row to lock: a transaction-scoped
       advisory lock (the constant is "SCiP" in ASCII). */
    .sql_migrate_lock = "SELECT pg_advisory_xact_lock(1396918608)",
    .backup_before_migrate = deepwell_pg_backup_before_migrate,
    .backup = deepwell_pg_backup,
    .integrity = deepwell_pg_integrity,
};
