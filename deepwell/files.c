/* files.c - SCP files with their sections: reading and the write path (file_changes.c: edits). */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "deepwell/engine.h"
#include "deepwell/query.h"
#include "deepwell/search.h"
#include "deepwell/store.h"
#include "deepwell/write.h"

static const char SQL_SCP_GET[] =
    "SELECT f.id, f.number, f.title, f.clearance_level, cc.name, sc.name, dc.name, rc.name,"
    " f.status, f.site_id, s.name, f.task_force_id, " SQL_TF_NAME ", f.revision,"
    " f.source_url, f.source_author, f.source_created_at, f.tags FROM scp_files f"
    " LEFT JOIN containment_classes cc ON cc.id = f.containment_class_id"
    " LEFT JOIN secondary_classes sc ON sc.id = f.secondary_class_id"
    " LEFT JOIN disruption_classes dc ON dc.id = f.disruption_class_id"
    " LEFT JOIN risk_classes rc ON rc.id = f.risk_class_id"
    " LEFT JOIN sites s ON s.id = f.site_id"
    " LEFT JOIN task_forces tf ON tf.id = f.task_force_id"
    " WHERE f.number = ?1";
static const char SQL_SECTIONS_GET[] =
    "SELECT id, kind, title, position, clearance_level, body FROM sections"
    " WHERE scp_id = ?1 ORDER BY position";
static const char SQL_SCP_INSERT[] =
    "INSERT INTO scp_files (number, title, clearance_level, containment_class_id,"
    " secondary_class_id, disruption_class_id, risk_class_id, site_id, task_force_id, status,"
    " created_at, updated_at, source_url, source_author, source_created_at, tags)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
    " RETURNING id";
static const char SQL_SECTION_INSERT[] =
    "INSERT INTO sections (scp_id, kind, title, position, clearance_level, body)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_SCP_UPDATE[] =
    "UPDATE scp_files SET title = ?2, clearance_level = ?3, containment_class_id = ?4,"
    " secondary_class_id = ?5, disruption_class_id = ?6, risk_class_id = ?7, status = ?8,"
    " updated_at = ?9, source_url = ?10, source_author = ?11, source_created_at = ?12,"
    " tags = ?13 WHERE id = ?1";
static const char SQL_SECTIONS_DELETE[] = "DELETE FROM sections WHERE scp_id = ?1";
static const char SQL_SCP_BY_NUMBER[] = "SELECT id FROM scp_files WHERE number = ?1";

/* Class name -> id, one literal per table (table names cannot be bound). */
static const struct {
    const char *what;
    const char *sql;
} class_lookups[] = {
    /* in enum dw_class_table's order */
    {"containment class", "SELECT id FROM containment_classes WHERE name = ?1"},
    {"secondary class", "SELECT id FROM secondary_classes WHERE name = ?1"},
    {"disruption class", "SELECT id FROM disruption_classes WHERE name = ?1"},
    {"risk class", "SELECT id FROM risk_classes WHERE name = ?1"},
};
static const char SQL_TITLE_ID[] = "SELECT id FROM titles WHERE name = ?1";

static const char *const section_kinds[] = {"containment", "description", "addendum"};

static enum deepwell_code out_of_memory(const char *op, struct deepwell_error *err)
{
    return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
}

static void format_scp_ref(int number, char *buf, size_t size)
{
    struct foundation_ref ref = {.kind = REF_SCP, .number = number};
    foundation_ref_format(&ref, buf, size);
}

/* ---- freeing ------------------------------------------------------------------------- */

static void section_free(struct deepwell_section *section)
{
    free(section->kind);
    free(section->title);
    free(section->body);
}

void deepwell_scp_free(struct deepwell_scp *scp)
{
    if (scp == NULL)
        return;
    free(scp->title);
    free(scp->containment);
    free(scp->secondary);
    free(scp->disruption);
    free(scp->risk);
    free(scp->status);
    free(scp->site_name);
    free(scp->task_force_name);
    free(scp->source_url);
    free(scp->source_author);
    free(scp->source_created_at);
    free(scp->tags);
    for (size_t i = 0; i < scp->nsections; i++)
        section_free(&scp->sections[i]);
    free(scp->sections);
    memset(scp, 0, sizeof(*scp));
}

/* ---- reading ------------------------------------------------------------------------- */

