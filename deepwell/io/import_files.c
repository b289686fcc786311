/* import_files.c - reading a source folder's markdown files into the bundle. */
#include "deepwell/io/import_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "deepwell/io/import_map.h"
#include "deepwell/io/import_tree.h"
#include "deepwell/io/urlname.h"

/* ---- SCP files ------------------------------------------------------------------------ */

/*
 * The section a manifest listed for this file, waiting for its body; NULL when none.
 * Only the folder's own SCP is searched: a manifest's files lie inside its folder.
 */
static struct import_section *listed_section(struct import_bundle *b, size_t scp_index,
                                             const char *rel)
{
    struct import_scp *s = &b->scps[scp_index];
    for (size_t j = 0; j < s->nsections; j++) {
        struct import_section *sec = &s->sections[j];
        if (sec->file != NULL && sec->body == NULL && strcmp(sec->file, rel) == 0)
            return sec;
    }
    return NULL;
}

/* Reads rel into a listed section, or into a new one of this kind and title. */
static enum deepwell_code add_section(struct import_bundle *b, size_t scp_index, const char *rel,
                                      const char *kind, const char *title,
                                      struct deepwell_error *err)
{
    char *body = NULL;
    enum deepwell_code code = import_read_rel(b, rel, &body, err);
    if (code != DW_OK)
        return code;
    struct import_section *listed = listed_section(b, scp_index, rel);
    if (body == NULL) { /* refused and noted; a listed section is left out */
        if (listed != NULL)
            listed->refused = true;
        return DW_OK;
    }
    if (listed != NULL) {
        listed->body = body;
        return DW_OK;
    }
    struct import_scp *s = &b->scps[scp_index];
    struct import_section *sec = IMPORT_PUSH(s->sections, s->nsections, s->capsections);
    if (sec == NULL) {
        free(body);
        return import_tree_oom(err);
    }
    sec->kind = strdup(kind);
    sec->title = strdup(title);
    sec->file = strdup(rel);
    sec->body = body;
    if (sec->kind == NULL || sec->title == NULL || sec->file == NULL)
        return import_tree_oom(err);
    return DW_OK;
}

struct addendum_file {
    char *title, *rel;
};

static int compare_addenda(const void *a, const void *b)
{
    const struct addendum_file *x = a, *y = b;
    int c = strcmp(x->title, y->title);
    return c ? c : strcmp(x->rel, y->rel);
}

/* scps/<dir>/addenda/: one addendum per file, titled by the decoded file name. */
static enum deepwell_code attach_addenda(struct import_bundle *b, size_t scp_index,
                                         const char *dir_rel, struct deepwell_error *err)
{
    char rel[IMPORT_PATH_BYTES];
    import_join(rel, sizeof(rel), dir_rel, "addenda");
    struct import_names files;
    bool exists;
    enum deepwell_code code = import_list_dir(b, rel, &files, &exists, err);
    if (code != DW_OK)
        return code;
    struct addendum_file *found = calloc(files.count ? files.count : 1, sizeof(*found));
    size_t nfound = 0;
    if (found == NULL) {
        import_names_free(&files);
        return import_tree_oom(err);
    }
    for (size_t i = 0; i < files.count && code == DW_OK; i++) {
        char file_rel[IMPORT_PATH_BYTES], stem[1024], title[1024];
        import_join(file_rel, sizeof(file_rel), rel, files.items[i]);
        if (listed_section(b, scp_index, file_rel) != NULL) {
            found[nfound].title = strdup("");
        } else if (!import_strip_md(files.items[i], stem, sizeof(stem))) {
            code = import_tree_note(b, err, "skipped: %s: %s", file_rel, "not a .md file");
            continue;
        } else if (!urlname_decode(stem, title, sizeof(title)) || title[0] == '\0') {
            code = import_tree_note(b, err, "skipped: %s: %s", file_rel,
                                    "file name is not a valid URL-encoded title");
            continue;
        } else {
            found[nfound].title = strdup(title);
        }
        found[nfound].rel = strdup(file_rel);
        if (found[nfound].title == NULL || found[nfound].rel == NULL) {
            free(found[nfound].title);
            free(found[nfound].rel);
            code = import_tree_oom(err);
            break;
        }
        nfound++;
    }
    qsort(found, nfound, sizeof(*found), compare_addenda);
    for (size_t i = 0; i < nfound; i++) {
        if (code == DW_OK)
            code = add_section(b, scp_index, found[i].rel, "addendum", found[i].title, err);
        free(found[i].title);
        free(found[i].rel);
    }
    free(found);
    import_names_free(&files);
    return code;
}

