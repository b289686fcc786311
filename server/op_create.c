/*
 * op_create.c - "create": a new SCP, site, task force or user file.
 *
 * Fields are checked here, the right to create and to hand out each field (level,
 * site, task force, leader, director, title) in clearance.c (clearance_grant); the
 * store checks names against its tables once more (unknown title -> DW_INVALID).
 * Every refusal is audited.  Creating a user runs on the hash workers, since its
 * password is hashed here (create_pool).
 */
#include "common/foundation.h"
#include "common/log.h"
#include "deepwell/password.h"
#include "common/markup.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_MAX      200
#define TEXT_MAX       60000
#define SECTIONS_MAX   64
#define SCP_NUMBER_MAX 999999999

/*
 * Creates refused with `conflict` an account may have before its creates are
 * rate_limited until a window passes without one.  A taken name is `conflict`
 * whoever holds it (docs/SECURITY.md), so this is what slows probing for hidden
 * names; other refusals tell nothing hidden and are not counted.  Kept in the
 * store, beside the failed-login counts.
 */
#define CREATE_CONFLICTS_MAX       50
#define CREATE_CONFLICT_WINDOW_MS  60000
#define CREATE_CONFLICT_KEY_PREFIX "create-conflict:"

/* Field checks: each returns false (and sets the bad_request reply) on a bad field. */
struct fields {
    struct request *req;
    bool bad;
};

static void bad(struct fields *f, const char *message)
{
    if (!f->bad)
        request_fail(f->req, "bad_request", message);
    f->bad = true;
}

static const char *get_string(struct fields *f, const char *key, bool required, size_t max)
{
    json_t *v = json_object_get(f->req->args, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            bad(f, "a required field is missing");
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v) ||
        (required && json_string_length(v) == 0)) {
        bad(f, "a text field is not a string or too long");
        return NULL;
    }
    return json_string_value(v);
}

static int get_level(struct fields *f, const char *key, int fallback)
{
    json_t *v = json_object_get(f->req->args, key);
    if (v == NULL)
        return fallback;
    if (!json_is_integer(v) || json_integer_value(v) < FOUNDATION_LEVEL_MIN ||
        json_integer_value(v) > FOUNDATION_LEVEL_MAX) {
        bad(f, "a level must be an integer 1-6");
        return 0;
    }
    return (int)json_integer_value(v);
}

/* A class name known to the Foundation's tables; NULL when absent. */
static const char *get_class(struct fields *f, const char *key, enum foundation_class_kind kind,
                             bool required)
{
    const char *name = get_string(f, key, required, 64);
    if (name == NULL)
        return NULL;
    const struct foundation_class *c = foundation_class_by_name(kind, name);
    if (c == NULL) {
        bad(f, "unknown class name");
        return NULL;
    }
    return c->name;
}

/* An optional ref of the given kind; 0 when absent. */
static int64_t get_ref(struct fields *f, const char *key, enum foundation_ref_kind kind)
{
    const char *text = get_string(f, key, false, 32);
    if (text == NULL)
        return 0;
    struct foundation_ref ref;
    if (!foundation_ref_parse(text, &ref) || ref.kind != kind || ref.suffix[0] != '\0') {
        bad(f, "a reference field has the wrong form or kind");
        return 0;
    }
    return ref.number;
}

/* Not all digits: login reads those as an id (common/foundation.h). */
static bool valid_user_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= DEEPWELL_NAME_MAX || foundation_name_is_id(name))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    }
    return true;
}

static bool denied(struct request *req, enum foundation_ref_kind kind, int level)
{
    struct reader r = request_reader(req);
    int needed = clearance_create(&r, kind, level);
    if (needed == 0)
        return false;
    request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING,
                  json_pack("{s:s, s:i}", "kind", foundation_ref_kind_name(kind), "level", level));
    request_fail_with(req, "clearance_denied", "your clearance is too low", "screen",
                      screen_clearance_denied(needed, r.level));
    return true;
}

/* The target of a ref field, from the store; a missing one is found = false. */
static enum deepwell_code lookup(struct request *req, struct grant *g, struct deepwell_error *err)
{
    enum deepwell_code rc = DW_OK;
    g->found = false;
    if (g->kind == GRANT_SITE) {
        struct deepwell_site site;
        rc = deepwell_site_get(req->srv->dw, g->id, &site, err);
        if (rc == DW_OK) {
            g->level = site.level;
            deepwell_site_free(&site);
        }
    } else if (g->kind == GRANT_TASK_FORCE) {
        struct deepwell_mtf mtf;
        rc = deepwell_mtf_get(req->srv->dw, g->id, &mtf, err);
        if (rc == DW_OK) {
            g->level = mtf.level;
            deepwell_mtf_free(&mtf);
        }
    } else if (g->kind == GRANT_USER) {
        struct deepwell_user user;
        rc = deepwell_user_find(req->srv->dw, NULL, g->id, &user, err);
        if (rc == DW_OK)
            g->level = user.clearance;
        memset(&user, 0, sizeof(user)); /* its password hash */
    }
    g->found = rc == DW_OK;
    return rc == DW_NOT_FOUND ? DW_OK : rc;
}

