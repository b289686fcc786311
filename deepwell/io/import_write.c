/* import_write.c - an import's transaction: lookup descriptions, sites, task forces. */
#include "deepwell/io/import_write.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "deepwell/audit.h"
#include "deepwell/engine.h"
#include "deepwell/io/import_map.h"
#include "deepwell/query.h"
#include "deepwell/store.h"
#include "deepwell/write.h"

enum deepwell_code writer_oom(struct writer *w)
{
    return deepwell_error_set(w->err, DW_INTERNAL, "import", "out of memory");
}

/* Forgets the notes written since there were count (they describe nothing that happened). */
static void drop_notes_after(struct import_notes *notes, size_t count)
{
    assert(count <= notes->count);
    for (size_t i = count; i < notes->count; i++)
        free(notes->lines[i]);
    notes->count = count;
}

/* The source's time, normalised, or the import's own "now". */
const char *writer_time(struct writer *w, const char *t, char buf[32])
{
    if (t != NULL && import_normalize_time(t, buf))
        return buf;
    return w->now;
}

/* A source level out of range is noted (only for rows that were added) and left 0. */
int writer_level(int level)
{
    return level != 0 && foundation_level(level) == NULL ? 0 : level;
}

/* ---- lookup values ------------------------------------------------------------------------ */

static enum dw_class_table class_table(enum import_lookup_kind kind)
{
    assert(kind >= IMPORT_LOOKUP_CONTAINMENT && kind <= IMPORT_LOOKUP_RISK);
    switch (kind) {
    case IMPORT_LOOKUP_SECONDARY:
        return DW_CLASS_SECONDARY;
    case IMPORT_LOOKUP_DISRUPTION:
        return DW_CLASS_DISRUPTION;
    case IMPORT_LOOKUP_RISK:
        return DW_CLASS_RISK;
    default:
        return DW_CLASS_CONTAINMENT;
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

/* The store's spelling of a source class name, when the store has that class; else NULL. */
enum deepwell_code writer_class_known(struct writer *w, enum import_lookup_kind kind,
                                      const char *name, const char **out, int64_t *id)
{
    *out = NULL;
    *id = 0;
    const char *canonical =
        name != NULL ? import_class_canonical(foundation_kind(kind), name) : NULL;
    if (canonical == NULL)
        return DW_OK;
    enum deepwell_code code =
        dw_class_find(w->conn, class_table(kind), canonical, id, "import", w->err);
    if (code == DW_OK && *id != 0)
        *out = canonical;
    return code;
}

/* Descriptions fill the lookup tables' empty ones; only the importer writes them. */
static enum deepwell_code describe(struct writer *w, const struct import_description *d, int64_t id)
{
    static const char *const update_sql[] = {
        [IMPORT_LOOKUP_LEVEL] = "UPDATE clearance_levels SET description = ?1 "
                                "WHERE id = ?2 AND description = ''",
        [IMPORT_LOOKUP_CONTAINMENT] = "UPDATE containment_classes SET description = ?1 "
                                      "WHERE id = ?2 AND description = ''",
        [IMPORT_LOOKUP_SECONDARY] = "UPDATE secondary_classes SET description = ?1 "
                                    "WHERE id = ?2 AND description = ''",
        [IMPORT_LOOKUP_DISRUPTION] = "UPDATE disruption_classes SET description = ?1 "
                                     "WHERE id = ?2 AND description = ''",
        [IMPORT_LOOKUP_RISK] = "UPDATE risk_classes SET description = ?1 "
                               "WHERE id = ?2 AND description = ''",
    };
    assert(d->kind <= IMPORT_LOOKUP_RISK);
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_prepare(w->conn, update_sql[d->kind], &stmt, w->err);
    if (code == DW_OK)
        code = dw_bind(stmt, w->err, "import.description", "tI", d->text, id);
    if (code == DW_OK)
        code = dw_step_done(w->conn, stmt, "import.description", w->err);
    if (code == DW_OK && dw_changes(w->conn) > 0)
        w->r->descriptions.added++;
    else if (code == DW_OK)
        w->r->descriptions.existing++;
    return code;
}

static enum deepwell_code apply_descriptions(struct writer *w)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->ndescriptions && code == DW_OK; i++) {
        struct import_description *d = &w->b->descriptions[i];
        const char *name = import_lookup_name(&w->b->lookups[d->kind], d->src_id), *known;
        int64_t id = 0;
        if (name == NULL) {
            w->r->descriptions.refused++;
            code = NOTE(w, "skipped: %s: no %s row %lld to describe", d->file,
                        import_lookup_dir(d->kind), (long long)d->src_id);
            continue;
        }
        if (d->kind == IMPORT_LOOKUP_LEVEL)
            id = import_level_from_name(name);
        else
            code = writer_class_known(w, d->kind, name, &known, &id);
        if (code != DW_OK)
            break;
        if (id == 0) {
            w->r->descriptions.refused++;
            code = NOTE(w, "skipped: %s: '%s' matches no %s here", d->file, name,
                        import_lookup_dir(d->kind));
            continue;
        }
        code = describe(w, d, id);
    }
    return code;
}

