/* import_manifest.c - reading manifest.json and credentials.json into a bundle. */
#include "deepwell/io/import_manifest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deepwell/pool.h"
#include "deepwell/io/textfile.h"

struct reader {
    struct import_bundle *b;
    char path[4200];
    struct deepwell_error *err;
    enum deepwell_code code;
};

/* Records the first problem; later ones are ignored (one clear error). */
static bool fail(struct reader *r, const char *entry, const char *problem)
{
    if (r->code == DW_OK)
        r->code =
            deepwell_error_set(r->err, DW_INVALID, r->path, "%s: %s: %s", r->path, entry, problem);
    return false;
}

static bool oom(struct reader *r)
{
    if (r->code == DW_OK)
        r->code = deepwell_error_set(r->err, DW_INTERNAL, r->path, "out of memory");
    return false;
}

/* Optional string member: NULL when absent or null; a non-string is an error. */
static bool get_string(struct reader *r, json_t *obj, const char *key, const char *entry,
                       bool required, char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (required) {
            char problem[96];
            snprintf(problem, sizeof(problem), "\"%s\" is missing", key);
            return fail(r, entry, problem);
        }
        return true;
    }
    if (!json_is_string(v)) {
        char problem[96];
        snprintf(problem, sizeof(problem), "\"%s\" is not a string", key);
        return fail(r, entry, problem);
    }
    /* jansson accepts \u0000 inside strings; the store keeps C strings. */
    if (strlen(json_string_value(v)) != json_string_length(v))
        return fail(r, entry, "a string holds a NUL character");
    *out = strdup(json_string_value(v));
    return *out != NULL || oom(r);
}

/* Optional integer member: 0 when absent or null. */
static bool get_int(struct reader *r, json_t *obj, const char *key, const char *entry,
                    bool required, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    *out = 0;
    if (v == NULL || json_is_null(v)) {
        if (required) {
            char problem[96];
            snprintf(problem, sizeof(problem), "\"%s\" is missing", key);
            return fail(r, entry, problem);
        }
        return true;
    }
    if (!json_is_integer(v)) {
        char problem[96];
        snprintf(problem, sizeof(problem), "\"%s\" is not an integer", key);
        return fail(r, entry, problem);
    }
    *out = (int64_t)json_integer_value(v);
    return true;
}

static bool get_bool(struct reader *r, json_t *obj, const char *key, const char *entry,
                     bool fallback, bool *out)
{
    json_t *v = json_object_get(obj, key);
    *out = fallback;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_boolean(v)) {
        char problem[96];
        snprintf(problem, sizeof(problem), "\"%s\" is not true or false", key);
        return fail(r, entry, problem);
    }
    *out = json_is_true(v);
    return true;
}

static char *level_text(int64_t level)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)level);
    return strdup(buf);
}

static json_t *get_array(struct reader *r, json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);
    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_array(v)) {
        fail(r, key, "not an array");
        return NULL;
    }
    return v;
}

static bool read_lookups(struct reader *r, json_t *root)
{
    json_t *lookups = json_object_get(root, "lookups");
    if (lookups == NULL)
        return true;
    if (!json_is_object(lookups))
        return fail(r, "lookups", "not an object");
    for (int k = 0; k < IMPORT_LOOKUP_COUNT; k++) {
        const char *key =
            k == IMPORT_LOOKUP_TITLE ? "titles" : import_lookup_dir((enum import_lookup_kind)k);
        json_t *arr = json_object_get(lookups, key);
        if (arr == NULL)
            continue;
        if (!json_is_array(arr))
            return fail(r, key, "not an array");
        size_t i;
        json_t *item;
        json_array_foreach(arr, i, item)
        {
            int64_t id;
            char *name;
            if (!json_is_object(item))
                return fail(r, key, "an entry is not an object");
            if (!get_int(r, item, "id", key, true, &id) ||
                !get_string(r, item, "name", key, true, &name))
                return false;
            bool ok = import_lookup_add(&r->b->lookups[k], id, name);
            free(name);
            if (!ok)
                return oom(r);
        }
    }
    return true;
}