/*
 * Whether the actor may hand out g (a ref field is looked up first); when not, the
 * refusal is audited and answered.  A missing and a hidden target get the same reply.
 */
static bool may_grant(struct request *req, enum foundation_ref_kind kind, const char *field,
                      struct grant *g)
{
    if (g->kind != GRANT_TITLE && g->kind != GRANT_CLEARANCE) {
        struct deepwell_error err;
        if (g->id == 0)
            return true; /* the field was not given */
        if (lookup(req, g, &err) != DW_OK) {
            request_store_error(req, "create.grant", &err);
            return false;
        }
    }
    struct reader r = request_reader(req);
    int needed = clearance_grant(&r, req->user.title, g);
    if (needed == 0)
        return true;
    request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING,
                  json_pack("{s:s, s:s}", "kind", foundation_ref_kind_name(kind), "field", field));
    request_fail_with(req, "clearance_denied", "you may not hand that out", "screen",
                      screen_clearance_denied(needed, r.level));
    return false;
}

static bool may_grant_ref(struct request *req, enum foundation_ref_kind kind, const char *field,
                          enum clearance_grant_kind grant, int64_t id)
{
    struct grant g = {.kind = grant, .id = id};
    return may_grant(req, kind, field, &g);
}

static void created_ref(struct request *req, const struct foundation_ref *ref)
{
    char canon[32];
    foundation_ref_format(ref, canon, sizeof(canon));
    request_audit(
        req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_NOTICE,
        json_pack("{s:s, s:s}", "kind", foundation_ref_kind_name(ref->kind), "ref", canon));
    request_ok(req, json_pack("{s:s}", "ref", canon));
}

static void created(struct request *req, enum foundation_ref_kind kind, int64_t id)
{
    struct foundation_ref ref = {.kind = kind, .number = id};
    created_ref(req, &ref);
}

/* The optional "suffix" of a new file ("arc" is SCP-049-ARC's); the store checks its form. */
static void get_suffix(struct fields *f, char out[FOUNDATION_REF_SUFFIX_MAX + 1])
{
    const char *text = get_string(f, "suffix", false, FOUNDATION_REF_SUFFIX_MAX);
    for (size_t i = 0; text != NULL && text[i] != '\0'; i++)
        out[i] = (char)toupper((unsigned char)text[i]);
}

static void store_failed(struct request *req, const char *what, enum deepwell_code rc,
                         const struct deepwell_error *err)
{
    if (rc == DW_CONFLICT) {
        request_fail(req, "conflict", "that name or number already exists");
    } else if (rc == DW_INVALID && err->message[0] != '\0' && !err->from_engine) {
        request_fail(req, "bad_request", err->message); /* deepwell's own one-line reason */
    } else if (rc == DW_INVALID || rc == DW_NOT_FOUND) {
        /* A constraint the store's checks did not foresee: its text names tables. */
        if (err->from_engine)
            log_notice("create", "%s refused by the database: %s", what, err->message);
        request_fail(req, "bad_request", "a referenced file or name does not exist");
    } else {
        request_store_error(req, what, err);
    }
}

/*
 * Nobody may write what they could not read back: a passage marked above the
 * creator's clearance (docs/markup.md) is refused like a section above it.
 */
static bool text_within_clearance(struct fields *f, const char *text, int own_level)
{
    if (text == NULL || f->bad)
        return !f->bad;
    int needed = markup_max_level(text, strlen(text));
    if (needed >= 0 && needed <= own_level)
        return true;
    bad(f, needed < 0 ? "cannot check the text's markup"
                      : "a passage may not be marked above your own clearance");
    return false;
}

