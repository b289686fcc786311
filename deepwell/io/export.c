/* export.c - the store as a deepwell folder: markdown files and manifest.json. */
#include "deepwell/io/export.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deepwell/io/import_manifest.h"
#include "deepwell/io/import_model.h"
#include "deepwell/query.h"
#include "deepwell/store.h"
#include "deepwell/io/textfile.h"
#include "deepwell/io/urlname.h"

#define PATH_BYTES 4608
/* Longest encoded addendum title used as a file name (NAME_MAX is 255). */
#define ADDENDUM_NAME_MAX 200

struct exporter {
    struct deepwell_conn *conn;
    const char *dir;
    struct deepwell_export_report *report;
    struct deepwell_error *err;
};

static enum deepwell_code oom(struct exporter *x)
{
    return deepwell_error_set(x->err, DW_INTERNAL, "export", "out of memory");
}

/* ---- files ----------------------------------------------------------------------- */

static enum deepwell_code full_path(struct exporter *x, const char *rel, char *out, size_t size)
{
    int n = snprintf(out, size, "%s/%s", x->dir, rel);
    if (n < 0 || (size_t)n >= size)
        return deepwell_error_set(x->err, DW_INVALID, rel, "%s/%s: path too long", x->dir, rel);
    return DW_OK;
}

/* Creates every folder on the way to rel's file. */
static enum deepwell_code make_parents(struct exporter *x, const char *rel)
{
    char path[PATH_BYTES];
    enum deepwell_code code = full_path(x, rel, path, sizeof(path));
    if (code != DW_OK)
        return code;
    for (char *p = path + strlen(x->dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return deepwell_error_set(x->err, DW_IO, path, "%s: cannot create folder: %s", path,
                                      strerror(errno));
        *p = '/';
    }
    return DW_OK;
}

static enum deepwell_code write_rel(struct exporter *x, const char *rel, const char *text,
                                    unsigned mode)
{
    char path[PATH_BYTES];
    enum deepwell_code code = make_parents(x, rel);
    if (code == DW_OK)
        code = full_path(x, rel, path, sizeof(path));
    if (code == DW_OK)
        code = textfile_write(path, text, strlen(text), mode, x->err);
    if (code == DW_OK)
        x->report->files++;
    return code;
}

/* Writes a non-empty text; an empty one writes no file (import reads that as empty). */
static enum deepwell_code write_optional(struct exporter *x, const char *rel, const char *text)
{
    if (text == NULL || text[0] == '\0')
        return DW_OK;
    return write_rel(x, rel, text, 0644);
}

static enum deepwell_code write_json(struct exporter *x, const char *rel, json_t *root,
                                     unsigned mode)
{
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (text == NULL)
        return oom(x);
    size_t len = strlen(text);
    char *with_newline = realloc(text, len + 2);
    if (with_newline == NULL) {
        free(text);
        return oom(x);
    }
    with_newline[len] = '\n';
    with_newline[len + 1] = '\0';
    enum deepwell_code code = write_rel(x, rel, with_newline, mode);
    free(with_newline);
    return code;
}

/* The folder must be new or empty: leftovers would make the export lie. */
static enum deepwell_code prepare_dir(struct exporter *x)
{
    if (mkdir(x->dir, 0755) == 0)
        return DW_OK;
    if (errno != EEXIST)
        return deepwell_error_set(x->err, DW_IO, x->dir, "%s: cannot create folder: %s", x->dir,
                                  strerror(errno));
    DIR *d = opendir(x->dir);
    if (d == NULL)
        return deepwell_error_set(x->err, DW_IO, x->dir, "%s: %s", x->dir, strerror(errno));
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = false;
    closedir(d);
    if (!empty)
        return deepwell_error_set(x->err, DW_INVALID, x->dir,
                                  "%s: folder is not empty; export needs a new or empty folder",
                                  x->dir);
    return DW_OK;
}

/* ---- JSON values from columns ----------------------------------------------------------- */

static json_t *column_text(struct dw_stmt *stmt, int col)
{
    if (dw_col_is_null(stmt, col))
        return json_null();
    return json_string((const char *)dw_col_text(stmt, col));
}

static json_t *column_id(struct dw_stmt *stmt, int col)
{
    if (dw_col_is_null(stmt, col))
        return json_null();
    return json_integer(dw_col_int64(stmt, col));
}

/* Sets key on obj; false (out of memory) when value is NULL. */
static bool put(json_t *obj, const char *key, json_t *value)
{
    return value != NULL && json_object_set_new(obj, key, value) == 0;
}

static enum deepwell_code step_error(struct exporter *x, struct dw_stmt *stmt, int rc,
                                     const char *op)
{
    return dw_stmt_error(x->err, x->conn, stmt, rc, op);
}

/* ---- lookups ------------------------------------------------------------------------------ */

static enum deepwell_code export_lookup(struct exporter *x, json_t *lookups, const char *key,
                                        const char *sql, bool has_description)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(x->conn, sql, &stmt, x->err);
    if (code != DW_OK)
        return code;
    json_t *arr = json_array();
    if (arr == NULL || json_object_set_new(lookups, key, arr) != 0)
        return oom(x);
    int rc;
    while (code == DW_OK && (rc = dw_step(stmt)) == DW_ROW) {
        json_t *item = json_object();
        if (item == NULL || json_array_append_new(arr, item) != 0 ||
            !put(item, "id", column_id(stmt, 0)) || !put(item, "name", column_text(stmt, 1))) {
            code = oom(x);
            break;
        }
        const char *text = has_description ? (const char *)dw_col_text(stmt, 2) : NULL;
        if (text != NULL && text[0] != '\0') {
            char rel[128];
            snprintf(rel, sizeof(rel), "descs/%s/%lld.md", key, (long long)dw_col_int64(stmt, 0));
            code = write_optional(x, rel, text);
            if (code == DW_OK)
                x->report->descriptions++;
        }
    }
    if (code == DW_OK && rc != DW_DONE)
        code = step_error(x, stmt, rc, "export.lookups");
    dw_reset(stmt);
    return code;
}

