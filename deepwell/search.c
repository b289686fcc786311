/*
 * search.c - the full-text index: kept by the write path, backfilled once for a
 * migrated store, and queried by deepwell_search.  SQL that both engines accept
 * is here; what differs (FTS5, tsvector) is the engine's (engine.h: search).
 */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "deepwell/engine.h"
#include "deepwell/query.h"
#include "deepwell/search.h"
#include "deepwell/store.h"

static const char SQL_SCP_ROW[] = "SELECT id FROM scp_files WHERE number = ?1 AND suffix = ?2";

static const char *const kind_names[] = {
    [DW_KIND_SCP] = "scp", [DW_KIND_SITE] = "site", [DW_KIND_MTF] = "mtf", [DW_KIND_USER] = "user"};

/* ---- the write path ------------------------------------------------------------------- */

/* One file's index rows, as search.h says; replaces the rows it had. */
struct doc {
    enum deepwell_kind kind;
    int64_t ref_id;
    const char *suffix; /* files: "" or "ARC" (SCP-049-ARC); others NULL */
    int level;
    int64_t site_id;
    const char *klass; /* any case; stored lower case */
    const char *title;
    const char *tags; /* space-separated, NULL: none */
    const struct deepwell_section *sections;
    size_t nsections;
};

static enum deepwell_code index_doc(struct deepwell_conn *conn, const struct doc *doc,
                                    const char *op, struct deepwell_error *err)
{
    static const enum foundation_ref_kind ref_kinds[] = {[DW_KIND_SCP] = REF_SCP,
                                                         [DW_KIND_SITE] = REF_SITE,
                                                         [DW_KIND_MTF] = REF_MTF,
                                                         [DW_KIND_USER] = REF_USER};
    struct foundation_ref ref = {.kind = ref_kinds[doc->kind], .number = doc->ref_id};
    const char *suffix = doc->suffix != NULL ? doc->suffix : "";
    snprintf(ref.suffix, sizeof(ref.suffix), "%s", suffix);
    char canon[32], head[320], klass[32] = "";
    foundation_ref_format(&ref, canon, sizeof(canon));
    snprintf(head, sizeof(head), "%s %s", canon, doc->title);
    for (size_t i = 0; doc->klass != NULL && doc->klass[i] != '\0' && i + 1 < sizeof(klass); i++) {
        klass[i] = (char)tolower((unsigned char)doc->klass[i]);
        klass[i + 1] = '\0';
    }
    struct dw_search_band *bands;
    size_t nbands;
    if (dw_search_bands(head, doc->sections, doc->nsections, &bands, &nbands) != 0)
        return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");

    const char *kind = kind_names[doc->kind];
    char tags[640];
    dw_search_tags(doc->tags, tags, sizeof(tags));
    /* The file's row orders equal scores (search.h): an SCP file's is looked up. */
    int64_t file_row = doc->ref_id;
    enum deepwell_code code = DW_OK;
    if (doc->kind == DW_KIND_SCP) {
        struct dw_stmt *stmt;
        code = dw_prepare(conn, SQL_SCP_ROW, &stmt, err);
        if (code == DW_OK)
            code = dw_bind(stmt, err, op, "It", doc->ref_id, suffix);
        if (code == DW_OK)
            code = dw_step_row(conn, stmt, op, err);
        if (code == DW_OK)
            file_row = dw_col_int64(stmt, 0);
        if (stmt != NULL)
            dw_reset(stmt);
        if (code == DW_NOT_FOUND)
            code = deepwell_error_set(err, DW_INTERNAL, op, "%s has no file to index", canon);
    }
    if (code == DW_OK && (file_row < 0 || file_row >= INT64_C(1) << DW_SEARCH_ID_KIND_SHIFT))
        code = deepwell_error_set(err, DW_INTERNAL, op, "%s: row %lld is past the index's ids",
                                  canon, (long long)file_row);
    char(*metas)[1536] = calloc(nbands ? nbands : 1, sizeof(*metas));
    struct dw_search_row *rows = calloc(nbands ? nbands : 1, sizeof(*rows));
    size_t nrows = 0;
    if (code == DW_OK && (metas == NULL || rows == NULL))
        code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    for (size_t i = 0; i < nbands && code == DW_OK; i++) {
        /*
         * Nobody below a file's level matches it (but a site's own staff), so its bands
         * start there: a band wholly below it is not kept at all.
         */
        int lo = bands[i].lo, hi = bands[i].hi;
        if (doc->kind != DW_KIND_SITE && lo < doc->level)
            lo = doc->level;
        if (lo >= hi)
            continue;
        dw_search_meta(kind, doc->ref_id, doc->level, klass, tags, lo, hi, metas[nrows],
                       sizeof(metas[nrows]));
        rows[nrows] = (struct dw_search_row){.id = dw_search_row_id(doc->kind, file_row, lo, hi),
                                             .level = doc->level,
                                             .site_id = doc->site_id,
                                             .klass = klass,
                                             .title = doc->title,
                                             .lo = lo,
                                             .hi = hi,
                                             .body = bands[i].text,
                                             .meta = metas[nrows],
                                             .tags = tags};
        nrows++;
    }
    if (code == DW_OK)
        code = dw_search_rows_set(conn, kind, doc->ref_id, suffix, rows, nrows, op, err);
    free(rows);
    free(metas);
    dw_search_bands_free(bands, nbands);
    return code;
}