static bool read_sections(struct fields *f, int own_level, struct deepwell_section **out,
                          size_t *count)
{
    json_t *arr = json_object_get(f->req->args, "sections");
    *out = NULL;
    *count = 0;
    if (arr == NULL)
        return true;
    if (!json_is_array(arr) || json_array_size(arr) > SECTIONS_MAX) {
        bad(f, "sections must be an array of at most 64 sections");
        return false;
    }
    size_t n = json_array_size(arr);
    struct deepwell_section *secs = calloc(n ? n : 1, sizeof(*secs));
    if (secs == NULL) {
        request_fail(f->req, "internal", "internal error");
        f->bad = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(arr, i);
        json_t *kind = json_object_get(s, "kind"), *title = json_object_get(s, "title");
        json_t *level = json_object_get(s, "level"), *text = json_object_get(s, "text");
        bool ok = json_is_object(s) && json_is_string(kind) && json_is_string(title) &&
                  json_is_integer(level) && json_is_string(text) &&
                  json_string_length(title) <= TITLE_MAX && json_string_length(text) <= TEXT_MAX &&
                  strlen(json_string_value(text)) == json_string_length(text);
        const char *k = ok ? json_string_value(kind) : "";
        ok = ok && (strcmp(k, "containment") == 0 || strcmp(k, "description") == 0 ||
                    strcmp(k, "addendum") == 0);
        ok = ok && json_integer_value(level) >= FOUNDATION_LEVEL_MIN &&
             json_integer_value(level) <= own_level;
        if (!ok) {
            free(secs);
            bad(f, "a section needs kind (containment|description|addendum), title, level "
                   "(up to your own) and text");
            return false;
        }
        if (!text_within_clearance(f, json_string_value(text), own_level)) {
            free(secs);
            return false;
        }
        secs[i].kind = (char *)k;
        secs[i].title = (char *)json_string_value(title);
        secs[i].position = (int)i + 1; /* 1-based, in the order given */
        secs[i].level = (int)json_integer_value(level);
        secs[i].body = (char *)json_string_value(text);
    }
    *out = secs;
    *count = n;
    return true;
}

static void create_scp(struct request *req, struct fields *f)
{
    json_t *jnum = json_object_get(req->args, "number");
    struct deepwell_scp scp = {0};
    get_suffix(f, scp.suffix);
    /* SCP-000 itself is not a file, but a suffixed one is ("SCP-000-EX"). */
    if (!json_is_integer(jnum) || json_integer_value(jnum) < (scp.suffix[0] ? 0 : 1) ||
        json_integer_value(jnum) > SCP_NUMBER_MAX) {
        bad(f, "number must be a positive integer");
        return;
    }
    scp.number = (int)json_integer_value(jnum);
    scp.title = (char *)get_string(f, "title", true, TITLE_MAX);
    scp.level = get_level(f, "level", 0);
    if (!f->bad && json_object_get(req->args, "level") == NULL)
        bad(f, "level is required");
    scp.containment = (char *)get_class(f, "containment", FOUNDATION_CONTAINMENT, true);
    scp.secondary = (char *)get_class(f, "secondary", FOUNDATION_SECONDARY, false);
    scp.disruption = (char *)get_class(f, "disruption", FOUNDATION_DISRUPTION, false);
    scp.risk = (char *)get_class(f, "risk", FOUNDATION_RISK, false);
    scp.site_id = get_ref(f, "site", REF_SITE);
    scp.task_force_id = get_ref(f, "task_force", REF_MTF);
    scp.status = "active";
    if (f->bad || denied(req, REF_SCP, scp.level) ||
        !may_grant_ref(req, REF_SCP, "site", GRANT_SITE, scp.site_id) ||
        !may_grant_ref(req, REF_SCP, "task_force", GRANT_TASK_FORCE, scp.task_force_id))
        return;
    if (!read_sections(f, req->user.clearance, &scp.sections, &scp.nsections))
        return;
    int64_t id;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_scp_create(req->srv->dw, &scp, &id, &err);
    free(scp.sections);
    if (rc != DW_OK) {
        store_failed(req, "scp.create", rc, &err);
        return;
    }
    struct foundation_ref ref = {.kind = REF_SCP, .number = scp.number};
    memcpy(ref.suffix, scp.suffix, sizeof(ref.suffix));
    created_ref(req, &ref);
}

static void create_site(struct request *req, struct fields *f)
{
    struct deepwell_site site = {0};
    site.name = (char *)get_string(f, "name", true, DEEPWELL_NAME_MAX - 1);
    site.location = (char *)get_string(f, "location", false, TEXT_MAX);
    site.description = (char *)get_string(f, "description", false, TEXT_MAX);
    site.dossier = (char *)get_string(f, "dossier", false, TEXT_MAX);
    site.director_id = get_ref(f, "director", REF_USER);
    site.level = 3;
    if (f->bad || denied(req, REF_SITE, site.level) ||
        !may_grant_ref(req, REF_SITE, "director", GRANT_USER, site.director_id))
        return;
    if (!text_within_clearance(f, site.location, req->user.clearance) ||
        !text_within_clearance(f, site.description, req->user.clearance) ||
        !text_within_clearance(f, site.dossier, req->user.clearance))
        return;
    int64_t id;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_site_create(req->srv->dw, &site, &id, &err);
    if (rc != DW_OK) {
        store_failed(req, "site.create", rc, &err);
        return;
    }
    created(req, REF_SITE, id);
}

