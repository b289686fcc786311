/* import_original.c - reading the original SCiPNET's SQLite database into a bundle. */
#include "deepwell/io/import_original.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deepwell/io/import_map.h"
#include "deepwell/io/import_source.h"
#include "deepwell/pool.h"
#include "deepwell/io/textfile.h"

static enum deepwell_code oom(const char *what, struct deepwell_error *err)
{
    return deepwell_error_set(err, DW_INTERNAL, what, "out of memory");
}

/* ---- lookups ------------------------------------------------------------------------ */

static enum deepwell_code read_lookup(struct source *src, enum import_lookup_kind kind,
                                      const char *const *table_names, struct deepwell_error *err)
{
    const char *table;
    enum deepwell_code code = src_find_table(src, table_names, &table, err);
    if (code != DW_OK)
        return code;
    if (table == NULL)
        return import_note(&src->b->notes, "warning: no %s table in SCiPNET.db", table_names[0])
                   ? DW_OK
                   : oom("lookup", err);
    const struct wanted want[] = {{NAMES("name")}};
    sqlite3_stmt *stmt;
    code =
        src_select_rows(src, table, NAMES("id", "cl_id", "cc_id", "sc_id", "dc_id", "r_id", "t_id"),
                        want, 1, &stmt, err);
    if (code != DW_OK)
        return code;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t id = src_id_at(stmt, 0);
        char *name;
        code = src_text_at(src, stmt, 1, table, id, &name, err);
        if (code == DW_OK && !import_lookup_add(&src->b->lookups[kind], id, name))
            code = oom(table, err);
        free(name);
        if (code != DW_OK) {
            sqlite3_finalize(stmt);
            return code;
        }
    }
    if (rc != SQLITE_DONE)
        return src_step_failure(src, stmt, rc, table, err);
    sqlite3_finalize(stmt);
    return DW_OK;
}

static enum deepwell_code read_lookups(struct source *src, struct deepwell_error *err)
{
    const struct {
        enum import_lookup_kind kind;
        const char *const *tables;
    } lookups[] = {
        {IMPORT_LOOKUP_LEVEL, NAMES("clearance_lvls", "clearance_levels")},
        {IMPORT_LOOKUP_CONTAINMENT, NAMES("containment_classes")},
        {IMPORT_LOOKUP_SECONDARY, NAMES("secondary_classes")},
        {IMPORT_LOOKUP_DISRUPTION, NAMES("disruption_classes")},
        {IMPORT_LOOKUP_RISK, NAMES("risk_classes")},
        {IMPORT_LOOKUP_TITLE, NAMES("titles")},
    };
    for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
        enum deepwell_code code = read_lookup(src, lookups[i].kind, lookups[i].tables, err);
        if (code != DW_OK)
            return code;
    }
    return DW_OK;
}

/* Source lookup name for the id in column i (NULL when unset); unknown ids are noted. */
static enum deepwell_code lookup_at(struct source *src, sqlite3_stmt *stmt, int i,
                                    enum import_lookup_kind kind, char **out,
                                    struct deepwell_error *err)
{
    *out = NULL;
    int64_t id;
    if (!src_int_at(stmt, i, &id))
        return DW_OK;
    const char *name = import_lookup_name(&src->b->lookups[kind], id);
    if (name == NULL) {
        /* Keep a name that maps to nothing, so the writer reports it like any unknown name. */
        char placeholder[48];
        snprintf(placeholder, sizeof(placeholder), "#%lld (no such row)", (long long)id);
        *out = strdup(placeholder);
    } else {
        *out = strdup(name);
    }
    return *out ? DW_OK : oom("lookup", err);
}

/* ---- people, places and files --------------------------------------------------------- */

/* A site id column: NULL is none, the original's site 0 is a site (IMPORT_SITE_ZERO). */
static int64_t site_at(sqlite3_stmt *stmt, int i)
{
    int64_t id;
    if (!src_int_at(stmt, i, &id))
        return 0;
    return id == 0 ? IMPORT_SITE_ZERO : id;
}