/* The original's earlier layout: scps/<dir>/descs/main.md is the description. */
static enum deepwell_code attach_old_description(struct import_bundle *b, size_t scp_index,
                                                 const char *descs_rel, struct deepwell_error *err)
{
    struct import_names files;
    bool exists;
    enum deepwell_code code = import_list_dir(b, descs_rel, &files, &exists, err);
    for (size_t i = 0; i < files.count && code == DW_OK; i++) {
        char file_rel[IMPORT_PATH_BYTES];
        import_join(file_rel, sizeof(file_rel), descs_rel, files.items[i]);
        if (strcmp(files.items[i], "main.md") == 0)
            code = add_section(b, scp_index, file_rel, "description", "Description", err);
        else
            code = import_tree_note(b, err, "skipped: %s: %s", file_rel, "not part of the layout");
    }
    import_names_free(&files);
    return code;
}

/* A new SCP file for a folder without a row: the highest level, to be reviewed. */
static enum deepwell_code orphan_scp(struct import_bundle *b, int64_t key, const char *rel,
                                     size_t *index, struct deepwell_error *err)
{
    struct import_scp *s = IMPORT_PUSH(b->scps, b->nscps, b->capscps);
    if (s == NULL)
        return import_tree_oom(err);
    char title[32], level[8];
    snprintf(title, sizeof(title), "SCP-%03lld", (long long)key);
    snprintf(level, sizeof(level), "%d", IMPORT_ORPHAN_SCP_LEVEL);
    s->key = key;
    s->number = key;
    s->title = strdup(title);
    s->level_name = strdup(level);
    if (s->title == NULL || s->level_name == NULL)
        return import_tree_oom(err);
    *index = b->nscps - 1;
    return import_tree_note(b, err,
                            "orphan: %s: files without a database row; imported as %s at level %d",
                            rel, title, IMPORT_ORPHAN_SCP_LEVEL);
}

/* Positions for sections without one: after the listed ones, in the order found. */
static void number_sections(struct import_scp *s)
{
    int last = 0;
    for (size_t i = 0; i < s->nsections; i++)
        if (s->sections[i].position > last)
            last = s->sections[i].position;
    for (size_t i = 0; i < s->nsections; i++)
        if (s->sections[i].position <= 0)
            s->sections[i].position = ++last;
}

static int scp_file_rank(const char *name)
{
    if (strcmp(name, "cps.md") == 0)
        return 0;
    if (strcmp(name, "desc.md") == 0 || strcmp(name, "descs") == 0)
        return 1;
    if (strcmp(name, "addenda") == 0)
        return 2;
    return 3;
}

static int compare_scp_files(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int rx = scp_file_rank(x), ry = scp_file_rank(y);
    return rx != ry ? rx - ry : strcmp(x, y);
}

static enum deepwell_code attach_scp_dir(struct import_bundle *b, const char *name,
                                         struct import_names *seen, struct deepwell_error *err)
{
    char rel[IMPORT_PATH_BYTES];
    import_join(rel, sizeof(rel), "scps", name);
    enum deepwell_code code = DW_OK;
    int64_t key;
    if (import_refused_link(b, rel, &code, err))
        return code;
    if (import_entry_type(b, rel) != S_IFDIR)
        return import_tree_note(b, err, "skipped: %s: not a folder", rel);
    if (!import_parse_number(name, &key))
        return import_tree_note(b, err, "skipped: %s: folder name is not a number", rel);
    for (size_t i = 0; i < seen->count; i++)
        if (strcmp(seen->items[i], name) != 0) {
            int64_t other;
            if (import_parse_number(seen->items[i], &other) && other == key)
                return import_tree_note(b, err, "skipped: %s: same number as scps/%s", rel,
                                        seen->items[i]);
        }
    char **slot = IMPORT_PUSH(seen->items, seen->count, seen->cap);
    if (slot == NULL || (*slot = strdup(name)) == NULL)
        return import_tree_oom(err);

