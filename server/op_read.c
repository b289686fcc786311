/*
 * op_read.c - "read": one file, with everything above the reader cut.
 *
 * The access decision is clearance.c's; the cutting is redact.c's.  Every read is
 * audited: granted, redacted (the file exists but is above the reader) or
 * expunged (no such file).  A personnel file read at the audit log's level also
 * carries that person's newest audit rows.
 */
#include "common/foundation.h"
#include "server/audit_view.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/file_view.h"
#include "server/redact.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"
#include "server/view_cache.h"

#include <stdlib.h>
#include <string.h>

static void audit_read(struct request *req, const char *ref, const char *result,
                       enum deepwell_outcome outcome)
{
    request_audit(req, req->user.id, outcome,
                  outcome == DW_OUTCOME_SUCCESS ? DW_SEV_INFO : DW_SEV_NOTICE,
                  json_pack("{s:s, s:s}", "ref", ref, "result", result));
}

/* The reply's fields as JSON text without braces: "screen" and the cut "file". */
static char *render(const struct file_view *view, const struct reader *r, const char *canon,
                    size_t *length)
{
    json_t *file = file_view_json(view, r, canon);
    if (file == NULL)
        return NULL;
    json_t *body = json_pack("{s:{s:s}, s:o}", "screen", "kind", "file", "file", file);
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_EMBED) : NULL;
    json_decref(body);
    if (text != NULL)
        *length = strlen(text);
    return text;
}

/*
 * Loads the file, whole or (head) without an SCP file's sections, and answers the
 * request itself when the reader gets no file: expunged, redacted, or a store
 * error.  true when view holds a file the reader is cleared for.
 */
static bool load_readable(struct request *req, const struct foundation_ref *ref, const char *canon,
                          const struct reader *r, bool head, struct file_view *view)
{
    struct deepwell_error err;
    enum deepwell_code rc;
    if (head && req->has_session_scp) {
        req->has_session_scp = false;
        file_view_adopt_head(&req->session_scp, view);
        rc = DW_OK;
    } else {
        rc = head ? file_view_load_head(req->srv->dw, ref, view, &err)
                  : file_view_load(req->srv->dw, ref, view, &err);
    }
    if (rc == DW_NOT_FOUND) {
        audit_read(req, canon, "expunged", DW_OUTCOME_FAILURE);
        request_fail_with(req, "expunged", "no such file", "screen", screen_expunged(canon));
        return false;
    }
    if (rc != DW_OK) {
        request_store_error(req, "read", &err);
        return false;
    }
    int needed = clearance_read(r, ref->kind, view->level, ref->number);
    if (needed != 0) {
        int file_level = view->level;
        file_view_free(view);
        audit_read(req, canon, "redacted", DW_OUTCOME_DENIED);
        request_fail_with(req, "redacted", "the file is above your clearance", "screen",
                          screen_redacted(canon, file_level, r->level, req->now_ms));
        return false;
    }
    return true;
}

/*
 * A personnel file read at the audit log's level carries that person's newest audit rows
 * (as the audit op would show them to the reader), appended to the cut file, which is
 * cached without them.  false after answering when the store fails.
 */
#define PERSONNEL_AUDIT_ROWS 10