/* ---- the source's ids -------------------------------------------------------------------- */

/* The store's id for a source row id (0 = none, or the row was not imported). */
int64_t writer_site(const struct writer *w, int64_t src_id)
{
    for (size_t i = 0; src_id != 0 && i < w->b->nsites; i++)
        if (w->b->sites[i].src_id == src_id)
            return w->site_ids[i];
    return 0;
}

int64_t writer_mtf(const struct writer *w, int64_t src_id)
{
    for (size_t i = 0; src_id != 0 && i < w->b->nmtfs; i++)
        if (w->b->mtfs[i].src_id == src_id)
            return w->mtf_ids[i];
    return 0;
}

int64_t writer_user(const struct writer *w, int64_t src_id)
{
    for (size_t i = 0; src_id != 0 && i < w->b->nusers; i++)
        if (w->b->users[i].src_id == src_id)
            return w->user_ids[i];
    return 0;
}

/* A reference to a row the source does not have (or that was refused) is noted and unset. */
enum deepwell_code writer_resolve_ref(struct writer *w, int64_t src_id, int64_t target,
                                      const char *owner, const char *what, int64_t *out)
{
    *out = target;
    /* Site 0 without a row or folder is only the original's "no site": nothing is lost. */
    if (src_id == 0 || src_id == IMPORT_SITE_ZERO || target != 0)
        return DW_OK;
    return NOTE(w, "unset: %s: %s %lld is not imported; left unset", owner, what,
                (long long)src_id);
}

/* What a new site or task force is told: a level that was out of range, a new number. */
static enum deepwell_code note_new_place(struct writer *w, const char *owner, int level,
                                         int default_level, int64_t src_id, const char *name,
                                         const char *prefix, int64_t id)
{
    enum deepwell_code code = DW_OK;
    if (level != writer_level(level))
        code =
            NOTE(w, "unset: %s: level %d out of range; level %d used", owner, level, default_level);
    if (code == DW_OK && src_id > 0 && id != src_id)
        code = NOTE(w, "renumbered: %s: '%s' is %s-%lld here", owner, name, prefix, (long long)id);
    if (code == DW_OK && src_id == IMPORT_SITE_ZERO)
        code = NOTE(w,
                    "renumbered: %s: '%s' is %s-%lld here (ids start at 1; everything the "
                    "original put at site 0 is there)",
                    owner, name, prefix, (long long)id);
    return code;
}

/* ---- sites and task forces ------------------------------------------------------------------ */

static enum deepwell_code apply_sites(struct writer *w)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->nsites && code == DW_OK; i++) {
        struct import_site *s = &w->b->sites[i];
        char owner[64], created[32], updated[32];
        snprintf(owner, sizeof(owner), "sites row %lld", IMPORT_SHOWN_ID(s->src_id));
        if (s->name == NULL || s->name[0] == '\0') {
            w->r->sites.refused++;
            code = NOTE(w, "refused: %s: no name", owner);
            continue;
        }
        /* The director is a user, set once the users are in (apply_place_people). */
        struct deepwell_site row = {
            .id = s->src_id > 0 ? s->src_id : 0,
            .name = s->name,
            .level = writer_level(s->level),
            .location = s->location,
            .description = s->description,
            .dossier = s->dossier,
        };
        struct dw_stamps when = {writer_time(w, s->created_at, created),
                                 writer_time(w, s->updated_at, updated)};
        code = dw_site_keep_or_insert(w->conn, &row, &when, &w->site_ids[i], &w->site_new[i],
                                      "import.site", w->err);
        if (code == DW_OK && !w->site_new[i])
            w->r->sites.existing++;
        if (code == DW_OK && w->site_new[i]) {
            w->r->sites.added++;
            code =
                note_new_place(w, owner, s->level, 3, s->src_id, s->name, "SITE", w->site_ids[i]);
        }
    }
    return code;
}