static bool read_scp_row(struct dw_stmt *stmt, struct deepwell_scp *out)
{
    out->id = dw_col_int64(stmt, 0);
    out->number = dw_col_int(stmt, 1);
    out->level = dw_col_int(stmt, 3);
    out->site_id = dw_col_int64(stmt, 9);
    out->task_force_id = dw_col_int64(stmt, 11);
    out->revision = dw_col_int64(stmt, 13);
    return dw_column_dup(stmt, 2, &out->title) && dw_column_dup(stmt, 4, &out->containment) &&
           dw_column_dup(stmt, 5, &out->secondary) && dw_column_dup(stmt, 6, &out->disruption) &&
           dw_column_dup(stmt, 7, &out->risk) && dw_column_dup(stmt, 8, &out->status) &&
           dw_column_dup(stmt, 10, &out->site_name) &&
           dw_column_dup(stmt, 12, &out->task_force_name) &&
           dw_column_dup(stmt, 14, &out->source_url) &&
           dw_column_dup(stmt, 15, &out->source_author) &&
           dw_column_dup(stmt, 16, &out->source_created_at) && dw_column_dup(stmt, 17, &out->tags);
}

static bool read_section_row(struct dw_stmt *stmt, struct deepwell_section *out)
{
    memset(out, 0, sizeof(*out));
    out->id = dw_col_int64(stmt, 0);
    out->position = dw_col_int(stmt, 3);
    out->level = dw_col_int(stmt, 4);
    return dw_column_dup(stmt, 1, &out->kind) && dw_column_dup(stmt, 2, &out->title) &&
           dw_column_dup(stmt, 5, &out->body);
}

static enum deepwell_code read_sections(struct deepwell_conn *conn, struct deepwell_scp *out,
                                        const char *op, struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_SECTIONS_GET, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", out->id);
    size_t capacity = 0;
    while (code == DW_OK) {
        code = dw_step_row(conn, stmt, op, err);
        if (code == DW_NOT_FOUND) {
            code = DW_OK;
            break;
        }
        if (code != DW_OK)
            break;
        if (out->nsections == capacity) {
            size_t grown = capacity == 0 ? 8 : capacity * 2;
            struct deepwell_section *more = realloc(out->sections, grown * sizeof(*more));
            if (more == NULL)
                return out_of_memory(op, err);
            out->sections = more;
            capacity = grown;
        }
        /* Counted before the copy so a half-copied section is still freed. */
        struct deepwell_section *section = &out->sections[out->nsections++];
        if (!read_section_row(stmt, section))
            code = out_of_memory(op, err);
    }
    if (stmt != NULL)
        dw_reset(stmt);
    return code;
}

static enum deepwell_code scp_load(struct deepwell *dw, int number, bool with_sections,
                                   struct deepwell_scp *out, struct deepwell_error *err)
{
    const char *op = with_sections ? "files.scp_get" : "files.scp_get_head";
    memset(out, 0, sizeof(*out));
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    /* One snapshot: the file and its sections as they were at one moment.  The head
       is one statement, a snapshot of its own. */
    code = with_sections ? dw_read_begin(conn, err) : DW_OK;
    if (code != DW_OK) {
        deepwell_pool_release(dw->pool, conn);
        return code;
    }
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_SCP_GET, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "i", number);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK && !read_scp_row(stmt, out))
        code = out_of_memory(op, err);
    if (code == DW_OK && with_sections)
        code = read_sections(conn, out, op, err);
    if (with_sections)
        dw_read_end(conn);
    deepwell_pool_release(dw->pool, conn); /* resets the statement: the head's snapshot ends */

    if (code == DW_NOT_FOUND) {
        char ref[32];
        format_scp_ref(number, ref, sizeof(ref));
        deepwell_error_set(err, code, op, "no such file: %s", ref);
    }
    if (code != DW_OK)
        deepwell_scp_free(out);
    return code;
}

enum deepwell_code deepwell_scp_get(struct deepwell *dw, int number, struct deepwell_scp *out,
                                    struct deepwell_error *err)
{
    return scp_load(dw, number, true, out, err);
}

enum deepwell_code deepwell_scp_get_head(struct deepwell *dw, int number, struct deepwell_scp *out,
                                         struct deepwell_error *err)
{
    return scp_load(dw, number, false, out, err);
}

/* ---- creating -------------------------------------------------------------------------- */

/* Runs body(conn, ctx) in one write transaction on the writer. */
typedef enum deepwell_code (*write_fn)(struct deepwell_conn *conn, const void *ctx, int64_t *id_out,
                                       struct deepwell_error *err);