static bool read_users(struct reader *r, json_t *root)
{
    json_t *arr = get_array(r, root, "users");
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        char entry[48];
        snprintf(entry, sizeof(entry), "users[%zu]", i);
        if (!json_is_object(item))
            return fail(r, entry, "not an object");
        struct import_user *u = IMPORT_PUSH(r->b->users, r->b->nusers, r->b->capusers);
        int64_t level;
        if (u == NULL)
            return oom(r);
        if (!get_int(r, item, "id", entry, true, &u->src_id) ||
            !get_string(r, item, "name", entry, true, &u->name) ||
            !get_int(r, item, "clearance", entry, true, &level) ||
            !get_string(r, item, "title", entry, false, &u->title_name) ||
            !get_int(r, item, "site", entry, false, &u->site) ||
            !get_int(r, item, "task_force", entry, false, &u->task_force) ||
            !get_bool(r, item, "personnel_active", entry, true, &u->personnel_active) ||
            !get_string(r, item, "last_login", entry, false, &u->last_login) ||
            !get_string(r, item, "created_at", entry, false, &u->created_at) ||
            !get_string(r, item, "updated_at", entry, false, &u->updated_at))
            return false;
        if ((u->level_name = level_text(level)) == NULL)
            return oom(r);
    }
    return r->code == DW_OK;
}

static bool read_sites(struct reader *r, json_t *root)
{
    json_t *arr = get_array(r, root, "sites");
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        char entry[48];
        snprintf(entry, sizeof(entry), "sites[%zu]", i);
        if (!json_is_object(item))
            return fail(r, entry, "not an object");
        struct import_site *s = IMPORT_PUSH(r->b->sites, r->b->nsites, r->b->capsites);
        int64_t level;
        if (s == NULL)
            return oom(r);
        if (!get_int(r, item, "id", entry, true, &s->src_id) ||
            !get_string(r, item, "name", entry, true, &s->name) ||
            !get_int(r, item, "level", entry, false, &level) ||
            !get_int(r, item, "director", entry, false, &s->director) ||
            !get_string(r, item, "created_at", entry, false, &s->created_at) ||
            !get_string(r, item, "updated_at", entry, false, &s->updated_at))
            return false;
        s->level = (int)level;
    }
    return r->code == DW_OK;
}

static bool read_mtfs(struct reader *r, json_t *root)
{
    json_t *arr = get_array(r, root, "mtfs");
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        char entry[48];
        snprintf(entry, sizeof(entry), "mtfs[%zu]", i);
        if (!json_is_object(item))
            return fail(r, entry, "not an object");
        struct import_mtf *m = IMPORT_PUSH(r->b->mtfs, r->b->nmtfs, r->b->capmtfs);
        int64_t level;
        if (m == NULL)
            return oom(r);
        if (!get_int(r, item, "id", entry, true, &m->src_id) ||
            !get_string(r, item, "designation", entry, true, &m->designation) ||
            !get_string(r, item, "nickname", entry, false, &m->nickname) ||
            !get_int(r, item, "level", entry, false, &level) ||
            !get_int(r, item, "leader", entry, false, &m->leader) ||
            !get_int(r, item, "site", entry, false, &m->site) ||
            !get_bool(r, item, "active", entry, true, &m->active) ||
            !get_string(r, item, "created_at", entry, false, &m->created_at) ||
            !get_string(r, item, "updated_at", entry, false, &m->updated_at))
            return false;
        m->level = (int)level;
    }
    return r->code == DW_OK;
}

/*
 * A section file must stay inside the SCP's folder (scps/49/, scps/49-ARC/ for
 * SCP-049-ARC): no absolute paths, no "..".
 */
static bool section_path_ok(const char *file, int64_t number, const char *sfx)
{
    char prefix[48];
    snprintf(prefix, sizeof(prefix), "scps/%lld%s%s/", (long long)number, sfx[0] ? "-" : "", sfx);
    if (strncmp(file, prefix, strlen(prefix)) != 0)
        return false;
    const char *p = file + strlen(prefix);
    while (*p != '\0') {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += len;
        if (*p == '/')
            p++;
    }
    return true;
}

