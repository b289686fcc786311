/*
 * audit.h - the audit log's internals (internal to deepwell/).
 *
 *   audit.c        the queue and the group-commit thread
 *   audit_chain.c  validation, the canonical row hash, chained inserts, verification
 *   audit_tip.c    the chain's tip and the actors' names, read before inserting
 *   audit_query.c  reading rows back (queries, export as JSON Lines)
 *
 * Secrets never enter the log: callers must not put passwords, tokens or hashes of
 * them in any field, details included.  Nothing here can tell a secret from a name,
 * so this is the callers' duty (the server's login handler logs the attempted user
 * name only, never the password).
 */
#ifndef SCIPNET_DEEPWELL_AUDIT_H
#define SCIPNET_DEEPWELL_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"

#define DEEPWELL_AUDIT_HASH_BYTES  32
#define DEEPWELL_AUDIT_DETAILS_MAX (64 * 1024) /* bytes of details JSON accepted */

/*
 * One validated entry, owning copies of its strings, exactly as it will be stored.
 * Over-long client addresses and attempted names are cut (at a character boundary)
 * to what struct deepwell_audit_row holds, and invalid UTF-8 bytes become '?', so
 * what is stored and hashed is what can be read back and exported.
 */
struct deepwell_audit_record {
    char ts[32];
    int64_t user_id;                        /* 0 = none (stored as NULL) */
    char attempted_name[DEEPWELL_NAME_MAX]; /* "" = none (stored as NULL) */
    char client_addr[64];
    char action[64];
    enum deepwell_outcome outcome;
    enum deepwell_severity severity;
    char *details; /* canonical JSON object, owned */
    bool imported;
};

/* Validates and copies an entry; DW_INVALID for a bad action, outcome or details. */
enum deepwell_code deepwell_audit_record_init(struct deepwell_audit_record *rec,
                                              const struct deepwell_audit_entry *entry,
                                              const char *ts, bool imported,
                                              struct deepwell_error *err);
void deepwell_audit_record_clear(struct deepwell_audit_record *rec);

/* The last row's id and hash (0 and 32 zero bytes for an empty log). */
struct deepwell_audit_tip {
    int64_t id;
    uint8_t hash[DEEPWELL_AUDIT_HASH_BYTES];
};

enum deepwell_code deepwell_audit_read_tip(struct deepwell_conn *conn,
                                           struct deepwell_audit_tip *tip,
                                           struct deepwell_error *err);
/* Actor names read in one transaction: a batch asks once per user, not once per row. */
#define DEEPWELL_AUDIT_NAMES 16
struct deepwell_audit_names {
    size_t n;
    int64_t ids[DEEPWELL_AUDIT_NAMES];
    char names[DEEPWELL_AUDIT_NAMES][DEEPWELL_NAME_MAX];
};

/* The tip, and the names of recs' first 8 actors, in one statement (audit_tip.c). */
enum deepwell_code deepwell_audit_read_tip_names(struct deepwell_conn *conn,
                                                 const struct deepwell_audit_record *const *recs,
                                                 size_t n, struct deepwell_audit_tip *tip,
                                                 struct deepwell_audit_names *names,
                                                 struct deepwell_error *err);
/* user_id's name from names, else read now and added; "" for no user or a gone one. */
enum deepwell_code deepwell_audit_actor_name(struct deepwell_conn *conn,
                                             struct deepwell_audit_names *names, int64_t user_id,
                                             char *out, size_t size, struct deepwell_error *err);
/* As deepwell_audit_insert_records, with the actors' names taken from (and added to) names. */
enum deepwell_code deepwell_audit_insert_named(struct deepwell_conn *conn,
                                               const struct deepwell_audit_record *const *recs,
                                               size_t n, struct deepwell_audit_tip *tip,
                                               struct deepwell_audit_names *names,
                                               struct deepwell_error *err);
/* Inserts recs[0..n) as rows tip->id + 1 .. tip->id + n, chained from tip->hash, several
 * rows to a statement, and advances *tip to the last. */
enum deepwell_code deepwell_audit_insert_records(struct deepwell_conn *conn,
                                                 const struct deepwell_audit_record *const *recs,
                                                 size_t n, struct deepwell_audit_tip *tip,
                                                 struct deepwell_error *err);
/* Inserts rec as row tip->id + 1 chained on tip->hash, and advances *tip to it. */
enum deepwell_code deepwell_audit_insert_record(struct deepwell_conn *conn,
                                                const struct deepwell_audit_record *rec,
                                                struct deepwell_audit_tip *tip,
                                                struct deepwell_error *err);

/*
 * For the importer: inserts one chained row inside a transaction the caller holds
 * on the writer connection, chained on the table's last row.  ts is the row's time
 * ("2026-11-22T15:30:01.123Z"); imported marks rows brought in from elsewhere.
 */
enum deepwell_code deepwell_audit_insert_in_tx(struct deepwell_conn *conn,
                                               const struct deepwell_audit_entry *e, const char *ts,
                                               bool imported, struct deepwell_error *err);

/*
 * After rows were written behind the audit thread's back.  Each group commit reads
 * the chain's tip inside its own write transaction (so even another process writing
 * the same file is chained onto), hence there is no cached tip to go stale and this
 * has nothing to do; it exists so callers need not rely on that.
 */
void deepwell_audit_reload_tip(struct deepwell *dw);

/* What a walk of the whole chain saw (deepwell_audit_verify is a walk). */
struct deepwell_audit_walk {
    int64_t probe_id; /* in: report the hash of this row (0 = none) */
    int64_t rows;     /* rows whose hash and link checked out */
    int64_t last_id;  /* the newest of them (0 = an empty log) */
    int64_t bad_id;   /* the first row that did not, when DW_CORRUPT */
    bool probe_found;
    uint8_t probe_hash[DEEPWELL_AUDIT_HASH_BYTES];
};
enum deepwell_code deepwell_audit_walk(struct deepwell *dw, struct deepwell_audit_walk *walk,
                                       struct deepwell_error *err);

/* The chain's tip and the stored hash of row id (*found false when there is none),
 * without walking the chain: the server's quick check at start-up. */
enum deepwell_code deepwell_audit_row_hash(struct deepwell *dw, int64_t id,
                                           struct deepwell_audit_tip *tip, bool *found,
                                           uint8_t hash[DEEPWELL_AUDIT_HASH_BYTES],
                                           struct deepwell_error *err);

/* Copies src into dst (NUL-terminated, at most size - 1 bytes, whole characters only),
 * replacing bytes that are not valid UTF-8 with '?'. */
void deepwell_audit_copy_text(char *dst, size_t size, const char *src);

#endif
