/*
 * import_model.h - what an import source holds, read into memory before anything
 * is written (internal to deepwell/io/).
 *
 * Reading and writing are separate steps: the readers (import_original.c for the
 * original's SCiPNET.db, import_manifest.c for an exported folder, import_files.c
 * for the markdown files) fill an import_bundle and can fail without touching the
 * store; import_write.c then writes the whole bundle in one transaction.
 *
 * Ids here are the SOURCE's ids; import_write.c maps them to the store's.  Names of
 * levels, titles and classes are kept as the source spells them and are matched
 * by name when written.  All strings are malloc'd and owned by the bundle.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_MODEL_H
#define SCIPNET_DEEPWELL_IO_IMPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"

enum import_lookup_kind {
    IMPORT_LOOKUP_LEVEL,
    IMPORT_LOOKUP_CONTAINMENT,
    IMPORT_LOOKUP_SECONDARY,
    IMPORT_LOOKUP_DISRUPTION,
    IMPORT_LOOKUP_RISK,
    IMPORT_LOOKUP_TITLE,
    IMPORT_LOOKUP_COUNT
};

/* The folder under descs/ holding descriptions of this kind, or NULL (titles). */
const char *import_lookup_dir(enum import_lookup_kind kind);

/*
 * The original's site 0 ("NULL-Site-0", its placeholder for "no site") in a source id field:
 * ids here start at 1, so it is imported as a site of its own under a new id.
 */
#define IMPORT_SITE_ZERO INT64_C(-1)

/* The source id as the report names it (site 0 is "0"). */
#define IMPORT_SHOWN_ID(id) ((long long)((id) == IMPORT_SITE_ZERO ? 0 : (id)))

struct import_lookup_entry {
    int64_t id;
    char *name;
};

struct import_lookup {
    struct import_lookup_entry *items;
    size_t count, cap;
};

struct import_user {
    int64_t src_id;
    char *name, *password_hash, *level_name, *title_name;
    int64_t site, task_force; /* source ids, 0 = none */
    bool personnel_active;
    bool has_login_state; /* manifest credentials: active given explicitly */
    bool active;
    char *last_login, *created_at, *updated_at;
};

struct import_site {
    int64_t src_id;
    char *name;
    int level; /* 0 = the store's default */
    int64_t director;
    char *location, *description, *dossier;
    char *created_at, *updated_at;
};

struct import_mtf {
    int64_t src_id;
    char *designation, *nickname;
    int level; /* 0 = the store's default */
    int64_t leader, site;
    char *mission;
    bool active;
    char *created_at, *updated_at;
};

struct import_section {
    char *kind, *title;
    int level;    /* 0 = the file's level */
    int position; /* 0 = after the listed ones */
    char *file;   /* path relative to the source folder */
    char *body;   /* NULL until the file is read */
    bool refused; /* its file was refused (a link, not a regular file, too large): noted */
};

struct import_scp {
    int64_t key; /* the scps/<key>/ folder: row id (SCiPNET.db) or number (manifest) */
    int64_t number;
    char suffix[FOUNDATION_REF_SUFFIX_MAX + 1]; /* "" (the original's files) or "ARC", "J" */
    char *title, *level_name;
    char *containment, *secondary, *disruption, *risk, *status;
    int64_t site, task_force;
    char *created_at, *updated_at;
    char *source_url, *source_author, *source_created_at, *tags; /* attribution (scp-data) */
    bool has_row;                                                /* false: made from files alone */
    struct import_section *sections;
    size_t nsections, capsections;
};

struct import_description {
    enum import_lookup_kind kind;
    int64_t src_id;
    char *file;
    char *text;
};

struct import_audit {
    int64_t src_id, user;
    char *ts, *client_addr, *action, *details;
    int outcome; /* 1 success, 0 failure, -1 unknown */
};

struct import_notes {
    char **lines;
    size_t count, cap;
};

struct import_bundle {
    char dir[4096];        /* the source folder, as given (for messages) */
    int dirfd;             /* that folder, open while loading: files are opened under it */
    char source_key[4200]; /* recorded in imported audit rows, for idempotence */
    bool from_manifest;
    struct import_lookup lookups[IMPORT_LOOKUP_COUNT];
    struct import_user *users;
    size_t nusers, capusers;
    struct import_site *sites;
    size_t nsites, capsites;
    struct import_mtf *mtfs;
    size_t nmtfs, capmtfs;
    struct import_scp *scps;
    size_t nscps, capscps;
    struct import_description *descriptions;
    size_t ndescriptions, capdescriptions;
    struct import_audit *audit;
    size_t naudit, capaudit;
    struct import_notes notes;
    size_t files_refused; /* links, non-regular and too large files: not read, noted */
    bool from_scp_data;   /* the SCP wiki's dump (import_scpdata.c) */
    size_t articles_read, articles_refused; /* its articles, and those refused (noted) */
};

void import_bundle_free(struct import_bundle *b);

/* Appends a zeroed element to an array (items, count, cap); NULL when out of memory. */
void *import_grow(void **items, size_t *count, size_t *cap, size_t elem_size);
#define IMPORT_PUSH(arr, n, c) import_grow((void **)&(arr), &(n), &(c), sizeof(*(arr)))

/* Adds one report line ("skipped: scps/abc: not a number"); false when out of memory. */
bool import_note(struct import_notes *notes, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* strdup that accepts NULL. */
char *import_strdup(const char *s);

/* Lookup name by source id, or NULL. */
const char *import_lookup_name(const struct import_lookup *l, int64_t id);
bool import_lookup_add(struct import_lookup *l, int64_t id, const char *name);

struct import_scp *import_find_scp(struct import_bundle *b, int64_t key);
struct import_site *import_find_site(struct import_bundle *b, int64_t src_id);
struct import_mtf *import_find_mtf(struct import_bundle *b, int64_t src_id);

#endif
