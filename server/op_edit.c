/*
 * op_edit.c - "edit": change an SCP file's fields, replace one section's text or add
 * an addendum, against the revision the editor read.
 *
 * Who may edit the file, and each thing the edit writes (a level, a section, a marked
 * passage), is clearance.c's: nobody writes above their own clearance, nor replaces
 * a section holding a passage they could not read.  A file changed since the editor's
 * base revision is `conflict`, never overwritten.  Every refusal is audited.
 */
#include "common/foundation.h"
#include "common/markup.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define TITLE_MAX  200
#define CLASS_MAX  64
#define TEXT_MAX   60000
#define REASON_MAX 1000

struct edit_args {
    struct foundation_ref ref;
    char canon[32];
    struct deepwell_scp_edit e;
    char summary[64];
};

/* A string field: NULL when absent; false (and the reply set) when not a fit string. */
static bool get_text(struct request *req, json_t *obj, const char *key, size_t max,
                     const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v) || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        char message[96];
        snprintf(message, sizeof(message), "%s must be a string of at most %zu bytes", key, max);
        request_fail(req, "bad_request", message);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

static bool get_level(struct request *req, json_t *obj, const char *key, int *out)
{
    json_t *v = json_object_get(obj, key);
    *out = 0;
    if (v == NULL)
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < FOUNDATION_LEVEL_MIN ||
        json_integer_value(v) > FOUNDATION_LEVEL_MAX) {
        request_fail(req, "bad_request", "a level must be an integer 1-6");
        return false;
    }
    *out = (int)json_integer_value(v);
    return true;
}

static bool parse_fields(struct request *req, json_t *fields, struct edit_args *a)
{
    struct deepwell_scp_edit *e = &a->e;
    e->kind = DW_EDIT_FIELDS;
    if (!json_is_object(fields) || json_object_size(fields) == 0) {
        request_fail(req, "bad_request", "fields must be an object of the fields to change");
        return false;
    }
    static const char *const known[] = {"title",      "containment", "secondary",
                                        "disruption", "risk",        "level"};
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v)
    {
        bool found = false;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            found |= strcmp(key, known[i]) == 0;
        if (!found) {
            request_fail(req, "bad_request", "fields may hold title, the classes and level");
            return false;
        }
    }
    if (!get_text(req, fields, "title", TITLE_MAX, &e->title) ||
        !get_text(req, fields, "containment", CLASS_MAX, &e->containment) ||
        !get_text(req, fields, "secondary", CLASS_MAX, &e->secondary) ||
        !get_text(req, fields, "disruption", CLASS_MAX, &e->disruption) ||
        !get_text(req, fields, "risk", CLASS_MAX, &e->risk) ||
        !get_level(req, fields, "level", &e->level))
        return false;
    if (e->title != NULL && e->title[0] == '\0') {
        request_fail(req, "bad_request", "a file needs a title");
        return false;
    }
    /* The history names what changed: "title, containment". */
    size_t used = 0;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (json_object_get(fields, known[i]) != NULL)
            used += (size_t)snprintf(a->summary + used, sizeof(a->summary) - used, "%s%s",
                                     used > 0 ? ", " : "", known[i]);
    assert(used < sizeof(a->summary));
    return true;
}

static bool parse_addendum(struct request *req, json_t *add, struct edit_args *a)
{
    struct deepwell_scp_edit *e = &a->e;
    e->kind = DW_EDIT_ADDENDUM;
    if (!json_is_object(add)) {
        request_fail(req, "bad_request", "addendum must be an object");
        return false;
    }
    if (!get_text(req, add, "title", TITLE_MAX, &e->title) ||
        !get_text(req, add, "text", TEXT_MAX, &e->body) || !get_level(req, add, "level", &e->level))
        return false;
    if (e->title == NULL || e->title[0] == '\0' || e->body == NULL || e->level == 0) {
        request_fail(req, "bad_request", "an addendum needs a title, a level and its text");
        return false;
    }
    snprintf(a->summary, sizeof(a->summary), "addendum");
    return true;
}

