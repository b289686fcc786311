/*
 * import_write.h - writing a loaded import bundle into the store in one transaction
 * (internal to deepwell/io/).  Every row goes through the store's one write path
 * (write.h); the writer maps the source's ids to the store's and notes what it
 * changed.  import_write.c runs the transaction and writes the lookups, sites and
 * task forces; import_rows.c the users and SCP files; import_audit.c the history.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_WRITE_H
#define SCIPNET_DEEPWELL_IO_IMPORT_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "deepwell/io/import.h"
#include "deepwell/io/import_model.h"

/* Writes b in one transaction; on success the notes move from b into *report. */
enum deepwell_code import_write(struct deepwell *dw, struct import_bundle *b,
                                struct deepwell_import_report *report, struct deepwell_error *err);

/* ---- shared by the writer's files ---------------------------------------------------------- */

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

enum deepwell_code writer_oom(struct writer *w);

/* Adds a report line; DW_OK, or DW_INTERNAL when out of memory. */
#define NOTE(w, ...) (import_note(&(w)->b->notes, __VA_ARGS__) ? DW_OK : writer_oom(w))

/* The source's time, normalised, or the import's own "now". */
const char *writer_time(struct writer *w, const char *t, char buf[32]);
/* A level out of range becomes 0 (the store's default); the caller notes it. */
int writer_level(int level);
/* The store's spelling of a source class name, when the store has it (else NULL, id 0). */
enum deepwell_code writer_class_known(struct writer *w, enum import_lookup_kind kind,
                                      const char *name, const char **out, int64_t *id);

/* The store's id for a source row id (0 = none, or the row was not imported). */
int64_t writer_site(const struct writer *w, int64_t src_id);
int64_t writer_mtf(const struct writer *w, int64_t src_id);
int64_t writer_user(const struct writer *w, int64_t src_id);
/* A reference to a row the source does not have (or that was refused) is noted and unset. */
enum deepwell_code writer_resolve_ref(struct writer *w, int64_t src_id, int64_t target,
                                      const char *owner, const char *what, int64_t *out);

enum deepwell_code writer_apply_users(struct writer *w);
enum deepwell_code writer_apply_scps(struct writer *w);
enum deepwell_code writer_apply_audit(struct writer *w);

#endif
