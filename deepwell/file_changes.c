/*
 * file_changes.c - editing an SCP file after it was made, each edit a revision kept in
 * file_revisions (its only writer), and reading the file's history back: those edits
 * and the status changes files_status.c writes.
 */
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

static const char SQL_SCP_REVISION[] = "SELECT revision FROM scp_files WHERE id = ?1";
static const char SQL_REVISION_INSERT[] =
    "INSERT INTO file_revisions (scp_id, revision, base_revision, user_id, changed_at, summary,"
    " level, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_HISTORY_HEAD[] =
    "SELECT id, revision, clearance_level FROM scp_files WHERE number = ?1 AND suffix = ?2";
static const char SQL_HISTORY_EDITS[] =
    "SELECT r.revision, r.summary, r.level, r.user_id, u.name, u.clearance_level, r.changed_at,"
    " r.reason FROM file_revisions r LEFT JOIN users u ON u.id = r.user_id"
    " WHERE r.scp_id = ?1 AND r.level <= ?2 ORDER BY r.id DESC LIMIT ?3";
static const char SQL_HISTORY_STATUSES[] =
    "SELECT h.old_status, h.new_status, h.user_id, u.name, u.clearance_level, h.changed_at,"
    " h.reason FROM status_history h LEFT JOIN users u ON u.id = h.user_id"
    " WHERE h.scp_id = ?1 ORDER BY h.id DESC LIMIT ?2";

static enum deepwell_code out_of_memory(const char *op, struct deepwell_error *err)
{
    return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
}

/* ---- edits ------------------------------------------------------------------------------- */

struct edit_call {
    const struct deepwell_scp_edit *edit;
    int64_t revision; /* out */
};

/*
 * want = have with the edit applied.  want shares have's strings; only the sections
 * array is its own (*own, freed by the caller).
 */
static enum deepwell_code apply_edit(const struct deepwell_scp_edit *e,
                                     const struct deepwell_scp *have, struct deepwell_scp *want,
                                     struct deepwell_section **own, const char *op,
                                     struct deepwell_error *err)
{
    *want = *have;
    *own = NULL;
    if (e->kind == DW_EDIT_FIELDS) {
        if (e->title != NULL)
            want->title = (char *)e->title;
        if (e->containment != NULL)
            want->containment = (char *)e->containment;
        if (e->secondary != NULL)
            want->secondary = (char *)e->secondary;
        if (e->disruption != NULL)
            want->disruption = (char *)e->disruption;
        if (e->risk != NULL)
            want->risk = (char *)e->risk;
        if (e->level != 0)
            want->level = e->level;
        return DW_OK;
    }
    if (e->body == NULL)
        return deepwell_error_set(err, DW_INVALID, op, "an edit of a section needs its text");
    struct deepwell_section *s = calloc(have->nsections + 1, sizeof(*s));
    if (s == NULL)
        return out_of_memory(op, err);
    if (have->nsections > 0)
        memcpy(s, have->sections, have->nsections * sizeof(*s));
    *own = s;
    want->sections = s;
    if (e->kind == DW_EDIT_SECTION) {
        for (size_t i = 0; i < have->nsections; i++)
            if (s[i].position == e->section) {
                s[i].body = (char *)e->body;
                return DW_OK;
            }
        return deepwell_error_set(err, DW_INVALID, op, "no section %d", e->section);
    }
    assert(e->kind == DW_EDIT_ADDENDUM);
    int last = have->nsections > 0 ? have->sections[have->nsections - 1].position : 0;
    s[have->nsections] = (struct deepwell_section){.kind = "addendum",
                                                   .title = (char *)e->title,
                                                   .position = last + 1,
                                                   .level = e->level,
                                                   .body = (char *)e->body};
    want->nsections = have->nsections + 1;
    return DW_OK;
}