enum {
    U_NAME,
    U_PASSWORD,
    U_LEVEL,
    U_TITLE,
    U_SITE,
    U_MTF,
    U_ACTIVE,
    U_LOGIN,
    U_CREATED,
    U_UPDATED,
    U_OVERRIDE,
    U_COUNT
};

static enum deepwell_code read_users(struct source *src, struct deepwell_error *err)
{
    const struct wanted want[U_COUNT] = {
        [U_NAME] = {NAMES("name", "username")},
        [U_PASSWORD] = {NAMES("password", "password_hash")},
        [U_LEVEL] = {NAMES("clearance_lvl_id", "clearance_level_id", "clearance_id")},
        [U_TITLE] = {NAMES("title_id")},
        [U_SITE] = {NAMES("site_id")},
        [U_MTF] = {NAMES("mtf_id", "task_force_id")},
        [U_ACTIVE] = {NAMES("is_active", "active")},
        [U_LOGIN] = {NAMES("last_login")},
        [U_CREATED] = {NAMES("created_at")},
        [U_UPDATED] = {NAMES("updated_at")},
        [U_OVERRIDE] = {NAMES("override_phrase", "phrase")},
    };
    sqlite3_stmt *stmt;
    enum deepwell_code code =
        src_select_rows(src, "users", NAMES("id", "u_id", "user_id"), want, U_COUNT, &stmt, err);
    if (code != DW_OK)
        return code;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct import_user *u = IMPORT_PUSH(src->b->users, src->b->nusers, src->b->capusers);
        if (u == NULL) {
            sqlite3_finalize(stmt);
            return oom("users", err);
        }
        u->src_id = src_id_at(stmt, 0);
        u->site = site_at(stmt, 1 + U_SITE);
        u->task_force = src_id_at(stmt, 1 + U_MTF);
        u->personnel_active = src_bool_at(stmt, 1 + U_ACTIVE, true);
        code = src_text_at(src, stmt, 1 + U_NAME, "users", u->src_id, &u->name, err);
        if (code == DW_OK)
            code =
                src_text_at(src, stmt, 1 + U_PASSWORD, "users", u->src_id, &u->password_hash, err);
        if (code == DW_OK)
            code = lookup_at(src, stmt, 1 + U_LEVEL, IMPORT_LOOKUP_LEVEL, &u->level_name, err);
        if (code == DW_OK)
            code = lookup_at(src, stmt, 1 + U_TITLE, IMPORT_LOOKUP_TITLE, &u->title_name, err);
        if (code == DW_OK)
            code = src_time_at(src, stmt, 1 + U_LOGIN, "users", u->src_id, &u->last_login, err);
        if (code == DW_OK)
            code = src_time_at(src, stmt, 1 + U_CREATED, "users", u->src_id, &u->created_at, err);
        if (code == DW_OK)
            code = src_time_at(src, stmt, 1 + U_UPDATED, "users", u->src_id, &u->updated_at, err);
        /* Only whether there is one: the phrase itself is never read (docs/import.md). */
        const unsigned char *phrase = sqlite3_column_text(stmt, 1 + U_OVERRIDE);
        if (code == DW_OK && phrase != NULL && phrase[0] != '\0' &&
            !import_note(&src->b->notes,
                         "skipped: users row %lld: override phrase not imported (no use here; "
                         "see docs/import.md)",
                         (long long)u->src_id))
            code = oom("users", err);
        if (code != DW_OK) {
            sqlite3_finalize(stmt);
            return code;
        }
    }
    if (rc != SQLITE_DONE)
        return src_step_failure(src, stmt, rc, "users", err);
    sqlite3_finalize(stmt);
    return DW_OK;
}

enum { S_NAME, S_DIRECTOR, S_CREATED, S_UPDATED, S_COUNT };

