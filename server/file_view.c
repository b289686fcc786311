/* file_view.c - the "file" object of every kind, redacted for its reader. */
#include "server/file_view.h"
#include "server/redact.h"
#include "server/shapes.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unknown links count as level 6: better a hidden name than a leaked one. */
static enum deepwell_code linked_levels(struct deepwell *dw, int64_t task_force_id,
                                        int64_t person_id, struct file_view *out,
                                        struct deepwell_error *err)
{
    out->task_force_level = FOUNDATION_LEVEL_MAX;
    out->person_level = FOUNDATION_LEVEL_MAX;
    if (task_force_id > 0) {
        struct deepwell_mtf mtf;
        enum deepwell_code rc = deepwell_mtf_get(dw, task_force_id, &mtf, err);
        if (rc == DW_OK) {
            out->task_force_level = mtf.level;
            deepwell_mtf_free(&mtf);
        } else if (rc != DW_NOT_FOUND) {
            return rc;
        }
    }
    if (person_id > 0) {
        struct deepwell_user user;
        enum deepwell_code rc = deepwell_user_find(dw, NULL, person_id, &user, err);
        if (rc == DW_OK)
            out->person_level = user.clearance;
        else if (rc != DW_NOT_FOUND)
            return rc;
        memset(&user, 0, sizeof(user));
    }
    return DW_OK;
}

/* A link whose name the reader may see, else the same link with the name withheld. */
static json_t *cleared_link(const struct reader *r, enum foundation_ref_kind kind, int64_t id,
                            const char *name, int level)
{
    if (clearance_title(r, kind, level, id) != 0)
        name = REDACT_PLACEHOLDER;
    return shape_link(kind, id, name);
}

static enum deepwell_code load(struct deepwell *dw, const struct foundation_ref *ref,
                               bool head_only, struct file_view *out, struct deepwell_error *err)
{
    memset(out, 0, sizeof(*out));
    out->kind = ref->kind;
    enum deepwell_code rc = DW_INVALID;
    switch (ref->kind) {
    case REF_SCP:
        /* Number and suffix name the file: SCP-049-ARC is not SCP-049. */
        rc = head_only ? deepwell_scp_get_head(dw, (int)ref->number, ref->suffix, &out->scp, err)
                       : deepwell_scp_get(dw, (int)ref->number, ref->suffix, &out->scp, err);
        out->level = out->scp.level;
        out->head_only = head_only;
        break;
    case REF_SITE:
        rc = deepwell_site_get(dw, ref->number, &out->site, err);
        out->level = out->site.level;
        if (rc == DW_OK) {
            rc = site_tables_load(dw, ref->number, &out->site_tables, err);
            if (rc != DW_OK)
                deepwell_site_free(&out->site);
        }
        break;
    case REF_MTF:
        rc = deepwell_mtf_get(dw, ref->number, &out->mtf, err);
        out->level = out->mtf.level;
        break;
    case REF_USER:
        rc = deepwell_user_find(dw, NULL, ref->number, &out->user, err);
        /* Nothing of the password hash goes further than this. */
        memset(out->user.password_hash, 0, sizeof(out->user.password_hash));
        out->level = out->user.clearance;
        break;
    }
    if (rc != DW_OK) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    int64_t tf = ref->kind == REF_USER ? out->user.task_force_id : 0; /* an SCP file's: its row */
    int64_t person = ref->kind == REF_SITE  ? out->site.director_id
                     : ref->kind == REF_MTF ? out->mtf.leader_id
                                            : 0;
    rc = linked_levels(dw, tf, person, out, err);
    if (ref->kind == REF_SCP)
        out->task_force_level = out->scp.task_force_level;
    if (rc != DW_OK)
        file_view_free(out);
    return rc;
}

void file_view_adopt_head(struct deepwell_scp *scp, struct file_view *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = REF_SCP;
    out->scp = *scp;
    memset(scp, 0, sizeof(*scp)); /* the view owns its strings now */
    out->level = out->scp.level;
    out->head_only = true;
    out->task_force_level = out->scp.task_force_level; /* read with the head */
    out->person_level = FOUNDATION_LEVEL_MAX;
}

enum deepwell_code file_view_load(struct deepwell *dw, const struct foundation_ref *ref,
                                  struct file_view *out, struct deepwell_error *err)
{
    return load(dw, ref, false, out, err);
}

enum deepwell_code file_view_load_head(struct deepwell *dw, const struct foundation_ref *ref,
                                       struct file_view *out, struct deepwell_error *err)
{
    return load(dw, ref, true, out, err);
}

void file_view_free(struct file_view *view)
{
    switch (view->kind) {
    case REF_SCP:
        deepwell_scp_free(&view->scp);
        break;
    case REF_SITE:
        deepwell_site_free(&view->site);
        site_tables_free(&view->site_tables);
        break;
    case REF_MTF:
        deepwell_mtf_free(&view->mtf);
        break;
    case REF_USER:
        break;
    }
    memset(view, 0, sizeof(*view));
}

