/*
 * list.c - one page of files or users, and how many match in all.
 *
 * A query matches a row's number/id exactly, or its title as a substring - but only
 * titles at or below title_max_level, so a search never reveals a hidden title
 * (site names are public and always searchable).
 */
#include <stdlib.h>
#include <string.h>

#include <limits.h>

#include "common/foundation.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

#define QUERY_MAX 200

/*
 * Parameters: ?1 the query (NULL = everything), ?2 the number it names (NULL if
 * none), ?3 the highest level whose titles may match, ?4 the LIKE pattern, and for
 * the page ?5 limit, ?6 offset; files also ?7, the suffix the query names (NULL: any,
 * so "49" lists SCP-049 and SCP-049-ARC, "SCP-049-ARC" that file alone).  Columns: id,
 * level, title, extra, status, site_id, suffix (files only: SCP-049 then SCP-049-ARC).
 */
#define LIKE_ESCAPE " ESCAPE '\\'"

#define SCP_FROM                                                                                   \
    " FROM scp_files f LEFT JOIN containment_classes cc ON cc.id = f.containment_class_id"         \
    " WHERE (CAST(?1 AS TEXT) IS NULL"                                                             \
    " OR (f.number = ?2 AND (CAST(?7 AS TEXT) IS NULL OR f.suffix = ?7))"                          \
    " OR (f.clearance_level <= ?3 AND f.title LIKE ?4" LIKE_ESCAPE "))"
#define SITE_FROM                                                                                  \
    " FROM sites s WHERE (CAST(?1 AS TEXT) IS NULL OR s.id = ?2 OR s.name LIKE ?4" LIKE_ESCAPE ")"
#define MTF_FROM                                                                                   \
    " FROM task_forces tf WHERE (CAST(?1 AS TEXT) IS NULL OR tf.id = ?2 OR (tf.clearance_level "   \
    "<= ?3"                                                                                        \
    " AND (tf.designation LIKE ?4" LIKE_ESCAPE " OR tf.nickname LIKE ?4" LIKE_ESCAPE ")))"
#define USER_FROM                                                                                  \
    " FROM users u JOIN titles t ON t.id = u.title_id WHERE (CAST(?1 AS TEXT) IS NULL OR u.id = "  \
    "?2"                                                                                           \
    " OR (u.clearance_level <= ?3 AND u.name LIKE ?4" LIKE_ESCAPE "))"

#define PAGE " LIMIT ?5 OFFSET ?6"

static const struct list_kind {
    enum foundation_ref_kind ref_kind;
    const char *count_sql;
    const char *page_sql;
} list_kinds[] = {
    [DW_KIND_SCP] = {REF_SCP, "SELECT count(*)" SCP_FROM,
                     "SELECT f.number, f.clearance_level, f.title, cc.name, f.status, f.site_id, "
                     "f.suffix" SCP_FROM " ORDER BY f.number, f.suffix" PAGE},
    [DW_KIND_SITE] = {REF_SITE, "SELECT count(*)" SITE_FROM,
                      "SELECT s.id, s.clearance_level, s.name, s.location, '', s.id, ''" SITE_FROM
                      " ORDER BY s.id" PAGE},
    [DW_KIND_MTF] = {REF_MTF, "SELECT count(*)" MTF_FROM,
                     "SELECT tf.id, tf.clearance_level, " SQL_TF_NAME
                     ", CASE tf.active WHEN 1 THEN '1' ELSE '0' END, '', tf.site_id, ''" MTF_FROM
                     " ORDER BY tf.id" PAGE},
    [DW_KIND_USER] = {REF_USER, "SELECT count(*)" USER_FROM,
                      "SELECT u.id, u.clearance_level, u.name, t.name, '', u.site_id, ''" USER_FROM
                      " ORDER BY u.id" PAGE},
};

/*
 * "19", "0019" or a ref of this kind ("SITE-19") name a row; anything else does not.
 * A suffixed ref ("SCP-049-ARC") names one file: its suffix goes into suffix ("" else).
 */
static int64_t query_number(const char *query, enum foundation_ref_kind kind,
                            char suffix[FOUNDATION_REF_SUFFIX_MAX + 1])
{
    size_t len = strlen(query);
    suffix[0] = '\0';
    if (len >= 1 && len <= 9 && strspn(query, "0123456789") == len)
        return strtoll(query, NULL, 10);
    struct foundation_ref ref;
    if (foundation_ref_parse(query, &ref) && ref.kind == kind) {
        memcpy(suffix, ref.suffix, sizeof(ref.suffix));
        return ref.number;
    }
    return 0;
}

/* Files only: ?7, the suffix the query names, or NULL for every file of the number. */
static enum deepwell_code bind_suffix(struct dw_stmt *stmt, const struct list_kind *kind,
                                      const char *suffix, const char *op,
                                      struct deepwell_error *err)
{
    if (kind->ref_kind != REF_SCP)
        return DW_OK;
    if (dw_bind_text(stmt, 7, suffix[0] != '\0' ? suffix : NULL, -1) != 0)
        return deepwell_error_set(err, DW_INTERNAL, op, "cannot bind the suffix");
    return DW_OK;
}