enum deepwell_code dw_search_index_scp(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                       const char *op, struct deepwell_error *err)
{
    struct doc doc = {.kind = DW_KIND_SCP,
                      .ref_id = scp->number,
                      .suffix = scp->suffix,
                      .level = scp->level,
                      .site_id = scp->site_id,
                      .klass = scp->containment,
                      .title = scp->title,
                      .tags = scp->tags,
                      .sections = scp->sections,
                      .nsections = scp->nsections};
    return index_doc(conn, &doc, op, err);
}

/* A site's text is readable by its staff at any level: its sections start at 1. */
enum deepwell_code dw_search_index_site(struct deepwell_conn *conn,
                                        const struct deepwell_site *site, int64_t id,
                                        const char *op, struct deepwell_error *err)
{
    struct deepwell_section sections[] = {
        {.title = "Location", .level = 1, .body = site->location},
        {.title = "Description", .level = 1, .body = site->description},
        {.title = "Dossier", .level = 1, .body = site->dossier},
    };
    struct doc doc = {.kind = DW_KIND_SITE,
                      .ref_id = id,
                      .level = site->level != 0 ? site->level : 3,
                      .site_id = id,
                      .title = site->name,
                      .sections = sections,
                      .nsections = 3};
    return index_doc(conn, &doc, op, err);
}

enum deepwell_code dw_search_index_mtf(struct deepwell_conn *conn, const struct deepwell_mtf *mtf,
                                       int64_t id, const char *op, struct deepwell_error *err)
{
    int level = mtf->level != 0 ? mtf->level : 2;
    char title[256];
    if (mtf->nickname != NULL && mtf->nickname[0] != '\0')
        snprintf(title, sizeof(title), "%s \"%s\"", mtf->designation, mtf->nickname);
    else
        snprintf(title, sizeof(title), "%s", mtf->designation);
    struct deepwell_section sections[] = {
        {.title = "Mission", .level = level, .body = mtf->mission},
    };
    struct doc doc = {.kind = DW_KIND_MTF,
                      .ref_id = id,
                      .level = level,
                      .site_id = mtf->site_id,
                      .title = title,
                      .sections = sections,
                      .nsections = 1};
    return index_doc(conn, &doc, op, err);
}

/*
 * A personnel file as server/file_view.c shows it to a reader who may read it (level
 * >= the user's clearance): name, job title and site to all of them, the task force's
 * name only from its own level (cleared_link).
 */
static const char SQL_USER_DOC[] =
    "SELECT u.name, u.clearance_level, t.name, coalesce(s.name, ''), coalesce(tf.designation, ''),"
    " coalesce(tf.nickname, ''), coalesce(tf.clearance_level, 0) FROM users u"
    " JOIN titles t ON t.id = u.title_id LEFT JOIN sites s ON s.id = u.site_id"
    " LEFT JOIN task_forces tf ON tf.id = u.task_force_id WHERE u.id = ?1";

