/*
 * session.h - login sessions.
 *
 * A token is 32 random bytes in base64url (43 characters); the store only ever
 * sees its BLAKE2b-256 hash, so a copy of the database cannot be used to log in.
 */
#ifndef SCIPNET_SERVER_SESSION_H
#define SCIPNET_SERVER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"

#define SESSION_TOKEN_LEN 43

struct request;

/* Hash of a token as stored. */
void session_token_hash(const char *token, size_t length, uint8_t out[DEEPWELL_TOKEN_HASH_BYTES]);
/* True for exactly 43 base64url characters. */
bool session_token_well_formed(const char *token);

/*
 * Checks req's token and loads req->session and req->user.  On failure sets the
 * reply (unauthenticated, or unavailable) and any audit row, and returns false.
 */
bool session_require(struct request *req);

/* Starts a session for req->user; fills token and the seconds it lives.  false = reply set. */
bool session_start(struct request *req, char token[SESSION_TOKEN_LEN + 1], int64_t *expires_in_s);

/* Seconds left of the absolute lifetime of req->session. */
int64_t session_expires_in(const struct request *req);

#endif