struct write_call {
    write_fn body;
    const void *ctx;
    int64_t *id_out;
};

static enum deepwell_code run_write_call(struct deepwell_conn *conn, void *arg,
                                         struct deepwell_error *err)
{
    struct write_call *call = arg;
    return call->body(conn, call->ctx, call->id_out, err);
}

/* deepwell_write_tx: run again from the start if it lost a serialization conflict. */
static enum deepwell_code in_write_tx(struct deepwell *dw, write_fn body, const void *ctx,
                                      int64_t *id_out, struct deepwell_error *err)
{
    struct write_call call = {body, ctx, id_out};
    return deepwell_write_tx(dw, run_write_call, &call, err);
}

/* Column 0 of a bound statement's one row as an id; 0 when there is no row. */
static enum deepwell_code step_id(struct deepwell_conn *conn, struct dw_stmt *stmt, int64_t *id,
                                  const char *op, struct deepwell_error *err)
{
    enum deepwell_code code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK)
        *id = dw_col_int64(stmt, 0);
    dw_reset(stmt);
    return code == DW_NOT_FOUND ? DW_OK : code;
}

enum deepwell_code dw_find_id(struct deepwell_conn *conn, const char *sql, const char *name,
                              int64_t *id, const char *op, struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    *id = 0;
    enum deepwell_code code = dw_prepare(conn, sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "t", name);
    return code == DW_OK ? step_id(conn, stmt, id, op, err) : code;
}

void dw_times_of(const struct dw_stamps *when, struct dw_times *t)
{
    dw_now_iso(t->now);
    t->created = when != NULL && when->created_at != NULL ? when->created_at : t->now;
    t->updated = when != NULL && when->updated_at != NULL ? when->updated_at : t->now;
}

enum deepwell_code dw_class_find(struct deepwell_conn *conn, enum dw_class_table table,
                                 const char *name, int64_t *id, const char *op,
                                 struct deepwell_error *err)
{
    assert((size_t)table < sizeof(class_lookups) / sizeof(class_lookups[0]));
    return dw_find_id(conn, class_lookups[table].sql, name, id, op, err);
}

enum deepwell_code dw_title_find(struct deepwell_conn *conn, const char *name, int64_t *id,
                                 const char *op, struct deepwell_error *err)
{
    return dw_find_id(conn, SQL_TITLE_ID, name, id, op, err);
}

/* Class name -> row id; NULL or "" is no class (0); an unknown name is DW_INVALID. */
static enum deepwell_code class_id(struct deepwell_conn *conn, enum dw_class_table table,
                                   const char *name, int64_t *out, const char *op,
                                   struct deepwell_error *err)
{
    *out = 0;
    if (name == NULL || name[0] == '\0')
        return DW_OK;
    enum deepwell_code code = dw_class_find(conn, table, name, out, op, err);
    if (code == DW_OK && *out == 0)
        code = deepwell_error_set(err, DW_INVALID, op, "unknown %s '%s'", class_lookups[table].what,
                                  name);
    return code;
}

static bool section_kind_valid(const char *kind)
{
    for (size_t i = 0; i < sizeof(section_kinds) / sizeof(section_kinds[0]); i++)
        if (kind != NULL && strcmp(kind, section_kinds[i]) == 0)
            return true;
    return false;
}

