/*
 * sqlite_search.c - the index on SQLite: FTS5 over search_docs (external content),
 * and a rank computed from the matched row alone.
 *
 * FTS5's bm25() weighs a word by how many rows of the whole table hold it, rows of
 * every band and file included: a word hidden in a level-5 passage would move a
 * level-2 reader's order.  scipnet_rank looks at nothing but the row it ranks.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>

#include "deepwell/engine.h"
#include "deepwell/search.h"
#include "deepwell/sqlite_conn.h"

#define RANK_HITS_MAX 64

/* log(1 + n) for the hits a phrase may count: made once, read per phrase per hit. */
static double log1p_hits[RANK_HITS_MAX + 1];

/*
 * Each phrase counts log(1 + its hits in the text).  The text's length is left out, as
 * PostgreSQL's ts_rank leaves it out by default: reading it (xColumnSize) is a look-up
 * in search_fts_docsize per hit, three quarters of the time a common word's ranking
 * took (8 of 11 ms for 7,000 hits).
 */
static void rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                 sqlite3_value **vals)
{
    (void)nval;
    (void)vals;
    int nphrase = api->xPhraseCount(fts);
    double score = 0;
    for (int p = 0; p < nphrase && p < DW_SEARCH_TERMS_MAX; p++) {
        /*
         * A phrase's own position list, read in place (xInstCount would sort every
         * phrase's hits into one list first).  The words' phrases are in the body; the
         * rule's and filters' tokens (meta) weigh nothing.  log(1 + hits) barely moves
         * past a few dozen hits: counting stops at RANK_HITS_MAX.
         */
        Fts5PhraseIter iter;
        int col, off, hits = 0;
        int rc = api->xPhraseFirst(fts, p, &iter, &col, &off);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        for (; col == 0 && hits < RANK_HITS_MAX; api->xPhraseNext(fts, &iter, &col, &off))
            hits++;
        score += log1p_hits[hits];
    }
    sqlite3_result_int64(ctx, (sqlite3_int64)llround(score * DW_SEARCH_SCORE_SCALE));
}

static void make_log1p_hits(void)
{
    for (int n = 0; n <= RANK_HITS_MAX; n++)
        log1p_hits[n] = log1p(n);
}

int deepwell_sqlite_search_register(sqlite3 *db)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_log1p_hits);
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
 * The rule is in the ids read (dw_search_ranges) and, for sites, the MATCH text
 * (dw_search_fts5_ruled), so the hits come from FTS5's lists alone, never joining the
 * table, and ?2 .. ?3 bound the ids of one range; the page's rows are read by id and checked
 * against the rule in SQL too (DW_SEARCH_RULE).
 */
const struct dw_search_sql deepwell_sqlite_search_sql = {
    .dialect = DW_SEARCH_FTS5,
    .hits_has_rule = false,
    .hits = "SELECT rowid, scipnet_rank(search_fts) FROM search_fts WHERE search_fts MATCH ?1"
            " AND rowid >= ?2 AND rowid < ?3",
    .page = "SELECT d.id, d.kind, d.ref_id, d.file_level, d.title, d.class, d.body, d.suffix"
            " FROM search_docs d WHERE d.id IN (SELECT value FROM json_each('[' || ?9 || ']'))"
            " AND " DW_SEARCH_RULE,
    /* A no-op on an index that is one segment already. */
    .optimize = "INSERT INTO search_fts (search_fts) VALUES ('optimize')",
};
