/*
 * demo.c - fills a store with the demo deepwell (docs/demo.md; text in demo_content.c).
 *
 * Everything goes through the public API except the one thing it cannot do: a
 * site's director is a user, and the director's user row belongs to that site, so
 * sites are created without a director and given one afterwards (set_site_director).
 *
 * Seeding is idempotent: every step first looks for what it would create (a site or
 * task force by name, a user by name, a file by number) and leaves what exists alone,
 * so a second run adds nothing, hashes no password and writes no audit row, and a run
 * that failed half-way is finished by running it again.  Refs match docs/demo.md on a
 * fresh store (SITE-19, MTF-3, USER-1 ...); users get the next free ids.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "deepwell/io/demo.h"
#include "deepwell/io/demo_content.h"
#include "deepwell/password.h"
#include "deepwell/query.h"
#include "deepwell/store.h"
#include "deepwell/write.h"

#define OP "demo.seed"

/* Ids the seeding resolved, so later steps can refer to earlier ones. */
struct demo_ids {
    int64_t site[2], mtf[2], user[6];
    int created; /* rows this run added (sites, task forces, users, files) */
};

static const char SQL_SITE_BY_NAME[] = "SELECT id FROM sites WHERE name = ?1";
static const char SQL_MTF_BY_DESIGNATION[] = "SELECT id FROM task_forces WHERE designation = ?1";

/* ---- small SQL helpers (what the public API has no call for) ------------------------ */

/* The id of the row named by sql's one text parameter; DW_NOT_FOUND when there is none. */
static enum deepwell_code find_id(struct deepwell *dw, const char *sql, const char *name,
                                  int64_t *id, struct deepwell_error *err)
{
    struct deepwell_conn *conn;
    struct dw_stmt *stmt = NULL;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    code = dw_prepare(conn, sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, OP, "t", name);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, OP, err);
    if (code == DW_OK)
        *id = dw_col_int64(stmt, 0);
    if (stmt != NULL)
        dw_reset(stmt);
    deepwell_pool_release(dw->pool, conn);
    return code;
}

static enum deepwell_code set_site_director(struct deepwell *dw, int64_t site_id, int64_t user_id,
                                            struct deepwell_error *err)
{
    struct deepwell_conn *conn;
    char now[32];
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, err);
    if (code != DW_OK)
        return code;
    dw_now_iso(now);
    /* autocommit: the check and the update, where a director is still unset */
    code = dw_site_set_director(conn, site_id, user_id, now, OP, err);
    deepwell_pool_release(dw->pool, conn);
    return code;
}

/* Hands a lookup's error on to the caller; returns its code. */
static enum deepwell_code pass_error(struct deepwell_error *err, const struct deepwell_error *from)
{
    if (err != NULL)
        *err = *from;
    return from->code;
}

/* Maps a demo ref (SITE-19, MTF-3) to the id it got. */
static int64_t site_id_for(const struct demo_ids *ids, int ref)
{
    size_t count;
    const struct demo_site *sites = demo_sites(&count);
    for (size_t i = 0; i < count; i++)
        if (sites[i].ref == ref)
            return ids->site[i];
    return 0;
}

static int64_t mtf_id_for(const struct demo_ids *ids, int ref)
{
    size_t count;
    const struct demo_mtf *mtfs = demo_mtfs(&count);
    for (size_t i = 0; i < count; i++)
        if (mtfs[i].ref == ref)
            return ids->mtf[i];
    return 0;
}

static int64_t user_id_for(const struct demo_ids *ids, const char *name)
{
    size_t count;
    const struct demo_user *users = demo_users(&count);
    for (size_t i = 0; name != NULL && i < count; i++)
        if (strcmp(users[i].name, name) == 0)
            return ids->user[i];
    return 0;
}

/* ---- steps -------------------------------------------------------------------------- */