static enum deepwell_code export_lookups(struct exporter *x, json_t *root)
{
    static const struct {
        const char *key, *sql;
        bool has_description;
    } tables[] = {
        {"clearance_levels", "SELECT id, name, description FROM clearance_levels ORDER BY id",
         true},
        {"containment_classes", "SELECT id, name, description FROM containment_classes ORDER BY id",
         true},
        {"secondary_classes", "SELECT id, name, description FROM secondary_classes ORDER BY id",
         true},
        {"disruption_classes", "SELECT id, name, description FROM disruption_classes ORDER BY id",
         true},
        {"risk_classes", "SELECT id, name, description FROM risk_classes ORDER BY id", true},
        {"titles", "SELECT id, name FROM titles ORDER BY id", false},
    };
    json_t *lookups = json_object();
    if (lookups == NULL || json_object_set_new(root, "lookups", lookups) != 0)
        return oom(x);
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]) && code == DW_OK; i++)
        code = export_lookup(x, lookups, tables[i].key, tables[i].sql, tables[i].has_description);
    return code;
}

/* ---- users, sites, task forces ----------------------------------------------------------------
 */

static enum deepwell_code export_users(struct exporter *x, json_t *root, json_t *credentials)
{
    struct dw_stmt *stmt;
    enum deepwell_code code =
        dw_prepare(x->conn,
                   "SELECT u.id, u.name, u.clearance_level, t.name, u.site_id, u.task_force_id,"
                   " u.personnel_active, u.last_login, u.created_at, u.updated_at, u.password_hash,"
                   " u.active FROM users u JOIN titles t ON t.id = u.title_id ORDER BY u.id",
                   &stmt, x->err);
    if (code != DW_OK)
        return code;
    json_t *arr = json_array();
    if (arr == NULL || json_object_set_new(root, "users", arr) != 0)
        return oom(x);
    int rc;
    while ((rc = dw_step(stmt)) == DW_ROW) {
        json_t *u = json_object();
        if (u == NULL || json_array_append_new(arr, u) != 0 || !put(u, "id", column_id(stmt, 0)) ||
            !put(u, "name", column_text(stmt, 1)) || !put(u, "clearance", column_id(stmt, 2)) ||
            !put(u, "title", column_text(stmt, 3)) || !put(u, "site", column_id(stmt, 4)) ||
            !put(u, "task_force", column_id(stmt, 5)) ||
            !put(u, "personnel_active", json_boolean(dw_col_int(stmt, 6))) ||
            !put(u, "last_login", column_text(stmt, 7)) ||
            !put(u, "created_at", column_text(stmt, 8)) ||
            !put(u, "updated_at", column_text(stmt, 9))) {
            dw_reset(stmt);
            return oom(x);
        }
        if (credentials != NULL) {
            json_t *c = json_object();
            if (c == NULL || json_array_append_new(credentials, c) != 0 ||
                !put(c, "name", column_text(stmt, 1)) ||
                !put(c, "password_hash", column_text(stmt, 10)) ||
                !put(c, "active", json_boolean(dw_col_int(stmt, 11)))) {
                dw_reset(stmt);
                return oom(x);
            }
        }
        x->report->users++;
    }
    code = rc == DW_DONE ? DW_OK : step_error(x, stmt, rc, "export.users");
    dw_reset(stmt);
    return code;
}