    size_t index = 0;
    struct import_scp *s = import_find_scp(b, key);
    if (s != NULL)
        index = (size_t)(s - b->scps);
    else if ((code = orphan_scp(b, key, rel, &index, err)) != DW_OK)
        return code;

    struct import_names files;
    bool exists;
    code = import_list_dir(b, rel, &files, &exists, err);
    /* The original shows procedures, then the description, then the addenda. */
    if (code == DW_OK && files.count > 1)
        qsort(files.items, files.count, sizeof(char *), compare_scp_files);
    for (size_t i = 0; i < files.count && code == DW_OK; i++) {
        const char *f = files.items[i];
        char file_rel[IMPORT_PATH_BYTES];
        import_join(file_rel, sizeof(file_rel), rel, f);
        if (strcmp(f, "cps.md") == 0)
            code = add_section(b, index, file_rel, "containment", "Special Containment Procedures",
                               err);
        else if (strcmp(f, "desc.md") == 0)
            code = add_section(b, index, file_rel, "description", "Description", err);
        else if (strcmp(f, "descs") == 0 && import_entry_type(b, file_rel) == S_IFDIR)
            code = attach_old_description(b, index, file_rel, err);
        else if (strcmp(f, "addenda") == 0 && (import_entry_type(b, file_rel) == S_IFDIR ||
                                               import_entry_type(b, file_rel) == S_IFLNK))
            code = attach_addenda(b, index, rel, err); /* refuses a link */
        else if (listed_section(b, index, file_rel) != NULL)
            code = add_section(b, index, file_rel, "addendum", "", err);
        else
            code = import_tree_note(b, err, "skipped: %s: %s", file_rel, "not part of the layout");
    }
    import_names_free(&files);
    return code;
}

/* Notes rows without files, and drops listed sections whose file is missing. */
static enum deepwell_code check_scp_files(struct import_bundle *b, struct deepwell_error *err)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < b->nscps && code == DW_OK; i++) {
        struct import_scp *s = &b->scps[i];
        size_t kept = 0;
        for (size_t j = 0; j < s->nsections; j++) {
            struct import_section *sec = &s->sections[j];
            if (sec->body == NULL) {
                if (!sec->refused)
                    code = import_tree_note(b, err, "missing: %s: listed in the manifest, %s",
                                            sec->file, "not found; section left out");
                free(sec->kind);
                free(sec->title);
                free(sec->file);
                continue;
            }
            s->sections[kept++] = *sec;
        }
        s->nsections = kept;
        if (s->nsections == 0 && code == DW_OK) {
            char ref[32];
            snprintf(ref, sizeof(ref), "SCP-%03lld", (long long)s->number);
            code = import_tree_note(b, err, "missing: %s: %s", ref,
                                    "no files; imported without sections");
        }
        number_sections(s);
    }
    return code;
}

static enum deepwell_code attach_scps(struct import_bundle *b, struct deepwell_error *err)
{
    struct import_names dirs, seen = {0};
    bool exists;
    enum deepwell_code code = import_list_dir(b, "scps", &dirs, &exists, err);
    for (size_t i = 0; i < dirs.count && code == DW_OK; i++)
        code = attach_scp_dir(b, dirs.items[i], &seen, err);
    import_names_free(&dirs);
    import_names_free(&seen);
    if (code == DW_OK)
        code = check_scp_files(b, err);
    return code;
}

/* ---- sites and task forces --------------------------------------------------------------- */

/* A file a site or task force folder may hold, and the row's field it fills. */
struct place_file {
    const char *file;
    char **field;
};

static enum deepwell_code attach_place_files(struct import_bundle *b, const char *rel,
                                             const struct place_file *known, size_t nknown,
                                             struct deepwell_error *err)
{
    struct import_names files;
    bool exists;
    enum deepwell_code code = import_list_dir(b, rel, &files, &exists, err);
    for (size_t i = 0; i < files.count && code == DW_OK; i++) {
        char file_rel[IMPORT_PATH_BYTES];
        import_join(file_rel, sizeof(file_rel), rel, files.items[i]);
        size_t k = 0;
        while (k < nknown && strcmp(files.items[i], known[k].file) != 0)
            k++;
        if (k == nknown) {
            code = import_tree_note(b, err, "skipped: %s: %s", file_rel, "not part of the layout");
            continue;
        }
        free(*known[k].field);
        *known[k].field = NULL;
        code = import_read_rel(b, file_rel, known[k].field, err);
        /* Refused (and noted as such), not missing: an empty text, not "no files". */
        if (code == DW_OK && *known[k].field == NULL && (*known[k].field = strdup("")) == NULL)
            code = import_tree_oom(err);
    }
    import_names_free(&files);
    return code;
}