/* The args: ref, base_revision, reason and exactly one of fields, section+text, addendum. */
static bool parse(struct request *req, struct edit_args *a)
{
    memset(a, 0, sizeof(*a));
    json_t *jref = json_object_get(req->args, "ref");
    if (!json_is_string(jref) || !foundation_ref_parse(json_string_value(jref), &a->ref) ||
        a->ref.kind != REF_SCP) {
        request_fail(req, "bad_request", "ref must be an SCP file, like SCP-002");
        return false;
    }
    foundation_ref_format(&a->ref, a->canon, sizeof(a->canon));
    a->e.number = (int)a->ref.number;
    a->e.suffix = a->ref.suffix; /* SCP-049-ARC is not SCP-049 */
    json_t *jbase = json_object_get(req->args, "base_revision");
    if (!json_is_integer(jbase) || json_integer_value(jbase) < 0) {
        request_fail(req, "bad_request", "base_revision must be the revision the edit is based on");
        return false;
    }
    a->e.base_revision = json_integer_value(jbase);
    if (!get_text(req, req->args, "reason", REASON_MAX, &a->e.reason))
        return false;
    if (a->e.reason == NULL || a->e.reason[0] == '\0') {
        request_fail(req, "bad_request", "an edit needs a reason");
        return false;
    }
    json_t *fields = json_object_get(req->args, "fields");
    json_t *section = json_object_get(req->args, "section");
    json_t *addendum = json_object_get(req->args, "addendum");
    if ((fields != NULL) + (section != NULL) + (addendum != NULL) != 1) {
        request_fail(req, "bad_request", "an edit changes one of fields, section or addendum");
        return false;
    }
    if (fields != NULL)
        return parse_fields(req, fields, a);
    if (addendum != NULL)
        return parse_addendum(req, addendum, a);
    a->e.kind = DW_EDIT_SECTION;
    if (!json_is_integer(section) || json_integer_value(section) < 1 ||
        json_integer_value(section) > 1000) {
        request_fail(req, "bad_request", "section must be a section's number");
        return false;
    }
    a->e.section = (int)json_integer_value(section);
    if (!get_text(req, req->args, "text", TEXT_MAX, &a->e.body))
        return false;
    if (a->e.body == NULL) {
        request_fail(req, "bad_request", "a section edit needs its text");
        return false;
    }
    snprintf(a->summary, sizeof(a->summary), "section %d", a->e.section);
    return true;
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

/* The highest level a text is marked at; -1 when out of memory. */
static int text_level(const char *text)
{
    return text != NULL ? markup_max_level(text, strlen(text)) : 0;
}

/*
 * The level the edit writes at and must be granted: the file's, a new level, the
 * section replaced (and every passage in it, as the editor overwrites them), the
 * new text's passages.  -1 when out of memory.  A section that is not there becomes
 * position -1 (the caller refuses it).
 */
static int written_level(const struct deepwell_scp *scp, struct deepwell_scp_edit *e)
{
    int level = max_int(scp->level, e->level);
    int marked = text_level(e->body);
    if (marked < 0)
        return -1;
    level = max_int(level, marked);
    if (e->kind != DW_EDIT_SECTION)
        return level;
    /* Section N is the N-th the reader sees; the store knows it by its position. */
    if ((size_t)e->section > scp->nsections) {
        e->section = -1;
        return level;
    }
    const struct deepwell_section *s = &scp->sections[e->section - 1];
    e->section = s->position;
    int old = text_level(s->body);
    return old < 0 ? -1 : max_int(level, max_int(s->level, old));
}

static void refuse(struct request *req, const struct edit_args *a, int needed, int have)
{
    request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING,
                  json_pack("{s:s, s:s}", "ref", a->canon, "change", a->summary));
    request_fail_with(req, "clearance_denied", "your clearance is too low", "screen",
                      screen_clearance_denied(needed, have));
}