static bool read_sections(struct reader *r, json_t *arr, struct import_scp *s, const char *owner)
{
    if (arr == NULL || json_is_null(arr))
        return true;
    if (!json_is_array(arr))
        return fail(r, owner, "\"sections\" is not an array");
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        char entry[96];
        snprintf(entry, sizeof(entry), "%s.sections[%zu]", owner, i);
        if (!json_is_object(item))
            return fail(r, entry, "not an object");
        struct import_section *sec = IMPORT_PUSH(s->sections, s->nsections, s->capsections);
        int64_t level, position;
        if (sec == NULL)
            return oom(r);
        if (!get_string(r, item, "kind", entry, true, &sec->kind) ||
            !get_string(r, item, "title", entry, true, &sec->title) ||
            !get_int(r, item, "level", entry, false, &level) ||
            !get_int(r, item, "position", entry, true, &position) ||
            !get_string(r, item, "file", entry, true, &sec->file))
            return false;
        if (strcmp(sec->kind, "containment") != 0 && strcmp(sec->kind, "description") != 0 &&
            strcmp(sec->kind, "addendum") != 0)
            return fail(r, entry, "\"kind\" is not containment, description or addendum");
        if (!section_path_ok(sec->file, s->number, s->suffix))
            return fail(r, entry, "\"file\" is not a path inside the file's scps/<number>/ folder");
        if (position <= 0 || position > 1000000)
            return fail(r, entry, "\"position\" is out of range");
        sec->level = (int)level;
        sec->position = (int)position;
    }
    return true;
}

/* A manifest's "suffix" (absent: none) through the ref grammar into out, upper case. */
static bool scp_suffix(const char *text, char out[FOUNDATION_REF_SUFFIX_MAX + 1])
{
    out[0] = '\0';
    if (text == NULL || text[0] == '\0')
        return true;
    char whole[32];
    struct foundation_ref ref;
    snprintf(whole, sizeof(whole), "SCP-1-%.*s", FOUNDATION_REF_SUFFIX_MAX + 1, text);
    if (!foundation_ref_parse(whole, &ref) || ref.suffix[0] == '\0')
        return false;
    memcpy(out, ref.suffix, FOUNDATION_REF_SUFFIX_MAX + 1);
    return true;
}

static bool read_scps(struct reader *r, json_t *root)
{
    json_t *arr = get_array(r, root, "scps");
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        char entry[48];
        snprintf(entry, sizeof(entry), "scps[%zu]", i);
        if (!json_is_object(item))
            return fail(r, entry, "not an object");
        struct import_scp *s = IMPORT_PUSH(r->b->scps, r->b->nscps, r->b->capscps);
        int64_t level;
        if (s == NULL)
            return oom(r);
        s->has_row = true;
        if (!get_int(r, item, "number", entry, true, &s->number) ||
            !get_string(r, item, "title", entry, true, &s->title) ||
            !get_int(r, item, "level", entry, true, &level) ||
            !get_string(r, item, "containment", entry, false, &s->containment) ||
            !get_string(r, item, "secondary", entry, false, &s->secondary) ||
            !get_string(r, item, "disruption", entry, false, &s->disruption) ||
            !get_string(r, item, "risk", entry, false, &s->risk) ||
            !get_string(r, item, "status", entry, false, &s->status) ||
            !get_int(r, item, "site", entry, false, &s->site) ||
            !get_int(r, item, "task_force", entry, false, &s->task_force) ||
            !get_string(r, item, "created_at", entry, false, &s->created_at) ||
            !get_string(r, item, "updated_at", entry, false, &s->updated_at) ||
            !get_string(r, item, "source_url", entry, false, &s->source_url) ||
            !get_string(r, item, "source_author", entry, false, &s->source_author) ||
            !get_string(r, item, "source_created_at", entry, false, &s->source_created_at) ||
            !get_string(r, item, "tags", entry, false, &s->tags))
            return false;
        char *sfx = NULL;
        if (!get_string(r, item, "suffix", entry, false, &sfx))
            return false;
        bool sfx_ok = scp_suffix(sfx, s->suffix);
        free(sfx);
        if (!sfx_ok)
            return fail(r, entry, "\"suffix\" is not 1 to 8 letters (as SCP-049-ARC's)");
        if (s->number < (s->suffix[0] ? 0 : 1) || s->number > 999999999)
            return fail(r, entry, "\"number\" is out of range");
        s->key = s->number;
        if ((s->level_name = level_text(level)) == NULL)
            return oom(r);
        if (!read_sections(r, json_object_get(item, "sections"), s, entry))
            return false;
    }
    return r->code == DW_OK;
}