enum deepwell_code dw_search_index_user(struct deepwell_conn *conn, int64_t id, const char *op,
                                        struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_USER_DOC, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", id);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code != DW_OK)
        return code;
    char name[128], title[128], site[256], tf[256], nick[128], text[512], unit[400];
    int level = dw_col_int(stmt, 1), tf_level = dw_col_int(stmt, 6);
    dw_column_copy(stmt, 0, name, sizeof(name));
    dw_column_copy(stmt, 2, title, sizeof(title));
    dw_column_copy(stmt, 3, site, sizeof(site));
    dw_column_copy(stmt, 4, tf, sizeof(tf));
    dw_column_copy(stmt, 5, nick, sizeof(nick));
    dw_reset(stmt);
    snprintf(text, sizeof(text), "%s\n%s", title, site);
    snprintf(unit, sizeof(unit), "%s %s", tf, nick);
    int unit_level = tf_level > level ? tf_level : level;
    struct deepwell_section sections[] = {
        {.title = "Personnel", .level = level, .body = text},
        {.title = "Task force", .level = unit_level, .body = tf[0] != '\0' ? unit : ""},
    };
    struct doc doc = {.kind = DW_KIND_USER,
                      .ref_id = id,
                      .level = level,
                      .title = name,
                      .sections = sections,
                      .nsections = tf[0] != '\0' ? 2 : 1};
    return index_doc(conn, &doc, op, err);
}

/* ---- backfill ----------------------------------------------------------------------------- */

static const char SQL_UNINDEXED[] =
    "SELECT f.id, f.number, f.title, f.clearance_level, cc.name, f.site_id, f.tags, f.suffix"
    " FROM scp_files f LEFT JOIN containment_classes cc ON cc.id = f.containment_class_id"
    " WHERE f.id > ?1 AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.kind = 'scp'"
    " AND d.ref_id = f.number AND d.suffix = f.suffix) ORDER BY f.id LIMIT 1";
static const char SQL_SECTIONS[] = "SELECT kind, title, clearance_level, body FROM sections"
                                   " WHERE scp_id = ?1 ORDER BY position";

static enum deepwell_code load_sections(struct deepwell_conn *conn, int64_t id,
                                        struct deepwell_scp *scp, struct deepwell_error *err)
{
    static const char op[] = "search.backfill";
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_SECTIONS, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", id);
    size_t cap = 0;
    while (code == DW_OK && (code = dw_step_row(conn, stmt, op, err)) == DW_OK) {
        if (scp->nsections == cap) {
            cap = cap == 0 ? 8 : cap * 2;
            struct deepwell_section *more = realloc(scp->sections, cap * sizeof(*more));
            if (more == NULL)
                return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
            scp->sections = more;
        }
        struct deepwell_section *s = &scp->sections[scp->nsections++];
        memset(s, 0, sizeof(*s));
        s->level = dw_col_int(stmt, 2);
        if (!dw_column_dup(stmt, 0, &s->kind) || !dw_column_dup(stmt, 1, &s->title) ||
            !dw_column_dup(stmt, 3, &s->body))
            code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    }
    return code == DW_NOT_FOUND ? DW_OK : code;
}

/* Where the backfill of SCP files is: past every id up to after. */
struct backfill {
    int64_t after;
    bool done;
};

/* The next unindexed file past b->after; b->done when none is left. */
static enum deepwell_code backfill_one(struct deepwell_conn *conn, struct backfill *b,
                                       struct deepwell_error *err)
{
    static const char op[] = "search.backfill";
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_UNINDEXED, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", b->after);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_NOT_FOUND) {
        b->done = true;
        return DW_OK;
    }
    if (code != DW_OK)
        return code;
    struct deepwell_scp scp = {0};
    int64_t id = dw_col_int64(stmt, 0);
    b->after = id;
    scp.number = dw_col_int(stmt, 1);
    scp.level = dw_col_int(stmt, 3);
    scp.site_id = dw_col_int64(stmt, 5);
    dw_column_copy(stmt, 7, scp.suffix, sizeof(scp.suffix));
    if (!dw_column_dup(stmt, 2, &scp.title) || !dw_column_dup(stmt, 4, &scp.containment) ||
        !dw_column_dup(stmt, 6, &scp.tags))
        code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    dw_reset(stmt);
    if (code == DW_OK)
        code = load_sections(conn, id, &scp, err);
    if (code == DW_OK)
        code = dw_search_index_scp(conn, &scp, op, err);
    deepwell_scp_free(&scp);
    return code;
}

