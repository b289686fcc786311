/*
 * deepwell.h - the store's public interface.
 *
 * Everything the server and the admin command know about storage is here, in the
 * Foundation's terms (users, sessions, files, the audit log), never in SQL.  Behind
 * it is one of two engines, chosen by the store's location: an SQLite file, or a
 * PostgreSQL database several servers share (engine.h); callers never know which.
 *
 * All functions are thread-safe.  Every function that can fail returns an
 * enum deepwell_code (DW_OK == 0) and, on failure, fills *err when err != NULL.
 *
 * Out of memory is a failure like any other, never an abort and never ignored: the
 * function frees what it had made so far and returns DW_INTERNAL, message "out of
 * memory", with what it was doing as the context.  The few internal calls that
 * return a pointer or bool instead (a column copy, a bind) return NULL, false or
 * non-zero, and their caller reports it that way.
 */
#ifndef SCIPNET_DEEPWELL_H
#define SCIPNET_DEEPWELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/foundation.h"

struct deepwell;

/* ---- errors ------------------------------------------------------------------- */

enum deepwell_code {
    DW_OK = 0,
    DW_NOT_FOUND,      /* no such row */
    DW_CONFLICT,       /* unique constraint: name or number already taken */
    DW_INVALID,        /* bad argument (unknown title, level out of range, ...) */
    DW_BUSY,           /* database locked beyond the retry bound */
    DW_POOL_EXHAUSTED, /* no connection free within the checkout timeout */
    DW_IO,             /* disk full, read-only file, I/O error, cannot open */
    DW_CORRUPT,        /* not a database, or a malformed one */
    DW_TOO_NEW,        /* schema newer than this program knows */
    DW_INTERNAL,       /* anything else (a bug) */
};

struct deepwell_error {
    enum deepwell_code code;
    char message[256]; /* one human line: "database is locked" */
    char context[256]; /* what was being done: "users.find: SELECT ... FROM users ..." */
    /* The message is the database engine's own text (a constraint, a table, an SQLSTATE):
       for the operator's log, never for a client.  False for deepwell's own reasons. */
    bool from_engine;
};

/* Short stable name of a code ("not_found", "busy", ...). */
const char *deepwell_code_name(enum deepwell_code code);

/* ---- opening -------------------------------------------------------------------- */

/* Longest store location kept: a SQLite path or a PostgreSQL URL, with its NUL. */
#define DEEPWELL_PATH_MAX 4096

struct deepwell_options {
    const char *path;        /* SQLite file (or sqlite:FILE), or a postgresql:// URL */
    int readers;             /* reader connections (default 4) */
    int checkout_timeout_ms; /* pool checkout timeout (default 2000) */
    int busy_timeout_ms;     /* longest wait for a lock (default 5000; PostgreSQL: lock_timeout) */
    const char *synchronous; /* SQLite: "OFF" | "NORMAL" | "FULL" | "EXTRA" (default NORMAL) */
    bool create;             /* SQLite: create the file when missing (else DW_IO) */
    bool migrate;            /* apply pending migrations (else an old schema is DW_INVALID) */
    int audit_batch_max;     /* most audit rows per group commit (default 256) */
    /* SQLite: WAL pages that start a background checkpoint (default 1000), and past
       which the WAL is made to start over even if readers hold it (default 16000). */
    int wal_checkpoint_pages;
    int wal_restart_pages;
};

/* Fills defaults for every field left 0/NULL. */
void deepwell_options_defaults(struct deepwell_options *opts);

/*
 * The local file a store location names ("PATH" or "sqlite:PATH"), or NULL for a
 * network store ("postgresql://..."), which has no directory to keep anything beside.
 */
const char *deepwell_location_file(const char *location);

enum deepwell_code deepwell_open(const struct deepwell_options *opts, struct deepwell **out,
                                 struct deepwell_error *err);
/* Flushes the audit log and closes every connection. */
void deepwell_close(struct deepwell *dw);

/* Schema version of the open store, and the newest this program knows. */
int deepwell_schema_version(struct deepwell *dw);
int deepwell_schema_latest(void);

/* ---- health and statistics -------------------------------------------------------- */