/* Appends a section when body is set; a missing or empty body is no section. */
static int add_section(json_t *sections, const struct reader *r, const char *kind,
                       const char *title, int level, const char *body)
{
    if (body == NULL || body[0] == '\0')
        return 0;
    json_t *s = redact_section(r, kind, title, level, body);
    return s ? json_array_append_new(sections, s) : -1;
}

/* Site and task force text: the reader is cleared for the whole file (by level, or as its
   staff or members). */
static int add_cleared_section(json_t *sections, const struct reader *r, const char *kind,
                               const char *title, int level, const char *body)
{
    if (body == NULL || body[0] == '\0')
        return 0;
    json_t *s = redact_section_cleared(r, kind, title, level, body);
    return s ? json_array_append_new(sections, s) : -1;
}

/* The stored space-separated tags as a list ([] for none). */
static json_t *tags_json(const char *tags)
{
    json_t *list = json_array();
    for (const char *p = tags; p != NULL && *p != '\0';) {
        size_t n = strcspn(p, " ");
        if (n > 0)
            json_array_append_new(list, json_stringn(p, n));
        p += n + (p[n] == ' ');
    }
    return list;
}

static json_t *scp_json(const struct file_view *view, const struct reader *r, json_t *file)
{
    const struct deepwell_scp *scp = &view->scp;
    json_t *sections = json_array();
    bool ok = true;
    for (size_t i = 0; i < scp->nsections; i++) {
        const struct deepwell_section *s = &scp->sections[i];
        if (add_section(sections, r, s->kind ? s->kind : "addendum", s->title, s->level,
                        s->body ? s->body : "") < 0) {
            json_decref(sections);
            return NULL;
        }
    }
    ok &= shape_set(file, "title", json_string(scp->title ? scp->title : ""));
    ok &= shape_set(file, "containment", shape_class(FOUNDATION_CONTAINMENT, scp->containment));
    ok &= shape_set(file, "secondary", shape_class(FOUNDATION_SECONDARY, scp->secondary));
    ok &= shape_set(file, "disruption", shape_class(FOUNDATION_DISRUPTION, scp->disruption));
    ok &= shape_set(file, "risk", shape_class(FOUNDATION_RISK, scp->risk));
    ok &= shape_set(file, "status", json_string(scp->status ? scp->status : "active"));
    ok &= shape_set(file, "revision", json_integer(scp->revision)); /* an edit's base */
    ok &= shape_set(file, "site", shape_link(REF_SITE, scp->site_id, scp->site_name));
    ok &= shape_set(
        file, "task_force",
        cleared_link(r, REF_MTF, scp->task_force_id, scp->task_force_name, view->task_force_level));
    ok &= shape_set(file, "sections", sections);
    ok &= shape_set(file, "tags", tags_json(scp->tags));
    ok &= shape_set(file, "source",
                    scp->source_url == NULL
                        ? json_null()
                        : json_pack("{s:s, s:s?, s:s?}", "url", scp->source_url, "author",
                                    scp->source_author, "created_at", scp->source_created_at));
    return ok ? file : NULL;
}

static json_t *site_json(const struct file_view *view, const struct reader *r, json_t *file)
{
    const struct deepwell_site *site = &view->site;
    json_t *sections = json_array();
    bool ok = true;
    if (add_cleared_section(sections, r, "description", "Description", site->level,
                            site->description) < 0 ||
        add_cleared_section(sections, r, "location", "Location", site->level, site->location) < 0 ||
        add_cleared_section(sections, r, "dossier", "Dossier", site->level, site->dossier) < 0) {
        json_decref(sections);
        return NULL;
    }
    ok &= shape_set(file, "title", json_string(site->name ? site->name : ""));
    ok &= shape_set(file, "location", redact_string_cleared(r, site->location));
    ok &= shape_set(
        file, "director",
        cleared_link(r, REF_USER, site->director_id, site->director_name, view->person_level));
    ok &= shape_set(file, "sections", sections);
    ok &= site_tables_json(&view->site_tables, r, file);
    return ok ? file : NULL;
}

static json_t *mtf_json(const struct file_view *view, const struct reader *r, json_t *file)
{
    const struct deepwell_mtf *mtf = &view->mtf;
    json_t *sections = json_array();
    bool ok = true;
    if (add_cleared_section(sections, r, "mission", "Mission", mtf->level, mtf->mission) < 0) {
        json_decref(sections);
        return NULL;
    }
    char title[256];
    if (mtf->nickname && mtf->nickname[0])
        snprintf(title, sizeof(title), "%s \"%s\"", mtf->designation ? mtf->designation : "",
                 mtf->nickname);
    else
        snprintf(title, sizeof(title), "%s", mtf->designation ? mtf->designation : "");
    ok &= shape_set(file, "title", json_string(title));
    ok &= shape_set(file, "designation", json_string(mtf->designation ? mtf->designation : ""));
    ok &= shape_set(file, "nickname", mtf->nickname ? json_string(mtf->nickname) : json_null());
    ok &=
        shape_set(file, "leader",
                  cleared_link(r, REF_USER, mtf->leader_id, mtf->leader_name, view->person_level));
    ok &= shape_set(file, "site", shape_link(REF_SITE, mtf->site_id, mtf->site_name));
    ok &= shape_set(file, "active", json_boolean(mtf->active));
    ok &= shape_set(file, "sections", sections);
    return ok ? file : NULL;
}