static enum deepwell_code record_revision(struct deepwell_conn *conn,
                                          const struct deepwell_scp_edit *e, int64_t scp_id,
                                          int64_t *revision, const char *op,
                                          struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_SCP_REVISION, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "I", scp_id);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code != DW_OK)
        return code;
    *revision = dw_col_int64(stmt, 0);
    dw_reset(stmt);
    char now[32];
    dw_now_iso(now);
    code = dw_prepare(conn, SQL_REVISION_INSERT, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "IIIrttit", scp_id, *revision, e->base_revision, e->user_id,
                       now, e->summary != NULL ? e->summary : "", e->change_level,
                       e->reason != NULL ? e->reason : "");
    return code == DW_OK ? dw_step_done(conn, stmt, op, err) : code;
}

static enum deepwell_code edit_body(struct deepwell_conn *conn, void *ctx,
                                    struct deepwell_error *err)
{
    static const char op[] = "files.scp_edit";
    struct edit_call *call = ctx;
    const struct deepwell_scp_edit *e = call->edit;
    char ref[32];
    dw_scp_ref_text(e->number, e->suffix, ref, sizeof(ref));
    struct deepwell_scp have;
    enum deepwell_code code = dw_scp_read(conn, e->number, e->suffix, true, &have, op, err);
    if (code == DW_NOT_FOUND)
        return deepwell_error_set(err, code, op, "no such file: %s", ref);
    if (code != DW_OK)
        return code;
    if (have.revision != e->base_revision) {
        code = deepwell_error_set(err, DW_CONFLICT, op,
                                  "%s changed since revision %" PRId64 " (now %" PRId64 ")", ref,
                                  e->base_revision, have.revision);
        deepwell_scp_free(&have);
        return code;
    }
    struct deepwell_scp want;
    struct deepwell_section *own;
    code = apply_edit(e, &have, &want, &own, op, err);
    if (code == DW_OK)
        code = dw_scp_rewrite(conn, &want, have.id, NULL, op, err);
    /* The index changes with the text, in the same transaction. */
    if (code == DW_OK)
        code = dw_search_index_scp(conn, &want, op, err);
    if (code == DW_OK)
        code = record_revision(conn, e, have.id, &call->revision, op, err);
    free(own);
    deepwell_scp_free(&have);
    return code;
}

enum deepwell_code deepwell_scp_edit(struct deepwell *dw, const struct deepwell_scp_edit *edit,
                                     int64_t *revision_out, struct deepwell_error *err)
{
    static const char op[] = "files.scp_edit";
    if (edit->change_level < FOUNDATION_LEVEL_MIN || edit->change_level > FOUNDATION_LEVEL_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "an edit's level must be 1-6");
    if (edit->kind == DW_EDIT_ADDENDUM) {
        enum deepwell_code code = dw_check_level(edit->level, "addendum classification", op, err);
        if (code != DW_OK)
            return code;
    }
    struct edit_call call = {edit, 0};
    enum deepwell_code code = deepwell_write_tx(dw, edit_body, &call, err);
    if (code == DW_OK && revision_out != NULL)
        *revision_out = call.revision;
    return code;
}

/* ---- history ----------------------------------------------------------------------------- */

static void change_free(struct deepwell_file_change *c)
{
    free(c->summary);
    free(c->user_name);
    free(c->at);
    free(c->reason);
}

void deepwell_file_history_free(struct deepwell_file_history *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->nedits; i++)
        change_free(&h->edits[i]);
    for (size_t i = 0; i < h->nstatuses; i++)
        change_free(&h->statuses[i]);
    free(h->edits);
    free(h->statuses);
    memset(h, 0, sizeof(*h));
}

static bool read_edit(struct dw_stmt *stmt, struct deepwell_file_change *c)
{
    c->revision = dw_col_int64(stmt, 0);
    c->level = dw_col_int(stmt, 2);
    c->user_id = dw_col_is_null(stmt, 3) ? 0 : dw_col_int64(stmt, 3);
    c->user_clearance = dw_col_int(stmt, 5);
    return dw_column_dup(stmt, 1, &c->summary) && dw_column_dup(stmt, 4, &c->user_name) &&
           dw_column_dup(stmt, 6, &c->at) && dw_column_dup(stmt, 7, &c->reason);
}