/*
 * The site a sites/ folder is for: by id ("19"; "0" is the original's site 0), or, as later
 * versions of the original name them, by the site's name ("Site-19", "NULL-Site-0").
 * false when it names neither.
 */
static bool site_folder(struct import_bundle *b, const char *name, int64_t *id)
{
    if (import_parse_number(name, id))
        return true;
    if (name[0] != '\0' && strspn(name, "0") == strlen(name)) {
        *id = IMPORT_SITE_ZERO;
        return true;
    }
    for (size_t i = 0; i < b->nsites; i++)
        if (b->sites[i].name != NULL && strcasecmp(b->sites[i].name, name) == 0) {
            *id = b->sites[i].src_id;
            return true;
        }
    return false;
}

static enum deepwell_code attach_sites(struct import_bundle *b, struct deepwell_error *err)
{
    struct import_names dirs;
    bool exists;
    enum deepwell_code code = import_list_dir(b, "sites", &dirs, &exists, err);
    for (size_t i = 0; i < dirs.count && code == DW_OK; i++) {
        char rel[IMPORT_PATH_BYTES];
        int64_t id;
        import_join(rel, sizeof(rel), "sites", dirs.items[i]);
        if (import_refused_link(b, rel, &code, err))
            continue;
        if (import_entry_type(b, rel) != S_IFDIR || !site_folder(b, dirs.items[i], &id)) {
            code = import_tree_note(b, err, "skipped: %s: %s", rel,
                                    "not a folder named by a site id or a site's name");
            continue;
        }
        struct import_site *s = import_find_site(b, id);
        if (s == NULL) {
            s = IMPORT_PUSH(b->sites, b->nsites, b->capsites);
            char name[32];
            snprintf(name, sizeof(name), "Site-%lld", IMPORT_SHOWN_ID(id));
            if (s == NULL || (s->name = strdup(name)) == NULL) {
                code = import_tree_oom(err);
                break;
            }
            s->src_id = id;
            if ((code = import_tree_note(b, err,
                                         "orphan: %s: files without a database row; imported as %s",
                                         rel, name)) != DW_OK)
                break;
        }
        const struct place_file known[] = {
            {"desc.md", &s->description},
            {"loc.md", &s->location},
            {"dossier.md", &s->dossier},
        };
        code = attach_place_files(b, rel, known, sizeof(known) / sizeof(known[0]), err);
    }
    import_names_free(&dirs);
    return code;
}

static enum deepwell_code attach_mtfs(struct import_bundle *b, struct deepwell_error *err)
{
    struct import_names dirs;
    bool exists;
    enum deepwell_code code = import_list_dir(b, "mtfs", &dirs, &exists, err);
    for (size_t i = 0; i < dirs.count && code == DW_OK; i++) {
        char rel[IMPORT_PATH_BYTES];
        int64_t id;
        import_join(rel, sizeof(rel), "mtfs", dirs.items[i]);
        if (import_refused_link(b, rel, &code, err))
            continue;
        if (import_entry_type(b, rel) != S_IFDIR || !import_parse_number(dirs.items[i], &id)) {
            code = import_tree_note(b, err, "skipped: %s: %s", rel,
                                    "not a folder named by a task force id");
            continue;
        }
        struct import_mtf *m = import_find_mtf(b, id);
        if (m == NULL) {
            m = IMPORT_PUSH(b->mtfs, b->nmtfs, b->capmtfs);
            char name[32];
            snprintf(name, sizeof(name), "MTF-%lld", (long long)id);
            if (m == NULL || (m->designation = strdup(name)) == NULL) {
                code = import_tree_oom(err);
                break;
            }
            m->src_id = id;
            m->active = true;
            m->level = b->from_manifest ? 0 : 1; /* the original's: open to every user */
            if ((code = import_tree_note(b, err,
                                         "orphan: %s: files without a database row; imported as %s",
                                         rel, name)) != DW_OK)
                break;
        }
        const struct place_file known[] = {{"mission.md", &m->mission}};
        code = attach_place_files(b, rel, known, 1, err);
    }
    import_names_free(&dirs);
    return code;
}