static enum deepwell_code read_sites(struct source *src, struct deepwell_error *err)
{
    const char *table;
    enum deepwell_code code = src_find_table(src, NAMES("sites"), &table, err);
    if (code != DW_OK || table == NULL)
        return code;
    const struct wanted want[S_COUNT] = {
        [S_NAME] = {NAMES("name")},
        [S_DIRECTOR] = {NAMES("director_id", "director")},
        [S_CREATED] = {NAMES("created_at")},
        [S_UPDATED] = {NAMES("updated_at")},
    };
    sqlite3_stmt *stmt;
    code = src_select_rows(src, table, NAMES("id", "s_id", "site_id"), want, S_COUNT, &stmt, err);
    if (code != DW_OK)
        return code;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct import_site *s = IMPORT_PUSH(src->b->sites, src->b->nsites, src->b->capsites);
        if (s == NULL) {
            sqlite3_finalize(stmt);
            return oom("sites", err);
        }
        s->src_id = site_at(stmt, 0);
        s->director = src_id_at(stmt, 1 + S_DIRECTOR);
        code = src_text_at(src, stmt, 1 + S_NAME, "sites", s->src_id, &s->name, err);
        if (code == DW_OK)
            code = src_time_at(src, stmt, 1 + S_CREATED, "sites", s->src_id, &s->created_at, err);
        if (code == DW_OK)
            code = src_time_at(src, stmt, 1 + S_UPDATED, "sites", s->src_id, &s->updated_at, err);
        if (code != DW_OK) {
            sqlite3_finalize(stmt);
            return code;
        }
    }
    if (rc != SQLITE_DONE)
        return src_step_failure(src, stmt, rc, "sites", err);
    sqlite3_finalize(stmt);
    return DW_OK;
}

enum { M_NAME, M_NICKNAME, M_LEADER, M_SITE, M_ACTIVE, M_CREATED, M_UPDATED, M_COUNT };

static enum deepwell_code read_mtfs(struct source *src, struct deepwell_error *err)
{
    const char *table;
    enum deepwell_code code = src_find_table(src, NAMES("mtfs"), &table, err);
    if (code != DW_OK || table == NULL)
        return code;
    const struct wanted want[M_COUNT] = {
        [M_NAME] = {NAMES("name", "designation")},   [M_NICKNAME] = {NAMES("nickname")},
        [M_LEADER] = {NAMES("leader_id", "leader")}, [M_SITE] = {NAMES("site_id")},
        [M_ACTIVE] = {NAMES("active", "is_active")}, [M_CREATED] = {NAMES("created_at")},
        [M_UPDATED] = {NAMES("updated_at")},
    };
    sqlite3_stmt *stmt;
    code = src_select_rows(src, table, NAMES("id", "mtf_id"), want, M_COUNT, &stmt, err);
    if (code != DW_OK)
        return code;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct import_mtf *m = IMPORT_PUSH(src->b->mtfs, src->b->nmtfs, src->b->capmtfs);
        if (m == NULL) {
            sqlite3_finalize(stmt);
            return oom("mtfs", err);
        }
        m->src_id = src_id_at(stmt, 0);
        m->leader = src_id_at(stmt, 1 + M_LEADER);
        m->site = site_at(stmt, 1 + M_SITE);
        m->active = src_bool_at(stmt, 1 + M_ACTIVE, true);
        m->level = 1; /* the original let every user open every task force's file */
        code = src_text_at(src, stmt, 1 + M_NAME, "mtfs", m->src_id, &m->designation, err);
        if (code == DW_OK)
            code = src_text_at(src, stmt, 1 + M_NICKNAME, "mtfs", m->src_id, &m->nickname, err);
        if (code == DW_OK)
            code = src_time_at(src, stmt, 1 + M_CREATED, "mtfs", m->src_id, &m->created_at, err);
        if (code == DW_OK)
            code = src_time_at(src, stmt, 1 + M_UPDATED, "mtfs", m->src_id, &m->updated_at, err);
        if (code != DW_OK) {
            sqlite3_finalize(stmt);
            return code;
        }
    }
    if (rc != SQLITE_DONE)
        return src_step_failure(src, stmt, rc, "mtfs", err);
    sqlite3_finalize(stmt);
    return DW_OK;
}

enum {
    P_LEVEL,
    P_CONTAINMENT,
    P_SECONDARY,
    P_DISRUPTION,
    P_RISK,
    P_SITE,
    P_MTF,
    P_STATUS,
    P_NAME,
    P_CREATED,
    P_UPDATED,
    P_COUNT
};

