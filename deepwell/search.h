/*
 * search.h - the full-text index behind deepwell_search (internal to deepwell/).
 *
 * The rule (docs/protocol.md, "search"): a hit, a snippet, a rank or a count only
 * ever comes from text the reader may read.  It holds by construction: each file is
 * indexed once per clearance band, as the text a reader of that band sees after
 * every cut, and a reader of level L queries only the one row per file whose band
 * holds L (band_lo <= L < band_hi).  The rank is computed from that row alone (no
 * statistics over other rows), so hidden text elsewhere cannot move it.
 */
#ifndef SCIPNET_DEEPWELL_SEARCH_H
#define SCIPNET_DEEPWELL_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"

#define DW_SEARCH_TERMS_MAX 16
#define DW_SEARCH_WORD_MAX  64
/* Cut text in a band's copy, as a reader sees it: nothing of it shows, no phrase joins across. */
#define DW_SEARCH_CUT " [REDACTED] "

/* One band of a file: the text readers of levels lo .. hi-1 see. */
struct dw_search_band {
    int lo, hi;
    char *text; /* malloc'd */
};

/*
 * The bands of a file whose sections are readable from base_level (SCP: their own
 * level; a site's text: 1).  head is text every reader of the file sees (the ref
 * and the title).  Band levels are the distinct levels of sections and passages;
 * the first band starts at 1.  0, or -1 when out of memory.
 */
int dw_search_bands(const char *head, const struct deepwell_section *sections, size_t nsections,
                    struct dw_search_band **out, size_t *count);
void dw_search_bands_free(struct dw_search_band *bands, size_t count);

/* Most words a snippet marks (a query is at most 200 bytes: a few dozen words). */
#define DW_SEARCH_MARKS_MAX 32

/*
 * An index row's id says whom it serves, so SQLite reads a reader's rows as a few
 * ranges of ids instead of matching a token on every row (a third of a common word's
 * time): from bit 42 the band (lo * 8 + hi, plus 64 for a site, whose rule also
 * depends on the reader's site), bits 40-41 the kind, below them the file's own row.
 * Equal scores are ordered by the low 42 bits alone (kind, file), never by the band,
 * which hidden passages shape.
 */
#define DW_SEARCH_ID_BAND_SHIFT 42
#define DW_SEARCH_ID_KIND_SHIFT 40
#define DW_SEARCH_ID_ORDER(id)  ((id) & ((INT64_C(1) << DW_SEARCH_ID_BAND_SHIFT) - 1))
int64_t dw_search_row_id(enum deepwell_kind kind, int64_t file_row, int lo, int hi);

/* The ids [from, to) of rows one reader may match; site: sites' rows (their rule is in meta). */
struct dw_search_range {
    int64_t from, to;
    bool site;
};
#define DW_SEARCH_RANGES_MAX 7
/* The ranges for reader q (at most DW_SEARCH_RANGES_MAX); how many. */
size_t dw_search_ranges(const struct deepwell_search_query *q, struct dw_search_range *out);

/* A parsed query: the engines' query texts, made only of quoted plain words. */
struct dw_search_parsed {
    char fts5[1024];    /* SQLite FTS5 MATCH text */
    char tsquery[1024]; /* PostgreSQL to_tsquery('simple', ...) text */
    int kind;           /* -1 any, else enum deepwell_kind */
    int level;          /* 0 any */
    char klass[32];     /* "" any; lower case */
    char tags[128];     /* tag: filters as index tokens, sorted, each followed by ' ' */
    /* The query's words as typed (lower case), for the snippet to mark; prefix: word*. */
    struct dw_search_mark {
        char word[DW_SEARCH_WORD_MAX + 1];
        bool prefix;
    } marks[DW_SEARCH_MARKS_MAX];
    int nmarks;
};

/*
 * The snippet of a hit: about sixteen words of text (the band's text a reader sees)
 * from just before the first of the query's words in it, those words between "**"
 * and "\u2026" where the text is cut; the start of the text when no word is found.
 * Made here, not by the engine, so both engines give the same snippet and neither has
 * to match the text a second time for it.  NULL when out of memory.
 */
char *dw_search_snippet(const char *text, const struct dw_search_parsed *parsed);

/* Most tag: filters in one query. */
#define DW_SEARCH_TAGS_MAX 8

/* DW_INVALID with a message for the user when the query is not valid. */
enum deepwell_code dw_search_parse(const char *query, struct dw_search_parsed *out,
                                   struct deepwell_error *err);

/*
 * The rows one reader may match, as server/clearance.c decides (clearance_read;
 * tests/unit/test_srv_search_rule.c checks they agree): the band holding the
 * reader's level; SCP and MTF files at or below it; sites from ?4 up, or the
 * reader's own; then the query's filters.
 */
#define DW_SEARCH_RULE                                                                             \
    "d.band_lo <= ?2 AND ?2 < d.band_hi"                                                           \
    " AND ((d.kind <> 'site' AND d.file_level <= ?2)"                                              \
    " OR (d.kind = 'site' AND (CAST(?2 AS INTEGER) >= CAST(?4 AS INTEGER) OR d.ref_id = ?3)))"     \
    " AND (CAST(?5 AS TEXT) IS NULL OR d.kind = ?5) AND (?6 = 0 OR d.file_level = ?6)"             \
    " AND (CAST(?7 AS TEXT) IS NULL OR d.class = ?7)"                                              \
    " AND (CAST(?8 AS TEXT) IS NULL OR d.tags LIKE ?8)"