static json_t *user_json(const struct file_view *view, const struct reader *r, json_t *file)
{
    const struct deepwell_user *u = &view->user;
    bool ok = true;
    ok &= shape_set(file, "title", json_string(u->name));
    ok &= shape_set(file, "name", json_string(u->name));
    ok &= shape_set(file, "job_title", json_string(u->title));
    ok &= shape_set(file, "clearance", shape_level(u->clearance));
    ok &= shape_set(file, "site", shape_link(REF_SITE, u->site_id, u->site_name));
    ok &= shape_set(
        file, "task_force",
        cleared_link(r, REF_MTF, u->task_force_id, u->task_force_name, view->task_force_level));
    ok &= shape_set(file, "personnel_status",
                    json_string(u->personnel_active ? "active" : "inactive"));
    ok &= shape_set(file, "last_login", shape_time_or_null(u->last_login));
    ok &= shape_set(file, "sections", json_array());
    return ok ? file : NULL;
}

json_t *file_view_json(const struct file_view *view, const struct reader *r, const char *ref)
{
    if (view->head_only)
        return NULL; /* never a file without its sections */
    json_t *file =
        json_pack("{s:s, s:s, s:o}", "ref", ref, "kind", foundation_ref_kind_name(view->kind),
                  "classification", shape_level(view->level));
    if (file == NULL)
        return NULL;
    json_t *done = NULL;
    switch (view->kind) {
    case REF_SCP:
        done = scp_json(view, r, file);
        break;
    case REF_SITE:
        done = site_json(view, r, file);
        break;
    case REF_MTF:
        done = mtf_json(view, r, file);
        break;
    case REF_USER:
        done = user_json(view, r, file);
        break;
    }
    if (done == NULL)
        json_decref(file);
    return done;
}

/* ---- the render's key ---------------------------------------------------------- */

struct key_buf {
    char *data;
    size_t length, capacity;
    bool failed;
};

static void key_bytes(struct key_buf *k, const void *bytes, size_t n)
{
    if (k->failed)
        return;
    if (k->length + n > k->capacity) {
        size_t cap = k->capacity ? k->capacity * 2 : 1024;
        while (k->length + n > cap)
            cap *= 2;
        char *grown = realloc(k->data, cap);
        if (grown == NULL) {
            k->failed = true;
            return;
        }
        k->data = grown;
        k->capacity = cap;
    }
    memcpy(k->data + k->length, bytes, n);
    k->length += n;
}

static void key_int(struct key_buf *k, int64_t v)
{
    key_bytes(k, &v, sizeof(v));
}

/* Length-prefixed, so field boundaries are part of the key; NULL differs from "". */
static void key_text(struct key_buf *k, const char *text)
{
    key_int(k, text ? (int64_t)strlen(text) : -1);
    if (text != NULL)
        key_bytes(k, text, strlen(text));
}

char *file_view_key(const struct file_view *view, const struct reader *r, const char *ref,
                    size_t *length)
{
    if (view->kind != REF_SCP)
        return NULL;
    const struct deepwell_scp *scp = &view->scp;
    struct key_buf k = {malloc(1024), 0, 1024, false};
    if (k.data == NULL)
        return NULL;
    /* Who and what first: view_cache hashes only the head. */
    key_int(&k, view->kind);
    key_int(&k, scp->number);
    key_text(&k, scp->suffix); /* SCP-049-ARC is not SCP-049 */
    key_int(&k, r->level);
    key_int(&k, r->site_id);
    key_int(&k, r->task_force_id);
    key_text(&k, ref);
    /* Then everything scp_json and file_view_json read, in their order. */
    key_int(&k, view->level);
    key_text(&k, scp->title);
    key_text(&k, scp->containment);
    key_text(&k, scp->secondary);
    key_text(&k, scp->disruption);
    key_text(&k, scp->risk);
    key_text(&k, scp->status);
    key_int(&k, scp->site_id);
    key_text(&k, scp->site_name);
    key_int(&k, scp->task_force_id);
    key_text(&k, scp->task_force_name);
    key_int(&k, view->task_force_level);
    /* The sections: every change to them gives the file a revision never used before. */
    key_int(&k, scp->id);
    key_int(&k, scp->revision);
    if (k.failed) {
        free(k.data);
        return NULL;
    }
    *length = k.length;
    return k.data;
}