/* "%text%" with LIKE's wildcards in text escaped, so "50%" finds a literal "50%". */
static void like_pattern(const char *query, char *out, size_t size)
{
    size_t n = 0;
    out[n++] = '%';
    for (const char *p = query; *p != '\0' && n + 3 < size; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            out[n++] = '\\';
        out[n++] = *p;
    }
    out[n++] = '%';
    out[n] = '\0';
}

static void read_item(struct dw_stmt *stmt, struct deepwell_list_item *item)
{
    memset(item, 0, sizeof(*item));
    item->id = dw_col_int64(stmt, 0);
    item->level = dw_col_int(stmt, 1);
    dw_column_copy(stmt, 2, item->title, sizeof(item->title));
    dw_column_copy(stmt, 3, item->extra, sizeof(item->extra));
    dw_column_copy(stmt, 4, item->status, sizeof(item->status));
    item->site_id = dw_col_int64(stmt, 5);
    dw_column_copy(stmt, 6, item->suffix, sizeof(item->suffix));
}

struct list_params {
    const char *query;  /* NULL = all */
    int64_t number;     /* 0 = none */
    const char *suffix; /* "" = any */
    int max_level;
    const char *pattern;
    int limit;
    int offset;
};

static enum deepwell_code count_rows(struct deepwell_conn *conn, const struct list_kind *kind,
                                     const struct list_params *p, int64_t *total,
                                     struct deepwell_error *err)
{
    static const char op[] = "list.count";
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, kind->count_sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "trit", p->query, p->number, p->max_level, p->pattern);
    if (code == DW_OK)
        code = bind_suffix(stmt, kind, p->suffix, op, err);
    if (code == DW_OK)
        code = dw_step_count(conn, stmt, op, total, err);
    return code;
}

static enum deepwell_code read_page(struct deepwell_conn *conn, const struct list_kind *kind,
                                    const struct list_params *p, struct deepwell_list *out,
                                    struct deepwell_error *err)
{
    static const char op[] = "list.page";
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, kind->page_sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "tritii", p->query, p->number, p->max_level, p->pattern,
                       p->limit, p->offset);
    if (code == DW_OK)
        code = bind_suffix(stmt, kind, p->suffix, op, err);
    size_t capacity = 0;
    while (code == DW_OK) {
        code = dw_step_row(conn, stmt, op, err);
        if (code == DW_NOT_FOUND) {
            code = DW_OK;
            break;
        }
        if (code != DW_OK)
            break;
        if (out->count == capacity) {
            size_t grown = capacity == 0 ? 16 : capacity * 2;
            struct deepwell_list_item *more = realloc(out->items, grown * sizeof(*more));
            if (more == NULL) {
                code = deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
                break;
            }
            out->items = more;
            capacity = grown;
        }
        read_item(stmt, &out->items[out->count++]);
    }
    if (stmt != NULL)
        dw_reset(stmt);
    return code;
}

enum deepwell_code deepwell_list(struct deepwell *dw, const struct deepwell_list_query *query,
                                 struct deepwell_list *out, struct deepwell_error *err)
{
    static const char op[] = "list";
    memset(out, 0, sizeof(*out));
    if ((unsigned)query->kind >= sizeof(list_kinds) / sizeof(list_kinds[0]))
        return deepwell_error_set(err, DW_INVALID, op, "unknown list kind %d", query->kind);
    if (query->offset < 0)
        return deepwell_error_set(err, DW_INVALID, op, "offset cannot be negative");
    const char *text = query->query != NULL && query->query[0] != '\0' ? query->query : NULL;
    if (text != NULL && strlen(text) > QUERY_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "query longer than %d characters",
                                  QUERY_MAX);

    const struct list_kind *kind = &list_kinds[query->kind];
    char pattern[2 * QUERY_MAX + 3];
    like_pattern(text != NULL ? text : "", pattern, sizeof(pattern));
    char suffix[FOUNDATION_REF_SUFFIX_MAX + 1] = "";
    struct list_params params = {
        .query = text,
        .number = text != NULL ? query_number(text, kind->ref_kind, suffix) : 0,
        .suffix = suffix,
        .max_level = query->title_max_level,
        .pattern = pattern,
        .limit = query->limit > 0 ? query->limit : INT_MAX, /* no limit, on either engine */
        .offset = query->offset,
    };

    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    /* One snapshot, so the total and the page agree. */
    code = dw_read_begin(conn, err);
    if (code == DW_OK) {
        code = count_rows(conn, kind, &params, &out->total, err);
        if (code == DW_OK)
            code = read_page(conn, kind, &params, out, err);
        dw_read_end(conn);
    }
    deepwell_pool_release(dw->pool, conn);
    if (code != DW_OK)
        deepwell_list_free(out);
    return code;
}

void deepwell_list_free(struct deepwell_list *list)
{
    if (list == NULL)
        return;
    free(list->items);
    memset(list, 0, sizeof(*list));
}