static enum deepwell_code export_sites(struct exporter *x, json_t *root)
{
    struct dw_stmt *stmt;
    enum deepwell_code code =
        dw_prepare(x->conn,
                   "SELECT id, name, clearance_level, director_id, created_at, updated_at,"
                   " description, location, dossier FROM sites ORDER BY id",
                   &stmt, x->err);
    if (code != DW_OK)
        return code;
    json_t *arr = json_array();
    if (arr == NULL || json_object_set_new(root, "sites", arr) != 0)
        return oom(x);
    static const char *const files[] = {"desc.md", "loc.md", "dossier.md"};
    int rc;
    while (code == DW_OK && (rc = dw_step(stmt)) == DW_ROW) {
        json_t *s = json_object();
        if (s == NULL || json_array_append_new(arr, s) != 0 || !put(s, "id", column_id(stmt, 0)) ||
            !put(s, "name", column_text(stmt, 1)) || !put(s, "level", column_id(stmt, 2)) ||
            !put(s, "director", column_id(stmt, 3)) ||
            !put(s, "created_at", column_text(stmt, 4)) ||
            !put(s, "updated_at", column_text(stmt, 5))) {
            code = oom(x);
            break;
        }
        for (int f = 0; f < 3 && code == DW_OK; f++) {
            char rel[96];
            snprintf(rel, sizeof(rel), "sites/%lld/%s", (long long)dw_col_int64(stmt, 0), files[f]);
            code = write_optional(x, rel, (const char *)dw_col_text(stmt, 6 + f));
        }
        x->report->sites++;
    }
    if (code == DW_OK && rc != DW_DONE)
        code = step_error(x, stmt, rc, "export.sites");
    dw_reset(stmt);
    return code;
}

static enum deepwell_code export_mtfs(struct exporter *x, json_t *root)
{
    struct dw_stmt *stmt;
    enum deepwell_code code =
        dw_prepare(x->conn,
                   "SELECT id, designation, nickname, clearance_level, leader_id, site_id, active,"
                   " created_at, updated_at, mission FROM task_forces ORDER BY id",
                   &stmt, x->err);
    if (code != DW_OK)
        return code;
    json_t *arr = json_array();
    if (arr == NULL || json_object_set_new(root, "mtfs", arr) != 0)
        return oom(x);
    int rc;
    while (code == DW_OK && (rc = dw_step(stmt)) == DW_ROW) {
        json_t *m = json_object();
        if (m == NULL || json_array_append_new(arr, m) != 0 || !put(m, "id", column_id(stmt, 0)) ||
            !put(m, "designation", column_text(stmt, 1)) ||
            !put(m, "nickname", column_text(stmt, 2)) || !put(m, "level", column_id(stmt, 3)) ||
            !put(m, "leader", column_id(stmt, 4)) || !put(m, "site", column_id(stmt, 5)) ||
            !put(m, "active", json_boolean(dw_col_int(stmt, 6))) ||
            !put(m, "created_at", column_text(stmt, 7)) ||
            !put(m, "updated_at", column_text(stmt, 8))) {
            code = oom(x);
            break;
        }
        char rel[96];
        snprintf(rel, sizeof(rel), "mtfs/%lld/mission.md", (long long)dw_col_int64(stmt, 0));
        code = write_optional(x, rel, (const char *)dw_col_text(stmt, 9));
        x->report->task_forces++;
    }
    if (code == DW_OK && rc != DW_DONE)
        code = step_error(x, stmt, rc, "export.mtfs");
    dw_reset(stmt);
    return code;
}

/* ---- SCP files ------------------------------------------------------------------------------ */

/* Names already used in one SCP's folder, so two sections never share a file. */
struct used_names {
    char **items;
    size_t count, cap;
};

static bool name_used(const struct used_names *u, const char *rel)
{
    for (size_t i = 0; i < u->count; i++)
        if (strcmp(u->items[i], rel) == 0)
            return true;
    return false;
}

static void used_names_free(struct used_names *u)
{
    for (size_t i = 0; i < u->count; i++)
        free(u->items[i]);
    free(u->items);
    memset(u, 0, sizeof(*u));
}