/* Number and title: "SCP-049" in the name column wins over the row id. */
static enum deepwell_code scp_identity(struct import_scp *s, int64_t row_id, const char *name,
                                       struct deepwell_error *err)
{
    int64_t from_name = import_scp_number_from_name(name);
    s->number = from_name > 0 ? from_name : row_id;
    if (name != NULL && name[0] != '\0') {
        s->title = strdup(name);
    } else {
        char title[32];
        snprintf(title, sizeof(title), "SCP-%03lld", (long long)s->number);
        s->title = strdup(title);
    }
    return s->title ? DW_OK : oom("scps", err);
}

static enum deepwell_code read_scp_row(struct source *src, sqlite3_stmt *stmt, struct import_scp *s,
                                       struct deepwell_error *err)
{
    s->key = src_id_at(stmt, 0);
    s->has_row = true;
    s->site = site_at(stmt, 1 + P_SITE);
    s->task_force = src_id_at(stmt, 1 + P_MTF);
    char *name = NULL;
    enum deepwell_code code = src_text_at(src, stmt, 1 + P_NAME, "scps", s->key, &name, err);
    if (code == DW_OK)
        code = scp_identity(s, s->key, name, err);
    free(name);
    const struct {
        int column;
        enum import_lookup_kind kind;
        char **field;
    } lookups[] = {
        {P_LEVEL, IMPORT_LOOKUP_LEVEL, &s->level_name},
        {P_CONTAINMENT, IMPORT_LOOKUP_CONTAINMENT, &s->containment},
        {P_SECONDARY, IMPORT_LOOKUP_SECONDARY, &s->secondary},
        {P_DISRUPTION, IMPORT_LOOKUP_DISRUPTION, &s->disruption},
        {P_RISK, IMPORT_LOOKUP_RISK, &s->risk},
    };
    for (size_t i = 0; code == DW_OK && i < sizeof(lookups) / sizeof(lookups[0]); i++)
        code = lookup_at(src, stmt, 1 + lookups[i].column, lookups[i].kind, lookups[i].field, err);
    if (code == DW_OK)
        code = src_text_at(src, stmt, 1 + P_STATUS, "scps", s->key, &s->status, err);
    if (code == DW_OK)
        code = src_time_at(src, stmt, 1 + P_CREATED, "scps", s->key, &s->created_at, err);
    if (code == DW_OK)
        code = src_time_at(src, stmt, 1 + P_UPDATED, "scps", s->key, &s->updated_at, err);
    return code;
}

static enum deepwell_code read_scps(struct source *src, struct deepwell_error *err)
{
    const struct wanted want[P_COUNT] = {
        [P_LEVEL] = {NAMES("clearance_lvl_id", "classification_level_id", "clearance_level_id")},
        [P_CONTAINMENT] = {NAMES("containment_class_id")},
        [P_SECONDARY] = {NAMES("secondary_class_id")},
        [P_DISRUPTION] = {NAMES("disruption_class_id")},
        [P_RISK] = {NAMES("risk_class_id")},
        [P_SITE] = {NAMES("site_responsible_id", "site_id")},
        [P_MTF] = {NAMES("assigned_task_force_id", "mtf_id", "task_force_id")},
        [P_STATUS] = {NAMES("status")},
        [P_NAME] = {NAMES("name", "title")},
        [P_CREATED] = {NAMES("created_at")},
        [P_UPDATED] = {NAMES("updated_at")},
    };
    sqlite3_stmt *stmt;
    enum deepwell_code code =
        src_select_rows(src, "scps", NAMES("id", "scp_id"), want, P_COUNT, &stmt, err);
    if (code != DW_OK)
        return code;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct import_scp *s = IMPORT_PUSH(src->b->scps, src->b->nscps, src->b->capscps);
        if (s == NULL) {
            sqlite3_finalize(stmt);
            return oom("scps", err);
        }
        code = read_scp_row(src, stmt, s, err);
        if (code != DW_OK) {
            sqlite3_finalize(stmt);
            return code;
        }
    }
    if (rc != SQLITE_DONE)
        return src_step_failure(src, stmt, rc, "scps", err);
    sqlite3_finalize(stmt);
    return DW_OK;
}

enum { A_USER, A_IP, A_ACTION, A_DETAILS, A_STATUS, A_TS, A_COUNT };