static enum deepwell_code seed_sites(struct deepwell *dw, struct demo_ids *ids,
                                     struct deepwell_error *err)
{
    size_t count;
    const struct demo_site *sites = demo_sites(&count);

    for (size_t i = 0; i < count; i++) {
        struct deepwell_site site = {
            .id = sites[i].ref,
            .name = (char *)sites[i].name,
            .level = sites[i].level,
            .location = (char *)sites[i].location,
            .description = (char *)sites[i].description,
            .dossier = (char *)sites[i].dossier,
        };
        enum deepwell_code code = find_id(dw, SQL_SITE_BY_NAME, sites[i].name, &ids->site[i], err);
        if (code == DW_NOT_FOUND) {
            code = deepwell_site_create(dw, &site, &ids->site[i], err);
            ids->created += code == DW_OK;
        }
        if (code != DW_OK)
            return code;
    }
    return DW_OK;
}

static enum deepwell_code seed_mtfs(struct deepwell *dw, struct demo_ids *ids,
                                    struct deepwell_error *err)
{
    size_t count;
    const struct demo_mtf *mtfs = demo_mtfs(&count);

    for (size_t i = 0; i < count; i++) {
        struct deepwell_mtf mtf = {
            .id = mtfs[i].ref,
            .designation = (char *)mtfs[i].designation,
            .nickname = (char *)mtfs[i].nickname,
            .level = mtfs[i].level,
            .site_id = site_id_for(ids, mtfs[i].site_ref),
            .mission = (char *)mtfs[i].mission,
            .active = true,
        };
        enum deepwell_code code =
            find_id(dw, SQL_MTF_BY_DESIGNATION, mtfs[i].designation, &ids->mtf[i], err);
        if (code == DW_NOT_FOUND) {
            code = deepwell_mtf_create(dw, &mtf, &ids->mtf[i], err);
            ids->created += code == DW_OK;
        }
        if (code != DW_OK)
            return code;
    }
    return DW_OK;
}

static enum deepwell_code add_user(struct deepwell *dw, const struct demo_user *demo,
                                   const struct deepwell_pwhash_limits *limits,
                                   const struct demo_ids *ids, int64_t *id,
                                   struct deepwell_error *err)
{
    char password[DEEPWELL_NAME_MAX + 8];
    char hash[DEEPWELL_HASH_MAX];

    snprintf(password, sizeof(password), "%s-pass", demo->name);
    if (deepwell_password_hash(password, limits, hash) != 0)
        return deepwell_error_set(err, DW_INTERNAL, OP, "cannot hash the password of %s",
                                  demo->name);
    struct deepwell_user_new user = {
        .name = demo->name,
        .password_hash = hash,
        .clearance = demo->clearance,
        .title = demo->title,
        .site_id = site_id_for(ids, demo->site_ref),
        .active = true,
        .personnel_active = true,
    };
    return deepwell_user_add(dw, &user, id, err);
}

static enum deepwell_code seed_users(struct deepwell *dw,
                                     const struct deepwell_pwhash_limits *limits,
                                     struct demo_ids *ids, struct deepwell_error *err)
{
    size_t count;
    const struct demo_user *users = demo_users(&count);

    for (size_t i = 0; i < count; i++) {
        struct deepwell_user found;
        struct deepwell_error lookup = {0}; /* "not found" is no error here */
        enum deepwell_code code = deepwell_user_find(dw, users[i].name, 0, &found, &lookup);
        if (code == DW_OK) {
            ids->user[i] = found.id;
            continue;
        }
        if (code != DW_NOT_FOUND)
            return pass_error(err, &lookup);
        code = add_user(dw, &users[i], limits, ids, &ids->user[i], err);
        if (code != DW_OK)
            return code;
        ids->created++;
    }
    return DW_OK;
}

static enum deepwell_code seed_directors(struct deepwell *dw, const struct demo_ids *ids,
                                         struct deepwell_error *err)
{
    size_t count;
    const struct demo_site *sites = demo_sites(&count);

