/*
 * search_rows.c - a file's rows of the full-text index (search.h), as the write path
 * writes them.  On SQLite the FTS5 table (external content) is kept in step here, not
 * by triggers: FTS5 takes a deleted row's words at once and a transaction's new rows
 * in one statement at its COMMIT (dw_search_flush).  Why: FTS5 writes the words it
 * holds in memory to disk at every statement savepoint, and a write transaction opens
 * one for most statements (any with a trigger: scp_files, sections); fed row by row,
 * FTS5 wrote one small segment per row and merged them all again, which cost more than
 * the rest of an import (docs/BENCHMARKS.md, "Import").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deepwell/engine.h"
#include "deepwell/query.h"
#include "deepwell/search.h"

/* Most rows a file has: one per band, bands start at levels 1-6. */
#define ROWS_MAX 6

static const char SQL_ROWS[] =
    "SELECT id, file_level, site_id, class, title, band_lo, band_hi, body, meta, tags"
    " FROM search_docs WHERE kind = ?1 AND ref_id = ?2 AND suffix = ?3";
/* The file's rows but those of the bands ?4 keeps: bit band_lo set. One statement, one
 * round trip on PostgreSQL. */
static const char SQL_ROWS_DELETE[] =
    "DELETE FROM search_docs WHERE kind = ?1 AND ref_id = ?2 AND suffix = ?3"
    " AND (?4 / (1 << band_lo)) % 2 = 0";
static const char SQL_ROW_INSERT[] =
    "INSERT INTO search_docs (kind, ref_id, file_level, site_id, class, title, band_lo, band_hi,"
    " body, meta, suffix, tags, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
    " ?13)";
/* SQLite only: FTS5 forgets a row by the words it had. */
static const char SQL_FTS_DELETE[] =
    "INSERT INTO search_fts (search_fts, rowid, body, meta) VALUES ('delete', ?1, ?2, ?3)";
/* SQLite only: the pending rows, ?1 their ids as a JSON array, in one statement. */
static const char SQL_FTS_ADD[] =
    "INSERT INTO search_fts (rowid, body, meta) SELECT d.id, d.body, d.meta"
    " FROM search_docs d WHERE d.id IN (SELECT value FROM json_each(?1)) ORDER BY d.id";

/*
 * A small write leaves a small segment, and FTS5's own merging (work in proportion to
 * what was written) let them pile up: a search reads each segment's list of every word
 * in each of its id ranges, and eight one-file segments cost the search bench 15 %.  Up
 * to 64 pages (256 KB) of merging at each commit keeps them few (SQLite only).
 */
static const char SQL_FTS_MERGE[] =
    "INSERT INTO search_fts (search_fts, rank) VALUES ('merge', 64)";

static bool fts5(struct deepwell_conn *conn)
{
    return deepwell_conn_engine(conn)->search->dialect == DW_SEARCH_FTS5;
}

/* Rows read from the store: their texts are malloc'd. */
static void stored_free(struct dw_search_row *have, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)have[i].klass);
        free((char *)have[i].title);
        free((char *)have[i].body);
        free((char *)have[i].meta);
        free((char *)have[i].tags);
    }
}

static enum deepwell_code read_rows(struct deepwell_conn *conn, const char *kind, int64_t ref_id,
                                    const char *suffix, struct dw_search_row *have, size_t *n,
                                    const char *op, struct deepwell_error *err)
{
    *n = 0;
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_ROWS, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "tIt", kind, ref_id, suffix);
    while (code == DW_OK && (code = dw_step_row(conn, stmt, op, err)) == DW_OK) {
        if (*n == ROWS_MAX) {
            code = deepwell_error_set(err, DW_INTERNAL, op, "more than %d index rows for one file",
                                      ROWS_MAX);
            break;
        }
        struct dw_search_row *s = &have[(*n)++];
        memset(s, 0, sizeof(*s));
        s->id = dw_col_int64(stmt, 0);
        s->level = dw_col_int(stmt, 1);
        s->site_id = dw_col_int64(stmt, 2);
        s->lo = dw_col_int(stmt, 5);
        s->hi = dw_col_int(stmt, 6);
        char **texts[] = {(char **)&s->klass, (char **)&s->title, (char **)&s->body,
                          (char **)&s->meta, (char **)&s->tags};
        static const int cols[] = {3, 4, 7, 8, 9};
        for (size_t i = 0; i < 5 && code == DW_OK; i++)
            if (!dw_column_dup(stmt, cols[i], texts[i]))
                code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    }
    dw_reset(stmt);
    return code == DW_NOT_FOUND ? DW_OK : code;
}