struct deepwell_pool_stats {
    int size; /* connections: readers + 1 writer */
    int in_use;
    uint64_t checkouts;
    uint64_t waits;    /* checkouts that had to wait */
    uint64_t timeouts; /* checkouts that gave up: "pool exhausted" */
    uint64_t replaced; /* connections replaced after a failed health check */
    /* SQLite's write-ahead log, checkpointed off the commit path (all 0 on PostgreSQL) */
    int wal_pages;                /* WAL length after the newest commit */
    uint64_t checkpoints;         /* background checkpoints run */
    uint64_t checkpoint_restarts; /* forced WAL restarts (readers kept it from resetting) */
    uint64_t checkpoint_failures; /* checkpoints that failed (logged) */
    /* PostgreSQL's requests sent to the server and answered (0 on SQLite) */
    uint64_t round_trips;
};

void deepwell_pool_stats(struct deepwell *dw, struct deepwell_pool_stats *out);
/* A cheap round trip on a reader and the writer. */
enum deepwell_code deepwell_ping(struct deepwell *dw, struct deepwell_error *err);

/* ---- users ------------------------------------------------------------------------ */

#define DEEPWELL_NAME_MAX 64
#define DEEPWELL_HASH_MAX 256

struct deepwell_user {
    int64_t id;
    char name[DEEPWELL_NAME_MAX];
    char title[64];                    /* "Field Agent" */
    int clearance;                     /* 1..6 */
    int64_t site_id;                   /* 0 = none */
    char site_name[DEEPWELL_NAME_MAX]; /* "" when none */
    int64_t task_force_id;             /* 0 = none */
    char task_force_name[DEEPWELL_NAME_MAX];
    bool active;           /* may log in */
    bool personnel_active; /* personnel file status (imported is_active) */
    char password_hash[DEEPWELL_HASH_MAX];
    char last_login[32]; /* ISO time or "" */
    char created_at[32];
    char previous_login[32]; /* the login before last_login, ISO time or "" */
    int failed_logins;       /* wrong passwords since last_login */
    int failed_before_login; /* wrong passwords between previous_login and last_login */
};

/* By name (case-insensitive) when name != NULL, else by id. */
enum deepwell_code deepwell_user_find(struct deepwell *dw, const char *name, int64_t id,
                                      struct deepwell_user *out, struct deepwell_error *err);

struct deepwell_user_new {
    const char *name;
    const char *password_hash; /* already hashed (see password.h) */
    int clearance;
    const char *title;     /* a Foundation title, any case */
    int64_t site_id;       /* 0 = none */
    int64_t task_force_id; /* 0 = none */
    bool active;
    bool personnel_active;
};

enum deepwell_code deepwell_user_add(struct deepwell *dw, const struct deepwell_user_new *user,
                                     int64_t *id_out, struct deepwell_error *err);
enum deepwell_code deepwell_user_set_password(struct deepwell *dw, int64_t id,
                                              const char *password_hash,
                                              struct deepwell_error *err);
/* Changing clearance or disabling ends every session of that user. */
enum deepwell_code deepwell_user_set_clearance(struct deepwell *dw, int64_t id, int clearance,
                                               struct deepwell_error *err);
enum deepwell_code deepwell_user_set_active(struct deepwell *dw, int64_t id, bool active,
                                            struct deepwell_error *err);
/* last_login = now; the one before and the failures since it move to previous_login and
   failed_before_login. */
enum deepwell_code deepwell_user_record_login(struct deepwell *dw, int64_t id, int64_t now_ms,
                                              struct deepwell_error *err);
/* A wrong password for the user: failed_logins + 1. */
enum deepwell_code deepwell_user_record_failure(struct deepwell *dw, int64_t id,
                                                struct deepwell_error *err);
/* A new password hash and, in the same transaction, the end of every session of the user
   but keep_session (0 = all); *ended (may be NULL) = how many ended. */
enum deepwell_code deepwell_user_change_password(struct deepwell *dw, int64_t id,
                                                 const char *password_hash, int64_t keep_session,
                                                 int64_t *ended, struct deepwell_error *err);

/* ---- files --------------------------------------------------------------------------- */
/* Strings in these structs are heap-allocated and owned by the struct; NULL = unset. */