static enum deepwell_code validate_scp(const struct deepwell_scp *scp, const char *op,
                                       struct deepwell_error *err)
{
    if (scp->number <= 0)
        return deepwell_error_set(err, DW_INVALID, op, "SCP number must be positive, not %d",
                                  scp->number);
    if (scp->title == NULL || scp->title[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, op, "a file needs a title");
    enum deepwell_code code = dw_check_level(scp->level, "classification", op, err);
    if (code != DW_OK)
        return code;
    if (scp->status != NULL && !foundation_status_valid(scp->status))
        return deepwell_error_set(err, DW_INVALID, op, "unknown status '%s'", scp->status);
    if (scp->nsections > 0 && scp->sections == NULL)
        return deepwell_error_set(err, DW_INVALID, op, "sections missing");
    for (size_t i = 0; i < scp->nsections; i++) {
        const struct deepwell_section *s = &scp->sections[i];
        if (!section_kind_valid(s->kind))
            return deepwell_error_set(err, DW_INVALID, op,
                                      "section %zu: kind must be containment, description or "
                                      "addendum, not '%s'",
                                      i + 1, s->kind != NULL ? s->kind : "");
        if (s->body == NULL)
            return deepwell_error_set(err, DW_INVALID, op, "section %zu has no text", i + 1);
        code = dw_check_level(s->level, "section classification", op, err);
        if (code != DW_OK)
            return code;
    }
    return DW_OK;
}

static enum deepwell_code insert_sections(struct deepwell_conn *conn,
                                          const struct deepwell_scp *scp, int64_t scp_id,
                                          const char *op, struct deepwell_error *err)
{
    for (size_t i = 0; i < scp->nsections; i++) {
        const struct deepwell_section *s = &scp->sections[i];
        /* Position 0 means "in array order". */
        int position = s->position != 0 ? s->position : (int)i + 1;
        struct dw_stmt *stmt;
        enum deepwell_code code = dw_prepare(conn, SQL_SECTION_INSERT, &stmt, err);
        if (code == DW_OK)
            code = dw_bind(stmt, err, op, "Ittiit", scp_id, s->kind,
                           s->title != NULL ? s->title : "", position, s->level, s->body);
        if (code == DW_OK)
            code = dw_step_done(conn, stmt, op, err);
        if (code == DW_CONFLICT)
            return deepwell_error_set(err, DW_INVALID, op, "two sections at position %d", position);
        if (code != DW_OK)
            return code;
    }
    return DW_OK;
}

enum deepwell_code dw_scp_insert(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                 const struct dw_stamps *when, int64_t *id_out, const char *op,
                                 struct deepwell_error *err)
{
    assert(scp->number > 0 && scp->title != NULL);
    const char *class_names[] = {scp->containment, scp->secondary, scp->disruption, scp->risk};
    int64_t class_ids[4];
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < 4 && code == DW_OK; i++)
        code = class_id(conn, (enum dw_class_table)i, class_names[i], &class_ids[i], op, err);
    if (code == DW_OK)
        code = dw_check_ref(conn, DW_KIND_SITE, scp->site_id, op, err);
    if (code == DW_OK)
        code = dw_check_ref(conn, DW_KIND_MTF, scp->task_force_id, op, err);
    if (code != DW_OK)
        return code;

    struct dw_times t;
    dw_times_of(when, &t);
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_SCP_INSERT, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "itirrrrrrttttttt", scp->number, scp->title, scp->level,
                       class_ids[0], class_ids[1], class_ids[2], class_ids[3], scp->site_id,
                       scp->task_force_id, scp->status != NULL ? scp->status : "active", t.created,
                       t.updated, scp->source_url, scp->source_author, scp->source_created_at,
                       scp->tags);
    int64_t id = 0;
    if (code == DW_OK)
        code = dw_step_insert(conn, stmt, op, &id, err);
    if (code == DW_CONFLICT) {
        char ref[32];
        format_scp_ref(scp->number, ref, sizeof(ref));
        return deepwell_error_set(err, code, op, "%s already exists", ref);
    }
    if (code != DW_OK)
        return code;
    code = insert_sections(conn, scp, id, op, err);
    /* The index changes with the text, in the same transaction. */
    if (code == DW_OK)
        code = dw_search_index_scp(conn, scp, op, err);
    if (code == DW_OK && id_out != NULL)
        *id_out = id;
    return code;
}