/*
 * 64 files a transaction: one each made a migrated 10,000-file store wait minutes, and
 * each call looked for the next file from the first (every step read the whole table).
 */
static enum deepwell_code backfill_some(struct deepwell_conn *conn, void *ctx,
                                        struct deepwell_error *err)
{
    struct backfill *b = ctx;
    enum deepwell_code code = DW_OK;
    for (int i = 0; i < 64 && code == DW_OK && !b->done; i++)
        code = backfill_one(conn, b, err);
    return code;
}

static const char SQL_UNINDEXED_PLACES[] =
    "SELECT 'site', s.id, s.name, s.clearance_level, s.location, s.description, s.dossier, '',"
    " s.id FROM sites s WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.kind = 'site'"
    " AND d.ref_id = s.id)"
    " UNION ALL SELECT 'mtf', tf.id, tf.designation, tf.clearance_level, tf.mission, '', '',"
    " tf.nickname, coalesce(tf.site_id, 0) FROM task_forces tf WHERE NOT EXISTS (SELECT 1 FROM"
    " search_docs d WHERE d.kind = 'mtf' AND d.ref_id = tf.id)";

/* Every site and task force not indexed yet, in one transaction (they are few). */
static enum deepwell_code backfill_places(struct deepwell_conn *conn, void *ctx,
                                          struct deepwell_error *err)
{
    static const char op[] = "search.backfill";
    (void)ctx;
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_UNINDEXED_PLACES, &stmt, err);
    /* Read all first: indexing prepares statements of its own on this connection. */
    struct place {
        char kind[8];
        int64_t id, site_id;
        int level;
        char *text[6];
    } *places = NULL;
    size_t n = 0, cap = 0;
    while (code == DW_OK && (code = dw_step_row(conn, stmt, op, err)) == DW_OK) {
        if (n == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            struct place *more = realloc(places, cap * sizeof(*more));
            if (more == NULL) {
                code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
                break;
            }
            places = more;
        }
        struct place *p = &places[n++];
        memset(p, 0, sizeof(*p));
        dw_column_copy(stmt, 0, p->kind, sizeof(p->kind));
        p->id = dw_col_int64(stmt, 1);
        p->level = dw_col_int(stmt, 3);
        p->site_id = dw_col_int64(stmt, 8);
        int cols[] = {2, 4, 5, 6, 7};
        for (size_t c = 0; c < 5; c++)
            if (!dw_column_dup(stmt, cols[c], &p->text[c]))
                code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    }
    if (code == DW_NOT_FOUND)
        code = DW_OK;
    if (stmt != NULL)
        dw_reset(stmt);
    for (size_t i = 0; i < n && code == DW_OK; i++) {
        struct place *p = &places[i];
        if (strcmp(p->kind, "site") == 0) {
            struct deepwell_site site = {.name = p->text[0],
                                         .level = p->level,
                                         .location = p->text[1],
                                         .description = p->text[2],
                                         .dossier = p->text[3]};
            code = dw_search_index_site(conn, &site, p->id, op, err);
        } else {
            struct deepwell_mtf mtf = {.designation = p->text[0],
                                       .level = p->level,
                                       .mission = p->text[1],
                                       .nickname = p->text[4],
                                       .site_id = p->site_id};
            code = dw_search_index_mtf(conn, &mtf, p->id, op, err);
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < 6; c++)
            free(places[i].text[c]);
    free(places);
    return code;
}

static const char SQL_UNINDEXED_USERS[] =
    "SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.kind = 'user'"
    " AND d.ref_id = u.id) ORDER BY id LIMIT 256";