    for (size_t i = 0; i < count; i++) {
        if (sites[i].director == NULL)
            continue;
        enum deepwell_code code =
            set_site_director(dw, ids->site[i], user_id_for(ids, sites[i].director), err);
        if (code != DW_OK)
            return code;
    }
    return DW_OK;
}

static enum deepwell_code create_file(struct deepwell *dw, const struct demo_file *demo,
                                      const struct demo_ids *ids, struct deepwell_error *err)
{
    struct deepwell_section sections[DEMO_SECTIONS_MAX];
    struct deepwell_scp scp = {
        .number = demo->number,
        .title = (char *)demo->title,
        .level = demo->level,
        .containment = (char *)demo->containment,
        .secondary = (char *)demo->secondary,
        .disruption = (char *)demo->disruption,
        .risk = (char *)demo->risk,
        .status = (char *)"active",
        .site_id = site_id_for(ids, demo->site_ref),
        .task_force_id = mtf_id_for(ids, demo->mtf_ref),
        .nsections = demo->nsections,
        .sections = sections,
    };

    for (size_t i = 0; i < demo->nsections; i++) {
        sections[i] = (struct deepwell_section){
            .kind = (char *)demo->sections[i].kind,
            .title = (char *)demo->sections[i].title,
            .position = (int)i + 1,
            .level = demo->sections[i].level,
            .body = (char *)demo->sections[i].body,
        };
    }
    enum deepwell_code code = deepwell_scp_create(dw, &scp, NULL, err);
    if (code == DW_OK && demo->final_status != NULL)
        code = deepwell_scp_set_status(dw, demo->number, "", demo->final_status,
                                       user_id_for(ids, demo->status_by), demo->status_reason, NULL,
                                       err);
    return code;
}

static enum deepwell_code seed_files(struct deepwell *dw, struct demo_ids *ids,
                                     struct deepwell_error *err)
{
    size_t count;
    const struct demo_file *files = demo_files(&count);

    for (size_t i = 0; i < count; i++) {
        struct deepwell_scp existing;
        struct deepwell_error lookup = {0};
        enum deepwell_code code = deepwell_scp_get(dw, files[i].number, "", &existing, &lookup);
        if (code == DW_OK) {
            deepwell_scp_free(&existing);
            continue;
        }
        if (code != DW_NOT_FOUND)
            return pass_error(err, &lookup);
        code = create_file(dw, &files[i], ids, err);
        if (code != DW_OK)
            return code;
        ids->created++;
    }
    return DW_OK;
}

static enum deepwell_code log_seeding(struct deepwell *dw, int created, struct deepwell_error *err)
{
    char details[64];
    struct deepwell_audit_entry entry = {
        .client_addr = "local",
        .action = "demo.seed",
        .outcome = DW_OUTCOME_SUCCESS,
        .severity = DW_SEV_NOTICE,
        .details_json = details,
    };

    snprintf(details, sizeof(details), "{\"created\":%d}", created);
    return deepwell_audit_log(dw, &entry, NULL, err);
}

enum deepwell_code deepwell_demo_seed(struct deepwell *dw,
                                      const struct deepwell_pwhash_limits *limits,
                                      struct deepwell_error *err)
{
    struct deepwell_pwhash_limits default_limits;
    struct demo_ids ids = {0};
    enum deepwell_code code;

    if (limits == NULL) {
        deepwell_pwhash_limits_default(&default_limits);
        limits = &default_limits;
    }

    code = seed_sites(dw, &ids, err);
    if (code == DW_OK)
        code = seed_mtfs(dw, &ids, err);
    if (code == DW_OK)
        code = seed_users(dw, limits, &ids, err);
    if (code == DW_OK)
        code = seed_directors(dw, &ids, err);
    if (code == DW_OK)
        code = seed_files(dw, &ids, err);
    if (code == DW_OK && ids.created > 0)
        code = log_seeding(dw, ids.created, err);
    return code;
}
