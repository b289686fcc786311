/* files.c - reading SCP files with their sections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "deepwell/engine.h"
#include "deepwell/files.h"
#include "deepwell/query.h"
#include "deepwell/store.h"

static const char SQL_SCP_GET[] = SQL_SCP_HEAD_SELECT " WHERE f.number = ?1 AND f.suffix = ?2";
static const char SQL_SECTIONS_GET[] =
    "SELECT id, kind, title, position, clearance_level, body FROM sections"
    " WHERE scp_id = ?1 ORDER BY position";

static enum deepwell_code out_of_memory(const char *op, struct deepwell_error *err)
{
    return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
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

bool dw_scp_read_row_at(struct dw_stmt *stmt, int c, struct deepwell_scp *out)
{
    out->id = dw_col_int64(stmt, c);
    out->number = dw_col_int(stmt, c + 1);
    out->level = dw_col_int(stmt, c + 3);
    out->site_id = dw_col_int64(stmt, c + 9);
    out->task_force_id = dw_col_int64(stmt, c + 11);
    out->revision = dw_col_int64(stmt, c + 13);
    dw_column_copy(stmt, c + 18, out->suffix, sizeof(out->suffix));
    out->task_force_level =
        dw_col_is_null(stmt, c + 19) ? FOUNDATION_LEVEL_MAX : dw_col_int(stmt, c + 19);
    return dw_column_dup(stmt, c + 2, &out->title) &&
           dw_column_dup(stmt, c + 4, &out->containment) &&
           dw_column_dup(stmt, c + 5, &out->secondary) &&
           dw_column_dup(stmt, c + 6, &out->disruption) && dw_column_dup(stmt, c + 7, &out->risk) &&
           dw_column_dup(stmt, c + 8, &out->status) &&
           dw_column_dup(stmt, c + 10, &out->site_name) &&
           dw_column_dup(stmt, c + 12, &out->task_force_name) &&
           dw_column_dup(stmt, c + 14, &out->source_url) &&
           dw_column_dup(stmt, c + 15, &out->source_author) &&
           dw_column_dup(stmt, c + 16, &out->source_created_at) &&
           dw_column_dup(stmt, c + 17, &out->tags);
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

void dw_scp_ref_text(int number, const char *suffix, char *buf, size_t size)
{
    struct foundation_ref ref = {.kind = REF_SCP, .number = number};
    snprintf(ref.suffix, sizeof(ref.suffix), "%s", suffix != NULL ? suffix : "");
    foundation_ref_format(&ref, buf, size);
}

bool dw_scp_suffix_valid(const char *suffix)
{
    if (suffix == NULL || suffix[0] == '\0')
        return true;
    /* The grammar lives in one place: the suffix must parse back to itself. */
    char text[32];
    struct foundation_ref ref;
    snprintf(text, sizeof(text), "SCP-1-%.*s", FOUNDATION_REF_SUFFIX_MAX + 1, suffix);
    return foundation_ref_parse(text, &ref) && strcmp(ref.suffix, suffix) == 0;
}

enum deepwell_code dw_scp_read(struct deepwell_conn *conn, int number, const char *suffix,
                               bool with_sections, struct deepwell_scp *out, const char *op,
                               struct deepwell_error *err)
{
    memset(out, 0, sizeof(*out));
    struct dw_stmt *stmt = NULL;
    enum deepwell_code code = dw_prepare(conn, SQL_SCP_GET, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "it", number, suffix != NULL ? suffix : "");
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK && !dw_scp_read_row_at(stmt, 0, out))
        code = out_of_memory(op, err);
    if (stmt != NULL)
        dw_reset(stmt);
    if (code == DW_OK && with_sections)
        code = read_sections(conn, out, op, err);
    if (code != DW_OK)
        deepwell_scp_free(out);
    return code;
}

static enum deepwell_code scp_load(struct deepwell *dw, int number, const char *suffix,
                                   bool with_sections, struct deepwell_scp *out,
                                   struct deepwell_error *err)
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
    code = dw_scp_read(conn, number, suffix, with_sections, out, op, err);
    if (with_sections)
        dw_read_end(conn);
    deepwell_pool_release(dw->pool, conn);

    if (code == DW_NOT_FOUND) {
        char ref[32];
        dw_scp_ref_text(number, suffix, ref, sizeof(ref));
        deepwell_error_set(err, code, op, "no such file: %s", ref);
    }
    return code;
}

enum deepwell_code deepwell_scp_get(struct deepwell *dw, int number, const char *suffix,
                                    struct deepwell_scp *out, struct deepwell_error *err)
{
    return scp_load(dw, number, suffix, true, out, err);
}

enum deepwell_code deepwell_scp_get_head(struct deepwell *dw, int number, const char *suffix,
                                         struct deepwell_scp *out, struct deepwell_error *err)
{
    return scp_load(dw, number, suffix, false, out, err);
}