struct deepwell_section {
    int64_t id;
    char *kind; /* containment | description | addendum | location | dossier | mission */
    char *title;
    int position;
    int level; /* the section's own level; passages inside may be higher (markup) */
    char *body;
};

struct deepwell_scp {
    int64_t id;
    int number; /* 0 and up: SCP-000-EX is a file */
    /* "" or the designation's suffix, upper case: SCP-049 and SCP-049-ARC are two files. */
    char suffix[FOUNDATION_REF_SUFFIX_MAX + 1];
    char *title;
    int level;
    char *containment, *secondary, *disruption, *risk; /* class names */
    char *status;
    int64_t site_id;
    char *site_name;
    int64_t task_force_id;
    char *task_force_name; /* "Epsilon-6 \"Village Idiots\"" */
    /* Read with the file: the task force's classification (FOUNDATION_LEVEL_MAX when
       there is none), so a read needs no second statement for its link. */
    int task_force_level;
    /*
     * Kept by the store: any change to this row or its sections gives the file a new
     * value, never used before by any file, so (id, revision) names one content.
     */
    int64_t revision;
    /* Where an imported file came from (NULL for files made here) and its tags, space-separated. */
    char *source_url, *source_author, *source_created_at, *tags;
    size_t nsections;
    struct deepwell_section *sections; /* ordered by position */
};

struct deepwell_site {
    int64_t id;
    char *name;
    int level;
    int64_t director_id;
    char *director_name;
    char *location, *description, *dossier;
};

struct deepwell_mtf {
    int64_t id;
    char *designation, *nickname;
    int level;
    int64_t leader_id;
    char *leader_name;
    int64_t site_id;
    char *site_name;
    char *mission;
    bool active;
};

/* A file by number and suffix ("" or NULL for none; "ARC" for SCP-049-ARC). */
enum deepwell_code deepwell_scp_get(struct deepwell *dw, int number, const char *suffix,
                                    struct deepwell_scp *out, struct deepwell_error *err);
/* The file's row and revision only (nsections 0): one statement, no section text read. */
enum deepwell_code deepwell_scp_get_head(struct deepwell *dw, int number, const char *suffix,
                                         struct deepwell_scp *out, struct deepwell_error *err);
enum deepwell_code deepwell_site_get(struct deepwell *dw, int64_t id, struct deepwell_site *out,
                                     struct deepwell_error *err);
enum deepwell_code deepwell_mtf_get(struct deepwell *dw, int64_t id, struct deepwell_mtf *out,
                                    struct deepwell_error *err);
void deepwell_scp_free(struct deepwell_scp *scp);
void deepwell_site_free(struct deepwell_site *site);
void deepwell_mtf_free(struct deepwell_mtf *mtf);

/* ---- descriptions of levels and classes (the info op) ------------------------------ */

enum deepwell_info_kind {
    DW_INFO_LEVEL, /* id = the level, 1..6 */
    DW_INFO_CONTAINMENT,
    DW_INFO_SECONDARY,
    DW_INFO_DISRUPTION,
    DW_INFO_RISK, /* classes: id = foundation_class's id */
};

struct deepwell_info {
    char name[64];     /* "Level 4 - Secret", "Keter" */
    char colour[16];   /* "#FF6D00" */
    char *description; /* "" when none was imported or set */
};

/* DW_NOT_FOUND when there is no such row. */
enum deepwell_code deepwell_info_get(struct deepwell *dw, enum deepwell_info_kind kind, int id,
                                     struct deepwell_info *out, struct deepwell_error *err);
void deepwell_info_free(struct deepwell_info *info);

/*
 * Creates take the same structs and return the new id.  A site's or task force's
 * non-zero id is kept (SITE-19 stays 19, as refs are row ids); other ids are ignored.
 */
enum deepwell_code deepwell_scp_create(struct deepwell *dw, const struct deepwell_scp *scp,
                                       int64_t *id_out, struct deepwell_error *err);
enum deepwell_code deepwell_site_create(struct deepwell *dw, const struct deepwell_site *site,
                                        int64_t *id_out, struct deepwell_error *err);