/* Up to 256 personnel files not indexed yet per call; *done when none is left. */
static enum deepwell_code backfill_users(struct deepwell_conn *conn, void *ctx,
                                         struct deepwell_error *err)
{
    static const char op[] = "search.backfill";
    bool *done = ctx;
    int64_t ids[256];
    size_t n = 0;
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_UNINDEXED_USERS, &stmt, err);
    while (code == DW_OK && n < 256 && (code = dw_step_row(conn, stmt, op, err)) == DW_OK)
        ids[n++] = dw_col_int64(stmt, 0);
    if (code == DW_NOT_FOUND)
        code = DW_OK;
    if (stmt != NULL)
        dw_reset(stmt);
    *done = n == 0;
    for (size_t i = 0; i < n && code == DW_OK; i++)
        code = dw_search_index_user(conn, ids[i], op, err);
    return code;
}

enum deepwell_code dw_search_backfill(struct deepwell *dw, struct deepwell_error *err)
{
    bool done = false;
    enum deepwell_code code = deepwell_write_tx(dw, backfill_places, NULL, err);
    while (code == DW_OK && !done)
        code = deepwell_write_tx(dw, backfill_users, &done, err);
    struct backfill b = {0, false};
    while (code == DW_OK && !b.done)
        code = deepwell_write_tx(dw, backfill_some, &b, err);
    return code;
}

/* ---- the query ----------------------------------------------------------------------------- */

struct params {
    const char *engine_query;
    const struct deepwell_search_query *q;
    const struct dw_search_parsed *parsed;
};

static enum deepwell_code bind_rule(struct dw_stmt *stmt, const struct params *p, const char *op,
                                    struct deepwell_error *err)
{
    const char *kind = p->parsed->kind >= 0 ? kind_names[p->parsed->kind] : NULL;
    const char *klass = p->parsed->klass[0] != '\0' ? p->parsed->klass : NULL;
    char tags[256];
    dw_search_tag_pattern(p->parsed, tags, sizeof(tags));
    return dw_bind(stmt, err, op, "tiIititt", p->engine_query, p->q->reader_level,
                   p->q->reader_site_id, p->q->site_read_level, kind, p->parsed->level, klass,
                   tags[0] != '\0' ? tags : NULL);
}

/* A matched index row and its score (times DW_SEARCH_SCORE_SCALE). */
struct hit {
    int64_t id, score;
};

/* The order of a result: the higher score first, then by kind and file (search.h). */
static bool hit_before(const struct hit *a, const struct hit *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    return DW_SEARCH_ID_ORDER(a->id) < DW_SEARCH_ID_ORDER(b->id);
}

static int hit_compare(const void *a, const void *b)
{
    return hit_before(a, b) ? -1 : hit_before(b, a) ? 1 : 0;
}

/* The best `keep` hits seen so far: a heap whose root is the worst of them. */
struct best {
    struct hit *heap;
    size_t count, keep;
};

static void best_swap(struct best *b, size_t i, size_t j)
{
    struct hit t = b->heap[i];
    b->heap[i] = b->heap[j];
    b->heap[j] = t;
}

