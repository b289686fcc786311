/* import_rows.c - an import's users and SCP files, through the store's write path. */
#include "deepwell/io/import_write.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/foundation.h"
#include "deepwell/io/import_map.h"
#include "deepwell/password.h"
#include "deepwell/pool.h"
#include "deepwell/write.h"

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
                                     const char *owner, const char **title)
{
    *title = import_title_canonical(u->title_name);
    if (*title != NULL)
        return DW_OK;
    *title = "Researcher";
    return NOTE(w, "unset: %s: unknown title '%s'; Researcher used", owner,
                u->title_name ? u->title_name : "(none)");
}

static enum deepwell_code insert_user(struct writer *w, size_t i, const char *owner, int level)
{
    struct import_user *u = &w->b->users[i];
    char created[32], updated[32], login[32];
    struct deepwell_user_new row = {
        .name = u->name,
        .clearance = level,
        .personnel_active = u->personnel_active,
    };
    struct dw_user_extra extra = {
        .id = u->src_id > 0 ? u->src_id : 0,
        .last_login = u->last_login && import_normalize_time(u->last_login, login) ? login : NULL,
        .when = {writer_time(w, u->created_at, created), writer_time(w, u->updated_at, updated)},
    };
    bool added;
    enum deepwell_code code = user_title(w, u, owner, &row.title);
    if (code == DW_OK)
        code = user_login(w, u, owner, &row.password_hash, &row.active);
    if (code == DW_OK)
        code = writer_resolve_ref(w, u->site, writer_site(w, u->site), owner, "site", &row.site_id);
    if (code == DW_OK)
        code = writer_resolve_ref(w, u->task_force, writer_mtf(w, u->task_force), owner,
                                  "task force", &row.task_force_id);
    if (code == DW_OK)
        code = dw_user_keep_or_insert(w->conn, &row, &extra, &w->user_ids[i], &added, "import.user",
                                      w->err);
    assert(code != DW_OK || added); /* apply_users looked for the name first */
    if (code == DW_OK)
        w->r->users.added++;
    return code;
}

enum deepwell_code writer_apply_users(struct writer *w)
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
        /* Login reads an all-digit entry as an id: such a name could never log in. */
        if (foundation_name_is_id(u->name)) {
            w->r->users.refused++;
            code = NOTE(w,
                        "refused: %s: a name of digits only reads as an id at login; "
                        "not imported",
                        owner);
            continue;
        }
        /* A name already here is kept whatever the source says of it. */
        code = dw_user_find_id(w->conn, u->name, &w->user_ids[i], "import.user", w->err);
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

/* ---- SCP files ------------------------------------------------------------------------------ */

static int compare_positions(const void *a, const void *b)
{
    const struct import_section *x = a, *y = b;
    return (x->position > y->position) - (x->position < y->position);
}