static void create_mtf(struct request *req, struct fields *f)
{
    struct deepwell_mtf mtf = {0};
    mtf.designation = (char *)get_string(f, "designation", true, DEEPWELL_NAME_MAX - 1);
    mtf.nickname = (char *)get_string(f, "nickname", false, DEEPWELL_NAME_MAX - 1);
    mtf.level = get_level(f, "level", 2);
    mtf.site_id = get_ref(f, "site", REF_SITE);
    mtf.leader_id = get_ref(f, "leader", REF_USER);
    mtf.mission = (char *)get_string(f, "mission", false, TEXT_MAX);
    mtf.active = true;
    if (f->bad || denied(req, REF_MTF, mtf.level) ||
        !may_grant_ref(req, REF_MTF, "site", GRANT_SITE, mtf.site_id) ||
        !may_grant_ref(req, REF_MTF, "leader", GRANT_USER, mtf.leader_id))
        return;
    if (!text_within_clearance(f, mtf.mission, req->user.clearance))
        return;
    int64_t id;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_mtf_create(req->srv->dw, &mtf, &id, &err);
    if (rc != DW_OK) {
        store_failed(req, "mtf.create", rc, &err);
        return;
    }
    created(req, REF_MTF, id);
}

static void create_user(struct request *req, struct fields *f)
{
    const char *name = get_string(f, "name", true, DEEPWELL_NAME_MAX - 1);
    const char *password = get_string(f, "password", true, FOUNDATION_PASSWORD_MAX);
    const char *title = get_string(f, "title", true, 64);
    int clearance = get_level(f, "clearance", 0);
    if (!f->bad && json_object_get(req->args, "clearance") == NULL)
        bad(f, "clearance is required");
    int64_t site_id = get_ref(f, "site", REF_SITE);
    int64_t task_force_id = get_ref(f, "task_force", REF_MTF);
    if (f->bad)
        return;
    if (!valid_user_name(name)) {
        bad(f, "a user name is letters, digits, '.', '_' and '-', not only digits");
        return;
    }
    const char *weak = deepwell_password_policy_error(password); /* deepwell's one policy */
    if (weak != NULL) {
        bad(f, weak);
        return;
    }
    const char *canonical_title = foundation_title_canonical(title);
    if (canonical_title == NULL) {
        bad(f, "unknown title");
        return;
    }
    struct grant g_title = {.kind = GRANT_TITLE, .title = canonical_title};
    if (denied(req, REF_USER, clearance) || !may_grant(req, REF_USER, "title", &g_title) ||
        !may_grant_ref(req, REF_USER, "site", GRANT_SITE, site_id) ||
        !may_grant_ref(req, REF_USER, "task_force", GRANT_TASK_FORCE, task_force_id))
        return;

    char hash[DEEPWELL_HASH_MAX];
    if (deepwell_password_hash(password, &req->srv->pwlimits, hash) != 0) {
        log_error("create", "password hashing failed (out of memory?)");
        request_fail(req, "internal", "internal error");
        return;
    }
    struct deepwell_user_new user = {
        .name = name,
        .password_hash = hash,
        .clearance = clearance,
        .title = canonical_title,
        .site_id = site_id,
        .task_force_id = task_force_id,
        .active = true,
        .personnel_active = true,
    };
    int64_t id;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_user_add(req->srv->dw, &user, &id, &err);
    memset(hash, 0, sizeof(hash));
    if (rc != DW_OK) {
        store_failed(req, "user.add", rc, &err);
        return;
    }
    created(req, REF_USER, id);
}

/*
 * A create refused for its fields (bad_request) or a taken name or number (conflict)
 * is audited too: probing names through conflicts leaves a trace.  The name tried is
 * not kept, as it may be one the auditor may not see.
 */