/* Loads path as a JSON object; *root stays NULL (and DW_OK) when the file is absent. */
static bool load_json(struct reader *r, const char *name, bool required, json_t **root)
{
    snprintf(r->path, sizeof(r->path), "%s/%s", r->b->dir, name);
    *root = NULL;
    char *text = NULL;
    enum textfile_refusal refusal;
    enum deepwell_code code =
        textfile_read_at(r->b->dirfd, name, r->path, TEXTFILE_MAX_BYTES, &text, &refusal, r->err);
    if (code == DW_NOT_FOUND && !required)
        return true;
    if (code != DW_OK) {
        r->code = code == DW_NOT_FOUND ? DW_IO : code;
        return false;
    }
    if (refusal != TEXTFILE_READ) { /* the source's own index: no import without it */
        char why[64];
        textfile_refusal_text(refusal, TEXTFILE_MAX_BYTES, why, sizeof(why));
        r->code = deepwell_error_set(r->err, DW_INVALID, r->path, "%s: %s", r->path, why);
        return false;
    }
    json_error_t jerr;
    *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (*root == NULL) {
        char where[64];
        snprintf(where, sizeof(where), "line %d", jerr.line);
        return fail(r, where, jerr.text);
    }
    if (!json_is_object(*root))
        return fail(r, "top level", "not a JSON object");
    return true;
}

static bool check_format(struct reader *r, json_t *root, const char *format)
{
    json_t *f = json_object_get(root, "format");
    json_t *v = json_object_get(root, "version");
    if (!json_is_string(f) || strcmp(json_string_value(f), format) != 0)
        return fail(r, "format", "not a SCiPNET export (\"format\" differs)");
    if (!json_is_integer(v) || json_integer_value(v) != MANIFEST_VERSION)
        return fail(r, "version", "an export version this program does not know");
    return true;
}

/* credentials.json: password hashes and login state, by user name. */
static bool read_credentials(struct reader *r)
{
    json_t *root;
    if (!load_json(r, "credentials.json", false, &root))
        return false;
    if (root == NULL)
        return true;
    bool ok = check_format(r, root, CREDENTIALS_FORMAT);
    json_t *arr = ok ? get_array(r, root, "users") : NULL;
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        char entry[48], *name = NULL, *hash = NULL;
        bool active;
        snprintf(entry, sizeof(entry), "users[%zu]", i);
        if (!json_is_object(item) || !get_string(r, item, "name", entry, true, &name) ||
            !get_string(r, item, "password_hash", entry, true, &hash) ||
            !get_bool(r, item, "active", entry, true, &active)) {
            free(name);
            free(hash);
            ok = fail(r, entry, "not a credentials entry");
            break;
        }
        for (size_t u = 0; u < r->b->nusers; u++) {
            struct import_user *user = &r->b->users[u];
            if (strcmp(user->name, name) != 0)
                continue;
            free(user->password_hash);
            user->password_hash = hash;
            hash = NULL;
            user->has_login_state = true;
            user->active = active;
        }
        free(name);
        free(hash);
    }
    json_decref(root);
    return ok && r->code == DW_OK;
}

enum deepwell_code import_manifest_read(struct import_bundle *b, struct deepwell_error *err)
{
    struct reader r = {.b = b, .err = err, .code = DW_OK};
    json_t *root;
    if (load_json(&r, "manifest.json", true, &root) && check_format(&r, root, MANIFEST_FORMAT) &&
        read_lookups(&r, root) && read_sites(&r, root) && read_mtfs(&r, root) &&
        read_users(&r, root) && read_scps(&r, root)) {
        json_decref(root);
        root = NULL;
        read_credentials(&r);
    }
    json_decref(root);
    return r.code;
}