static void conflict(struct request *req, const struct edit_args *a, int64_t now)
{
    request_audit(req, req->user.id, DW_OUTCOME_FAILURE, DW_SEV_NOTICE,
                  json_pack("{s:s, s:s, s:I}", "ref", a->canon, "result", "conflict", "base",
                            (json_int_t)a->e.base_revision));
    json_t *reply = request_fail(req, "conflict", "the file was changed since your revision");
    if (now > 0 && !shape_set(reply, "revision", json_integer(now)))
        request_fail(req, "internal", "out of memory");
}

/* Loads the file and decides; true when the edit may be written. */
static bool allowed(struct request *req, struct edit_args *a)
{
    struct deepwell_scp scp;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_scp_get(req->srv->dw, a->e.number, a->ref.suffix, &scp, &err);
    struct reader r = request_reader(req);
    if (rc == DW_NOT_FOUND) {
        request_fail_expunged(req, a->canon);
        return false;
    }
    if (rc != DW_OK) {
        request_store_error(req, "scp.get", &err);
        return false;
    }
    int needed = clearance_edit(&r, scp.level);
    int level = needed == 0 ? written_level(&scp, &a->e) : 0;
    int64_t revision = scp.revision;
    deepwell_scp_free(&scp);
    if (needed == 0 && level < 0) {
        request_fail(req, "internal", "out of memory");
        return false;
    }
    if (needed == 0) {
        struct grant g = {.kind = GRANT_CLEARANCE, .level = level};
        needed = clearance_grant(&r, req->user.title, &g);
    }
    if (needed != 0) {
        refuse(req, a, needed, r.level);
        return false;
    }
    if (revision != a->e.base_revision) {
        conflict(req, a, revision);
        return false;
    }
    if (a->e.kind == DW_EDIT_SECTION && a->e.section < 0) {
        request_audit(req, req->user.id, DW_OUTCOME_FAILURE, DW_SEV_NOTICE,
                      json_pack("{s:s, s:s}", "ref", a->canon, "result", "no section"));
        request_fail(req, "bad_request", "no such section");
        return false;
    }
    a->e.change_level = level;
    return true;
}

static void op_edit(struct request *req)
{
    struct edit_args a;
    if (!parse(req, &a) || !allowed(req, &a))
        return;
    a.e.user_id = req->user.id;
    a.e.summary = a.summary;
    int64_t revision = 0;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_scp_edit(req->srv->dw, &a.e, &revision, &err);
    if (rc == DW_CONFLICT) {
        conflict(req, &a, 0); /* changed between the check and the write */
        return;
    }
    if (rc == DW_NOT_FOUND) {
        request_fail_expunged(req, a.canon);
        return;
    }
    if (rc == DW_INVALID && !err.from_engine) {
        request_audit(req, req->user.id, DW_OUTCOME_FAILURE, DW_SEV_NOTICE,
                      json_pack("{s:s, s:s}", "ref", a.canon, "result", "invalid"));
        request_fail(req, "bad_request", err.message); /* "no section 9", "unknown ..." */
        return;
    }
    if (rc != DW_OK) {
        request_store_error(req, "scp.edit", &err);
        return;
    }
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_NOTICE,
                  json_pack("{s:s, s:s, s:I, s:I}", "ref", a.canon, "change", a.summary, "base",
                            (json_int_t)a.e.base_revision, "revision", (json_int_t)revision));
    request_ok(req, json_pack("{s:s, s:I, s:s}", "ref", a.canon, "revision", (json_int_t)revision,
                              "change", a.summary));
}

const struct op op_edit_entry = {
    .name = "edit",
    .needs_token = true,
    .audit = "scp.edit",
    .stages = {{OP_STORE, op_edit}},
};