enum deepwell_code dw_scp_find(struct deepwell_conn *conn, int64_t number, int64_t *id,
                               const char *op, struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    *id = 0;
    enum deepwell_code code = dw_prepare(conn, SQL_SCP_BY_NUMBER, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", number);
    return code == DW_OK ? step_id(conn, stmt, id, op, err) : code;
}

enum deepwell_code dw_scp_keep_or_insert(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                         const struct dw_stamps *when, int64_t *id_out, bool *added,
                                         const char *op, struct deepwell_error *err)
{
    *added = false;
    enum deepwell_code code = dw_scp_find(conn, scp->number, id_out, op, err);
    if (code != DW_OK || *id_out != 0)
        return code;
    code = dw_scp_insert(conn, scp, when, id_out, op, err);
    *added = code == DW_OK;
    return code;
}

static bool same_text(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* Whether the stored file already reads as scp would (site and task force aside). */
static bool scp_same(const struct deepwell_scp *have, const struct deepwell_scp *want)
{
    if (!same_text(have->title, want->title) || have->level != want->level ||
        !same_text(have->containment, want->containment) ||
        !same_text(have->secondary, want->secondary) ||
        !same_text(have->disruption, want->disruption) || !same_text(have->risk, want->risk) ||
        !same_text(have->status, want->status ? want->status : "active") ||
        !same_text(have->source_url, want->source_url) ||
        !same_text(have->source_author, want->source_author) ||
        !same_text(have->source_created_at, want->source_created_at) ||
        !same_text(have->tags, want->tags) || have->nsections != want->nsections)
        return false;
    for (size_t i = 0; i < want->nsections; i++) {
        const struct deepwell_section *h = &have->sections[i], *w = &want->sections[i];
        int position = w->position != 0 ? w->position : (int)i + 1;
        if (!same_text(h->kind, w->kind) || !same_text(h->title, w->title) ||
            h->position != position || h->level != w->level || !same_text(h->body, w->body))
            return false;
    }
    return true;
}

enum deepwell_code dw_scp_rewrite(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                  int64_t id, const struct dw_stamps *when, const char *op,
                                  struct deepwell_error *err)
{
    const char *class_names[] = {scp->containment, scp->secondary, scp->disruption, scp->risk};
    int64_t class_ids[4];
    enum deepwell_code code = validate_scp(scp, op, err);
    for (size_t i = 0; i < 4 && code == DW_OK; i++)
        code = class_id(conn, (enum dw_class_table)i, class_names[i], &class_ids[i], op, err);
    struct dw_times t;
    dw_times_of(when, &t);
    struct dw_stmt *stmt;
    if (code == DW_OK)
        code = dw_prepare(conn, SQL_SCP_UPDATE, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "Itirrrrtttttt", id, scp->title, scp->level, class_ids[0],
                       class_ids[1], class_ids[2], class_ids[3],
                       scp->status != NULL ? scp->status : "active", t.updated, scp->source_url,
                       scp->source_author, scp->source_created_at, scp->tags);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK)
        code = dw_prepare(conn, SQL_SECTIONS_DELETE, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", id);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    return code == DW_OK ? insert_sections(conn, scp, id, op, err) : code;
}

enum deepwell_code dw_scp_load(struct deepwell_conn *conn, int number, struct deepwell_scp *out,
                               const char *op, struct deepwell_error *err)
{
    memset(out, 0, sizeof(*out));
    struct dw_stmt *stmt = NULL;
    enum deepwell_code code = dw_prepare(conn, SQL_SCP_GET, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "i", number);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK && !read_scp_row(stmt, out))
        code = out_of_memory(op, err);
    if (stmt != NULL)
        dw_reset(stmt);
    if (code == DW_OK)
        code = read_sections(conn, out, op, err);
    if (code != DW_OK)
        deepwell_scp_free(out);
    return code;
}

enum deepwell_code dw_scp_update_or_keep(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                         const struct dw_stamps *when, int64_t *id_out,
                                         bool *changed, const char *op, struct deepwell_error *err)
{
    *changed = false;
    *id_out = 0;
    struct deepwell_scp have;
    enum deepwell_code code = dw_scp_load(conn, scp->number, &have, op, err);
    if (code != DW_OK)
        return code;
    /* Only a file imported from the same page is the import's to rewrite. */
    if (scp->source_url == NULL || !same_text(have.source_url, scp->source_url))
        code = deepwell_error_set(err, DW_CONFLICT, op, "SCP-%03d was not imported from %s",
                                  scp->number, scp->source_url ? scp->source_url : "a source");
    if (code == DW_OK && !scp_same(&have, scp)) {
        code = dw_scp_rewrite(conn, scp, have.id, when, op, err);
        *changed = code == DW_OK;
    }
    if (code == DW_OK || code == DW_CONFLICT)
        *id_out = have.id;
    deepwell_scp_free(&have);
    return code;
}

static enum deepwell_code scp_create_body(struct deepwell_conn *conn, const void *ctx,
                                          int64_t *id_out, struct deepwell_error *err)
{
    return dw_scp_insert(conn, ctx, NULL, id_out, "files.scp_create", err);
}

enum deepwell_code deepwell_scp_create(struct deepwell *dw, const struct deepwell_scp *scp,
                                       int64_t *id_out, struct deepwell_error *err)
{
    enum deepwell_code code = validate_scp(scp, "files.scp_create", err);
    if (code != DW_OK)
        return code;
    return in_write_tx(dw, scp_create_body, scp, id_out, err);
}
