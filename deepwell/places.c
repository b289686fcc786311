/* places.c - sites and task forces: reading, creating, and their one write path. */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deepwell/engine.h"
#include "deepwell/query.h"
#include "deepwell/search.h"
#include "deepwell/store.h"
#include "deepwell/write.h"

static const char SQL_SITE_GET[] =
    "SELECT s.id, s.name, s.clearance_level, s.director_id, u.name, s.location, s.description,"
    " s.dossier FROM sites s LEFT JOIN users u ON u.id = s.director_id WHERE s.id = ?1";
static const char SQL_MTF_GET[] =
    "SELECT m.id, m.designation, m.nickname, m.clearance_level, m.leader_id, u.name, m.site_id,"
    " s.name, m.mission, m.active FROM task_forces m"
    " LEFT JOIN users u ON u.id = m.leader_id LEFT JOIN sites s ON s.id = m.site_id"
    " WHERE m.id = ?1";

/* The statements that differ between the two tables; everything else is shared. */
struct place_sql {
    const char *prefix;   /* ref prefix: SITE, MTF */
    const char *what;     /* for a taken name */
    const char *by_id;    /* SELECT name WHERE id = ?1 */
    const char *by_name;  /* SELECT id WHERE name = ?1 */
    const char *set_user; /* the director or leader, where none is set */
};

static const struct place_sql site_sql = {
    "SITE",
    "site name",
    "SELECT name FROM sites WHERE id = ?1",
    "SELECT id FROM sites WHERE name = ?1",
    "UPDATE sites SET director_id = ?2, updated_at = coalesce(?3, updated_at)"
    " WHERE id = ?1 AND director_id IS NULL",
};
static const struct place_sql mtf_sql = {
    "MTF",
    "task force designation",
    "SELECT designation FROM task_forces WHERE id = ?1",
    "SELECT id FROM task_forces WHERE designation = ?1",
    "UPDATE task_forces SET leader_id = ?2, updated_at = coalesce(?3, updated_at)"
    " WHERE id = ?1 AND leader_id IS NULL",
};

static const char SQL_SITE_INSERT[] =
    "INSERT INTO sites (id, name, clearance_level, director_id, location, description, dossier,"
    " created_at, updated_at)"
    " VALUES (coalesce(?1, (SELECT coalesce(max(id), 0) + 1 FROM sites)),"
    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";
static const char SQL_MTF_INSERT[] =
    "INSERT INTO task_forces (id, designation, nickname, clearance_level, leader_id, site_id,"
    " mission, active, created_at, updated_at)"
    " VALUES (coalesce(?1, (SELECT coalesce(max(id), 0) + 1 FROM task_forces)),"
    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id";

static enum deepwell_code out_of_memory(const char *op, struct deepwell_error *err)
{
    return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
}

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* ---- freeing and reading --------------------------------------------------------------- */

void deepwell_site_free(struct deepwell_site *site)
{
    if (site == NULL)
        return;
    free(site->name);
    free(site->director_name);
    free(site->location);
    free(site->description);
    free(site->dossier);
    memset(site, 0, sizeof(*site));
}

void deepwell_mtf_free(struct deepwell_mtf *mtf)
{
    if (mtf == NULL)
        return;
    free(mtf->designation);
    free(mtf->nickname);
    free(mtf->leader_name);
    free(mtf->site_name);
    free(mtf->mission);
    memset(mtf, 0, sizeof(*mtf));
}

static bool read_site(struct dw_stmt *stmt, void *out)
{
    struct deepwell_site *site = out;
    site->id = dw_col_int64(stmt, 0);
    site->level = dw_col_int(stmt, 2);
    site->director_id = dw_col_int64(stmt, 3);
    return dw_column_dup(stmt, 1, &site->name) && dw_column_dup(stmt, 4, &site->director_name) &&
           dw_column_dup(stmt, 5, &site->location) && dw_column_dup(stmt, 6, &site->description) &&
           dw_column_dup(stmt, 7, &site->dossier);
}

static bool read_mtf(struct dw_stmt *stmt, void *out)
{
    struct deepwell_mtf *mtf = out;
    mtf->id = dw_col_int64(stmt, 0);
    mtf->level = dw_col_int(stmt, 3);
    mtf->leader_id = dw_col_int64(stmt, 4);
    mtf->site_id = dw_col_int64(stmt, 6);
    mtf->active = dw_col_int(stmt, 9) != 0;
    return dw_column_dup(stmt, 1, &mtf->designation) && dw_column_dup(stmt, 2, &mtf->nickname) &&
           dw_column_dup(stmt, 5, &mtf->leader_name) && dw_column_dup(stmt, 7, &mtf->site_name) &&
           dw_column_dup(stmt, 8, &mtf->mission);
}