static bool same_text(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static bool same_row(const struct dw_search_row *a, const struct dw_search_row *b)
{
    return a->id == b->id && a->level == b->level && a->site_id == b->site_id && a->lo == b->lo &&
           a->hi == b->hi && same_text(a->klass, b->klass) && same_text(a->title, b->title) &&
           same_text(a->meta, b->meta) && same_text(a->tags, b->tags) &&
           same_text(a->body, b->body);
}

/* Takes id off the pending list; false when it is not there (FTS5 has its words). */
static bool pending_take(struct dw_search_pending *p, int64_t id)
{
    for (size_t i = p->n; i-- > 0;)
        if (p->ids[i] == id) {
            p->ids[i] = p->ids[--p->n];
            return true;
        }
    return false;
}

static bool pending_add(struct dw_search_pending *p, int64_t id)
{
    if (p->n == p->cap) {
        size_t cap = p->cap == 0 ? 64 : p->cap * 2;
        int64_t *more = realloc(p->ids, cap * sizeof(*more));
        if (more == NULL)
            return false;
        p->ids = more;
        p->cap = cap;
    }
    p->ids[p->n++] = id;
    return true;
}

/* FTS5 forgets the row's words (SQLite; its row goes with the file's others). */
static enum deepwell_code forget_row(struct deepwell_conn *conn, const struct dw_search_row *s,
                                     const char *op, struct deepwell_error *err)
{
    /* A row this transaction added has not reached FTS5: nothing there to forget. */
    if (!fts5(conn) || pending_take(deepwell_conn_search_pending(conn), s->id))
        return DW_OK;
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_FTS_DELETE, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "Itt", s->id, s->body, s->meta);
    return code == DW_OK ? dw_step_done(conn, stmt, op, err) : code;
}

static enum deepwell_code add_row(struct deepwell_conn *conn, const char *kind, int64_t ref_id,
                                  const char *suffix, const struct dw_search_row *r, const char *op,
                                  struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_ROW_INSERT, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "tIiIttiittttI", kind, ref_id, r->level, r->site_id, r->klass,
                       r->title, r->lo, r->hi, r->body, r->meta, suffix, r->tags, r->id);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK && fts5(conn) && !pending_add(deepwell_conn_search_pending(conn), r->id))
        code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    return code;
}

enum deepwell_code dw_search_rows_set(struct deepwell_conn *conn, const char *kind, int64_t ref_id,
                                      const char *suffix, const struct dw_search_row *rows,
                                      size_t n, const char *op, struct deepwell_error *err)
{
    struct dw_search_row have[ROWS_MAX];
    size_t nhave;
    bool kept[ROWS_MAX] = {false};
    if (n > ROWS_MAX)
        return deepwell_error_set(err, DW_INTERNAL, op, "more than %d index rows for one file",
                                  ROWS_MAX);
    enum deepwell_code code = read_rows(conn, kind, ref_id, suffix, have, &nhave, op, err);
    int64_t keep = 0; /* bit band_lo: the stored row stays */
    size_t gone = 0;
    for (size_t i = 0; i < nhave && code == DW_OK; i++) {
        size_t j = 0;
        while (j < n && (kept[j] || !same_row(&have[i], &rows[j])))
            j++;
        if (j < n) {
            kept[j] = true; /* already as wanted: not tokenised again */
            keep |= INT64_C(1) << have[i].lo;
        } else {
            code = forget_row(conn, &have[i], op, err);
            gone++;
        }
    }
    /* Deletions first: a new row may take the band (UNIQUE) of one going away. */
    struct dw_stmt *stmt;
    if (code == DW_OK && gone > 0)
        code = dw_prepare(conn, SQL_ROWS_DELETE, &stmt, err);
    if (code == DW_OK && gone > 0)
        code = dw_bind(stmt, err, op, "tItI", kind, ref_id, suffix, keep);
    if (code == DW_OK && gone > 0)
        code = dw_step_done(conn, stmt, op, err);
    for (size_t j = 0; j < n && code == DW_OK; j++)
        if (!kept[j])
            code = add_row(conn, kind, ref_id, suffix, &rows[j], op, err);
    stored_free(have, nhave);
    /* Outside a transaction there is no COMMIT to wait for. */
    if (code == DW_OK && !deepwell_conn_in_tx(conn))
        code = dw_search_flush(conn, err);
    return code;
}

enum deepwell_code dw_search_flush(struct deepwell_conn *conn, struct deepwell_error *err)
{
    static const char op[] = "search.flush";
    struct dw_search_pending *p = deepwell_conn_search_pending(conn);
    if (p->n == 0)
        return DW_OK;
    /* An id is at most 20 characters, and a comma. */
    char *ids = malloc(p->n * 21 + 3);
    if (ids == NULL)
        return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    size_t len = 0;
    ids[len++] = '[';
    for (size_t i = 0; i < p->n; i++)
        len += (size_t)sprintf(ids + len, i == 0 ? "%lld" : ",%lld", (long long)p->ids[i]);
    ids[len++] = ']';
    ids[len] = '\0';
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_FTS_ADD, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "t", ids);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    free(ids);
    if (code == DW_OK)
        p->n = 0;
    if (code == DW_OK)
        code = dw_exec(conn, SQL_FTS_MERGE, op, err);
    return code;
}
