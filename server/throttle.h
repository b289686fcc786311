/*
 * throttle.h - slowing down password guessing.
 *
 * Failed logins are counted per account ("user:<name lower-case>", also for names
 * that do not exist, so unknown and known accounts behave alike) and per client
 * address ("addr:<ip>").  Past the configured number of failures a key is blocked
 * for a backoff that doubles with each further failure, up to a maximum.
 */
#ifndef SCIPNET_SERVER_THROTTLE_H
#define SCIPNET_SERVER_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"

struct server;

#define THROTTLE_KEY_MAX 96

void throttle_user_key(const char *name, char out[THROTTLE_KEY_MAX]);
void throttle_addr_key(const char *ip, char out[THROTTLE_KEY_MAX]);

/* *retry_after_s > 0 when either key is blocked now. */
enum deepwell_code throttle_check(struct server *srv, const char *user_key, const char *addr_key,
                                  int64_t now_ms, int64_t *retry_after_s,
                                  struct deepwell_error *err);
/* Counts one failure on both keys and blocks them once over their limits. */
enum deepwell_code throttle_failure(struct server *srv, const char *user_key, const char *addr_key,
                                    int64_t now_ms, struct deepwell_error *err);
/* A good login clears the account's count. */
enum deepwell_code throttle_success(struct server *srv, const char *user_key,
                                    struct deepwell_error *err);

/* The backoff in seconds after `failures` failures with a limit of `max_failures`; 0 = none. */
int64_t throttle_backoff_s(int failures, int max_failures, int base_s, int max_s);

#endif
