/*
 * sessions.h - the store's sessions (only a hash of each token is kept) and the login
 * throttle's counts: part of the public interface deepwell.h offers, which includes it.
 */
#ifndef SCIPNET_DEEPWELL_SESSIONS_H
#define SCIPNET_DEEPWELL_SESSIONS_H

#include "deepwell/deepwell.h"

/* ---- sessions ---------------------------------------------------------------------- */
/* Only a hash of the token is ever stored; the token itself never reaches the store. */

#define DEEPWELL_TOKEN_HASH_BYTES 32

struct deepwell_session {
    int64_t id;
    int64_t user_id;
    int64_t created_ms;
    int64_t last_seen_ms;
    int64_t expires_ms; /* absolute lifetime end */
    bool revoked;
};

enum deepwell_code deepwell_session_create(struct deepwell *dw,
                                           const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES],
                                           int64_t user_id, const char *client_addr, int64_t now_ms,
                                           int64_t expires_ms, struct deepwell_error *err);
enum deepwell_code deepwell_session_find(struct deepwell *dw,
                                         const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES],
                                         struct deepwell_session *out, struct deepwell_error *err);
/*
 * The session and its user row read together, in one statement (one read transaction):
 * as deepwell_session_find then deepwell_user_find by the session's user_id.  The user
 * is all zero (id 0) when its row no longer exists.
 */
enum deepwell_code deepwell_session_find_with_user(struct deepwell *dw,
                                                   const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES],
                                                   struct deepwell_session *session,
                                                   struct deepwell_user *user,
                                                   struct deepwell_error *err);
/*
 * As deepwell_session_find_with_user, and in the same statement (one round trip) the
 * head of SCP file number-suffix, as deepwell_scp_get_head: a read's session and file
 * together.  *scp_found is false (scp zeroed) when there is no such file; otherwise free
 * scp with deepwell_scp_free.
 */
enum deepwell_code deepwell_session_find_with_scp_head(
    struct deepwell *dw, const uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES], int number,
    const char *suffix, struct deepwell_session *session, struct deepwell_user *user,
    struct deepwell_scp *scp, bool *scp_found, struct deepwell_error *err);
enum deepwell_code deepwell_session_touch(struct deepwell *dw, int64_t session_id, int64_t now_ms,
                                          struct deepwell_error *err);
enum deepwell_code deepwell_session_revoke(struct deepwell *dw, int64_t session_id,
                                           struct deepwell_error *err);
enum deepwell_code deepwell_session_revoke_user(struct deepwell *dw, int64_t user_id,
                                                struct deepwell_error *err);
/*
 * Ends (revokes) a user's live sessions (as in count_live) beyond the newest `keep`;
 * *ended (may be NULL) = how many.  The cap on sessions per user.
 */
enum deepwell_code deepwell_session_trim_user(struct deepwell *dw, int64_t user_id, int64_t now_ms,
                                              int64_t idle_cutoff_ms, int64_t keep, int64_t *ended,
                                              struct deepwell_error *err);
/* Sessions neither revoked nor past expires_ms nor idle since before idle_cutoff_ms. */
enum deepwell_code deepwell_session_count_live(struct deepwell *dw, int64_t now_ms,
                                               int64_t idle_cutoff_ms, int64_t *count,
                                               struct deepwell_error *err);

/* Who is online: live sessions (as in count_live) with their users, newest seen first. */
struct deepwell_session_query {
    int64_t now_ms, idle_cutoff_ms;
    int max_level;      /* sessions of users above this clearance are left out */
    int64_t user_id;    /* 0 = any user */
    int64_t session_id; /* 0 = any session */
    int64_t offset;
    int limit; /* at least 1 */
};

struct deepwell_session_row {
    int64_t id, user_id;
    char user_name[DEEPWELL_NAME_MAX];
    int clearance;
    char client_addr[64];
    int64_t created_ms, last_seen_ms, expires_ms;
};

struct deepwell_session_rows {
    size_t count;
    bool more; /* rows past the limit remain */
    struct deepwell_session_row *rows;
};

enum deepwell_code deepwell_session_list(struct deepwell *dw,
                                         const struct deepwell_session_query *q,
                                         struct deepwell_session_rows *out,
                                         struct deepwell_error *err);
void deepwell_session_rows_free(struct deepwell_session_rows *rows);
/* As deepwell_session_revoke_user; *ended = how many sessions it ended. */
enum deepwell_code deepwell_session_revoke_user_count(struct deepwell *dw, int64_t user_id,
                                                      int64_t *ended, struct deepwell_error *err);

/* ---- login throttling ------------------------------------------------------------- */
/*
 * Failed-login counters live in the store so they survive a restart (and, with a
 * shared engine, are shared by several servers).  key is "user:<name lower-case>"
 * or "addr:<ip>".
 */

struct deepwell_login_failures {
    int failures;
    int64_t last_failure_ms;
    int64_t blocked_until_ms; /* 0 = not blocked */
};

enum deepwell_code deepwell_login_failures_get(struct deepwell *dw, const char *key,
                                               struct deepwell_login_failures *out,
                                               struct deepwell_error *err);
/* Adds one failure and stores blocked_until_ms (the caller computes the backoff). */
enum deepwell_code deepwell_login_failures_record(struct deepwell *dw, const char *key,
                                                  int64_t now_ms, int64_t blocked_until_ms,
                                                  struct deepwell_login_failures *out,
                                                  struct deepwell_error *err);
enum deepwell_code deepwell_login_failures_reset(struct deepwell *dw, const char *key,
                                                 struct deepwell_error *err);

/* When a key is blocked: the backoff doubles from base_s per failure past max_failures. */
struct deepwell_throttle_policy {
    int max_failures;
    int backoff_base_s;
    int backoff_max_s;
};

/*
 * Reserves one login attempt: counts it as a failure before its password is checked,
 * and blocks the key once the count reaches the limit, all in one statement, so no
 * more attempts than the limit pass however many servers and workers ask at once.
 * *granted false (nothing counted) when the key is blocked at now_ms; *out is the
 * key's row either way.
 */
enum deepwell_code
deepwell_login_failures_reserve(struct deepwell *dw, const char *key, int64_t now_ms,
                                const struct deepwell_throttle_policy *policy, bool *granted,
                                struct deepwell_login_failures *out, struct deepwell_error *err);
/*
 * Gives back `count` failures of a reservation that proved good (*reserved is what
 * the reservation returned), and lifts the block when the count falls under
 * max_failures or the block is the one that reservation set.
 */
enum deepwell_code deepwell_login_failures_release(struct deepwell *dw, const char *key, int count,
                                                   const struct deepwell_login_failures *reserved,
                                                   int max_failures, struct deepwell_error *err);

/*
 * The argon2id cost of a typical stored password hash: the medians of the memory
 * (KiB) and passes of the newest `sample` (1-10000) argon2id hashes.  *found is how
 * many were read; 0 leaves the outputs alone (no argon2id hash stored).
 */
enum deepwell_code deepwell_password_typical_cost(struct deepwell *dw, int sample,
                                                  uint64_t *memory_kib, uint64_t *passes,
                                                  int *found, struct deepwell_error *err);

#endif