/*
 * The file for a section: cps.md / desc.md / addenda/<URL-encoded title>.md as the
 * original names them; a second section with the same name gets "-2", "-3"...
 * before ".md" (the manifest keeps the real title).
 */
static enum deepwell_code section_file(struct exporter *x, const char *folder, const char *kind,
                                       const char *title, int position, struct used_names *used,
                                       char *rel, size_t size)
{
    char stem[ADDENDUM_NAME_MAX + 32];
    if (strcmp(kind, "containment") == 0)
        snprintf(stem, sizeof(stem), "cps");
    else if (strcmp(kind, "description") == 0)
        snprintf(stem, sizeof(stem), "desc");
    else {
        char encoded[ADDENDUM_NAME_MAX + 1];
        if (title[0] != '\0' && urlname_encode(title, encoded, sizeof(encoded)))
            snprintf(stem, sizeof(stem), "addenda/%s", encoded);
        else
            snprintf(stem, sizeof(stem), "addenda/section-%d", position);
    }
    for (int n = 1; n < 1000000; n++) {
        char suffix[16] = "";
        if (n > 1)
            snprintf(suffix, sizeof(suffix), "-%d", n);
        int len = snprintf(rel, size, "scps/%s/%s%s.md", folder, stem, suffix);
        if (len < 0 || (size_t)len >= size)
            return deepwell_error_set(x->err, DW_INTERNAL, "export", "section path too long");
        if (!name_used(used, rel)) {
            char **slot = IMPORT_PUSH(used->items, used->count, used->cap);
            if (slot == NULL || (*slot = strdup(rel)) == NULL) {
                if (slot != NULL)
                    used->count--;
                return oom(x);
            }
            return DW_OK;
        }
    }
    return deepwell_error_set(x->err, DW_INTERNAL, "export", "too many sections named alike");
}

/* A file's sections under scps/<number>/, or scps/<number>-<SUFFIX>/ (SCP-049-ARC's). */
static enum deepwell_code export_sections(struct exporter *x, int64_t scp_id, int64_t number,
                                          const char *sfx, json_t *arr)
{
    char folder[48];
    snprintf(folder, sizeof(folder), "%lld%s%s", (long long)number, sfx[0] ? "-" : "", sfx);
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(x->conn,
                                         "SELECT kind, title, position, clearance_level, body"
                                         " FROM sections WHERE scp_id = ?1 ORDER BY position",
                                         &stmt, x->err);
    if (code == DW_OK)
        code = dw_bind(stmt, x->err, "export.sections", "I", scp_id);
    if (code != DW_OK)
        return code;
    struct used_names used = {0};
    int rc;
    while (code == DW_OK && (rc = dw_step(stmt)) == DW_ROW) {
        const char *kind = (const char *)dw_col_text(stmt, 0);
        const char *title = (const char *)dw_col_text(stmt, 1);
        const char *body = (const char *)dw_col_text(stmt, 4);
        int position = dw_col_int(stmt, 2);
        char rel[PATH_BYTES];
        code = section_file(x, folder, kind ? kind : "", title ? title : "", position, &used, rel,
                            sizeof(rel));
        if (code == DW_OK)
            code = write_rel(x, rel, body ? body : "", 0644);
        if (code != DW_OK)
            break;
        json_t *s = json_object();
        if (s == NULL || json_array_append_new(arr, s) != 0 ||
            !put(s, "kind", column_text(stmt, 0)) || !put(s, "title", column_text(stmt, 1)) ||
            !put(s, "position", column_id(stmt, 2)) || !put(s, "level", column_id(stmt, 3)) ||
            !put(s, "file", json_string(rel))) {
            code = oom(x);
            break;
        }
        x->report->sections++;
    }
    if (code == DW_OK && rc != DW_DONE)
        code = step_error(x, stmt, rc, "export.sections");
    dw_reset(stmt);
    used_names_free(&used);
    return code;
}

