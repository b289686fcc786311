/* pg_stmt.c - PostgreSQL statements: SQL translated, prepared once, run, rows read. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deepwell/pg_conn.h"
#include "deepwell/pool.h"

/*
 * A statement run on its own (autocommit) that loses a serialization conflict
 * (CockroachDB reports 40001 even then) is simply run again, a few times.
 */
#define AUTOCOMMIT_RETRIES 5
#define BYTEA_OID          17
#define TEXT_OID           25

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

static void stmt_reset(struct pg_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    stmt_free_blobs(st);
}

static void stmt_clear_bindings(struct pg_stmt *st)
{
    for (int i = 0; i < PG_PARAMS_MAX; i++) {
        free(st->values[i]);
        st->values[i] = NULL;
        st->lengths[i] = 0;
        st->formats[i] = 0;
    }
}

void pg_stmt_free(struct pg_stmt *st)
{
    stmt_reset(st);
    stmt_clear_bindings(st);
    free(st->key);
    free(st->sql);
    free(st);
}

/* The statement behind a dw_stmt of a PostgreSQL store. */
static struct pg_stmt *pg_st(struct dw_stmt *stmt)
{
    assert(stmt->ops == &pg_stmt_ops); /* a statement of another engine */
    return (struct pg_stmt *)stmt;
}

static void pg_reset(struct dw_stmt *stmt)
{
    stmt_reset(pg_st(stmt));
}

static void pg_clear_bindings(struct dw_stmt *stmt)
{
    stmt_clear_bindings(pg_st(stmt));
}

/* ---- statements ------------------------------------------------------------------------ */

/*
 * SQLite's ?N (and bare ?, numbered as SQLite numbers them) become $N; LIKE becomes
 * ILIKE, since SQLite's LIKE ignores case; COLLATE NOCASE is dropped (the PostgreSQL
 * schema makes those columns citext).  Quoted text is copied untouched.
 */
