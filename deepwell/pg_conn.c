/* pg_conn.c - a PostgreSQL connection through libpq: translated, cached, prepared statements. */
#include "deepwell/pg_conn.h"

#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "deepwell/pool.h"

/* Most distinct statements one connection keeps prepared (as in pool.c for SQLite). */
#define STMT_CACHE_MAX 256
/* Highest parameter index a statement may use. */
#define PARAMS_MAX 32
/*
 * A statement run on its own (autocommit) that loses a serialization conflict
 * (CockroachDB reports 40001 even then) is simply run again, a few times.
 */
#define AUTOCOMMIT_RETRIES 5
#define BYTEA_OID          17
#define TEXT_OID           25

struct pg_stmt {
    struct pg_conn *pc;
    struct dw_stmt wrap; /* what the store's modules hold */
    char *key;           /* the SQL as written: the cache key */
    char *sql;           /* translated for PostgreSQL */
    char name[16];       /* the server-side prepared statement */
    int nexpected;       /* parameters the server says the statement takes */
    char *values[PARAMS_MAX];
    int lengths[PARAMS_MAX];
    int formats[PARAMS_MAX];
    PGresult *res;
    int row; /* current row; -1 before the first step */
    /* bytea columns of the current row, decoded on demand */
    int nblobs;
    unsigned char **blobs;
    int *blob_lens;
};

struct pg_conn {
    PGconn *conn;
    int64_t changes;
    char sqlstate[6];
    char message[200];
    char constraint[64];
    size_t nstmts;
    unsigned next_name;
    struct pg_stmt *stmts[STMT_CACHE_MAX];
};

/* ---- errors ------------------------------------------------------------------------- */

static void first_line(char *dst, size_t size, const char *src)
{
    size_t n = strcspn(src != NULL ? src : "", "\n");
    if (n >= size)
        n = size - 1;
    memcpy(dst, src != NULL ? src : "", n);
    dst[n] = '\0';
}

static void record_error(struct pg_conn *pc, const PGresult *res)
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

bool pg_conn_last_was_pkey_conflict(struct pg_conn *pc)
{
    size_t n = strlen(pc->constraint);
    return strcmp(pc->sqlstate, "23505") == 0 && n > 5 &&
           strcmp(pc->constraint + n - 5, "_pkey") == 0;
}

static bool retryable_state(const char *state)
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
        record_error(pc, res);
    PQclear(res);
    return ok ? DW_OK : pg_conn_error(pc, err, "pool.open: postgresql");
}

enum deepwell_code pg_conn_open(const char *conninfo, bool reader, int lock_timeout_ms,
                                struct pg_conn **out, struct deepwell_error *err)
{
    *out = NULL;
    struct pg_conn *pc = calloc(1, sizeof(*pc));
    if (pc == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "pool.open", "out of memory");
    pc->conn = PQconnectdb(conninfo);
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
    snprintf(timeout, sizeof(timeout), "%d", lock_timeout_ms);
    enum deepwell_code code = set_setting(pc, "client_min_messages", "warning", err);
    /* A lock held past busy_timeout is DW_BUSY (55P03), as SQLite's busy_timeout is. */
    if (code == DW_OK)
        code = set_setting(pc, "lock_timeout", timeout, err);
    /* Readers only read, as SQLite's readers run with query_only. */
    if (code == DW_OK && reader)
        code = set_setting(pc, "default_transaction_read_only", "on", err);
    if (code != DW_OK) {
        pg_conn_close(pc);
        return code;
    }
    *out = pc;
    return DW_OK;
}

static void stmt_free_blobs(struct pg_stmt *st)
{
    for (int i = 0; i < st->nblobs; i++)
        free(st->blobs[i]);
    free(st->blobs);
    free(st->blob_lens);
    st->blobs = NULL;
    st->blob_lens = NULL;
    st->nblobs = 0;
}

void pg_reset(struct pg_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    stmt_free_blobs(st);
}

