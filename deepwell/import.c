/* import.c - loading an import source and writing it in one transaction. */
#include "deepwell/import.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/foundation.h"
#include "deepwell/audit.h"
#include "deepwell/engine.h"
#include "deepwell/import_files.h"
#include "deepwell/import_manifest.h"
#include "deepwell/import_map.h"
#include "deepwell/import_model.h"
#include "deepwell/import_original.h"
#include "deepwell/password.h"
#include "deepwell/query.h"
#include "deepwell/store.h"
#include "deepwell/textfile.h"

struct deepwell_import {
    struct import_bundle b;
};

/* ---- loading ----------------------------------------------------------------------- */

/*
 * Checks the index file name of the source without following a link; DW_NOT_FOUND
 * when absent.  The source itself must be a regular file: a link could name any
 * file this user can read, and a FIFO would block the import.
 */
static enum deepwell_code check_index_file(const struct import_bundle *b, const char *name,
                                           struct deepwell_error *err)
{
    char shown[sizeof(b->dir) + 32], why[64];
    snprintf(shown, sizeof(shown), "%s/%s", b->dir, name);
    struct stat st;
    if (fstatat(b->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return DW_NOT_FOUND;
        return deepwell_error_set(err, DW_IO, "import", "%s: cannot read: %s", shown,
                                  strerror(errno));
    }
    enum textfile_refusal refusal = textfile_refusal_of(st.st_mode);
    if (refusal == TEXTFILE_READ)
        return DW_OK;
    textfile_refusal_text(refusal, TEXTFILE_MAX_BYTES, why, sizeof(why));
    return deepwell_error_set(err, DW_INVALID, "import", "%s: %s", shown, why);
}

static enum deepwell_code load_source(struct import_bundle *b, const char *source_dir,
                                      const char *real, struct deepwell_error *err)
{
    char db[sizeof(b->dir) + 32];
    snprintf(db, sizeof(db), "%s/SCiPNET.db", source_dir);
    enum deepwell_code code = check_index_file(b, "manifest.json", err);
    if (code == DW_OK) {
        b->from_manifest = true;
        return import_manifest_read(b, err);
    }
    if (code != DW_NOT_FOUND)
        return code;
    code = check_index_file(b, "SCiPNET.db", err);
    if (code == DW_NOT_FOUND)
        return deepwell_error_set(err, DW_IO, "import",
                                  "%s: no SCiPNET.db (and no manifest.json): not a deepwell folder",
                                  source_dir);
    if (code != DW_OK)
        return code;
    if (access(db, R_OK) != 0)
        return deepwell_error_set(err, DW_IO, "import", "%s: cannot read: %s", db, strerror(errno));
    /* Imported history records where it came from, so a second run can skip it. */
    snprintf(b->source_key, sizeof(b->source_key), "%s/SCiPNET.db", real);
    return import_original_read(b, db, err);
}

enum deepwell_code deepwell_import_load(const char *source_dir, struct deepwell_import **out,
                                        struct deepwell_error *err)
{
    *out = NULL;
    if (strlen(source_dir) + 64 > sizeof(((struct import_bundle *)0)->dir))
        return deepwell_error_set(err, DW_INVALID, "import", "%s: path too long", source_dir);
    /* The folder named is opened once (following a link there is the caller's choice);
     * everything below it is opened relative to it, never through a link. */
    int dirfd = open(source_dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
    if (dirfd < 0 && errno == ENOTDIR)
        return deepwell_error_set(err, DW_IO, "import", "%s: not a folder", source_dir);
    if (dirfd < 0)
        return deepwell_error_set(err, DW_IO, "import", "%s: %s", source_dir, strerror(errno));
    struct deepwell_import *imp = calloc(1, sizeof(*imp));
    if (imp == NULL) {
        close(dirfd);
        return deepwell_error_set(err, DW_INTERNAL, "import", "out of memory");
    }
    struct import_bundle *b = &imp->b;
    char real[PATH_MAX];
    if (realpath(source_dir, real) == NULL)
        snprintf(real, sizeof(real), "%s", source_dir);
    snprintf(b->dir, sizeof(b->dir), "%s", source_dir);
    b->dirfd = dirfd;
    enum deepwell_code code = load_source(b, source_dir, real, err);
    if (code == DW_OK)
        code = import_files_attach(b, err);
    close(dirfd);
    b->dirfd = -1;
    if (code != DW_OK) {
        deepwell_import_free(imp);
        return code;
    }
    *out = imp;
    return DW_OK;
}

void deepwell_import_free(struct deepwell_import *imp)
{
    if (imp == NULL)
        return;
    import_bundle_free(&imp->b);
    free(imp);
}

void deepwell_import_report_free(struct deepwell_import_report *report)
{
    for (size_t i = 0; i < report->nnotes; i++)
        free(report->notes[i]);
    free(report->notes);
    memset(report, 0, sizeof(*report));
}

/* ---- writing --------------------------------------------------------------------------- */

struct writer {
    struct deepwell_conn *conn;
    struct import_bundle *b;
    struct deepwell_import_report *r;
    struct deepwell_error *err;
    char now[32];
    /* The store's id for each bundle row (0 = not imported), and whether it is new. */
    int64_t *site_ids, *mtf_ids, *user_ids;
    bool *site_new, *mtf_new;
};

static enum deepwell_code oom(struct writer *w)
{
    return deepwell_error_set(w->err, DW_INTERNAL, "import", "out of memory");
}

#define NOTE(w, ...) (import_note(&(w)->b->notes, __VA_ARGS__) ? DW_OK : oom(w))

/* Runs sql (one text parameter) and returns column 0 as an id; 0 when there is no row. */
static enum deepwell_code id_by_text(struct writer *w, const char *sql, const char *text,
                                     int64_t *out)
{
    struct dw_stmt *stmt;
    *out = 0;
    enum deepwell_code code = dw_prepare(w->conn, sql, &stmt, w->err);
    if (code == DW_OK)
        code = dw_bind(stmt, w->err, "import", "t", text);
    if (code == DW_OK)
        code = dw_step_row(w->conn, stmt, "import", w->err);
    if (code == DW_OK)
        *out = dw_col_int64(stmt, 0);
    if (stmt != NULL)
        dw_reset(stmt);
    return code == DW_NOT_FOUND ? DW_OK : code;
}

/* Runs sql (one id parameter); *found and, when name != NULL, column 0 as text. */
static enum deepwell_code row_by_id(struct writer *w, const char *sql, int64_t id, bool *found,
                                    char **name)
{
    struct dw_stmt *stmt = NULL;
    *found = false;
    if (name != NULL)
        *name = NULL;
    enum deepwell_code code = dw_prepare(w->conn, sql, &stmt, w->err);
    if (code == DW_OK)
        code = dw_bind(stmt, w->err, "import", "I", id);
    if (code == DW_OK)
        code = dw_step_row(w->conn, stmt, "import", w->err);
    if (code == DW_OK) {
        *found = true;
        if (name != NULL && !dw_column_dup(stmt, 0, name))
            code = oom(w);
    }
    if (stmt != NULL)
        dw_reset(stmt);
    return code == DW_NOT_FOUND ? DW_OK : code;
}

static enum deepwell_code insert_done(struct writer *w, struct dw_stmt *stmt, const char *op,
                                      int64_t *id_out)
{
    int64_t id = 0;
    enum deepwell_code code = dw_step_insert(w->conn, stmt, op, &id, w->err);
    if (code == DW_OK && id_out != NULL)
        *id_out = id;
    return code;
}

static const char *time_or_now(struct writer *w, const char *t, char buf[32])
{
    if (t != NULL && import_normalize_time(t, buf))
        return buf;
    return w->now;
}

/* ---- lookup values ------------------------------------------------------------------------ */

static const char *class_sql(enum import_lookup_kind kind)
{
    switch (kind) {
    case IMPORT_LOOKUP_CONTAINMENT:
        return "SELECT id FROM containment_classes WHERE name = ?";
    case IMPORT_LOOKUP_SECONDARY:
        return "SELECT id FROM secondary_classes WHERE name = ?";
    case IMPORT_LOOKUP_DISRUPTION:
        return "SELECT id FROM disruption_classes WHERE name = ?";
    case IMPORT_LOOKUP_RISK:
        return "SELECT id FROM risk_classes WHERE name = ?";
    default:
        return NULL;
    }
}

static enum foundation_class_kind foundation_kind(enum import_lookup_kind kind)
{
    switch (kind) {
    case IMPORT_LOOKUP_SECONDARY:
        return FOUNDATION_SECONDARY;
    case IMPORT_LOOKUP_DISRUPTION:
        return FOUNDATION_DISRUPTION;
    case IMPORT_LOOKUP_RISK:
        return FOUNDATION_RISK;
    default:
        return FOUNDATION_CONTAINMENT;
    }
}

/* The store's class id for a source class name; 0 (noted) when unknown. */
static enum deepwell_code class_id(struct writer *w, enum import_lookup_kind kind, const char *name,
                                   const char *owner, int64_t *out)
{
    *out = 0;
    if (name == NULL || name[0] == '\0')
        return DW_OK;
    const char *canonical = import_class_canonical(foundation_kind(kind), name);
    if (canonical != NULL) {
        enum deepwell_code code = id_by_text(w, class_sql(kind), canonical, out);
        if (code != DW_OK || *out != 0)
            return code;
    }
    return NOTE(w, "unset: %s: unknown %s '%s'; left unset", owner, import_lookup_dir(kind), name);
}

static enum deepwell_code apply_descriptions(struct writer *w)
{
    static const char *const update_sql[] = {
        [IMPORT_LOOKUP_LEVEL] = "UPDATE clearance_levels SET description = ? "
                                "WHERE id = ? AND description = ''",
        [IMPORT_LOOKUP_CONTAINMENT] = "UPDATE containment_classes SET description = ? "
                                      "WHERE id = ? AND description = ''",
        [IMPORT_LOOKUP_SECONDARY] = "UPDATE secondary_classes SET description = ? "
                                    "WHERE id = ? AND description = ''",
        [IMPORT_LOOKUP_DISRUPTION] = "UPDATE disruption_classes SET description = ? "
                                     "WHERE id = ? AND description = ''",
        [IMPORT_LOOKUP_RISK] = "UPDATE risk_classes SET description = ? "
                               "WHERE id = ? AND description = ''",
    };
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->ndescriptions && code == DW_OK; i++) {
        struct import_description *d = &w->b->descriptions[i];
        const char *name = import_lookup_name(&w->b->lookups[d->kind], d->src_id);
        int64_t id = 0;
        if (name == NULL) {
            w->r->descriptions.refused++;
            code = NOTE(w, "skipped: %s: no %s row %lld to describe", d->file,
                        import_lookup_dir(d->kind), (long long)d->src_id);
            continue;
        }
        if (d->kind == IMPORT_LOOKUP_LEVEL) {
            id = import_level_from_name(name);
        } else {
            const char *canonical = import_class_canonical(foundation_kind(d->kind), name);
            if (canonical != NULL)
                code = id_by_text(w, class_sql(d->kind), canonical, &id);
        }
        if (code != DW_OK)
            break;
        if (id == 0) {
            w->r->descriptions.refused++;
            code = NOTE(w, "skipped: %s: '%s' matches no %s here", d->file, name,
                        import_lookup_dir(d->kind));
            continue;
        }
        struct dw_stmt *stmt;
        code = dw_prepare(w->conn, update_sql[d->kind], &stmt, w->err);
        if (code == DW_OK)
            code = dw_bind(stmt, w->err, "import.description", "tI", d->text, id);
        if (code == DW_OK)
            code = dw_step_done(w->conn, stmt, "import.description", w->err);
        if (code == DW_OK) {
            if (dw_changes(w->conn) > 0)
                w->r->descriptions.added++;
            else
                w->r->descriptions.existing++;
        }
    }
    return code;
}

/* ---- sites and task forces ------------------------------------------------------------------ */

/* The store's id for a source row id (0 = none, or the row was not imported). */
static int64_t site_target(const struct writer *w, int64_t src_id)
{
    for (size_t i = 0; src_id != 0 && i < w->b->nsites; i++)
        if (w->b->sites[i].src_id == src_id)
            return w->site_ids[i];
    return 0;
}

static int64_t mtf_target(const struct writer *w, int64_t src_id)
{
    for (size_t i = 0; src_id != 0 && i < w->b->nmtfs; i++)
        if (w->b->mtfs[i].src_id == src_id)
            return w->mtf_ids[i];
    return 0;
}

static int64_t user_target(const struct writer *w, int64_t src_id)
{
    for (size_t i = 0; src_id != 0 && i < w->b->nusers; i++)
        if (w->b->users[i].src_id == src_id)
            return w->user_ids[i];
    return 0;
}

/* A reference to a row the source does not have (or that was refused) is noted and unset. */
static enum deepwell_code resolve_ref(struct writer *w, int64_t src_id, int64_t target,
                                      const char *owner, const char *what, int64_t *out)
{
    *out = target;
    if (src_id == 0 || target != 0)
        return DW_OK;
    return NOTE(w, "unset: %s: %s %lld is not imported; left unset", owner, what,
                (long long)src_id);
}

struct place_sql {
    const char *by_id;   /* SELECT name WHERE id = ? */
    const char *by_name; /* SELECT id WHERE name = ? */
};

/*
 * Where a site or task force goes: an existing row with the same id and name, or
 * with the same name (*existing), or a new row keeping the source id when it is
 * free (*keep_id).
 */
static enum deepwell_code place_target(struct writer *w, const struct place_sql *sql,
                                       int64_t src_id, const char *name, int64_t *existing,
                                       bool *keep_id)
{
    bool found = false;
    char *current = NULL;
    *existing = 0;
    *keep_id = false;
    enum deepwell_code code = DW_OK;
    if (src_id > 0)
        code = row_by_id(w, sql->by_id, src_id, &found, &current);
    if (code != DW_OK)
        return code;
    bool same = found && current != NULL && strcasecmp(current, name) == 0;
    free(current);
    if (same) {
        *existing = src_id;
        return DW_OK;
    }
    code = id_by_text(w, sql->by_name, name, existing);
    if (code == DW_OK && *existing == 0)
        *keep_id = src_id > 0 && !found;
    return code;
}

static enum deepwell_code apply_sites(struct writer *w)
{
    static const struct place_sql sql = {"SELECT name FROM sites WHERE id = ?",
                                         "SELECT id FROM sites WHERE name = ?"};
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->nsites && code == DW_OK; i++) {
        struct import_site *s = &w->b->sites[i];
        char owner[64], created[32], updated[32];
        snprintf(owner, sizeof(owner), "sites row %lld", (long long)s->src_id);
        if (s->name == NULL || s->name[0] == '\0') {
            w->r->sites.refused++;
            code = NOTE(w, "refused: %s: no name", owner);
            continue;
        }
        int64_t existing;
        bool keep_id;
        code = place_target(w, &sql, s->src_id, s->name, &existing, &keep_id);
        if (code != DW_OK)
            break;
        if (existing != 0) {
            w->site_ids[i] = existing;
            w->r->sites.existing++;
            continue;
        }
        int level = s->level;
        if (level != 0 && foundation_level(level) == NULL) {
            code = NOTE(w, "unset: %s: level %d out of range; level 3 used", owner, level);
            level = 0;
        }
        struct dw_stmt *stmt;
        if (code == DW_OK)
            code = dw_prepare(w->conn,
                              "INSERT INTO sites (id, name, clearance_level, location, description,"
                              " dossier, created_at, updated_at)"
                              " VALUES (coalesce(?, (SELECT coalesce(max(id), 0) + 1 FROM sites)),"
                              " ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              &stmt, w->err);
        if (code == DW_OK)
            code = dw_bind(stmt, w->err, "import.site", "rtittttt", keep_id ? s->src_id : 0,
                           s->name, level ? level : 3, s->location ? s->location : "",
                           s->description ? s->description : "", s->dossier ? s->dossier : "",
                           time_or_now(w, s->created_at, created),
                           time_or_now(w, s->updated_at, updated));
        if (code == DW_OK)
            code = insert_done(w, stmt, "import.site", &w->site_ids[i]);
        if (code == DW_OK) {
            w->site_new[i] = true;
            w->r->sites.added++;
            if (!keep_id && s->src_id > 0)
                code = NOTE(w, "renumbered: %s: '%s' is SITE-%lld here", owner, s->name,
                            (long long)w->site_ids[i]);
        }
    }
    return code;
}

static enum deepwell_code apply_mtfs(struct writer *w)
{
    static const struct place_sql sql = {"SELECT designation FROM task_forces WHERE id = ?",
                                         "SELECT id FROM task_forces WHERE designation = ?"};
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->nmtfs && code == DW_OK; i++) {
        struct import_mtf *m = &w->b->mtfs[i];
        char owner[64], created[32], updated[32];
        snprintf(owner, sizeof(owner), "mtfs row %lld", (long long)m->src_id);
        if (m->designation == NULL || m->designation[0] == '\0') {
            w->r->task_forces.refused++;
            code = NOTE(w, "refused: %s: no name", owner);
            continue;
        }
        int64_t existing, site;
        bool keep_id;
        code = place_target(w, &sql, m->src_id, m->designation, &existing, &keep_id);
        if (code != DW_OK)
            break;
        if (existing != 0) {
            w->mtf_ids[i] = existing;
            w->r->task_forces.existing++;
            continue;
        }
        int level = m->level;
        if (level != 0 && foundation_level(level) == NULL) {
            code = NOTE(w, "unset: %s: level %d out of range; level 2 used", owner, level);
            level = 0;
        }
        if (code == DW_OK)
            code = resolve_ref(w, m->site, site_target(w, m->site), owner, "site", &site);
        struct dw_stmt *stmt;
        if (code == DW_OK)
            code = dw_prepare(w->conn,
                              "INSERT INTO task_forces (id, designation, nickname, clearance_level,"
                              " site_id, mission, active, created_at, updated_at)"
                              " VALUES (coalesce(?, (SELECT coalesce(max(id), 0) + 1"
                              " FROM task_forces)), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              &stmt, w->err);
        if (code == DW_OK)
            code = dw_bind(stmt, w->err, "import.mtf", "rttirtitt", keep_id ? m->src_id : 0,
                           m->designation, m->nickname ? m->nickname : "", level ? level : 2, site,
                           m->mission ? m->mission : "", m->active ? 1 : 0,
                           time_or_now(w, m->created_at, created),
                           time_or_now(w, m->updated_at, updated));
        if (code == DW_OK)
            code = insert_done(w, stmt, "import.mtf", &w->mtf_ids[i]);
        if (code == DW_OK) {
            w->mtf_new[i] = true;
            w->r->task_forces.added++;
            if (!keep_id && m->src_id > 0)
                code = NOTE(w, "renumbered: %s: '%s' is MTF-%lld here", owner, m->designation,
                            (long long)w->mtf_ids[i]);
        }
    }
    return code;
}

/* Directors and leaders are users, imported after the places: set them on new rows only. */
static enum deepwell_code apply_place_people(struct writer *w)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->nsites && code == DW_OK; i++) {
        struct import_site *s = &w->b->sites[i];
        int64_t director;
        char owner[64];
        snprintf(owner, sizeof(owner), "sites row %lld", (long long)s->src_id);
        if (!w->site_new[i] || s->director == 0)
            continue;
        code = resolve_ref(w, s->director, user_target(w, s->director), owner, "director (user)",
                           &director);
        struct dw_stmt *stmt;
        if (code == DW_OK && director != 0)
            code =
                dw_prepare(w->conn, "UPDATE sites SET director_id = ? WHERE id = ?", &stmt, w->err);
        if (code == DW_OK && director != 0)
            code = dw_bind(stmt, w->err, "import.site", "II", director, w->site_ids[i]);
        if (code == DW_OK && director != 0)
            code = dw_step_done(w->conn, stmt, "import.site", w->err);
    }
    for (size_t i = 0; i < w->b->nmtfs && code == DW_OK; i++) {
        struct import_mtf *m = &w->b->mtfs[i];
        int64_t leader;
        char owner[64];
        snprintf(owner, sizeof(owner), "mtfs row %lld", (long long)m->src_id);
        if (!w->mtf_new[i] || m->leader == 0)
            continue;
        code =
            resolve_ref(w, m->leader, user_target(w, m->leader), owner, "leader (user)", &leader);
        struct dw_stmt *stmt;
        if (code == DW_OK && leader != 0)
            code = dw_prepare(w->conn, "UPDATE task_forces SET leader_id = ? WHERE id = ?", &stmt,
                              w->err);
        if (code == DW_OK && leader != 0)
            code = dw_bind(stmt, w->err, "import.mtf", "II", leader, w->mtf_ids[i]);
        if (code == DW_OK && leader != 0)
            code = dw_step_done(w->conn, stmt, "import.mtf", w->err);
    }
    return code;
}