/* The file's sections in position order, positions made unique, levels resolved. */
static enum deepwell_code scp_sections(struct writer *w, struct import_scp *s, int level,
                                       const char *owner, struct deepwell_section *out)
{
    if (s->nsections > 1) /* qsort with a NULL base is undefined, even for 0 items */
        qsort(s->sections, s->nsections, sizeof(*s->sections), compare_positions);
    enum deepwell_code code = DW_OK;
    int last = 0;
    for (size_t i = 0; i < s->nsections && code == DW_OK; i++) {
        struct import_section *sec = &s->sections[i];
        int position = sec->position > last ? sec->position : last + 1; /* keep them unique */
        last = position;
        if (writer_level(sec->level) != sec->level)
            code = NOTE(w, "unset: %s: section '%s' level %d out of range; file's level used",
                        owner, sec->title, sec->level);
        /* The original's text goes in as it is: its █ and [DATA EXPUNGED] are plain text. */
        out[i] = (struct deepwell_section){
            .kind = sec->kind,
            .title = sec->title,
            .position = position,
            .level = writer_level(sec->level) ? sec->level : level,
            .body = sec->body,
        };
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

/* The file's classes as the store spells them; an unknown one is noted and left unset. */
static enum deepwell_code scp_classes(struct writer *w, const struct import_scp *s,
                                      const char *owner, struct deepwell_scp *row)
{
    static const enum import_lookup_kind kinds[4] = {IMPORT_LOOKUP_CONTAINMENT,
                                                     IMPORT_LOOKUP_SECONDARY,
                                                     IMPORT_LOOKUP_DISRUPTION, IMPORT_LOOKUP_RISK};
    const char *names[4] = {s->containment, s->secondary, s->disruption, s->risk};
    char **known[4] = {&row->containment, &row->secondary, &row->disruption, &row->risk};
    enum deepwell_code code = DW_OK;
    for (int k = 0; k < 4 && code == DW_OK; k++) {
        const char *canonical;
        int64_t id;
        /* The original's secondary_classes holds (0, 'None'): no class, nothing lost. */
        if (names[k] == NULL || names[k][0] == '\0' || strcasecmp(names[k], "None") == 0)
            continue;
        code = writer_class_known(w, kinds[k], names[k], &canonical, &id);
        *known[k] = (char *)canonical; /* a static string: the row is only read */
        if (code == DW_OK && canonical == NULL)
            code = NOTE(w, "unset: %s: unknown %s '%s'; left unset", owner,
                        import_lookup_dir(kinds[k]), names[k]);
    }
    return code;
}

/* Inserts the file, or (update) brings the stored one up to date when it differs. */
static enum deepwell_code insert_scp(struct writer *w, struct import_scp *s, const char *owner,
                                     int level, bool update)
{
    char status[16], created[32], updated[32], title[48];
    snprintf(title, sizeof(title), "%s", owner); /* "SCP-049-ARC" for a file without a title */
    struct deepwell_scp row = {
        .number = (int)s->number,
        .title = s->title && s->title[0] ? s->title : title,
        .level = level,
        .status = status,
        .nsections = s->nsections,
        .sections = calloc(s->nsections + 1, sizeof(struct deepwell_section)),
        .source_url = s->source_url,
        .source_author = s->source_author,
        .source_created_at = s->source_created_at,
        .tags = s->tags,
    };
    if (row.sections == NULL)
        return writer_oom(w);
    memcpy(row.suffix, s->suffix, sizeof(row.suffix));
    struct dw_stamps when = {writer_time(w, s->created_at, created),
                             writer_time(w, s->updated_at, updated)};
    enum deepwell_code code = scp_classes(w, s, owner, &row);
    if (code == DW_OK)
        code = scp_status(w, s, owner, status);
    if (code == DW_OK)
        code = writer_resolve_ref(w, s->site, writer_site(w, s->site), owner, "site", &row.site_id);
    if (code == DW_OK)
        code = writer_resolve_ref(w, s->task_force, writer_mtf(w, s->task_force), owner,
                                  "task force", &row.task_force_id);
    if (code == DW_OK)
        code = scp_sections(w, s, level, owner, row.sections);
    bool changed = false;
    int64_t id;
    if (code == DW_OK && update)
        code = dw_scp_update_or_keep(w->conn, &row, &when, &id, &changed, "import.scp", w->err);
    else if (code == DW_OK)
        code = dw_scp_insert(w->conn, &row, &when, NULL, "import.scp", w->err);
    free(row.sections);
    if (code == DW_CONFLICT && update) { /* a file of this number made elsewhere: kept */
        w->r->scps.existing++;
        w->r->sections.existing += s->nsections;
        return NOTE(w, "kept: %s: not imported from %s; left as it is", owner,
                    s->source_url ? s->source_url : "this page");
    }
    if (code == DW_OK && update && !changed) {
        w->r->scps.existing++;
        w->r->sections.existing += s->nsections;
    } else if (code == DW_OK && update) {
        w->r->scps.updated++;
        w->r->sections.updated += s->nsections;
        code = NOTE(w, "updated: %s: changed since it was imported", owner);
    } else if (code == DW_OK) {
        w->r->scps.added++;
        w->r->sections.added += s->nsections;
    }
    return code;
}

enum deepwell_code writer_apply_scps(struct writer *w)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < w->b->nscps && code == DW_OK; i++) {
        struct import_scp *s = &w->b->scps[i];
        char owner[48];
        int64_t existing;
        struct foundation_ref ref = {.kind = REF_SCP, .number = s->number};
        memcpy(ref.suffix, s->suffix, sizeof(ref.suffix));
        foundation_ref_format(&ref, owner, sizeof(owner));
        /* SCP-000 itself is not a file; SCP-000-EX is. */
        if (s->number < (s->suffix[0] ? 0 : 1) || s->number > 999999999) {
            w->r->scps.refused++;
            code = NOTE(w, "refused: scps row %lld: no usable SCP number", (long long)s->key);
            continue;
        }
        /* A designation already here is kept whatever the source says of it. */
        code = dw_scp_find(w->conn, s->number, s->suffix, &existing, "import.scp", w->err);
        if (code != DW_OK)
            break;
        bool update = existing != 0 && w->b->from_scp_data; /* the wiki's text is kept current */
        if (existing != 0 && !update) {
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
        code = insert_scp(w, s, owner, level, update);
    }
    return code;
}