void pg_clear_bindings(struct pg_stmt *st)
{
    for (int i = 0; i < PARAMS_MAX; i++) {
        free(st->values[i]);
        st->values[i] = NULL;
        st->lengths[i] = 0;
        st->formats[i] = 0;
    }
}

static void stmt_free(struct pg_stmt *st)
{
    pg_reset(st);
    pg_clear_bindings(st);
    free(st->key);
    free(st->sql);
    free(st);
}

void pg_conn_close(struct pg_conn *pc)
{
    if (pc == NULL)
        return;
    for (size_t i = 0; i < pc->nstmts; i++)
        stmt_free(pc->stmts[i]);
    PQfinish(pc->conn);
    free(pc);
}

bool pg_conn_in_tx(struct pg_conn *pc)
{
    PGTransactionStatusType status = PQtransactionStatus(pc->conn);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool pg_conn_healthy(struct pg_conn *pc)
{
    if (pc == NULL || PQstatus(pc->conn) != CONNECTION_OK || pg_conn_in_tx(pc))
        return false;
    PGresult *res = PQexec(pc->conn, "SELECT 1");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    return ok;
}

void pg_conn_end_use(struct pg_conn *pc)
{
    for (size_t i = 0; i < pc->nstmts; i++) {
        pg_reset(pc->stmts[i]);
        pg_clear_bindings(pc->stmts[i]);
    }
}

enum deepwell_code pg_conn_exec(struct pg_conn *pc, const char *sql, const char *context,
                                struct deepwell_error *err)
{
    PGresult *res = PQexec(pc->conn, sql);
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        pc->changes = atoll(PQcmdTuples(res));
        PQclear(res);
        return DW_OK;
    }
    record_error(pc, res);
    PQclear(res);
    return pg_conn_error(pc, err, context);
}

int64_t pg_conn_changes(struct pg_conn *pc)
{
    return pc->changes;
}

/* ---- statements ------------------------------------------------------------------------ */

/*
 * SQLite's ?N (and bare ?, numbered as SQLite numbers them) become $N; LIKE becomes
 * ILIKE, since SQLite's LIKE ignores case; COLLATE NOCASE is dropped (the PostgreSQL
 * schema makes those columns citext).  Quoted text is copied untouched.
 */
