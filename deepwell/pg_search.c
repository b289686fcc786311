/*
 * pg_search.c - the index on PostgreSQL: a tsvector column of search_docs with a
 * GIN index.  ts_rank reads only the row it ranks (no statistics over other rows).
 */
#include "deepwell/engine.h"
#include "deepwell/search.h"

#define TSQ  " to_tsquery('simple', ?1)"
#define FROM " FROM search_docs d WHERE d.tsv @@" TSQ " AND " DW_SEARCH_RULE

/*
 * The page's rows are chosen first; only they get a headline.
 *
 * A word most files hold made the planner scan the table, since it does not count the
 * cost of reading each row's tsvector out of TOAST: 530 ms to count 7,152 hits of
 * 42,000 rows, where the GIN index's bitmap (exact for these queries: no recheck, no
 * tsvector read) counts them in 40 ms.  `before` keeps it off sequential scans for the
 * search's own transaction only.
 */
const struct dw_search_sql deepwell_pg_search_sql = {
    .dialect = DW_SEARCH_TSQUERY,
    .count_has_rule = true,
    .count = "SELECT count(*)" FROM,
    .page = "SELECT p.kind, p.ref_id, p.file_level, p.title, p.class,"
            " ts_headline('simple', p.body," TSQ ","
            " 'StartSel=**, StopSel=**, MaxWords=16, MinWords=8, ShortWord=0, MaxFragments=1'),"
            " CAST(p.score AS TEXT), p.suffix"
            " FROM (SELECT d.kind, d.ref_id, d.file_level, d.title, d.class, d.body, d.suffix,"
            " ts_rank(d.tsv," TSQ ") AS score" FROM
            " ORDER BY score DESC, d.kind, d.ref_id, d.suffix LIMIT ?9 OFFSET ?10) p"
            " ORDER BY p.score DESC, p.kind, p.ref_id, p.suffix",
    .before = "SET LOCAL enable_seqscan = off",
};