static bool add_audit_rows(struct request *req, const struct reader *r, const char *person,
                           char **text, size_t *length)
{
    struct deepwell_audit_query q = {.limit = PERSONNEL_AUDIT_ROWS,
                                     .user = person,
                                     .actor_max_level = clearance_audit_actor_max(r)};
    struct deepwell_audit_rows rows;
    struct deepwell_error err;
    if (deepwell_audit_query(req->srv->dw, &q, &rows, &err) != DW_OK) {
        free(*text);
        *text = NULL;
        request_store_error(req, "audit.query", &err);
        return false;
    }
    json_t *list = audit_view_rows(req, r, &rows);
    deepwell_audit_rows_free(&rows);
    char *dumped = list != NULL ? json_dumps(list, JSON_COMPACT) : NULL;
    json_decref(list);
    static const char key[] = ",\"audit\":";
    size_t n = dumped != NULL ? strlen(dumped) : 0;
    char *joined = dumped != NULL ? malloc(*length + sizeof(key) - 1 + n + 1) : NULL;
    if (joined != NULL) {
        memcpy(joined, *text, *length);
        memcpy(joined + *length, key, sizeof(key) - 1);
        memcpy(joined + *length + sizeof(key) - 1, dumped, n + 1);
        *length += sizeof(key) - 1 + n;
    }
    free(dumped);
    free(*text);
    *text = joined; /* NULL: out of memory, answered as such by the caller */
    return true;
}

static char *cached_reply(struct view_cache *cache, const struct file_view *view,
                          const struct reader *r, const char *canon, size_t *length)
{
    size_t key_length = 0;
    char *key = cache ? file_view_key(view, r, canon, &key_length) : NULL;
    char *text = key ? view_cache_get(cache, key, key_length, length) : NULL;
    free(key);
    return text;
}

/*
 * A read of an SCP file first loads only its row: the clearance decision needs no
 * more, and when the same revision was already cut for the same reader the cached
 * reply is all that is sent.  Only on a miss are the sections read and cut.
 */
static void op_read(struct request *req)
{
    json_t *jref = json_object_get(req->args, "ref");
    struct foundation_ref ref;
    if (!json_is_string(jref) || !foundation_ref_parse(json_string_value(jref), &ref)) {
        request_fail(req, "bad_request", "ref must be like SCP-002, SITE-19, MTF-3 or USER-2");
        return;
    }
    char canon[32];
    foundation_ref_format(&ref, canon, sizeof(canon));
    struct reader r = request_reader(req);
    struct view_cache *cache = req->srv->view_cache;

    struct file_view view;
    if (!load_readable(req, &ref, canon, &r, cache != NULL, &view))
        return;
    size_t length = 0;
    char *text = cached_reply(cache, &view, &r, canon, &length);
    if (text == NULL && view.head_only) {
        /* The whole file this time: it may have changed since its head was read. */
        file_view_free(&view);
        if (!load_readable(req, &ref, canon, &r, false, &view))
            return;
    }
    if (text == NULL) {
        text = render(&view, &r, canon, &length);
        size_t key_length = 0;
        char *key = cache && text ? file_view_key(&view, &r, canon, &key_length) : NULL;
        if (key != NULL)
            view_cache_put(cache, key, key_length, text, length);
        free(key);
    }
    char person[DEEPWELL_NAME_MAX] = "";
    if (ref.kind == REF_USER)
        snprintf(person, sizeof(person), "%s", view.user.name);
    file_view_free(&view);
    if (text != NULL && ref.kind == REF_USER && clearance_audit(&r) == 0 &&
        !add_audit_rows(req, &r, person, &text, &length))
        return;
    bool ok = text != NULL && request_ok_text(req, text, length);
    free(text);
    if (!ok) {
        request_fail(req, "internal", "internal error");
        return;
    }
    audit_read(req, canon, "granted", DW_OUTCOME_SUCCESS);
}

/*
 * With a view cache a read of an SCP file starts from its head: session_require reads it
 * with the session, one round trip for both.  The session is still read, and revocation
 * seen, on every request; the head is used only once the session holds.
 */
static bool read_session_scp(const struct request *req, struct foundation_ref *ref)
{
    json_t *jref = json_object_get(req->args, "ref");
    return req->srv->view_cache != NULL && json_is_string(jref) &&
           foundation_ref_parse(json_string_value(jref), ref) && ref->kind == REF_SCP;
}

const struct op op_read_entry = {
    .name = "read",
    .needs_token = true,
    .audit = "read",
    .session_scp = read_session_scp,
    .stages = {{OP_STORE, op_read}},
};