static enum deepwell_code export_scps(struct exporter *x, json_t *root)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(
        x->conn,
        "SELECT s.id, s.number, s.title, s.clearance_level, cc.name, sc.name, dc.name, rc.name,"
        " s.status, s.site_id, s.task_force_id, s.created_at, s.updated_at, s.source_url,"
        " s.source_author, s.source_created_at, s.tags, s.suffix FROM scp_files s"
        " LEFT JOIN containment_classes cc ON cc.id = s.containment_class_id"
        " LEFT JOIN secondary_classes sc ON sc.id = s.secondary_class_id"
        " LEFT JOIN disruption_classes dc ON dc.id = s.disruption_class_id"
        " LEFT JOIN risk_classes rc ON rc.id = s.risk_class_id ORDER BY s.number, s.suffix",
        &stmt, x->err);
    if (code != DW_OK)
        return code;
    json_t *arr = json_array();
    if (arr == NULL || json_object_set_new(root, "scps", arr) != 0)
        return oom(x);
    int rc;
    while (code == DW_OK && (rc = dw_step(stmt)) == DW_ROW) {
        json_t *s = json_object(), *sections = json_array();
        if (s == NULL || sections == NULL || json_array_append_new(arr, s) != 0 ||
            json_object_set_new(s, "sections", sections) != 0 ||
            !put(s, "number", column_id(stmt, 1)) || !put(s, "title", column_text(stmt, 2)) ||
            !put(s, "level", column_id(stmt, 3)) || !put(s, "containment", column_text(stmt, 4)) ||
            !put(s, "secondary", column_text(stmt, 5)) ||
            !put(s, "disruption", column_text(stmt, 6)) || !put(s, "risk", column_text(stmt, 7)) ||
            !put(s, "status", column_text(stmt, 8)) || !put(s, "site", column_id(stmt, 9)) ||
            !put(s, "task_force", column_id(stmt, 10)) ||
            !put(s, "created_at", column_text(stmt, 11)) ||
            !put(s, "updated_at", column_text(stmt, 12)) ||
            /* attribution, which the wiki's licence asks to keep (NULL for files made here) */
            !put(s, "source_url", column_text(stmt, 13)) ||
            !put(s, "source_author", column_text(stmt, 14)) ||
            !put(s, "source_created_at", column_text(stmt, 15)) ||
            !put(s, "tags", column_text(stmt, 16))) {
            code = oom(x);
            break;
        }
        /* Only a suffixed file names its suffix: other manifests stay as they were. */
        char sfx[FOUNDATION_REF_SUFFIX_MAX + 1];
        dw_column_copy(stmt, 17, sfx, sizeof(sfx));
        if (sfx[0] != '\0' && !put(s, "suffix", json_string(sfx))) {
            code = oom(x);
            break;
        }
        code = export_sections(x, dw_col_int64(stmt, 0), dw_col_int64(stmt, 1), sfx, sections);
        x->report->scps++;
    }
    if (code == DW_OK && rc != DW_DONE)
        code = step_error(x, stmt, rc, "export.scps");
    dw_reset(stmt);
    return code;
}

/* ---- the export ------------------------------------------------------------------------------ */

static enum deepwell_code export_all(struct exporter *x, bool with_credentials)
{
    json_t *root = json_pack("{s:s, s:i}", "format", MANIFEST_FORMAT, "version", MANIFEST_VERSION);
    json_t *creds = with_credentials ? json_pack("{s:s, s:i, s:[]}", "format", CREDENTIALS_FORMAT,
                                                 "version", MANIFEST_VERSION, "users")
                                     : NULL;
    enum deepwell_code code = DW_OK;
    if (root == NULL || (with_credentials && creds == NULL))
        code = oom(x);
    if (code == DW_OK)
        code = export_lookups(x, root);
    if (code == DW_OK)
        code = export_sites(x, root);
    if (code == DW_OK)
        code = export_mtfs(x, root);
    if (code == DW_OK)
        code = export_users(x, root, creds ? json_object_get(creds, "users") : NULL);
    if (code == DW_OK)
        code = export_scps(x, root);
    if (code == DW_OK)
        code = write_json(x, "manifest.json", root, 0644);
    /* Password hashes: readable by the owner only, like the store itself should be. */
    if (code == DW_OK && creds != NULL)
        code = write_json(x, "credentials.json", creds, 0600);
    json_decref(root);
    json_decref(creds);
    return code;
}

enum deepwell_code deepwell_export(struct deepwell *dw, const char *out_dir,
                                   const struct deepwell_export_options *opts,
                                   struct deepwell_export_report *report,
                                   struct deepwell_error *err)
{
    memset(report, 0, sizeof(*report));
    struct exporter x = {.dir = out_dir, .report = report, .err = err};
    enum deepwell_code code = prepare_dir(&x);
    if (code != DW_OK)
        return code;
    code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &x.conn, err);
    if (code != DW_OK)
        return code;
    /* One snapshot, so the folder is one moment of the store even while it is in use. */
    code = dw_read_begin(x.conn, err);
    if (code == DW_OK) {
        code = export_all(&x, opts != NULL && opts->with_credentials);
        dw_read_end(x.conn);
    }
    deepwell_pool_release(dw->pool, x.conn);
    return code;
}
