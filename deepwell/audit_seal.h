/*
 * audit_seal.h - seal lines, keys and the seal file (internal to deepwell/; the
 * interface is seal.h).
 *
 *   audit_seal.c        keys, the line format, signing and checking, the file
 *   audit_seal_check.c  start-up (the store against the newest seal) and verify
 */
#ifndef SCIPNET_DEEPWELL_AUDIT_SEAL_H
#define SCIPNET_DEEPWELL_AUDIT_SEAL_H

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "deepwell/audit.h"
#include "deepwell/seal.h"

/* Longest seal line read back, newline included; a real one is about 300 bytes. */
#define DEEPWELL_SEAL_LINE_MAX 512

struct deepwell_seal {
    int64_t id;
    uint8_t hash[DEEPWELL_AUDIT_HASH_BYTES];
    char ts[32];
};

/* The server's signing side: its key and its seal file, open for appending. */
struct deepwell_sealer;

/*
 * Loads or makes the key pair and opens the seal file (see seal.h for what a
 * missing file means).  *newest gets the file's last seal, *have_newest whether
 * there is one; its signature is checked.
 */
enum deepwell_code deepwell_sealer_open(const struct deepwell_seal_paths *paths,
                                        struct deepwell_sealer **out, struct deepwell_seal *newest,
                                        bool *have_newest, struct deepwell_error *err);
/* Signs tip as of now, appends the line to the seal file (synced) and logs it. */
enum deepwell_code deepwell_sealer_seal(struct deepwell_sealer *s,
                                        const struct deepwell_audit_tip *tip,
                                        struct deepwell_error *err);
/* Wipes the key and closes the file. */
void deepwell_sealer_free(struct deepwell_sealer *s);
const char *deepwell_sealer_file(const struct deepwell_sealer *s);

/* Reads a public key file. */
enum deepwell_code deepwell_seal_read_pub(const char *path, uint8_t pk[crypto_sign_PUBLICKEYBYTES],
                                          struct deepwell_error *err);
/*
 * Parses one line (its newline removed) and checks its signature with pk: DW_OK,
 * or DW_CORRUPT with *why saying what is wrong.
 */
enum deepwell_code deepwell_seal_parse(const char *line,
                                       const uint8_t pk[crypto_sign_PUBLICKEYBYTES],
                                       struct deepwell_seal *out, const char **why);

/*
 * Reads the next line of f into buf (size DEEPWELL_SEAL_LINE_MAX), without its
 * newline: 1 a line, 0 the end, -1 a line too long or without its newline.
 */
int deepwell_seal_next_line(FILE *f, char *buf);

/* audit.c: the audit thread seals after commits from now on and at stop; it owns s. */
void deepwell_audit_attach_sealer(struct deepwell *dw, struct deepwell_sealer *s, int rows,
                                  int interval_s, int min_gap_ms,
                                  const struct deepwell_audit_tip *sealed);

#endif