/* ---- users ---------------------------------------------------------------------------------- */

/* The hash to store and whether the account may log in; the hash itself is never printed. */
static enum deepwell_code user_login(struct writer *w, const struct import_user *u,
                                     const char *owner, const char **hash, bool *active)
{
    bool usable = u->password_hash != NULL && deepwell_password_hash_usable(u->password_hash);
    *hash = usable ? u->password_hash : DEEPWELL_IMPORT_UNUSABLE_HASH;
    *active = usable && (!u->has_login_state || u->active);
    if (usable)
        return DW_OK;
    w->r->accounts_disabled++;
    if (u->password_hash == NULL)
        return NOTE(w,
                    "disabled: %s: no password in the source; set one with "
                    "`deepwell user passwd`",
                    owner);
    return NOTE(w,
                "disabled: %s: password is plaintext or an unknown hash format; set one "
                "with `deepwell user passwd`",
                owner);
}

static enum deepwell_code user_title(struct writer *w, const struct import_user *u,
                                     const char *owner, int64_t *title_id)
{
    const char *title = import_title_canonical(u->title_name);
    enum deepwell_code code = DW_OK;
    if (title == NULL) {
        title = "Researcher";
        code = NOTE(w, "unset: %s: unknown title '%s'; Researcher used", owner,
                    u->title_name ? u->title_name : "(none)");
    }
    if (code == DW_OK)
        code = id_by_text(w, "SELECT id FROM titles WHERE name = ?", title, title_id);
    if (code == DW_OK && *title_id == 0)
        code = deepwell_error_set(w->err, DW_INTERNAL, "import.user", "no title '%s' in the store",
                                  title);
    return code;
}