static void audit_refusal(struct request *req, const char *kind)
{
    json_t *error = json_object_get(req->reply, "error");
    const char *code = json_string_value(json_object_get(error, "code"));
    if (req->audit || code == NULL)
        return;
    bool conflict = strcmp(code, "conflict") == 0;
    if (!conflict && strcmp(code, "bad_request") != 0)
        return; /* unavailable, internal: the store's trouble, logged already */
    request_audit(req, req->user.id, DW_OUTCOME_FAILURE, conflict ? DW_SEV_WARNING : DW_SEV_NOTICE,
                  json_pack("{s:s?, s:s}", "kind", kind, "error", code));
}

static bool refused_for_conflict(const struct request *req)
{
    json_t *error = json_object_get(req->reply, "error");
    const char *code = json_string_value(json_object_get(error, "code"));
    return code != NULL && strcmp(code, "conflict") == 0;
}

/* The account's conflict count, restarted once a whole window passed without one. */
static enum deepwell_code conflicts_now(struct request *req, const char *key,
                                        struct deepwell_login_failures *out,
                                        struct deepwell_error *err)
{
    enum deepwell_code rc = deepwell_login_failures_get(req->srv->dw, key, out, err);
    if (rc == DW_NOT_FOUND || (rc == DW_OK && out->failures > 0 &&
                               req->now_ms - out->last_failure_ms >= CREATE_CONFLICT_WINDOW_MS)) {
        memset(out, 0, sizeof(*out));
        return DW_OK;
    }
    return rc;
}

/* True (and answered, audited) when the account has used up its conflicts. */
static bool create_rate_limited(struct request *req, const char *key)
{
    struct deepwell_login_failures f;
    struct deepwell_error err;
    if (conflicts_now(req, key, &f, &err) != DW_OK) {
        request_store_error(req, "create.conflicts", &err);
        return true;
    }
    if (f.failures < CREATE_CONFLICTS_MAX)
        return false;
    int64_t retry_after =
        (f.last_failure_ms + CREATE_CONFLICT_WINDOW_MS - req->now_ms + 999) / 1000;
    request_audit(
        req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING,
        json_pack("{s:s, s:I}", "reason", "rate_limited", "retry_after", (json_int_t)retry_after));
    request_fail_with(req, "rate_limited", "too many creates of taken names; wait", "retry_after",
                      json_integer(retry_after));
    return true;
}

/* Counts a conflict against the account (a fresh window starts the count over). */
static void count_conflict(struct request *req, const char *key)
{
    struct deepwell_login_failures f;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_login_failures_get(req->srv->dw, key, &f, &err);
    if (rc == DW_OK && f.failures > 0 &&
        req->now_ms - f.last_failure_ms >= CREATE_CONFLICT_WINDOW_MS)
        rc = deepwell_login_failures_reset(req->srv->dw, key, &err);
    if (rc == DW_OK || rc == DW_NOT_FOUND)
        rc = deepwell_login_failures_record(req->srv->dw, key, req->now_ms, 0, NULL, &err);
    if (rc != DW_OK)
        log_warning("create", "cannot count a conflict of user %" PRId64 ": %s", req->user.id,
                    err.message);
}

static void create_kind(struct request *req)
{
    json_t *jkind = json_object_get(req->args, "kind");
    enum foundation_ref_kind kind;
    if (!json_is_string(jkind) || !foundation_ref_kind_parse(json_string_value(jkind), &kind)) {
        request_fail(req, "bad_request", "kind must be scp, site, mtf or user");
        audit_refusal(req, NULL);
        return;
    }
    struct fields f = {req, false};
    switch (kind) {
    case REF_SCP:
        create_scp(req, &f);
        break;
    case REF_SITE:
        create_site(req, &f);
        break;
    case REF_MTF:
        create_mtf(req, &f);
        break;
    case REF_USER:
        create_user(req, &f);
        break;
    }
    audit_refusal(req, foundation_ref_kind_name(kind));
}

static void op_create(struct request *req)
{
    char key[sizeof(CREATE_CONFLICT_KEY_PREFIX) + 24];
    snprintf(key, sizeof(key), CREATE_CONFLICT_KEY_PREFIX "%" PRId64, req->user.id);
    if (create_rate_limited(req, key))
        return;
    create_kind(req);
    if (refused_for_conflict(req))
        count_conflict(req, key);
}

/* Only creating a user hashes a password: the rest is store work. */
static enum op_pool create_pool(const json_t *args)
{
    const char *kind = json_string_value(json_object_get(args, "kind"));
    return kind != NULL && strcmp(kind, "user") == 0 ? OP_HASH : OP_STORE;
}

const struct op op_create_entry = {
    .name = "create",
    .needs_token = true,
    .audit = "create",
    .pool_for = create_pool,
    .stages = {{OP_STORE, op_create}},
};