/* How one kind of place is read: its statement, its ref prefix, its row copy and free. */
struct place_reader {
    const char *sql, *prefix, *op;
    bool (*read)(struct dw_stmt *, void *);
    void (*free)(void *);
};

static void site_free(void *p)
{
    deepwell_site_free(p);
}

static void mtf_free(void *p)
{
    deepwell_mtf_free(p);
}

/* One row by id into out (zeroed first, freed on failure); DW_NOT_FOUND "no such file: SITE-5". */
static enum deepwell_code place_get(struct deepwell *dw, const struct place_reader *r, int64_t id,
                                    void *out, struct deepwell_error *err)
{
    struct deepwell_conn *conn;
    r->free(out); /* zeroes it */
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code != DW_OK)
        return code;
    struct dw_stmt *stmt;
    code = dw_prepare(conn, r->sql, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, r->op, "I", id);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, r->op, err);
    if (code == DW_OK && !r->read(stmt, out))
        code = out_of_memory(r->op, err);
    deepwell_pool_release(dw->pool, conn);
    if (code == DW_NOT_FOUND)
        deepwell_error_set(err, code, r->op, "no such file: %s-%" PRId64, r->prefix, id);
    if (code != DW_OK)
        r->free(out);
    return code;
}

enum deepwell_code deepwell_site_get(struct deepwell *dw, int64_t id, struct deepwell_site *out,
                                     struct deepwell_error *err)
{
    static const struct place_reader r = {SQL_SITE_GET, "SITE", "files.site_get", read_site,
                                          site_free};
    memset(out, 0, sizeof(*out));
    return place_get(dw, &r, id, out, err);
}

enum deepwell_code deepwell_mtf_get(struct deepwell *dw, int64_t id, struct deepwell_mtf *out,
                                    struct deepwell_error *err)
{
    static const struct place_reader r = {SQL_MTF_GET, "MTF", "files.mtf_get", read_mtf, mtf_free};
    memset(out, 0, sizeof(*out));
    return place_get(dw, &r, id, out, err);
}

/* ---- the write path ---------------------------------------------------------------------- */

/* A taken row id and a taken name are both conflicts; say which. */
static enum deepwell_code name_conflict(struct deepwell_conn *conn, const struct place_sql *sql,
                                        int64_t id, const char *name, const char *op,
                                        struct deepwell_error *err)
{
    if (dw_last_was_pkey_conflict(conn))
        return deepwell_error_set(err, DW_CONFLICT, op, "%s-%" PRId64 " already exists",
                                  sql->prefix, id);
    return deepwell_error_set(err, DW_CONFLICT, op, "%s '%s' is already taken", sql->what, name);
}

/* Runs a prepared INSERT ... RETURNING id; a conflict names the id or the name. */
static enum deepwell_code place_insert_done(struct deepwell_conn *conn, struct dw_stmt *stmt,
                                            const struct place_sql *sql, int64_t id,
                                            const char *name, int64_t *id_out, const char *op,
                                            struct deepwell_error *err)
{
    int64_t new_id = 0;
    enum deepwell_code code = dw_step_insert(conn, stmt, op, &new_id, err);
    if (code == DW_CONFLICT)
        return name_conflict(conn, sql, id, name, op, err);
    if (code == DW_OK && id_out != NULL)
        *id_out = new_id;
    return code;
}

enum deepwell_code dw_site_insert(struct deepwell_conn *conn, const struct deepwell_site *site,
                                  const struct dw_stamps *when, int64_t *id_out, const char *op,
                                  struct deepwell_error *err)
{
    assert(site->name != NULL && site->id >= 0);
    enum deepwell_code code = dw_check_ref(conn, DW_KIND_USER, site->director_id, op, err);
    if (code != DW_OK)
        return code;
    struct dw_times t;
    dw_times_of(when, &t);
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_SITE_INSERT, &stmt, err);
    if (code == DW_OK)
        code =
            dw_bind(stmt, err, op, "rtirttttt", site->id, site->name,
                    site->level != 0 ? site->level : 3, site->director_id, or_empty(site->location),
                    or_empty(site->description), or_empty(site->dossier), t.created, t.updated);
    if (code != DW_OK)
        return code;
    int64_t id = 0;
    code = place_insert_done(conn, stmt, &site_sql, site->id, site->name, &id, op, err);
    /* The index changes with the text, in the same transaction. */
    if (code == DW_OK)
        code = dw_search_index_site(conn, site, id, op, err);
    if (code == DW_OK && id_out != NULL)
        *id_out = id;
    return code;
}