static enum deepwell_code insert_user(struct writer *w, size_t i, const char *owner, int level)
{
    struct import_user *u = &w->b->users[i];
    int64_t title_id, site, task_force;
    const char *hash;
    bool active, id_taken = true;
    char created[32], updated[32], login[32];
    enum deepwell_code code = user_title(w, u, owner, &title_id);
    if (code == DW_OK)
        code = user_login(w, u, owner, &hash, &active);
    if (code == DW_OK)
        code = resolve_ref(w, u->site, site_target(w, u->site), owner, "site", &site);
    if (code == DW_OK)
        code = resolve_ref(w, u->task_force, mtf_target(w, u->task_force), owner, "task force",
                           &task_force);
    if (code == DW_OK && u->src_id > 0)
        code = row_by_id(w, "SELECT name FROM users WHERE id = ?", u->src_id, &id_taken, NULL);
    struct dw_stmt *stmt;
    if (code == DW_OK)
        code = dw_prepare(w->conn,
                          "INSERT INTO users (id, name, password_hash, clearance_level, title_id,"
                          " site_id, task_force_id, active, personnel_active, last_login,"
                          " created_at, updated_at)"
                          " VALUES (coalesce(?, (SELECT coalesce(max(id), 0) + 1 FROM users)),"
                          " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          &stmt, w->err);
    if (code == DW_OK)
        code = dw_bind(
            stmt, w->err, "import.user", "rttiIrriittt", id_taken ? 0 : u->src_id, u->name, hash,
            level, title_id, site, task_force, active ? 1 : 0, u->personnel_active ? 1 : 0,
            u->last_login && import_normalize_time(u->last_login, login) ? login : NULL,
            time_or_now(w, u->created_at, created), time_or_now(w, u->updated_at, updated));
    if (code == DW_OK)
        code = insert_done(w, stmt, "import.user", &w->user_ids[i]);
    if (code == DW_OK)
        w->r->users.added++;
    return code;
}

static enum deepwell_code apply_users(struct writer *w)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->nusers && code == DW_OK; i++) {
        struct import_user *u = &w->b->users[i];
        char owner[DEEPWELL_NAME_MAX + 48];
        snprintf(owner, sizeof(owner), "user '%s'", u->name ? u->name : "");
        if (u->name == NULL || u->name[0] == '\0' || strlen(u->name) >= DEEPWELL_NAME_MAX) {
            w->r->users.refused++;
            code = NOTE(w, "refused: users row %lld: name empty or longer than %d bytes",
                        (long long)u->src_id, DEEPWELL_NAME_MAX - 1);
            continue;
        }
        code = id_by_text(w, "SELECT id FROM users WHERE name = ?", u->name, &w->user_ids[i]);
        if (code != DW_OK)
            break;
        if (w->user_ids[i] != 0) {
            w->r->users.existing++;
            continue;
        }
        int level = import_level_from_name(u->level_name);
        if (level == 0) {
            w->r->users.refused++;
            code = NOTE(w, "refused: %s: unknown clearance level '%s'; not imported", owner,
                        u->level_name ? u->level_name : "(none)");
            continue;
        }
        code = insert_user(w, i, owner, level);
    }
    return code;
}

