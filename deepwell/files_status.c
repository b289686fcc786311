/* files_status.c - an SCP file's status changes, each with its history row. */
#include <string.h>

#include "common/foundation.h"
#include "deepwell/engine.h"
#include "deepwell/files.h"
#include "deepwell/query.h"
#include "deepwell/store.h"
#include "deepwell/write.h"

static const char SQL_SCP_STATUS[] =
    "SELECT id, status FROM scp_files WHERE number = ?1 AND suffix = ?2";
static const char SQL_SCP_SET_STATUS[] =
    "UPDATE scp_files SET status = ?2, updated_at = ?3 WHERE id = ?1";
static const char SQL_STATUS_HISTORY_INSERT[] =
    "INSERT INTO status_history (scp_id, old_status, new_status, user_id, changed_at, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* ---- status ------------------------------------------------------------------------------ */

struct status_change {
    int number;
    const char *suffix;
    const char *new_status;
    int64_t user_id;
    const char *reason;
    char *old_status; /* [16] or NULL */
};

static enum deepwell_code set_status_body(struct deepwell_conn *conn, void *ctx,
                                          struct deepwell_error *err)
{
    static const char op[] = "files.scp_set_status";
    struct status_change *change = ctx;
    char ref[32];
    dw_scp_ref_text(change->number, change->suffix, ref, sizeof(ref));

    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(conn, SQL_SCP_STATUS, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "it", change->number, change->suffix);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_NOT_FOUND)
        return deepwell_error_set(err, code, op, "no such file: %s", ref);
    if (code != DW_OK)
        return code;
    int64_t scp_id = dw_col_int64(stmt, 0);
    char old_status[16];
    dw_column_copy(stmt, 1, old_status, sizeof(old_status));
    dw_reset(stmt);
    if (change->old_status != NULL)
        memcpy(change->old_status, old_status, sizeof(old_status));
    if (strcmp(old_status, change->new_status) == 0)
        return deepwell_error_set(err, DW_CONFLICT, op, "%s is already %s", ref, old_status);

    char now[32];
    dw_now_iso(now);
    code = dw_prepare(conn, SQL_SCP_SET_STATUS, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "Itt", scp_id, change->new_status, now);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    if (code == DW_OK)
        code = dw_prepare(conn, SQL_STATUS_HISTORY_INSERT, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "Ittrtt", scp_id, old_status, change->new_status,
                       change->user_id, now, change->reason != NULL ? change->reason : "");
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    return code;
}

enum deepwell_code deepwell_scp_set_status(struct deepwell *dw, int number, const char *suffix,
                                           const char *new_status, int64_t user_id,
                                           const char *reason, char old_status[16],
                                           struct deepwell_error *err)
{
    static const char op[] = "files.scp_set_status";
    if (new_status == NULL || !foundation_status_valid(new_status))
        return deepwell_error_set(err, DW_INVALID, op, "unknown status '%s'",
                                  new_status != NULL ? new_status : "");
    struct status_change change = {
        number, suffix != NULL ? suffix : "", new_status, user_id, reason, old_status};
    return deepwell_write_tx(dw, set_status_body, &change, err);
}