/* ---- lookup descriptions ------------------------------------------------------------------- */

static enum deepwell_code attach_descriptions(struct import_bundle *b, struct deepwell_error *err)
{
    enum deepwell_code code = DW_OK;
    struct import_names kinds;
    bool exists;
    code = import_list_dir(b, "descs", &kinds, &exists, err);
    for (size_t k = 0; k < kinds.count && code == DW_OK; k++) {
        int kind = 0;
        while (kind < IMPORT_LOOKUP_COUNT &&
               (import_lookup_dir((enum import_lookup_kind)kind) == NULL ||
                strcmp(import_lookup_dir((enum import_lookup_kind)kind), kinds.items[k]) != 0))
            kind++;
        char rel[IMPORT_PATH_BYTES];
        import_join(rel, sizeof(rel), "descs", kinds.items[k]);
        if (kind == IMPORT_LOOKUP_COUNT) {
            code = import_tree_note(b, err, "skipped: %s: %s", rel, "not a known lookup table");
            continue;
        }
        struct import_names files;
        code = import_list_dir(b, rel, &files, &exists, err);
        for (size_t i = 0; i < files.count && code == DW_OK; i++) {
            char file_rel[IMPORT_PATH_BYTES], stem[64];
            int64_t id;
            import_join(file_rel, sizeof(file_rel), rel, files.items[i]);
            if (!import_strip_md(files.items[i], stem, sizeof(stem)) ||
                !import_parse_number(stem, &id)) {
                code = import_tree_note(b, err, "skipped: %s: %s", file_rel, "not named <id>.md");
                continue;
            }
            char *text = NULL;
            if ((code = import_read_rel(b, file_rel, &text, err)) != DW_OK || text == NULL)
                continue; /* failed, or refused and noted */
            struct import_description *d =
                IMPORT_PUSH(b->descriptions, b->ndescriptions, b->capdescriptions);
            if (d == NULL || (d->file = strdup(file_rel)) == NULL) {
                free(text);
                code = import_tree_oom(err);
                break;
            }
            d->kind = (enum import_lookup_kind)kind;
            d->src_id = id;
            d->text = text;
        }
        import_names_free(&files);
    }
    import_names_free(&kinds);
    return code;
}

/* Rows of the original without any file are imported as they are, and said so. */
static enum deepwell_code note_places_without_files(struct import_bundle *b,
                                                    struct deepwell_error *err)
{
    enum deepwell_code code = DW_OK;
    for (size_t i = 0; i < b->nsites && code == DW_OK; i++) {
        const struct import_site *s = &b->sites[i];
        char ref[32];
        snprintf(ref, sizeof(ref), "sites row %lld", IMPORT_SHOWN_ID(s->src_id));
        if (s->description == NULL && s->location == NULL && s->dossier == NULL)
            code =
                import_tree_note(b, err, "missing: %s: %s", ref, "no files; imported without text");
    }
    for (size_t i = 0; i < b->nmtfs && code == DW_OK; i++) {
        char ref[32];
        snprintf(ref, sizeof(ref), "mtfs row %lld", (long long)b->mtfs[i].src_id);
        if (b->mtfs[i].mission == NULL)
            code = import_tree_note(b, err, "missing: %s: %s", ref,
                                    "no mission.md; imported without one");
    }
    return code;
}

enum deepwell_code import_files_attach(struct import_bundle *b, struct deepwell_error *err)
{
    enum deepwell_code code = attach_descriptions(b, err);
    if (code == DW_OK)
        code = attach_sites(b, err);
    if (code == DW_OK)
        code = attach_mtfs(b, err);
    if (code == DW_OK)
        code = attach_scps(b, err);
    if (code == DW_OK && !b->from_manifest)
        code = note_places_without_files(b, err);
    if (code == DW_OK)
        code = import_note_top_level(b, err);
    return code;
}