/* ---- SCP files --------------------------------------------------------------------------------
 */

static int compare_positions(const void *a, const void *b)
{
    const struct import_section *x = a, *y = b;
    return (x->position > y->position) - (x->position < y->position);
}

static enum deepwell_code insert_sections(struct writer *w, struct import_scp *s, int64_t scp_id,
                                          int level, const char *owner)
{
    if (s->nsections > 1) /* qsort with a NULL base is undefined, even for 0 items */
        qsort(s->sections, s->nsections, sizeof(*s->sections), compare_positions);
    enum deepwell_code code = DW_OK;
    int last = 0;
    for (size_t i = 0; i < s->nsections && code == DW_OK; i++) {
        struct import_section *sec = &s->sections[i];
        int position = sec->position > last ? sec->position : last + 1; /* keep them unique */
        int section_level = sec->level;
        last = position;
        if (section_level != 0 && foundation_level(section_level) == NULL) {
            code = NOTE(w, "unset: %s: section '%s' level %d out of range; file's level used",
                        owner, sec->title, section_level);
            section_level = 0;
        }
        struct dw_stmt *stmt;
        if (code == DW_OK)
            code = dw_prepare(w->conn,
                              "INSERT INTO sections (scp_id, kind, title, position,"
                              " clearance_level, body) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                              &stmt, w->err);
        /* The original's text goes in as it is: its █ and [DATA EXPUNGED] are plain text. */
        if (code == DW_OK)
            code = dw_bind(stmt, w->err, "import.section", "Ittiit", scp_id, sec->kind, sec->title,
                           position, section_level ? section_level : level, sec->body);
        if (code == DW_OK)
            code = insert_done(w, stmt, "import.section", NULL);
        if (code == DW_OK)
            w->r->sections.added++;
    }
    return code;
}

static enum deepwell_code scp_status(struct writer *w, const struct import_scp *s,
                                     const char *owner, char status[16])
{
    snprintf(status, 16, "active");
    if (s->status == NULL || s->status[0] == '\0')
        return DW_OK;
    char lower[16];
    size_t n = 0;
    for (; s->status[n] != '\0' && n + 1 < sizeof(lower); n++)
        lower[n] =
            (char)(s->status[n] >= 'A' && s->status[n] <= 'Z' ? s->status[n] + 32 : s->status[n]);
    lower[n] = '\0';
    if (s->status[n] == '\0' && foundation_status_valid(lower)) {
        snprintf(status, 16, "%s", lower);
        return DW_OK;
    }
    return NOTE(w, "unset: %s: unknown status '%s'; active used", owner, s->status);
}

static enum deepwell_code insert_scp(struct writer *w, struct import_scp *s, const char *owner,
                                     int level)
{
    int64_t classes[4], site, task_force, id;
    static const enum import_lookup_kind kinds[4] = {IMPORT_LOOKUP_CONTAINMENT,
                                                     IMPORT_LOOKUP_SECONDARY,
                                                     IMPORT_LOOKUP_DISRUPTION, IMPORT_LOOKUP_RISK};
    const char *names[4] = {s->containment, s->secondary, s->disruption, s->risk};
    char status[16], created[32], updated[32], title[32];
    enum deepwell_code code = DW_OK;
    for (int k = 0; k < 4 && code == DW_OK; k++)
        code = class_id(w, kinds[k], names[k], owner, &classes[k]);
    if (code == DW_OK)
        code = scp_status(w, s, owner, status);
    if (code == DW_OK)
        code = resolve_ref(w, s->site, site_target(w, s->site), owner, "site", &site);
    if (code == DW_OK)
        code = resolve_ref(w, s->task_force, mtf_target(w, s->task_force), owner, "task force",
                           &task_force);
    snprintf(title, sizeof(title), "SCP-%03lld", (long long)s->number);
    struct dw_stmt *stmt;
    if (code == DW_OK)
        code = dw_prepare(w->conn,
                          "INSERT INTO scp_files (number, title, clearance_level,"
                          " containment_class_id, secondary_class_id, disruption_class_id,"
                          " risk_class_id, site_id, task_force_id, status, created_at, updated_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          &stmt, w->err);
    if (code == DW_OK)
        code =
            dw_bind(stmt, w->err, "import.scp", "Itirrrrrrttt", s->number,
                    s->title && s->title[0] ? s->title : title, level, classes[0], classes[1],
                    classes[2], classes[3], site, task_force, status,
                    time_or_now(w, s->created_at, created), time_or_now(w, s->updated_at, updated));
    if (code == DW_OK)
        code = insert_done(w, stmt, "import.scp", &id);
    if (code == DW_OK)
        code = insert_sections(w, s, id, level, owner);
    if (code == DW_OK)
        w->r->scps.added++;
    return code;
}

static enum deepwell_code apply_scps(struct writer *w)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->nscps && code == DW_OK; i++) {
        struct import_scp *s = &w->b->scps[i];
        char owner[48];
        snprintf(owner, sizeof(owner), "SCP-%03lld", (long long)s->number);
        if (s->number <= 0 || s->number > 999999999) {
            w->r->scps.refused++;
            code = NOTE(w, "refused: scps row %lld: no usable SCP number", (long long)s->key);
            continue;
        }
        bool existing;
        code =
            row_by_id(w, "SELECT id FROM scp_files WHERE number = ?", s->number, &existing, NULL);
        if (code != DW_OK)
            break;
        if (existing) {
            w->r->scps.existing++;
            w->r->sections.existing += s->nsections;
            continue;
        }
        int level = import_level_from_name(s->level_name);
        if (level == 0) {
            w->r->scps.refused++;
            code = NOTE(w, "refused: %s: unknown classification level '%s'; not imported", owner,
                        s->level_name ? s->level_name : "(none)");
            continue;
        }
        code = insert_scp(w, s, owner, level);
    }
    return code;
}