enum deepwell_code deepwell_mtf_create(struct deepwell *dw, const struct deepwell_mtf *mtf,
                                       int64_t *id_out, struct deepwell_error *err);

/* Records the change in the status history; DW_CONFLICT when already at new_status. */
enum deepwell_code deepwell_scp_set_status(struct deepwell *dw, int number, const char *suffix,
                                           const char *new_status, int64_t user_id,
                                           const char *reason, char old_status[16],
                                           struct deepwell_error *err);

/*
 * One edit of an SCP file, made against the revision its editor read: when the file
 * has changed since, DW_CONFLICT and nothing is written (never a silent overwrite).
 * One change per edit: the fields (NULL keeps one, "" clears a class; level 0 keeps
 * it), one section's text (section = its position), or a new addendum at the end.
 * The file, its search index and its revision history change in one transaction.
 */
enum deepwell_edit_kind { DW_EDIT_FIELDS, DW_EDIT_SECTION, DW_EDIT_ADDENDUM };

struct deepwell_scp_edit {
    int number;
    const char *suffix; /* "" or NULL for none */
    int64_t base_revision;
    int64_t user_id;
    const char *reason;
    enum deepwell_edit_kind kind;
    const char *title; /* FIELDS: the file's; ADDENDUM: the addendum's */
    const char *containment, *secondary, *disruption, *risk;
    int level;           /* FIELDS: the file's; ADDENDUM: the addendum's */
    int section;         /* SECTION: its position */
    const char *body;    /* SECTION, ADDENDUM */
    int change_level;    /* the level of what changed: the history shows it at that level */
    const char *summary; /* what changed, for the history ("section 2") */
};

/* *revision_out: the file's new revision. */
enum deepwell_code deepwell_scp_edit(struct deepwell *dw, const struct deepwell_scp_edit *edit,
                                     int64_t *revision_out, struct deepwell_error *err);

/* One row of a file's history: an edit or a status change. */
struct deepwell_file_change {
    int64_t revision;    /* edits: the revision it made */
    char *summary;       /* edits */
    int level;           /* edits: the level of what changed */
    char old_status[16]; /* status changes */
    char new_status[16]; /* status changes */
    int64_t user_id;     /* 0 when the user is gone */
    char *user_name;     /* NULL when the user is gone */
    int user_clearance;
    char *at, *reason;
};

struct deepwell_file_history {
    int64_t id, revision; /* the file's row and current revision */
    int level;            /* the file's */
    size_t nedits, nstatuses;
    struct deepwell_file_change *edits, *statuses; /* newest first */
    bool more_edits, more_statuses;                /* older rows were left out (limit) */
};

/*
 * A file's edits of level max_level or lower and its status changes, newest first,
 * at most limit of each.
 */
enum deepwell_code deepwell_scp_history(struct deepwell *dw, int number, const char *suffix,
                                        int max_level, size_t limit,
                                        struct deepwell_file_history *out,
                                        struct deepwell_error *err);
void deepwell_file_history_free(struct deepwell_file_history *h);

/* ---- lists ------------------------------------------------------------------------------ */

enum deepwell_kind { DW_KIND_SCP, DW_KIND_SITE, DW_KIND_MTF, DW_KIND_USER };

struct deepwell_list_query {
    enum deepwell_kind kind;
    const char *query;   /* NULL = all; matches the number/id, or a visible title */
    int title_max_level; /* titles above this level are never matched by query */
    int offset;
    int limit;
};

struct deepwell_list_item {
    int64_t id;                                 /* SCP number, or row id for the other kinds */
    char suffix[FOUNDATION_REF_SUFFIX_MAX + 1]; /* scp: "" or "ARC" (SCP-049-ARC) */
    int level;                                  /* classification (users: their clearance) */
    char title[256]; /* SCP title, site name, "Designation \"Nickname\"", user name */
    char extra[64];  /* scp: containment class; site: location; mtf: "1"/"0" active;
                        user: job title */
    char status[16]; /* scp status */
    int64_t site_id; /* sites: own id; users: their site; others: responsible site */
};

struct deepwell_list {
    int64_t total;
    size_t count;
    struct deepwell_list_item *items;
};