static enum deepwell_code read_audit(struct source *src, struct deepwell_error *err)
{
    const char *table;
    enum deepwell_code code = src_find_table(src, NAMES("audit_log"), &table, err);
    if (code != DW_OK || table == NULL)
        return code;
    const struct wanted want[A_COUNT] = {
        [A_USER] = {NAMES("user_id")},
        [A_IP] = {NAMES("user_ip", "ip")},
        [A_ACTION] = {NAMES("action")},
        [A_DETAILS] = {NAMES("details")},
        [A_STATUS] = {NAMES("status", "success")},
        [A_TS] = {NAMES("timestamp", "created_at")},
    };
    sqlite3_stmt *stmt;
    code = src_select_rows(src, table, NAMES("id", "log_id"), want, A_COUNT, &stmt, err);
    if (code != DW_OK)
        return code;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct import_audit *a = IMPORT_PUSH(src->b->audit, src->b->naudit, src->b->capaudit);
        if (a == NULL) {
            sqlite3_finalize(stmt);
            return oom("audit_log", err);
        }
        a->src_id = src_id_at(stmt, 0);
        a->user = src_id_at(stmt, 1 + A_USER);
        a->outcome = sqlite3_column_type(stmt, 1 + A_STATUS) == SQLITE_NULL
                         ? -1
                         : (src_bool_at(stmt, 1 + A_STATUS, true) ? 1 : 0);
        code = src_text_at(src, stmt, 1 + A_IP, "audit_log", a->src_id, &a->client_addr, err);
        if (code == DW_OK)
            code = src_text_at(src, stmt, 1 + A_ACTION, "audit_log", a->src_id, &a->action, err);
        if (code == DW_OK)
            code = src_text_at(src, stmt, 1 + A_DETAILS, "audit_log", a->src_id, &a->details, err);
        if (code == DW_OK)
            code = src_time_at(src, stmt, 1 + A_TS, "audit_log", a->src_id, &a->ts, err);
        if (code != DW_OK) {
            sqlite3_finalize(stmt);
            return code;
        }
    }
    if (rc != SQLITE_DONE)
        return src_step_failure(src, stmt, rc, "audit_log", err);
    sqlite3_finalize(stmt);
    return DW_OK;
}

/* Users and scps are what make a database the original's; everything else is optional. */
static enum deepwell_code check_schema(struct source *src, struct deepwell_error *err)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(src->db, "SELECT count(*) FROM sqlite_master", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW)
        return src_failure(src, rc, "opening the source", err);
    const char *users, *scps;
    enum deepwell_code code = src_find_table(src, NAMES("users"), &users, err);
    if (code == DW_OK)
        code = src_find_table(src, NAMES("scps"), &scps, err);
    if (code != DW_OK)
        return code;
    if (users == NULL || scps == NULL)
        return deepwell_error_set(err, DW_INVALID, "opening the source",
                                  "%s: not the original SCiPNET's database (no %s table)",
                                  src->path, users == NULL ? "users" : "scps");
    return DW_OK;
}

enum deepwell_code import_original_read(struct import_bundle *b, const char *db_path,
                                        struct deepwell_error *err)
{
    struct source src = {.path = db_path, .b = b};
    /* import.c checked it is a regular file; NOFOLLOW keeps a link swapped in since out. */
    int rc = sqlite3_open_v2(db_path, &src.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        enum deepwell_code code =
            deepwell_error_set(err, DW_IO, "opening the source", "%s: cannot open: %s", db_path,
                               src.db ? sqlite3_errmsg(src.db) : sqlite3_errstr(rc));
        sqlite3_close(src.db);
        return code;
    }
    enum deepwell_code code = check_schema(&src, err);
    if (code == DW_OK)
        code = read_lookups(&src, err);
    if (code == DW_OK)
        code = read_sites(&src, err);
    if (code == DW_OK)
        code = read_mtfs(&src, err);
    if (code == DW_OK)
        code = read_users(&src, err);
    if (code == DW_OK)
        code = read_scps(&src, err);
    if (code == DW_OK)
        code = read_audit(&src, err);
    sqlite3_close(src.db);
    return code;
}
