/*
 * password.h - password hashing and verification.
 *
 * New hashes are argon2id (libsodium crypto_pwhash_str).  Verification also accepts
 * werkzeug scrypt hashes ("scrypt:N:r:p$salt$hexhash") imported from the original
 * SCiPNET; those report needs_rehash so the caller upgrades them on a good login.
 */
#ifndef SCIPNET_DEEPWELL_PASSWORD_H
#define SCIPNET_DEEPWELL_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/foundation.h"
#include "deepwell/deepwell.h"

/*
 * The one password policy: the server's create of a user, `deepwell user add` and
 * `deepwell user passwd` all check it.  At least MIN characters (UTF-8 code points,
 * so a short password of two-byte letters is still short), at most MAX bytes.
 */
#define DEEPWELL_PASSWORD_MIN 8
#define DEEPWELL_PASSWORD_MAX FOUNDATION_PASSWORD_MAX

/* NULL when password meets the policy, else why not: one sentence for the user. */
const char *deepwell_password_policy_error(const char *password);

struct deepwell_pwhash_limits {
    unsigned long long opslimit;
    size_t memlimit; /* bytes */
};

/* libsodium's INTERACTIVE limits (ops 2, 64 MiB). */
void deepwell_pwhash_limits_default(struct deepwell_pwhash_limits *limits);

/* 0 on success; -1 when out of memory or the password is empty. */
int deepwell_password_hash(const char *password, const struct deepwell_pwhash_limits *limits,
                           char out[DEEPWELL_HASH_MAX]);

enum deepwell_pw_result {
    DW_PW_OK,
    DW_PW_MISMATCH,
    DW_PW_UNUSABLE, /* empty, plaintext or an unknown format: never matches */
};

/* needs_rehash: true when the hash is not argon2id at the given limits. */
enum deepwell_pw_result deepwell_password_verify(const char *hash, const char *password,
                                                 const struct deepwell_pwhash_limits *limits,
                                                 bool *needs_rehash);

/* True when the stored hash is a format verify understands (argon2id or werkzeug scrypt). */
bool deepwell_password_hash_usable(const char *hash);

/* Burns the same time as a real verify, for unknown users (no user enumeration by timing). */
void deepwell_password_dummy_verify(const char *password,
                                    const struct deepwell_pwhash_limits *limits);

#endif