enum deepwell_code deepwell_list(struct deepwell *dw, const struct deepwell_list_query *query,
                                 struct deepwell_list *out, struct deepwell_error *err);
void deepwell_list_free(struct deepwell_list *list);

/*
 * The SCP files (DW_KIND_SCP), task forces (DW_KIND_MTF) or staff (DW_KIND_USER)
 * stationed at a site: the first `limit` (1..DEEPWELL_SITE_MEMBERS_MAX) by number or
 * id, with every row's level for the caller to clear, and in total how many there are.
 */
#define DEEPWELL_SITE_MEMBERS_MAX 200
enum deepwell_code deepwell_site_members(struct deepwell *dw, int64_t site_id,
                                         enum deepwell_kind kind, int limit,
                                         struct deepwell_list *out, struct deepwell_error *err);

/* ---- full-text search ------------------------------------------------------------------ */
/*
 * Ranked search over the text a reader may read, and only that: a word that only
 * hidden text holds finds nothing, and changes no total, order, score or snippet
 * (deepwell/search.h says how).  The query syntax is in docs/protocol.md; a query
 * that breaks it is DW_INVALID with a message meant for the user.
 */
#define DEEPWELL_SEARCH_QUERY_MAX 200
#define DEEPWELL_SEARCH_LIMIT_MAX 50
/* The deepest page: a search keeps the best offset + limit hits in memory. */
#define DEEPWELL_SEARCH_OFFSET_MAX 10000

/* The schema version that brought the index. */
#define DEEPWELL_SEARCH_VERSION 8
/*
 * The newest schema version that indexes files anew: a store that reaches it from below
 * has its unindexed files indexed (13 and 16 emptied the index, 14 the files with tags
 * past ASCII).
 */
#define DEEPWELL_SEARCH_REINDEX_VERSION 16

struct deepwell_search_query {
    const char *query;
    bool by_kind; /* only files of kind (with a kind: filter too, both must agree) */
    enum deepwell_kind kind;
    int reader_level;       /* 1..6 */
    int64_t reader_site_id; /* 0 = none: a site's staff read its file whatever their level */
    int site_read_level;    /* from this level every site may be read */
    int offset;
    int limit; /* 1..DEEPWELL_SEARCH_LIMIT_MAX */
};

struct deepwell_search_item {
    enum deepwell_kind kind;
    int64_t id;                                 /* SCP number, or the row id */
    char suffix[FOUNDATION_REF_SUFFIX_MAX + 1]; /* scp: "" or "ARC" (SCP-049-ARC) */
    int level;
    char title[256];
    char klass[32]; /* containment class, lower case; "" when none */
    char *snippet;  /* owned: the matched words between "**" */
    double score;
};

struct deepwell_search_result {
    int64_t total;
    size_t count;
    struct deepwell_search_item *items;
};

enum deepwell_code deepwell_search(struct deepwell *dw, const struct deepwell_search_query *query,
                                   struct deepwell_search_result *out, struct deepwell_error *err);
void deepwell_search_free(struct deepwell_search_result *result);

/*
 * Merges the full-text index into one piece after a large write (an import, the
 * backfill): FTS5 writes a transaction's words in pieces of 16 MB, and a search reads
 * every piece's list of a word (a merged 10,000-article index answered the search
 * bench 20 % faster).  Seconds for a large store, nothing when it is merged; its own
 * transaction.  PostgreSQL: nothing to do.
 */
enum deepwell_code deepwell_search_optimize(struct deepwell *dw, struct deepwell_error *err);

/* ---- audit log ---------------------------------------------------------------------------- */
/*
 * Appends are queued and committed by one writer in batches (group commit).  A
 * caller learns its row is durable either by waiting (deepwell_audit_log) or through
 * a callback run on the store's audit thread after the batch commits.
 * Passwords and tokens must never be put in an audit entry.
 */

enum deepwell_outcome { DW_OUTCOME_SUCCESS, DW_OUTCOME_FAILURE, DW_OUTCOME_DENIED };
enum deepwell_severity { DW_SEV_INFO, DW_SEV_NOTICE, DW_SEV_WARNING, DW_SEV_ALERT };