enum deepwell_code dw_mtf_insert(struct deepwell_conn *conn, const struct deepwell_mtf *mtf,
                                 const struct dw_stamps *when, int64_t *id_out, const char *op,
                                 struct deepwell_error *err)
{
    assert(mtf->designation != NULL && mtf->id >= 0);
    enum deepwell_code code = dw_check_ref(conn, DW_KIND_USER, mtf->leader_id, op, err);
    if (code == DW_OK)
        code = dw_check_ref(conn, DW_KIND_SITE, mtf->site_id, op, err);
    if (code != DW_OK)
        return code;
    struct dw_times t;
    dw_times_of(when, &t);
    struct dw_stmt *stmt;
    code = dw_prepare(conn, SQL_MTF_INSERT, &stmt, err);
    if (code == DW_OK)
        code =
            dw_bind(stmt, err, op, "rttirrtitt", mtf->id, mtf->designation, or_empty(mtf->nickname),
                    mtf->level != 0 ? mtf->level : 2, mtf->leader_id, mtf->site_id,
                    or_empty(mtf->mission), mtf->active ? 1 : 0, t.created, t.updated);
    if (code != DW_OK)
        return code;
    int64_t id = 0;
    code = place_insert_done(conn, stmt, &mtf_sql, mtf->id, mtf->designation, &id, op, err);
    if (code == DW_OK)
        code = dw_search_index_mtf(conn, mtf, id, op, err);
    if (code == DW_OK && id_out != NULL)
        *id_out = id;
    return code;
}

/*
 * Where a site or task force goes: an existing row with the same id and name, or
 * with the same name (*existing), else a new row keeping id when it is free (*keep_id).
 */
static enum deepwell_code place_find(struct deepwell_conn *conn, const struct place_sql *sql,
                                     int64_t id, const char *name, int64_t *existing, bool *keep_id,
                                     const char *op, struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    bool found = false, same = false;
    *existing = 0;
    *keep_id = false;
    enum deepwell_code code = DW_OK;
    if (id > 0) {
        code = dw_prepare(conn, sql->by_id, &stmt, err);
        if (code == DW_OK)
            code = dw_bind(stmt, err, op, "I", id);
        if (code == DW_OK)
            code = dw_step_row(conn, stmt, op, err);
        found = code == DW_OK;
        same = found && strcasecmp((const char *)dw_col_text(stmt, 0), name) == 0;
        if (stmt != NULL)
            dw_reset(stmt);
        if (code == DW_NOT_FOUND)
            code = DW_OK;
    }
    if (code != DW_OK || same) {
        *existing = same ? id : 0;
        return code;
    }
    code = dw_prepare(conn, sql->by_name, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "t", name);
    if (code == DW_OK)
        code = dw_step_row(conn, stmt, op, err);
    if (code == DW_OK)
        *existing = dw_col_int64(stmt, 0);
    if (stmt != NULL)
        dw_reset(stmt);
    *keep_id = code == DW_NOT_FOUND && id > 0 && !found;
    return code == DW_NOT_FOUND ? DW_OK : code;
}

/* Keeps or inserts a site (site != NULL) or a task force: one of the two is given. */
static enum deepwell_code
place_keep_or_insert(struct deepwell_conn *conn, const struct deepwell_site *site,
                     const struct deepwell_mtf *mtf, const struct dw_stamps *when, int64_t *id_out,
                     bool *added, const char *op, struct deepwell_error *err)
{
    assert((site == NULL) != (mtf == NULL));
    int64_t id = site != NULL ? site->id : mtf->id;
    bool keep_id;
    *added = false;
    enum deepwell_code code =
        place_find(conn, site != NULL ? &site_sql : &mtf_sql, id,
                   site != NULL ? site->name : mtf->designation, id_out, &keep_id, op, err);
    if (code != DW_OK || *id_out != 0)
        return code;
    if (site != NULL) {
        struct deepwell_site row = *site;
        row.id = keep_id ? id : 0;
        code = dw_site_insert(conn, &row, when, id_out, op, err);
    } else {
        struct deepwell_mtf row = *mtf;
        row.id = keep_id ? id : 0;
        code = dw_mtf_insert(conn, &row, when, id_out, op, err);
    }
    *added = code == DW_OK;
    return code;
}