/* ---- audit history --------------------------------------------------------------------------- */

/* The original's action is free text up to 255 bytes: keep at most 63, cut on a character. */
static void short_action(const char *action, char out[64])
{
    size_t n = action ? strlen(action) : 0;
    if (n == 0) {
        snprintf(out, 64, "imported");
        return;
    }
    if (n > 63) {
        n = 63;
        while (n > 0 && ((unsigned char)action[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, action, n);
    out[n] = '\0';
}

static enum deepwell_code insert_audit_row(struct writer *w, const struct import_audit *a)
{
    json_t *details = json_pack("{s:s, s:I, s:I}", "source", w->b->source_key, "original_id",
                                (json_int_t)a->src_id, "original_user_id", (json_int_t)a->user);
    if (details != NULL && a->action != NULL)
        json_object_set_new(details, "action", json_string(a->action));
    if (details != NULL && a->details != NULL)
        json_object_set_new(details, "details", json_string(a->details));
    char *text = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(details);
    if (text == NULL)
        return oom(w);
    char action[64];
    short_action(a->action, action);
    struct deepwell_audit_entry e = {
        .user_id = user_target(w, a->user),
        .client_addr = a->client_addr ? a->client_addr : "",
        .action = action,
        .outcome = a->outcome == 0 ? DW_OUTCOME_FAILURE : DW_OUTCOME_SUCCESS,
        .severity = a->outcome == 0 ? DW_SEV_NOTICE : DW_SEV_INFO,
        .details_json = text,
    };
    enum deepwell_code code =
        deepwell_audit_insert_in_tx(w->conn, &e, a->ts ? a->ts : w->now, true, w->err);
    free(text);
    return code;
}

/*
 * A LIKE pattern matching the canonical details (compact, sorted keys: audit_chain.c)
 * of a row imported from source_key: %"source":"<key as JSON>"%, with LIKE's own
 * characters escaped.  Plain text, so both engines run it (no JSON functions).  A
 * quote inside a JSON string is always escaped, so a value cannot fake the key.
 */
static char *source_pattern(const char *source_key)
{
    json_t *value = json_string(source_key);
    char *encoded = value != NULL ? json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    json_decref(value);
    if (encoded == NULL)
        return NULL;
    static const char prefix[] = "%\"source\":";
    size_t len = strlen(encoded);
    char *pattern = malloc(sizeof(prefix) + 2 * len + 2);
    if (pattern != NULL) {
        char *p = pattern + sprintf(pattern, "%s", prefix);
        for (const char *c = encoded; *c != '\0'; c++) {
            if (*c == '%' || *c == '_' || *c == '\\')
                *p++ = '\\';
            *p++ = *c;
        }
        *p++ = '%';
        *p = '\0';
    }
    free(encoded);
    return pattern;
}

static enum deepwell_code apply_audit(struct writer *w)
{
    if (w->b->naudit == 0)
        return DW_OK;
    int64_t present;
    char *pattern = source_pattern(w->b->source_key);
    if (pattern == NULL)
        return oom(w);
    enum deepwell_code code = id_by_text(w,
                                         "SELECT id FROM audit_log WHERE imported = 1 AND"
                                         " details LIKE ? ESCAPE '\\' LIMIT 1",
                                         pattern, &present);
    free(pattern);
    if (code != DW_OK)
        return code;
    if (present != 0) {
        w->r->audit_already_imported = true;
        w->r->audit_rows.existing = w->b->naudit;
        return DW_OK;
    }
    /* In the original's order (by its row id), so the chain reads as history happened. */
    for (size_t i = 0; i < w->b->naudit && code == DW_OK; i++) {
        code = insert_audit_row(w, &w->b->audit[i]);
        if (code == DW_OK)
            w->r->audit_rows.added++;
    }
    return code;
}

/* ---- the transaction ----------------------------------------------------------------------------
 */

static enum deepwell_code apply_all(struct writer *w)
{
    enum deepwell_code code = apply_descriptions(w);
    if (code == DW_OK)
        code = apply_sites(w);
    if (code == DW_OK)
        code = apply_mtfs(w);
    if (code == DW_OK)
        code = apply_users(w);
    if (code == DW_OK)
        code = apply_place_people(w);
    if (code == DW_OK)
        code = apply_scps(w);
    if (code == DW_OK)
        code = apply_audit(w);
    return code;
}

static bool alloc_maps(struct writer *w)
{
    w->site_ids = calloc(w->b->nsites + 1, sizeof(int64_t));
    w->mtf_ids = calloc(w->b->nmtfs + 1, sizeof(int64_t));
    w->user_ids = calloc(w->b->nusers + 1, sizeof(int64_t));
    w->site_new = calloc(w->b->nsites + 1, sizeof(bool));
    w->mtf_new = calloc(w->b->nmtfs + 1, sizeof(bool));
    return w->site_ids && w->mtf_ids && w->user_ids && w->site_new && w->mtf_new;
}

static void free_maps(struct writer *w)
{
    free(w->site_ids);
    free(w->mtf_ids);
    free(w->user_ids);
    free(w->site_new);
    free(w->mtf_new);
}

enum deepwell_code deepwell_import_apply(struct deepwell *dw, struct deepwell_import *imp,
                                         struct deepwell_import_report *report,
                                         struct deepwell_error *err)
{
    memset(report, 0, sizeof(*report));
    report->from_manifest = imp->b.from_manifest;
    report->files_refused = imp->b.files_refused;
    struct writer w = {.b = &imp->b, .r = report, .err = err};
    dw_now_iso(w.now);
    if (!alloc_maps(&w)) {
        free_maps(&w);
        return oom(&w);
    }
    size_t notes_before = imp->b.notes.count;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &w.conn, err);
    if (code == DW_OK) {
        /* The import writes audit rows: it holds the chain's lock throughout (as each
           audit batch does) and sees what other servers committed before it. */
        const char *lock = dw->engine->sql_audit_lock;
        code = deepwell_conn_begin_locked(w.conn, err);
        if (code == DW_OK && lock != NULL)
            code = dw_exec(w.conn, lock, "import.lock", err);
        if (code != DW_OK)
            deepwell_conn_rollback(w.conn);
        if (code == DW_OK) {
            code = apply_all(&w);
            if (code == DW_OK)
                code = deepwell_conn_commit(w.conn, err);
            else
                deepwell_conn_rollback(w.conn);
        }
        deepwell_pool_release(dw->pool, w.conn);
    }
    free_maps(&w);
    if (code == DW_OK && report->audit_rows.added > 0)
        deepwell_audit_reload_tip(dw);
    if (code != DW_OK) {
        /* Notes written during a rolled-back attempt describe nothing that happened. */
        for (size_t i = notes_before; i < imp->b.notes.count; i++)
            free(imp->b.notes.lines[i]);
        imp->b.notes.count = notes_before;
        return code;
    }
    report->notes = imp->b.notes.lines;
    report->nnotes = imp->b.notes.count;
    memset(&imp->b.notes, 0, sizeof(imp->b.notes));
    return DW_OK;
}