struct deepwell_audit_entry {
    int64_t user_id;            /* 0 = none */
    const char *attempted_name; /* failed logins; NULL otherwise */
    const char *client_addr;    /* "127.0.0.1:50312", or "local" for the admin command */
    const char *action;         /* "login", "read", "user.add", ... */
    enum deepwell_outcome outcome;
    enum deepwell_severity severity;
    const char *details_json; /* a JSON object; NULL = "{}" */
};

/* status is DW_OK when the row is committed, else why it was not. */
typedef void (*deepwell_audit_done_fn)(void *arg, enum deepwell_code status, int64_t row_id);

/* Queue a row; done(arg, ...) runs on the audit thread once it is committed or failed. */
enum deepwell_code deepwell_audit_append(struct deepwell *dw,
                                         const struct deepwell_audit_entry *entry,
                                         deepwell_audit_done_fn done, void *arg,
                                         struct deepwell_error *err);
/* Queue a row and wait until it is committed. */
enum deepwell_code deepwell_audit_log(struct deepwell *dw, const struct deepwell_audit_entry *entry,
                                      int64_t *row_id, struct deepwell_error *err);
/* Wait until every queued row is committed. */
enum deepwell_code deepwell_audit_flush(struct deepwell *dw, struct deepwell_error *err);

struct deepwell_audit_row {
    int64_t id;
    char ts[32];
    int64_t user_id; /* 0 = none */
    char user_name[DEEPWELL_NAME_MAX];
    char attempted_name[DEEPWELL_NAME_MAX];
    char client_addr[64];
    char action[64];
    char outcome[16];   /* success | failure | denied */
    char severity[16];  /* info | notice | warning | alert */
    char *details_json; /* owned */
    int user_clearance; /* the user's clearance now; 0 = no user, or none any more */
    bool imported;
    uint8_t prev_hash[32], hash[32];
};

struct deepwell_audit_rows {
    size_t count;
    struct deepwell_audit_row *rows;
};

struct deepwell_audit_query {
    int limit;        /* newest first; 0 = all (export) */
    int64_t after_id; /* export: rows with id > after_id, oldest first */
    bool oldest_first;
    const char *user;    /* user name filter, NULL = any */
    const char *action;  /* action filter, NULL = any */
    const char *outcome; /* "success" | "failure" | "denied", NULL = any */
    const char *since;   /* ISO time: rows at or after it, NULL = any */
    const char *until;   /* ISO time: rows before it, NULL = any */
    int64_t before_id;   /* paging newest first: rows with id < this, 0 = from the newest */
    /*
     * 0 = every row (export).  Else rows of users whose clearance is above this are left
     * out (before the limit), except failed logins that name an attempted user, and the
     * user filter never matches such a user's name.
     */
    int actor_max_level;
};

enum deepwell_code deepwell_audit_query(struct deepwell *dw, const struct deepwell_audit_query *q,
                                        struct deepwell_audit_rows *out,
                                        struct deepwell_error *err);
void deepwell_audit_rows_free(struct deepwell_audit_rows *rows);

/* Walks the whole chain.  DW_OK when whole; DW_CORRUPT with *bad_id = the first bad row. */
enum deepwell_code deepwell_audit_verify(struct deepwell *dw, int64_t *rows_checked,
                                         int64_t *bad_id, struct deepwell_error *err);

/* One row as a JSON Lines object (no newline) into a malloc'd string. */
char *deepwell_audit_row_json(const struct deepwell_audit_row *row);

/* ---- maintenance -------------------------------------------------------------------------------
 */

/* Online backup (sqlite3 backup API) to out_path. */
enum deepwell_code deepwell_backup(struct deepwell *dw, const char *out_path,
                                   struct deepwell_error *err);

struct deepwell_check_report {
    bool integrity_ok;
    char integrity_message[256];
    int schema_version;
    int64_t users, sessions, scps, sections, sites, task_forces, audit_rows;
};

enum deepwell_code deepwell_check(struct deepwell *dw, struct deepwell_check_report *out,
                                  struct deepwell_error *err);

/* Sessions and login throttling: their own header, part of this interface. */
#include "deepwell/sessions.h"

#endif
