/*
 * pg_search.c - the index on PostgreSQL: a tsvector column of search_docs with a
 * GIN index.  ts_rank reads only the row it ranks (no statistics over other rows).
 */
#include "deepwell/engine.h"
#include "deepwell/search.h"

#define STR(x)   #x
#define SCALE(x) STR(x)
#define TSQ      " to_tsquery('simple', ?1)"
#define FROM     " FROM search_docs d WHERE d.tsv @@" TSQ " AND " DW_SEARCH_RULE

/*
 * A word most files hold made the planner scan the table, since it does not count the
 * cost of reading each row's tsvector out of TOAST: 530 ms to count 7,152 hits of
 * 42,000 rows, where the GIN index's bitmap (exact for these queries: no recheck, no
 * tsvector read) counts them in 40 ms.  `before` keeps it off sequential scans for the
 * search's own transaction only.
 */
const struct dw_search_sql deepwell_pg_search_sql = {
    .dialect = DW_SEARCH_TSQUERY,
    .hits_has_rule = true,
    .hits = "SELECT d.id, CAST(round(ts_rank(d.tsv," TSQ
            ") * " SCALE(DW_SEARCH_SCORE_SCALE) ") AS bigint)" FROM,
    .page = "SELECT d.id, d.kind, d.ref_id, d.file_level, d.title, d.class,"
            " d.body, d.suffix" FROM " AND d.id = ANY(CAST(string_to_array(?9, ',') AS bigint[]))",
    .before = "SET LOCAL enable_seqscan = off",
};