static bool read_status(struct dw_stmt *stmt, struct deepwell_file_change *c)
{
    dw_column_copy(stmt, 0, c->old_status, sizeof(c->old_status));
    dw_column_copy(stmt, 1, c->new_status, sizeof(c->new_status));
    c->user_id = dw_col_is_null(stmt, 2) ? 0 : dw_col_int64(stmt, 2);
    c->user_clearance = dw_col_int(stmt, 4);
    return dw_column_dup(stmt, 3, &c->user_name) && dw_column_dup(stmt, 5, &c->at) &&
           dw_column_dup(stmt, 6, &c->reason);
}

/* Up to limit rows of a bound statement into *rows; *more when there were more. */
static enum deepwell_code read_changes(struct deepwell_conn *conn, struct dw_stmt *stmt,
                                       bool (*row)(struct dw_stmt *, struct deepwell_file_change *),
                                       size_t limit, struct deepwell_file_change **rows, size_t *n,
                                       bool *more, const char *op, struct deepwell_error *err)
{
    *rows = calloc(limit + 1, sizeof(**rows));
    if (*rows == NULL)
        return out_of_memory(op, err);
    enum deepwell_code code = DW_OK;
    /* The statement asks for limit + 1: the extra row only says there are more. */
    while (code == DW_OK && *n <= limit) {
        code = dw_step_row(conn, stmt, op, err);
        if (code != DW_OK)
            break;
        if (*n == limit) {
            *more = true;
            break;
        }
        struct deepwell_file_change *c = &(*rows)[(*n)++];
        if (!row(stmt, c))
            code = out_of_memory(op, err);
    }
    dw_reset(stmt);
    return code == DW_NOT_FOUND ? DW_OK : code;
}

static enum deepwell_code history_read(struct deepwell_conn *conn, int number, const char *suffix,
                                       int max_level, size_t limit,
                                       struct deepwell_file_history *out, const char *op,
                                       struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_HISTORY_HEAD, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "it", number, suffix != NULL ? suffix : "");
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code != DW_OK)
        return code;
    out->id = dw_col_int64(stmt, 0);
    out->revision = dw_col_int64(stmt, 1);
    out->level = dw_col_int(stmt, 2);
    dw_reset(stmt);
    code = dw_prepare(conn, SQL_HISTORY_EDITS, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "IiI", out->id, max_level, (int64_t)limit + 1);
    if (code == DW_OK)
        code = read_changes(conn, stmt, read_edit, limit, &out->edits, &out->nedits,
                            &out->more_edits, op, err);
    if (code == DW_OK)
        code = dw_prepare(conn, SQL_HISTORY_STATUSES, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "II", out->id, (int64_t)limit + 1);
    if (code == DW_OK)
        code = read_changes(conn, stmt, read_status, limit, &out->statuses, &out->nstatuses,
                            &out->more_statuses, op, err);
    return code;
}

enum deepwell_code deepwell_scp_history(struct deepwell *dw, int number, const char *suffix,
                                        int max_level, size_t limit,
                                        struct deepwell_file_history *out,
                                        struct deepwell_error *err)
{
    static const char op[] = "files.scp_history";
    memset(out, 0, sizeof(*out));
    assert(limit > 0);
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    /* One snapshot: the file's head and both lists as they were at one moment. */
    code = dw_read_begin(conn, err);
    if (code == DW_OK) {
        code = history_read(conn, number, suffix, max_level, limit, out, op, err);
        dw_read_end(conn);
    }
    deepwell_pool_release(dw->pool, conn);
    if (code == DW_NOT_FOUND) {
        char ref[32];
        dw_scp_ref_text(number, suffix, ref, sizeof(ref));
        deepwell_error_set(err, code, op, "no such file: %s", ref);
    }
    if (code != DW_OK)
        deepwell_file_history_free(out);
    return code;
}