static char *translate(const char *sql, bool used[PG_PARAMS_MAX])
{
    memset(used, 0, PG_PARAMS_MAX * sizeof(*used));
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
            if (index >= 1 && index <= PG_PARAMS_MAX)
                used[index - 1] = true;
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

static struct pg_stmt *stmt_create(struct pg_conn *pc, const char *sql, struct deepwell_error *err)
{
    if (pc->nstmts == PG_STMT_CACHE_MAX) {
        deepwell_error_set(err, DW_INTERNAL, sql, "statement cache full (%d statements)",
                           PG_STMT_CACHE_MAX);
        return NULL;
    }
    bool used[PG_PARAMS_MAX];
    struct pg_stmt *st = calloc(1, sizeof(*st));
    if (st != NULL) {
        st->key = strdup(sql);
        st->sql = translate(sql, used);
    }
    if (st == NULL || st->key == NULL || st->sql == NULL) {
        if (st != NULL)
            pg_stmt_free(st);
        deepwell_error_set(err, DW_INTERNAL, sql, "out of memory");
        return NULL;
    }
    st->pc = pc;
    st->row = -1;
    st->wrap.ops = &pg_stmt_ops;
    st->wrap.conn = pc->base.owner;
    snprintf(st->name, sizeof(st->name), "dw%u", pc->next_name++);

    /*
     * The server types each parameter from its use; one that a statement never mentions
     * (SQLite allows gaps: ?1, ?2, ?4) has no use to type it by, so it is text.
     */
    Oid types[PG_PARAMS_MAX] = {0};
    int ntypes = 0;
    for (int i = 0; i < PG_PARAMS_MAX; i++)
        if (used[i])
            ntypes = i + 1;
    for (int i = 0; i < ntypes; i++)
        types[i] = used[i] ? 0 : TEXT_OID;
    deepwell_conn_count_round_trip(pc->base.owner);
    PGresult *res = PQprepare(pc->conn, st->name, st->sql, ntypes, types);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        pg_record_error(pc, res);
    PQclear(res);
    if (ok) {
        deepwell_conn_count_round_trip(pc->base.owner);
        res = PQdescribePrepared(pc->conn, st->name);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (ok)
            st->nexpected = PQnparams(res);
        else
            pg_record_error(pc, res);
        PQclear(res);
    }
    if (ok && st->nexpected > PG_PARAMS_MAX) {
        deepwell_error_set(err, DW_INTERNAL, sql, "more than %d parameters", PG_PARAMS_MAX);
        pg_stmt_free(st);
        return NULL;
    }
    if (!ok) {
        pg_conn_error(pc, err, sql);
        pg_stmt_free(st);
        return NULL;
    }
    pc->stmts[pc->nstmts++] = st;
    return st;
}

struct dw_stmt *pg_prepare(struct dw_engine_conn *conn, const char *sql, struct deepwell_error *err)
{
    assert(conn->engine == &deepwell_engine_pg); /* a connection of another engine */
    struct pg_conn *pc = (struct pg_conn *)conn;
    for (size_t i = 0; i < pc->nstmts; i++) {
        struct pg_stmt *st = pc->stmts[i];
        if (strcmp(st->key, sql) == 0) {
            stmt_reset(st);
            stmt_clear_bindings(st);
            return &st->wrap;
        }
    }
    struct pg_stmt *st = stmt_create(pc, sql, err);
    if (st == NULL) /* the server refused, or the connection is gone */
        deepwell_conn_mark_suspect(conn->owner);
    return st != NULL ? &st->wrap : NULL;
}

static const char *pg_stmt_sql(struct dw_stmt *stmt)
{
    return pg_st(stmt)->key;
}

/* 0 (SQLITE_OK) on success, as the SQLite bind calls return. */
static int bind_copy(struct pg_stmt *st, int index, const void *data, int len, int format)
{
    if (index < 1 || index > PG_PARAMS_MAX)
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

static int pg_bind_null(struct dw_stmt *stmt, int index)
{
    return bind_copy(pg_st(stmt), index, NULL, 0, 0);
}

static int pg_bind_int64(struct dw_stmt *stmt, int index, int64_t value)
{
    char text[24];
    int len = snprintf(text, sizeof(text), "%lld", (long long)value);
    return bind_copy(pg_st(stmt), index, text, len, 0);
}

static int pg_bind_text(struct dw_stmt *stmt, int index, const char *text, int len)
{
    if (text == NULL)
        return pg_bind_null(stmt, index);
    return bind_copy(pg_st(stmt), index, text, len < 0 ? (int)strlen(text) : len, 0);
}

static int pg_bind_blob(struct dw_stmt *stmt, int index, const void *blob, int len)
{
    /* Binary format: the bytes go as they are, with no escaping to get wrong. */
    return bind_copy(pg_st(stmt), index, blob != NULL ? blob : "", len, 1);
}

static enum deepwell_code pg_bind_error(struct dw_stmt *stmt, int rc, int index, const char *op,
                                        struct deepwell_error *err)
{
    /* A bind only copies: a parameter number out of range, or out of memory. */
    if (index < 1 || index > PG_PARAMS_MAX)
        return deepwell_error_set(err, DW_INTERNAL, op, "cannot bind parameter %d", index);
    return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
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
        deepwell_conn_count_round_trip(pc->base.owner);
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
        pg_record_error(pc, res);
        PQclear(res);
        if (!pg_retryable_state(pc->sqlstate) || pg_conn_in_tx(pc) || attempt >= AUTOCOMMIT_RETRIES)
            return false;
        backoff_ms(attempt);
    }
}

static int stmt_step(struct pg_stmt *st)
{
    if (st->res == NULL && !run(st))
        return PG_STEP_ERROR;
    stmt_free_blobs(st);
    if (st->row < PQntuples(st->res))
        st->row++;
    return st->row < PQntuples(st->res) ? PG_STEP_ROW : PG_STEP_DONE;
}

static int pg_step(struct dw_stmt *stmt)
{
    int rc = stmt_step(pg_st(stmt));
    if (rc == PG_STEP_ROW || rc == PG_STEP_DONE)
        return rc;
    /* Constraint failures are ordinary answers ("name taken"); anything else is suspect. */
    struct pg_conn *pc = pg_st(stmt)->pc;
    struct deepwell_error e;
    if (pg_conn_error(pc, &e, "") != DW_CONFLICT && e.code != DW_INVALID)
        deepwell_conn_mark_suspect(pc->base.owner);
    return rc;
}

static bool on_row(struct pg_stmt *st, int col)
{
    return st->res != NULL && st->row >= 0 && st->row < PQntuples(st->res) && col >= 0 &&
           col < PQnfields(st->res);
}

static bool col_is_null(struct pg_stmt *st, int col)
{
    return !on_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static int64_t col_int64(struct pg_stmt *st, int col)
{
    if (col_is_null(st, col))
        return 0;
    const char *text = PQgetvalue(st->res, st->row, col);
    /* A boolean expression comes back as t/f. */
    if (text[0] == 't' || text[0] == 'f')
        return text[0] == 't';
    return strtoll(text, NULL, 10);
}

static const unsigned char *col_text(struct pg_stmt *st, int col)
{
    if (col_is_null(st, col))
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

static const void *col_blob(struct pg_stmt *st, int col)
{
    if (col_is_null(st, col))
        return NULL;
    if (PQftype(st->res, col) != BYTEA_OID)
        return PQgetvalue(st->res, st->row, col);
    return decode_blob(st, col) ? st->blobs[col] : NULL;
}

static int col_bytes(struct pg_stmt *st, int col)
{
    if (col_is_null(st, col))
        return 0;
    if (PQftype(st->res, col) != BYTEA_OID)
        return PQgetlength(st->res, st->row, col);
    return decode_blob(st, col) ? st->blob_lens[col] : 0;
}

static bool pg_col_is_null(struct dw_stmt *stmt, int col)
{
    return col_is_null(pg_st(stmt), col);
}

static int64_t pg_col_int64(struct dw_stmt *stmt, int col)
{
    return col_int64(pg_st(stmt), col);
}

static const unsigned char *pg_col_text(struct dw_stmt *stmt, int col)
{
    return col_text(pg_st(stmt), col);
}

static const void *pg_col_blob(struct dw_stmt *stmt, int col)
{
    return col_blob(pg_st(stmt), col);
}

static int pg_col_bytes(struct dw_stmt *stmt, int col)
{
    return col_bytes(pg_st(stmt), col);
}

void pg_stmt_clear(struct pg_stmt *st)
{
    stmt_reset(st);
    stmt_clear_bindings(st);
}

const struct dw_stmt_ops pg_stmt_ops = {
    .step = pg_step,
    .reset = pg_reset,
    .clear_bindings = pg_clear_bindings,
    .sql = pg_stmt_sql,
    .bind_null = pg_bind_null,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_error = pg_bind_error,
    .col_is_null = pg_col_is_null,
    .col_int64 = pg_col_int64,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_bytes = pg_col_bytes,
};
