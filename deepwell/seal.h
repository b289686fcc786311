/*
 * seal.h - signed checkpoints ("seals") of the audit chain's head.
 *
 * The hash chain proves that no row in the middle changed, but not how long the
 * log was: whoever can write the store can drop its newest rows, or all of them,
 * and what is left still verifies.  A seal is one signed line,
 *
 *     scipnet-audit-seal-v1 row=ID hash=HEX ts=TIME sig=HEX
 *
 * an Ed25519 signature (libsodium) over the text before " sig=", made by the server
 * with a key only it holds: "the log held row ID with this hash at TIME".  The
 * server appends one to its seal file (and writes it to its log) when it starts,
 * every `rows` rows (at most once a second) or `interval_s` seconds after a change,
 * and when it stops.  A
 * log shorter than its newest seal, or a different chain, then fails verification,
 * and the server refuses to start on it.
 *
 * Files, from a base path (the TLS key "X.key.pem" gives base X; the default
 * layout's key is PATH.key.pem beside the store PATH, so base PATH):
 *
 *     BASE.seal.key      the secret key (32-byte seed, hex), mode 0600
 *     BASE.seal.key.pub  the public key (hex): verification needs only this
 *     BASE.seals         the seal file, one line per seal, appended to
 *
 * Several servers sharing a PostgreSQL store each keep their own key and seal file
 * and seal the shared chain's head as they see it; each file is checked on its own
 * with its own public key.
 */
#ifndef SCIPNET_DEEPWELL_SEAL_H
#define SCIPNET_DEEPWELL_SEAL_H

#include <stdbool.h>
#include <stdint.h>

#include "deepwell/deepwell.h"

#define DEEPWELL_SEAL_PATH_MAX (DEEPWELL_PATH_MAX + 32)

/* Defaults of the seal intervals (config keys audit_seal_rows, audit_seal_interval_s). */
#define DEEPWELL_SEAL_ROWS       1000
#define DEEPWELL_SEAL_INTERVAL_S 60
/* Seals the row count triggers come at most this often: a log taking 20,000 rows a
 * second would otherwise sync a seal line 20 times a second, forever. */
#define DEEPWELL_SEAL_MIN_GAP_MS 1000

struct deepwell_seal_paths {
    char key[DEEPWELL_SEAL_PATH_MAX];  /* BASE.seal.key */
    char pub[DEEPWELL_SEAL_PATH_MAX];  /* BASE.seal.key.pub */
    char file[DEEPWELL_SEAL_PATH_MAX]; /* BASE.seals */
};

/* The three paths from a base or a TLS key path (a ".key.pem" ending is dropped). */
enum deepwell_code deepwell_seal_paths_for(const char *base, struct deepwell_seal_paths *out,
                                           struct deepwell_error *err);

struct deepwell_seal_options {
    const struct deepwell_seal_paths *paths;
    int rows;       /* seal once this many rows are unsealed (0 = default) */
    int interval_s; /* or once the oldest unsealed row is this old (0 = default) */
    int min_gap_ms; /* least time between seals the row count asks for (0 = default,
                       < 0 = none) */
};

/*
 * For the server, after deepwell_open: loads the key (making it, its .pub and an
 * empty seal file on first start), checks the store against the newest seal, seals
 * the head and has the audit thread seal from then on, and once more at
 * deepwell_close.  DW_CORRUPT, naming the seal, when the log is behind it or is a
 * different chain; DW_CORRUPT too for a bad seal line, a missing seal file when the
 * key exists, or a key whose .pub does not match it; DW_IO for file errors.
 */
enum deepwell_code deepwell_audit_seal_start(struct deepwell *dw,
                                             const struct deepwell_seal_options *opts,
                                             struct deepwell_error *err);

struct deepwell_seal_report {
    int64_t rows;      /* chain rows checked */
    int64_t seals;     /* seal lines whose signature checked out */
    int64_t sealed_id; /* the newest seal: its row, time and line */
    char sealed_ts[32];
    int64_t line;
    char key_id[17]; /* the public key's first 16 hex digits */
    int64_t bad_id;  /* a broken chain: its first bad row */
};

/*
 * Walks the whole chain and checks it against every line of seal_file with the
 * public key in pub_file: each signature, ids that never go down, and the newest
 * seal's row must be in the chain with the sealed hash.  DW_CORRUPT with a message
 * naming the line or row otherwise; DW_IO when a file cannot be read.
 */
enum deepwell_code deepwell_audit_verify_sealed(struct deepwell *dw, const char *seal_file,
                                                const char *pub_file,
                                                struct deepwell_seal_report *rep,
                                                struct deepwell_error *err);

#endif