enum deepwell_code dw_site_keep_or_insert(struct deepwell_conn *conn,
                                          const struct deepwell_site *site,
                                          const struct dw_stamps *when, int64_t *id_out,
                                          bool *added, const char *op, struct deepwell_error *err)
{
    return place_keep_or_insert(conn, site, NULL, when, id_out, added, op, err);
}

enum deepwell_code dw_mtf_keep_or_insert(struct deepwell_conn *conn, const struct deepwell_mtf *mtf,
                                         const struct dw_stamps *when, int64_t *id_out, bool *added,
                                         const char *op, struct deepwell_error *err)
{
    return place_keep_or_insert(conn, NULL, mtf, when, id_out, added, op, err);
}

static enum deepwell_code set_person(struct deepwell_conn *conn, const struct place_sql *sql,
                                     int64_t id, int64_t user_id, const char *updated_at,
                                     const char *op, struct deepwell_error *err)
{
    struct dw_stmt *stmt;
    enum deepwell_code code = dw_check_ref(conn, DW_KIND_USER, user_id, op, err);
    if (code == DW_OK)
        code = dw_prepare(conn, sql->set_user, &stmt, err);
    if (code == DW_OK)
        code = dw_bind(stmt, err, op, "Irt", id, user_id, updated_at);
    if (code == DW_OK)
        code = dw_step_done(conn, stmt, op, err);
    return code;
}

enum deepwell_code dw_site_set_director(struct deepwell_conn *conn, int64_t site_id,
                                        int64_t user_id, const char *updated_at, const char *op,
                                        struct deepwell_error *err)
{
    return set_person(conn, &site_sql, site_id, user_id, updated_at, op, err);
}

enum deepwell_code dw_mtf_set_leader(struct deepwell_conn *conn, int64_t mtf_id, int64_t user_id,
                                     const char *updated_at, const char *op,
                                     struct deepwell_error *err)
{
    return set_person(conn, &mtf_sql, mtf_id, user_id, updated_at, op, err);
}

/* ---- creating, one transaction each ------------------------------------------------------ */

struct create_call {
    const struct deepwell_site *site; /* or */
    const struct deepwell_mtf *mtf;
    int64_t *id_out;
    const char *op;
};

static enum deepwell_code run_create(struct deepwell_conn *conn, void *arg,
                                     struct deepwell_error *err)
{
    const struct create_call *call = arg;
    if (call->site != NULL)
        return dw_site_insert(conn, call->site, NULL, call->id_out, call->op, err);
    return dw_mtf_insert(conn, call->mtf, NULL, call->id_out, call->op, err);
}

/* What needs no store: a name, an id that is not negative, a level in range. */
static enum deepwell_code validate_place(const char *name, const char *needs, int64_t id,
                                         const char *what, int level, const char *op,
                                         struct deepwell_error *err)
{
    if (name == NULL || name[0] == '\0')
        return deepwell_error_set(err, DW_INVALID, op, "%s", needs);
    if (id < 0)
        return deepwell_error_set(err, DW_INVALID, op, "a %s id cannot be negative", what);
    return level != 0 ? dw_check_level(level, "classification", op, err) : DW_OK;
}

enum deepwell_code deepwell_site_create(struct deepwell *dw, const struct deepwell_site *site,
                                        int64_t *id_out, struct deepwell_error *err)
{
    struct create_call call = {.site = site, .id_out = id_out, .op = "files.site_create"};
    enum deepwell_code code = validate_place(site->name, "a site needs a name", site->id, "site",
                                             site->level, call.op, err);
    return code == DW_OK ? deepwell_write_tx(dw, run_create, &call, err) : code;
}

enum deepwell_code deepwell_mtf_create(struct deepwell *dw, const struct deepwell_mtf *mtf,
                                       int64_t *id_out, struct deepwell_error *err)
{
    struct create_call call = {.mtf = mtf, .id_out = id_out, .op = "files.mtf_create"};
    enum deepwell_code code = validate_place(mtf->designation, "a task force needs a designation",
                                             mtf->id, "task force", mtf->level, call.op, err);
    return code == DW_OK ? deepwell_write_tx(dw, run_create, &call, err) : code;
}
