/* files_write.c - the write path for SCP files and their sections (see write.h). */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "deepwell/engine.h"
#include "deepwell/files.h"
#include "deepwell/query.h"
#include "deepwell/search.h"
#include "deepwell/store.h"
#include "deepwell/write.h"

static const char SQL_SCP_INSERT[] =
    "INSERT INTO scp_files (number, title, clearance_level, containment_class_id,"
    " secondary_class_id, disruption_class_id, risk_class_id, site_id, task_force_id, status,"
    " created_at, updated_at, source_url, source_author, source_created_at, tags, suffix)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
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
static const char SQL_SCP_BY_NUMBER[] =
    "SELECT id FROM scp_files WHERE number = ?1 AND suffix = ?2";
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

/* ---- creating -------------------------------------------------------------------------- */

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
    /* SCP-000 itself is not a file, a suffixed one is ("SCP-000-EX"). */
    if (scp->number < (scp->suffix[0] != '\0' ? 0 : 1))
        return deepwell_error_set(err, DW_INVALID, op, "SCP number must be positive, not %d",
                                  scp->number);
    if (!dw_scp_suffix_valid(scp->suffix))
        return deepwell_error_set(err, DW_INVALID, op,
                                  "a designation's suffix is 1 to %d capital letters, not '%s'",
                                  FOUNDATION_REF_SUFFIX_MAX, scp->suffix);
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
    assert(scp->number >= 0 && scp->title != NULL);
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
        code = dw_bind(stmt, err, op, "itirrrrrrtttttttt", scp->number, scp->title, scp->level,
                       class_ids[0], class_ids[1], class_ids[2], class_ids[3], scp->site_id,
                       scp->task_force_id, scp->status != NULL ? scp->status : "active", t.created,
                       t.updated, scp->source_url, scp->source_author, scp->source_created_at,
                       scp->tags, scp->suffix);
    int64_t id = 0;
    if (code == DW_OK)
        code = dw_step_insert(conn, stmt, op, &id, err);
    if (code == DW_CONFLICT) {
        char ref[32];
        dw_scp_ref_text(scp->number, scp->suffix, ref, sizeof(ref));
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

enum deepwell_code dw_scp_find(struct deepwell_conn *conn, int64_t number, const char *suffix,
                               int64_t *id, const char *op, struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    *id = 0;
    enum deepwell_code code = dw_prepare(conn, SQL_SCP_BY_NUMBER, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "It", number, suffix != NULL ? suffix : "");
    return code == DW_OK ? step_id(conn, stmt, id, op, err) : code;
}

enum deepwell_code dw_scp_keep_or_insert(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                         const struct dw_stamps *when, int64_t *id_out, bool *added,
                                         const char *op, struct deepwell_error *err)
{
    *added = false;
    enum deepwell_code code = dw_scp_find(conn, scp->number, scp->suffix, id_out, op, err);
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

enum deepwell_code dw_scp_update_or_keep(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                         const struct dw_stamps *when, int64_t *id_out,
                                         bool *changed, const char *op, struct deepwell_error *err)
{
    *changed = false;
    *id_out = 0;
    struct deepwell_scp have = {0};
    enum deepwell_code code = dw_scp_read(conn, scp->number, scp->suffix, true, &have, op, err);
    /* Only a file imported from the same page is the import's to rewrite. */
    if (code == DW_OK &&
        (scp->source_url == NULL || !same_text(have.source_url, scp->source_url))) {
        char ref[32];
        dw_scp_ref_text(scp->number, scp->suffix, ref, sizeof(ref));
        code = deepwell_error_set(err, DW_CONFLICT, op, "%s was not imported from %s", ref,
                                  scp->source_url ? scp->source_url : "a source");
    }
    if (code == DW_OK && !scp_same(&have, scp)) {
        code = dw_scp_rewrite(conn, scp, have.id, when, op, err);
        /* The index follows the text; the file keeps its own site, as the row does. */
        struct deepwell_scp indexed = *scp;
        indexed.site_id = have.site_id;
        if (code == DW_OK)
            code = dw_search_index_scp(conn, &indexed, op, err);
        *changed = code == DW_OK;
    }
    if (code == DW_OK || code == DW_CONFLICT)
        *id_out = have.id;
    deepwell_scp_free(&have);
    return code;
}

struct create_call {
    const struct deepwell_scp *scp;
    int64_t *id_out;
};

static enum deepwell_code scp_create_body(struct deepwell_conn *conn, void *arg,
                                          struct deepwell_error *err)
{
    const struct create_call *call = arg;
    return dw_scp_insert(conn, call->scp, NULL, call->id_out, "files.scp_create", err);
}

enum deepwell_code deepwell_scp_create(struct deepwell *dw, const struct deepwell_scp *scp,
                                       int64_t *id_out, struct deepwell_error *err)
{
    enum deepwell_code code = validate_scp(scp, "files.scp_create", err);
    if (code != DW_OK)
        return code;
    /* deepwell_write_tx runs it again from the start if it lost a serialization conflict. */
    struct create_call call = {scp, id_out};
    return deepwell_write_tx(dw, scp_create_body, &call, err);
}