/*
 * What the row id does not say, as index tokens (SQLite's meta column), so FTS5
 * applies it while it reads its own lists and a search never joins the table: "slL"
 * and "stIDxL" for a site (any reader from the site level, its own staff at any
 * level), and the filters' "kKIND", "cCLASS", "lvN", "tgTAG" (an ASCII tag) or "tuHEX"
 * (a tag "~HEX").  DW_SEARCH_RULE says the same in SQL.  tags: the file's tags as
 * dw_search_tags wrote them.
 */
void dw_search_meta(const char *kind, int64_t ref_id, int file_level, const char *klass,
                    const char *tags, int lo, int hi, char *out, size_t size);

/*
 * A file's space-separated tags (NULL: none) as the index keeps them: each one's
 * token, sorted, without repeats, each between spaces (" alive humanoid ~c3a96c616e "),
 * so the SQL rule finds "% alive % humanoid %" with LIKE.  A token is an ASCII tag's
 * letters and digits, lower case, or "~" and the hex of a tag with other bytes
 * (search_query.c, tag_token, says why); the tag: filter makes the same.  "" when none;
 * a tag with nothing kept is not indexed, nor are tags past the first 512 bytes of them.
 */
void dw_search_tags(const char *tags, char *out, size_t size);
/* The LIKE pattern of a query's tag: filters ("% a % b %"), or "" when none. */
void dw_search_tag_pattern(const struct dw_search_parsed *parsed, char *out, size_t size);
/*
 * The FTS5 query for a reader within one of their ranges: the words, in the body only,
 * the filters' tokens, and for the sites' range the site rule's tokens.
 */
void dw_search_fts5_ruled(const struct dw_search_parsed *parsed,
                          const struct deepwell_search_query *q, bool site, char *out, size_t size);

/* A score travels as an integer, the rank times this rounded: ties are exact, reading is cheap. */
#define DW_SEARCH_SCORE_SCALE 1000000

/* What differs between the engines' search SQL (sqlite_search.c, pg_search.c). */
struct dw_search_sql {
    /* Which of dw_search_parsed's texts the engine's MATCH or @@ takes. */
    enum { DW_SEARCH_FTS5, DW_SEARCH_TSQUERY } dialect;
    /* hits takes ?2..?8; else ?1 and one range's ids, ?2 <= id < ?3 (search_ranges) */
    bool hits_has_rule;
    /*
     * Parameters: ?1 the engine query, ?2 the reader's level, ?3 the reader's site
     * (0 none), ?4 the level from which every site may be read, ?5 kind name (NULL
     * any), ?6 level (0 any), ?7 class (NULL any), ?8 the tags' LIKE pattern (NULL any).
     *
     * hits: every row the reader matches, as (row id, score times DW_SEARCH_SCORE_SCALE);
     * search.c counts them and keeps the best in the same pass.
     * page: the rows whose ids ?9 lists ("4,17,9"), checked against the rule again;
     * columns id, kind, ref_id, level, title, class, text (the band's: the snippet
     * is made from it), suffix ("" but for suffixed files).
     */
    const char *hits;
    const char *page;
    /* Run first in the search's read transaction (NULL: nothing). */
    const char *before;
    /* Merges the index into one piece (deepwell_search_optimize; NULL: nothing to do). */
    const char *optimize;
};

/* One row of the index as the write path wants it: the band lo..hi of one file. */
struct dw_search_row {
    int64_t id; /* dw_search_row_id */
    int level;
    int64_t site_id;
    const char *klass, *title;
    int lo, hi;
    const char *body, *meta, *tags;
};

/*
 * Makes the rows of the file kind, ref_id, suffix ("" but for suffixed files) rows[0..n)
 * (search_rows.c): a row already stored as wanted is kept, so an unchanged band is not
 * tokenised again; the others are deleted and inserted.  On SQLite, FTS5 takes the
 * deletions at once and the new rows at COMMIT (at once outside a transaction).
 */
enum deepwell_code dw_search_rows_set(struct deepwell_conn *conn, const char *kind, int64_t ref_id,
                                      const char *suffix, const struct dw_search_row *rows,
                                      size_t n, const char *op, struct deepwell_error *err);
/* Gives FTS5 the rows this transaction added; deepwell_conn_commit calls it first. */
enum deepwell_code dw_search_flush(struct deepwell_conn *conn, struct deepwell_error *err);

/*
 * Rewrites a file's rows of the index (inside the caller's write transaction):
 * every write of a file or its sections calls it (write.h).
 */
enum deepwell_code dw_search_index_scp(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                       const char *op, struct deepwell_error *err);

/* The same for a site (own staff read it at any level) and a task force; id: its row. */
enum deepwell_code dw_search_index_site(struct deepwell_conn *conn,
                                        const struct deepwell_site *site, int64_t id,
                                        const char *op, struct deepwell_error *err);
enum deepwell_code dw_search_index_mtf(struct deepwell_conn *conn, const struct deepwell_mtf *mtf,
                                       int64_t id, const char *op, struct deepwell_error *err);

/* The same for a personnel file, read from the store (after every write of the user). */
enum deepwell_code dw_search_index_user(struct deepwell_conn *conn, int64_t id, const char *op,
                                        struct deepwell_error *err);

/* Indexes every file that has no index rows yet (a store migrated to the index). */
enum deepwell_code dw_search_backfill(struct deepwell *dw, struct deepwell_error *err);

#endif
