/*
 * sqlite_search.c - the index on SQLite: FTS5 over search_docs (external content),
 * and a rank computed from the matched row alone.
 *
 * FTS5's bm25() weighs a word by how many rows of the whole table hold it, rows of
 * every band and file included: a word hidden in a level-5 passage would move a
 * level-2 reader's order.  scipnet_rank looks at nothing but the row it ranks.
 */
#include <math.h>
#include <sqlite3.h>

#include "deepwell/engine.h"
#include "deepwell/search.h"
#include "deepwell/sqlite_conn.h"

/* Each phrase counts log(1 + its hits), and long texts count a little less. */
static void rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                 sqlite3_value **vals)
{
    (void)nval;
    (void)vals;
    int nphrase = api->xPhraseCount(fts);
    int ninst = 0, ntokens = 0;
    int rc = api->xInstCount(fts, &ninst);
    if (rc == SQLITE_OK)
        rc = api->xColumnSize(fts, 0, &ntokens);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    int hits[DW_SEARCH_TERMS_MAX] = {0};
    for (int i = 0; i < ninst; i++) {
        int phrase, col, off;
        rc = api->xInst(fts, i, &phrase, &col, &off);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        /* The words' hits in the text; the rule's tokens (meta) weigh nothing. */
        if (col == 0 && phrase >= 0 && phrase < DW_SEARCH_TERMS_MAX)
            hits[phrase]++;
    }
    double score = 0;
    for (int p = 0; p < nphrase && p < DW_SEARCH_TERMS_MAX; p++)
        score += log1p(hits[p]);
    sqlite3_result_double(ctx, score / (1.0 + log1p(ntokens / 1000.0)));
}

int deepwell_sqlite_search_register(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW || api == NULL)
        return SQLITE_ERROR;
    return api->xCreateFunction(api, "scipnet_rank", NULL, rank, NULL);
}

/*
 * The rule is in the MATCH text (dw_search_fts5_ruled), so a count reads FTS5's lists
 * alone; the page's rows are chosen the same way, then checked against the rule in
 * SQL too (DW_SEARCH_RULE) and given a snippet.  Equal scores: in the order the rows
 * were indexed.
 */
const struct dw_search_sql deepwell_sqlite_search_sql = {
    .dialect = DW_SEARCH_FTS5,
    .count_has_rule = false,
    .count = "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?1",
    .page =
        "SELECT d.kind, d.ref_id, d.file_level, d.title, d.class,"
        " snippet(search_fts, 0, '**', '**', '\xe2\x80\xa6', 16), CAST(p.score AS TEXT), d.suffix"
        " FROM (SELECT rowid AS id, scipnet_rank(search_fts) AS score FROM search_fts"
        " WHERE search_fts MATCH ?1 ORDER BY score DESC, rowid LIMIT ?9 OFFSET ?10) p"
        " CROSS JOIN search_fts ON search_fts.rowid = p.id AND search_fts MATCH ?1"
        " CROSS JOIN search_docs d ON d.id = p.id WHERE " DW_SEARCH_RULE
        " ORDER BY p.score DESC, p.id",
};
