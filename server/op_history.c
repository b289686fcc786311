/*
 * op_history.c - "history": an SCP file's edits and status changes, newest first.
 *
 * The reader must be cleared for the file (clearance.c), as for "read".  Edits of
 * what lies above the reader are left out by the store; a changer whose personnel
 * file the reader may not read is shown as "[REDACTED]".  Both lists are capped.
 */
#include "common/foundation.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

/*
 * Rows of each list.  The largest reply: 2 x 50 rows whose 1000-byte reasons are all
 * control characters (\u00XX, 6 bytes each), about 620 KB, inside a client's 1 MiB line.
 */
#define HISTORY_LIMIT_DEFAULT 20
#define HISTORY_LIMIT_MAX     50

/* The changer: a link, "[REDACTED]" when above the reader, null when gone. */
static json_t *changer(const struct reader *r, const struct deepwell_file_change *c)
{
    if (c->user_id == 0 || c->user_name == NULL)
        return json_null();
    if (clearance_read(r, REF_USER, c->user_clearance, c->user_id) != 0)
        return json_string("[REDACTED]");
    return shape_link(REF_USER, c->user_id, c->user_name);
}

static json_t *edits_json(const struct reader *r, const struct deepwell_file_history *h)
{
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < h->nedits; i++) {
        const struct deepwell_file_change *c = &h->edits[i];
        json_t *row = json_pack("{s:I, s:s, s:o, s:s, s:s}", "revision", (json_int_t)c->revision,
                                "at", c->at ? c->at : "", "by", changer(r, c), "change",
                                c->summary ? c->summary : "", "reason", c->reason ? c->reason : "");
        if (row == NULL || json_array_append_new(list, row) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *statuses_json(const struct reader *r, const struct deepwell_file_history *h)
{
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < h->nstatuses; i++) {
        const struct deepwell_file_change *c = &h->statuses[i];
        json_t *row = json_pack("{s:s, s:o, s:s, s:s, s:s}", "at", c->at ? c->at : "", "by",
                                changer(r, c), "old", c->old_status, "new", c->new_status, "reason",
                                c->reason ? c->reason : "");
        if (row == NULL || json_array_append_new(list, row) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static void op_history(struct request *req)
{
    json_t *jref = json_object_get(req->args, "ref");
    json_t *jlimit = json_object_get(req->args, "limit");
    struct foundation_ref ref;
    if (!json_is_string(jref) || !foundation_ref_parse(json_string_value(jref), &ref) ||
        ref.kind != REF_SCP) {
        request_fail(req, "bad_request", "ref must be an SCP file, like SCP-002");
        return;
    }
    if (jlimit != NULL && (!json_is_integer(jlimit) || json_integer_value(jlimit) < 1 ||
                           json_integer_value(jlimit) > HISTORY_LIMIT_MAX)) {
        request_fail(req, "bad_request", "limit must be an integer 1-50");
        return;
    }
    size_t limit = jlimit ? (size_t)json_integer_value(jlimit) : HISTORY_LIMIT_DEFAULT;
    char canon[32];
    foundation_ref_format(&ref, canon, sizeof(canon));
    struct reader r = request_reader(req);

    struct deepwell_file_history h;
    struct deepwell_error err;
    enum deepwell_code rc =
        deepwell_scp_history(req->srv->dw, (int)ref.number, ref.suffix, r.level, limit, &h, &err);
    if (rc == DW_NOT_FOUND) {
        request_fail_expunged(req, canon);
        return;
    }
    if (rc != DW_OK) {
        request_store_error(req, "scp.history", &err);
        return;
    }
    int needed = clearance_read(&r, REF_SCP, h.level, h.id);
    if (needed != 0) {
        int level = h.level;
        deepwell_file_history_free(&h);
        request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_NOTICE,
                      json_pack("{s:s, s:s}", "ref", canon, "result", "redacted"));
        request_fail_with(req, "redacted", "the file is above your clearance", "screen",
                          screen_redacted(canon, level, r.level, req->now_ms));
        return;
    }
    json_t *body =
        json_pack("{s:s, s:I, s:o, s:b, s:o, s:b}", "ref", canon, "revision",
                  (json_int_t)h.revision, "edits", edits_json(&r, &h), "more_edits", h.more_edits,
                  "statuses", statuses_json(&r, &h), "more_statuses", h.more_statuses);
    deepwell_file_history_free(&h);
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_INFO,
                  json_pack("{s:s, s:s}", "ref", canon, "result", "granted"));
    request_ok(req, body);
}

const struct op op_history_entry = {
    .name = "history",
    .needs_token = true,
    .audit = "history",
    .stages = {{OP_STORE, op_history}},
};