static char *translate(const char *sql, uint32_t *used)
{
    *used = 0;
    size_t len = strlen(sql);
    char *out = malloc(len * 2 + 16);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    int highest = 0;
    char quote = 0;
    for (size_t i = 0; i < len; i++) {
        char c = sql[i];
        if (quote != 0) {
            out[o++] = c;
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
            out[o++] = c;
        } else if (c == '?') {
            int index = highest + 1;
            if (isdigit((unsigned char)sql[i + 1])) {
                char *end;
                index = (int)strtol(sql + i + 1, &end, 10);
                i = (size_t)(end - sql) - 1;
            }
            if (index > highest)
                highest = index;
            if (index >= 1 && index <= 32)
                *used |= 1u << (index - 1);
            o += (size_t)sprintf(out + o, "$%d", index);
        } else if (strncmp(sql + i, " LIKE ", 6) == 0) {
            memcpy(out + o, " ILIKE ", 7);
            o += 7;
            i += 5;
        } else if (strncmp(sql + i, " COLLATE NOCASE", 15) == 0) {
            i += 14;
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return out;
}

static struct pg_stmt *stmt_create(struct pg_conn *pc, struct deepwell_conn *owner, const char *sql,
                                   struct deepwell_error *err)
{
    if (pc->nstmts == STMT_CACHE_MAX) {
        deepwell_error_set(err, DW_INTERNAL, sql, "statement cache full (%d statements)",
                           STMT_CACHE_MAX);
        return NULL;
    }
    uint32_t used = 0;
    struct pg_stmt *st = calloc(1, sizeof(*st));
    if (st != NULL) {
        st->key = strdup(sql);
        st->sql = translate(sql, &used);
    }
    if (st == NULL || st->key == NULL || st->sql == NULL) {
        if (st != NULL)
            stmt_free(st);
        deepwell_error_set(err, DW_INTERNAL, sql, "out of memory");
        return NULL;
    }
    st->pc = pc;
    st->row = -1;
    st->wrap.conn = owner;
    st->wrap.pg = st;
    snprintf(st->name, sizeof(st->name), "dw%u", pc->next_name++);

    /*
     * The server types each parameter from its use; one that a statement never mentions
     * (SQLite allows gaps: ?1, ?2, ?4) has no use to type it by, so it is text.
     */
    Oid types[PARAMS_MAX] = {0};
    int ntypes = 0;
    for (int i = 0; i < PARAMS_MAX; i++)
        if (used >> i != 0)
            ntypes = i + 1;
    for (int i = 0; i < ntypes; i++)
        types[i] = (used & (1u << i)) ? 0 : TEXT_OID;
    PGresult *res = PQprepare(pc->conn, st->name, st->sql, ntypes, types);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        record_error(pc, res);
    PQclear(res);
    if (ok) {
        res = PQdescribePrepared(pc->conn, st->name);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (ok)
            st->nexpected = PQnparams(res);
        else
            record_error(pc, res);
        PQclear(res);
    }
    if (ok && st->nexpected > PARAMS_MAX) {
        deepwell_error_set(err, DW_INTERNAL, sql, "more than %d parameters", PARAMS_MAX);
        stmt_free(st);
        return NULL;
    }
    if (!ok) {
        pg_conn_error(pc, err, sql);
        stmt_free(st);
        return NULL;
    }
    pc->stmts[pc->nstmts++] = st;
    return st;
}

struct dw_stmt *pg_conn_prepare(struct pg_conn *pc, struct deepwell_conn *owner, const char *sql,
                                struct deepwell_error *err)
{
    for (size_t i = 0; i < pc->nstmts; i++) {
        struct pg_stmt *st = pc->stmts[i];
        if (strcmp(st->key, sql) == 0) {
            pg_reset(st);
            pg_clear_bindings(st);
            return &st->wrap;
        }
    }
    struct pg_stmt *st = stmt_create(pc, owner, sql, err);
    return st != NULL ? &st->wrap : NULL;
}

const char *pg_stmt_sql(struct pg_stmt *st)
{
    return st->key;
}

/* 0 (SQLITE_OK) on success, as the SQLite bind calls return. */
static int bind_copy(struct pg_stmt *st, int index, const void *data, int len, int format)
{
    if (index < 1 || index > PARAMS_MAX)
        return PG_STEP_ERROR;
    free(st->values[index - 1]);
    st->values[index - 1] = NULL;
    st->lengths[index - 1] = 0;
    st->formats[index - 1] = format;
    if (data == NULL)
        return 0;
    char *copy = malloc((size_t)len + 1);
    if (copy == NULL)
        return PG_STEP_ERROR;
    memcpy(copy, data, (size_t)len);
    copy[len] = '\0';
    st->values[index - 1] = copy;
    st->lengths[index - 1] = len;
    return 0;
}

int pg_bind_null(struct pg_stmt *st, int index)
{
    return bind_copy(st, index, NULL, 0, 0);
}

int pg_bind_int64(struct pg_stmt *st, int index, int64_t value)
{
    char text[24];
    int len = snprintf(text, sizeof(text), "%lld", (long long)value);
    return bind_copy(st, index, text, len, 0);
}

int pg_bind_text(struct pg_stmt *st, int index, const char *text, int len)
{
    if (text == NULL)
        return pg_bind_null(st, index);
    return bind_copy(st, index, text, len < 0 ? (int)strlen(text) : len, 0);
}

int pg_bind_blob(struct pg_stmt *st, int index, const void *blob, int len)
{
    /* Binary format: the bytes go as they are, with no escaping to get wrong. */
    return bind_copy(st, index, blob != NULL ? blob : "", len, 1);
}

static void backoff_ms(int attempt)
{
    long ms = 2L << attempt;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static bool run(struct pg_stmt *st)
{
    struct pg_conn *pc = st->pc;
    for (int attempt = 0;; attempt++) {
        PGresult *res =
            PQexecPrepared(pc->conn, st->name, st->nexpected, (const char *const *)st->values,
                           st->lengths, st->formats, 0);
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            st->res = res;
            st->row = -1;
            pc->changes = atoll(PQcmdTuples(res));
            return true;
        }
        record_error(pc, res);
        PQclear(res);
        if (!retryable_state(pc->sqlstate) || pg_conn_in_tx(pc) || attempt >= AUTOCOMMIT_RETRIES)
            return false;
        backoff_ms(attempt);
    }
}

int pg_step(struct pg_stmt *st)
{
    if (st->res == NULL && !run(st))
        return PG_STEP_ERROR;
    stmt_free_blobs(st);
    if (st->row < PQntuples(st->res))
        st->row++;
    return st->row < PQntuples(st->res) ? PG_STEP_ROW : PG_STEP_DONE;
}

static bool on_row(struct pg_stmt *st, int col)
{
    return st->res != NULL && st->row >= 0 && st->row < PQntuples(st->res) && col >= 0 &&
           col < PQnfields(st->res);
}

bool pg_col_is_null(struct pg_stmt *st, int col)
{
    return !on_row(st, col) || PQgetisnull(st->res, st->row, col);
}

int64_t pg_col_int64(struct pg_stmt *st, int col)
{
    if (pg_col_is_null(st, col))
        return 0;
    const char *text = PQgetvalue(st->res, st->row, col);
    /* A boolean expression comes back as t/f. */
    if (text[0] == 't' || text[0] == 'f')
        return text[0] == 't';
    return strtoll(text, NULL, 10);
}

const unsigned char *pg_col_text(struct pg_stmt *st, int col)
{
    if (pg_col_is_null(st, col))
        return NULL;
    return (const unsigned char *)PQgetvalue(st->res, st->row, col);
}

/* Decodes a bytea column (text format "\x0a1b...") into the statement's buffer. */
static bool decode_blob(struct pg_stmt *st, int col)
{
    if (st->nblobs == 0) {
        int n = PQnfields(st->res);
        st->blobs = calloc((size_t)n, sizeof(*st->blobs));
        st->blob_lens = calloc((size_t)n, sizeof(*st->blob_lens));
        if (st->blobs == NULL || st->blob_lens == NULL) {
            stmt_free_blobs(st);
            return false;
        }
        for (int i = 0; i < n; i++)
            st->blob_lens[i] = -1;
        st->nblobs = n;
    }
    if (st->blob_lens[col] >= 0)
        return true;
    const char *text = PQgetvalue(st->res, st->row, col);
    size_t len = strlen(text);
    if (len < 2 || text[0] != '\\' || text[1] != 'x' || len % 2 != 0)
        return false;
    size_t nbytes = (len - 2) / 2;
    unsigned char *bytes = malloc(nbytes + 1);
    if (bytes == NULL)
        return false;
    /* Without hex_end, any character that is not a hex digit fails the decode. */
    size_t decoded = 0;
    if (sodium_hex2bin(bytes, nbytes + 1, text + 2, len - 2, NULL, &decoded, NULL) != 0 ||
        decoded != nbytes) {
        free(bytes);
        return false;
    }
    st->blobs[col] = bytes;
    st->blob_lens[col] = (int)nbytes;
    return true;
}

const void *pg_col_blob(struct pg_stmt *st, int col)
{
    if (pg_col_is_null(st, col))
        return NULL;
    if (PQftype(st->res, col) != BYTEA_OID)
        return PQgetvalue(st->res, st->row, col);
    return decode_blob(st, col) ? st->blobs[col] : NULL;
}

int pg_col_bytes(struct pg_stmt *st, int col)
{
    if (pg_col_is_null(st, col))
        return 0;
    if (PQftype(st->res, col) != BYTEA_OID)
        return PQgetlength(st->res, st->row, col);
    return decode_blob(st, col) ? st->blob_lens[col] : 0;
}