static void best_offer(struct best *b, struct hit h)
{
    size_t i;
    if (b->count < b->keep) {
        i = b->count++;
        b->heap[i] = h;
        while (i > 0 && hit_before(&b->heap[(i - 1) / 2], &b->heap[i])) {
            best_swap(b, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
        return;
    }
    if (!hit_before(&h, &b->heap[0]))
        return;
    b->heap[0] = h;
    for (i = 0;;) {
        size_t worst = i, l = 2 * i + 1, r = l + 1;
        if (l < b->count && hit_before(&b->heap[worst], &b->heap[l]))
            worst = l;
        if (r < b->count && hit_before(&b->heap[worst], &b->heap[r]))
            worst = r;
        if (worst == i)
            break;
        best_swap(b, i, worst);
        i = worst;
    }
}

/*
 * Every hit in one pass: the total, and the best offset + limit of them (a common word
 * is thousands of hits; ranking them in SQL and counting them again took twice the
 * reading).  The heap holds at most offset + limit hits (op_search bounds both).
 * range: the ids to read, for an engine whose rule is in its query (else NULL).
 */
static enum deepwell_code scan_hits(struct deepwell_conn *conn, const struct params *p,
                                    const struct dw_search_range *range, struct best *best,
                                    int64_t *total, struct deepwell_error *err)
{
    static const char op[] = "search.hits";
    struct dw_stmt *stmt;
    const struct dw_search_sql *sql = deepwell_conn_engine(conn)->search;
    enum deepwell_code code = dw_prepare(conn, sql->hits, &stmt, err);
    if (code == DW_OK && sql->hits_has_rule)
        code = bind_rule(stmt, p, op, err);
    else if (code == DW_OK)
        code = dw_bind(stmt, err, op, "tII", p->engine_query, range->from, range->to);
    while (code == DW_OK && (code = dw_step_row(conn, stmt, op, err)) == DW_OK) {
        (*total)++;
        best_offer(best, (struct hit){dw_col_int64(stmt, 0), dw_col_int64(stmt, 1)});
    }
    if (code == DW_NOT_FOUND)
        code = DW_OK;
    if (stmt != NULL)
        dw_reset(stmt);
    return code;
}

/* The hits of every range the reader has (FTS5), or of the one query (rule in SQL). */
static enum deepwell_code find_hits(struct deepwell_conn *conn, struct params *p, struct best *best,
                                    int64_t *total, struct deepwell_error *err)
{
    enum deepwell_code code = DW_OK;
    if (deepwell_conn_engine(conn)->search->hits_has_rule) {
        code = scan_hits(conn, p, NULL, best, total, err);
    } else {
        struct dw_search_range ranges[DW_SEARCH_RANGES_MAX];
        size_t n = dw_search_ranges(p->q, ranges);
        char text[sizeof(p->parsed->fts5) + 1024];
        p->engine_query = text;
        for (size_t i = 0; i < n && code == DW_OK; i++) {
            dw_search_fts5_ruled(p->parsed, p->q, ranges[i].site, text, sizeof(text));
            code = scan_hits(conn, p, &ranges[i], best, total, err);
        }
        p->engine_query = NULL;
    }
    qsort(best->heap, best->count, sizeof(*best->heap), hit_compare);
    return code;
}

static int kind_of(const char *name)
{
    for (size_t k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
        if (strcmp(name, kind_names[k]) == 0)
            return (int)k;
    return DW_KIND_SCP;
}

static bool read_item(struct dw_stmt *stmt, const struct params *p, const struct hit *hit,
                      struct deepwell_search_item *item)
{
    memset(item, 0, sizeof(*item));
    char kind[8];
    dw_column_copy(stmt, 1, kind, sizeof(kind));
    item->kind = (enum deepwell_kind)kind_of(kind);
    item->id = dw_col_int64(stmt, 2);
    item->level = dw_col_int(stmt, 3);
    dw_column_copy(stmt, 4, item->title, sizeof(item->title));
    dw_column_copy(stmt, 5, item->klass, sizeof(item->klass));
    dw_column_copy(stmt, 7, item->suffix, sizeof(item->suffix));
    item->score = (double)hit->score / DW_SEARCH_SCORE_SCALE;
    const unsigned char *text = dw_col_text(stmt, 6);
    item->snippet = dw_search_snippet(text != NULL ? (const char *)text : "", p->parsed);
    return item->snippet != NULL;
}

/* The page's hits (page[0 .. n-1], in order) as items, with their snippets. */
static enum deepwell_code read_page(struct deepwell_conn *conn, const struct params *p,
                                    const struct hit *page, size_t n,
                                    struct deepwell_search_result *out, struct deepwell_error *err)
{
    static const char op[] = "search.page";
    assert(n <= DEEPWELL_SEARCH_LIMIT_MAX);
    char ids[DEEPWELL_SEARCH_LIMIT_MAX * 21 + 1];
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(ids + len, sizeof(ids) - len, "%s%lld", i > 0 ? "," : "",
                                (long long)page[i].id);
    out->items = calloc(n, sizeof(*out->items));
    if (out->items == NULL)
        return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    struct dw_stmt *stmt;
    enum deepwell_code code =
        dw_prepare(conn, deepwell_conn_engine(conn)->search->page, &stmt, err);
    if (code == DW_OK)
        code = bind_rule(stmt, p, op, err);
    if (code == DW_OK && dw_bind_text(stmt, 9, ids, (int)len) != 0)
        code = deepwell_error_set(err, DW_INTERNAL, op, "cannot bind the page");
    /* The rows come in the engine's order: each goes to its hit's place. */
    bool filled[DEEPWELL_SEARCH_LIMIT_MAX] = {false};
    size_t found = 0;
    while (code == DW_OK && (code = dw_step_row(conn, stmt, op, err)) == DW_OK) {
        int64_t id = dw_col_int64(stmt, 0);
        size_t i = 0;
        while (i < n && page[i].id != id)
            i++;
        if (i == n || filled[i])
            code = deepwell_error_set(err, DW_INTERNAL, op, "row %lld is not a hit", (long long)id);
        else if (!read_item(stmt, p, &page[i], &out->items[i]))
            code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
        else
            filled[i] = ++found > 0;
    }
    if (code == DW_NOT_FOUND)
        code = DW_OK;
    if (stmt != NULL)
        dw_reset(stmt);
    out->count = n;
    /* The same snapshot as the hits: a hit the rule refuses here is a bug, said out loud. */
    if (code == DW_OK && found != n)
        code =
            deepwell_error_set(err, DW_INTERNAL, op, "%zu of %zu hits have no row", n - found, n);
    return code;
}

enum deepwell_code deepwell_search(struct deepwell *dw, const struct deepwell_search_query *query,
                                   struct deepwell_search_result *out, struct deepwell_error *err)
{
    static const char op[] = "search";
    memset(out, 0, sizeof(*out));
    if (query->reader_level < 1 || query->reader_level > FOUNDATION_LEVEL_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "reader level %d", query->reader_level);
    if (query->offset < 0 || query->offset > DEEPWELL_SEARCH_OFFSET_MAX || query->limit < 1 ||
        query->limit > DEEPWELL_SEARCH_LIMIT_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "limit must be 1-%d, offset 0-%d",
                                  DEEPWELL_SEARCH_LIMIT_MAX, DEEPWELL_SEARCH_OFFSET_MAX);
    struct dw_search_parsed parsed;
    enum deepwell_code code = dw_search_parse(query->query, &parsed, err);
    if (code != DW_OK)
        return code;
    if (query->by_kind) {
        if (parsed.kind >= 0 && parsed.kind != (int)query->kind)
            return DW_OK; /* two kinds asked for: nothing is both */
        parsed.kind = (int)query->kind;
    }
    struct deepwell_conn *conn;
    code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    const struct dw_search_sql *sql = deepwell_conn_engine(conn)->search;
    /* FTS5's text is made per range (find_hits). */
    struct params p = {
        sql->dialect == DW_SEARCH_TSQUERY ? parsed.tsquery : NULL,
        query,
        &parsed,
    };
    struct best best = {calloc((size_t)query->offset + (size_t)query->limit, sizeof(struct hit)), 0,
                        (size_t)query->offset + (size_t)query->limit};
    if (best.heap == NULL)
        code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    /* One snapshot, so the total and the page agree. */
    if (code == DW_OK)
        code = dw_read_begin(conn, err);
    if (code == DW_OK) {
        if (sql->before != NULL)
            code = dw_exec(conn, sql->before, "search.plan", err);
        if (code == DW_OK)
            code = find_hits(conn, &p, &best, &out->total, err);
        if (code == DW_OK && best.count > (size_t)query->offset)
            code = read_page(conn, &p, best.heap + query->offset,
                             best.count - (size_t)query->offset, out, err);
        dw_read_end(conn);
    }
    free(best.heap);
    deepwell_pool_release(dw->pool, conn);
    if (code != DW_OK)
        deepwell_search_free(out);
    return code;
}

static enum deepwell_code optimize(struct deepwell_conn *conn, void *ctx,
                                   struct deepwell_error *err)
{
    (void)ctx;
    const char *sql = deepwell_conn_engine(conn)->search->optimize;
    return sql != NULL ? dw_exec(conn, sql, "search.optimize", err) : DW_OK;
}

enum deepwell_code deepwell_search_optimize(struct deepwell *dw, struct deepwell_error *err)
{
    return deepwell_write_tx(dw, optimize, NULL, err);
}

void deepwell_search_free(struct deepwell_search_result *result)
{
    if (result == NULL)
        return;
    for (size_t i = 0; i < result->count; i++)
        free(result->items[i].snippet);
    free(result->items);
    memset(result, 0, sizeof(*result));
}
