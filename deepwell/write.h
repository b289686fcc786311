/*
 * write.h - the one write path for users, sites, task forces, SCP files and sections
 * (internal to deepwell/).
 *
 * Each helper runs on a connection inside the caller's write transaction: the
 * server's creates (files.c, places.c, users.c) wrap one in deepwell_write_tx, an
 * importer (deepwell/io/) calls many inside its own.  A schema change to these
 * tables touches the schema files and these helpers only.
 *
 * The "keep or insert" helpers make idempotent imports: they keep a row that is
 * already there (matched by its natural key) and insert it otherwise; *added says
 * which.  Callers validate what needs no store (levels, names) before calling.
 */
#ifndef SCIPNET_DEEPWELL_WRITE_H
#define SCIPNET_DEEPWELL_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"

/* When a row was made and last changed, as ISO-8601 UTC text; NULL (or no stamps) = now. */
struct dw_stamps {
    const char *created_at, *updated_at;
};

/* The stamps to bind: the given ones, now for the missing (t->now holds it). */
struct dw_times {
    char now[32];
    const char *created, *updated;
};
void dw_times_of(const struct dw_stamps *when, struct dw_times *t);

/* The id of the row sql (SELECT id ... = ?1) names by one text parameter; 0 when none. */
enum deepwell_code dw_find_id(struct deepwell_conn *conn, const char *sql, const char *name,
                              int64_t *id, const char *op, struct deepwell_error *err);

enum dw_class_table {
    DW_CLASS_CONTAINMENT,
    DW_CLASS_SECONDARY,
    DW_CLASS_DISRUPTION,
    DW_CLASS_RISK
};

/* The id of a class or title by its exact name; *id = 0 (DW_OK) when there is none. */
enum deepwell_code dw_class_find(struct deepwell_conn *conn, enum dw_class_table table,
                                 const char *name, int64_t *id, const char *op,
                                 struct deepwell_error *err);
enum deepwell_code dw_title_find(struct deepwell_conn *conn, const char *name, int64_t *id,
                                 const char *op, struct deepwell_error *err);

/*
 * A file with its sections.  Classes are named (unknown: DW_INVALID), sites and task
 * forces must exist; a section's position 0 is its place in the array.  DW_CONFLICT
 * "SCP-173 already exists" when the number is taken.
 */
enum deepwell_code dw_scp_insert(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                 const struct dw_stamps *when, int64_t *id_out, const char *op,
                                 struct deepwell_error *err);
/* Keeps the file with scp->number (*id_out its row id) or inserts scp. */
enum deepwell_code dw_scp_keep_or_insert(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                         const struct dw_stamps *when, int64_t *id_out, bool *added,
                                         const char *op, struct deepwell_error *err);
/*
 * Makes the file numbered scp->number (DW_NOT_FOUND when none) read as scp: when its
 * title, level, classes, status or sections differ, the row is updated (site and task
 * force kept) and the sections replaced; *changed says whether anything was written,
 * so a second run of the same source changes nothing.  updated_at comes from when.
 * Only a file imported from the same page (its source_url) is rewritten: any other
 * file of that number is DW_CONFLICT ("SCP-002 was not imported from URL").
 */
enum deepwell_code dw_scp_update_or_keep(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                         const struct dw_stamps *when, int64_t *id_out,
                                         bool *changed, const char *op, struct deepwell_error *err);
/* The file numbered number with its sections, on conn (DW_NOT_FOUND when none). */
enum deepwell_code dw_scp_load(struct deepwell_conn *conn, int number, struct deepwell_scp *out,
                               const char *op, struct deepwell_error *err);
/* Rewrites row id as scp (site and task force kept), its sections replaced. */
enum deepwell_code dw_scp_rewrite(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                  int64_t id, const struct dw_stamps *when, const char *op,
                                  struct deepwell_error *err);
/* The row id of the file numbered number; 0 when there is none. */
enum deepwell_code dw_scp_find(struct deepwell_conn *conn, int64_t number, int64_t *id,
                               const char *op, struct deepwell_error *err);

/*
 * A site or task force; a non-zero id is kept (DW_CONFLICT when taken), 0 takes the
 * next free one.  Level 0 is the store's default (sites 3, task forces 2).
 */
enum deepwell_code dw_site_insert(struct deepwell_conn *conn, const struct deepwell_site *site,
                                  const struct dw_stamps *when, int64_t *id_out, const char *op,
                                  struct deepwell_error *err);
enum deepwell_code dw_mtf_insert(struct deepwell_conn *conn, const struct deepwell_mtf *mtf,
                                 const struct dw_stamps *when, int64_t *id_out, const char *op,
                                 struct deepwell_error *err);
/*
 * Keeps the row with the same id and name (any case), else the row with that name;
 * otherwise inserts, keeping the given id when it is free and numbering it anew when
 * not (*id_out differs from the id asked for: the caller may say so).
 */
enum deepwell_code dw_site_keep_or_insert(struct deepwell_conn *conn,
                                          const struct deepwell_site *site,
                                          const struct dw_stamps *when, int64_t *id_out,
                                          bool *added, const char *op, struct deepwell_error *err);
enum deepwell_code dw_mtf_keep_or_insert(struct deepwell_conn *conn, const struct deepwell_mtf *mtf,
                                         const struct dw_stamps *when, int64_t *id_out, bool *added,
                                         const char *op, struct deepwell_error *err);
/*
 * Directors and leaders are users, often written after the places they lead: sets
 * one where none is set yet.  updated_at NULL leaves the row's time as it is.
 */
enum deepwell_code dw_site_set_director(struct deepwell_conn *conn, int64_t site_id,
                                        int64_t user_id, const char *updated_at, const char *op,
                                        struct deepwell_error *err);
enum deepwell_code dw_mtf_set_leader(struct deepwell_conn *conn, int64_t mtf_id, int64_t user_id,
                                     const char *updated_at, const char *op,
                                     struct deepwell_error *err);

/* What a user row holds beyond struct deepwell_user_new: importers keep the source's. */
struct dw_user_extra {
    int64_t id;             /* kept when free; 0 = the next free id */
    const char *last_login; /* NULL = never */
    struct dw_stamps when;
};

/* A user (title by exact name); DW_CONFLICT "user name 'x' is already taken". */
enum deepwell_code dw_user_insert(struct deepwell_conn *conn, const struct deepwell_user_new *user,
                                  const struct dw_user_extra *extra, int64_t *id_out,
                                  const char *op, struct deepwell_error *err);
/* Keeps the user named user->name or inserts it (extra->id kept when free). */
enum deepwell_code dw_user_keep_or_insert(struct deepwell_conn *conn,
                                          const struct deepwell_user_new *user,
                                          const struct dw_user_extra *extra, int64_t *id_out,
                                          bool *added, const char *op, struct deepwell_error *err);
/* The id of the user named name; 0 when there is none. */
enum deepwell_code dw_user_find_id(struct deepwell_conn *conn, const char *name, int64_t *id,
                                   const char *op, struct deepwell_error *err);

#endif