static enum deepwell_code apply_mtfs(struct writer *w)
{
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
        struct deepwell_mtf row = {
            .id = m->src_id > 0 ? m->src_id : 0,
            .designation = m->designation,
            .nickname = m->nickname,
            .level = writer_level(m->level),
            .mission = m->mission,
            .active = m->active,
        };
        /* A reference that cannot be kept is noted only for a row that is added. */
        size_t notes_before = w->b->notes.count;
        code = writer_resolve_ref(w, m->site, writer_site(w, m->site), owner, "site", &row.site_id);
        struct dw_stamps when = {writer_time(w, m->created_at, created),
                                 writer_time(w, m->updated_at, updated)};
        if (code == DW_OK)
            code = dw_mtf_keep_or_insert(w->conn, &row, &when, &w->mtf_ids[i], &w->mtf_new[i],
                                         "import.mtf", w->err);
        if (code == DW_OK && !w->mtf_new[i]) {
            w->r->task_forces.existing++;
            drop_notes_after(&w->b->notes, notes_before);
        }
        if (code == DW_OK && w->mtf_new[i]) {
            w->r->task_forces.added++;
            code = note_new_place(w, owner, m->level, 2, m->src_id, m->designation, "MTF",
                                  w->mtf_ids[i]);
        }
    }
    return code;
}

/* Directors and leaders are users, imported after the places: set them on new rows only. */
static enum deepwell_code apply_place_people(struct writer *w)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->nsites + w->b->nmtfs && code == DW_OK; i++) {
        bool site = i < w->b->nsites;
        size_t k = site ? i : i - w->b->nsites;
        int64_t src_id = site ? w->b->sites[k].src_id : w->b->mtfs[k].src_id;
        int64_t person_src = site ? w->b->sites[k].director : w->b->mtfs[k].leader;
        int64_t person;
        char owner[64];
        snprintf(owner, sizeof(owner), "%s row %lld", site ? "sites" : "mtfs",
                 IMPORT_SHOWN_ID(src_id));
        if (!(site ? w->site_new[k] : w->mtf_new[k]) || person_src == 0)
            continue;
        code = writer_resolve_ref(w, person_src, writer_user(w, person_src), owner,
                                  site ? "director (user)" : "leader (user)", &person);
        if (code != DW_OK || person == 0)
            continue;
        code = site ? dw_site_set_director(w->conn, w->site_ids[k], person, NULL, "import.site",
                                           w->err)
                    : dw_mtf_set_leader(w->conn, w->mtf_ids[k], person, NULL, "import.mtf", w->err);
    }
    return code;
}

/* ---- the transaction ------------------------------------------------------------------------ */

static enum deepwell_code apply_all(struct writer *w)
{
    enum deepwell_code code = apply_descriptions(w);
    if (code == DW_OK)
        code = apply_sites(w);
    if (code == DW_OK)
        code = apply_mtfs(w);
    if (code == DW_OK)
        code = writer_apply_users(w);
    if (code == DW_OK)
        code = apply_place_people(w);
    if (code == DW_OK)
        code = writer_apply_scps(w);
    if (code == DW_OK)
        code = writer_apply_audit(w);
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

enum deepwell_code import_write(struct deepwell *dw, struct import_bundle *b,
                                struct deepwell_import_report *report, struct deepwell_error *err)
{
    memset(report, 0, sizeof(*report));
    report->from_manifest = b->from_manifest;
    report->files_refused = b->files_refused;
    struct writer w = {.b = b, .r = report, .err = err};
    dw_now_iso(w.now);
    if (!alloc_maps(&w)) {
        free_maps(&w);
        return writer_oom(&w);
    }
    size_t notes_before = b->notes.count;
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
        drop_notes_after(&b->notes, notes_before);
        return code;
    }
    report->notes = b->notes.lines;
    report->nnotes = b->notes.count;
    memset(&b->notes, 0, sizeof(b->notes));
    return DW_OK;
}
