/*
 * throttle.h - slowing down password guessing.
 *
 * Failed logins are counted per account ("user:<name lower-case>", also for names
 * that do not exist, so unknown and known accounts behave alike) and per client
 * address ("addr:<ip>").  Past the configured number of failures a key is blocked
 * for a backoff that doubles with each further failure, up to a maximum.  An attempt
 * is counted as a failure before its hash and given back only when it proved good.
 */
#ifndef SCIPNET_SERVER_THROTTLE_H
#define SCIPNET_SERVER_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"

struct server;

#define THROTTLE_KEY_MAX 96

void throttle_user_key(const char *name, char out[THROTTLE_KEY_MAX]);
void throttle_addr_key(const char *ip, char out[THROTTLE_KEY_MAX]);

/* One login attempt's reservation on its account and address keys. */
struct throttle_ticket {
    struct deepwell_login_failures user, addr; /* the rows as the reservation left them */
};

/*
 * Counts this attempt as a failure on both keys before its password is checked (so
 * pipelined, parallel and other servers' attempts all see it).  When either key is
 * blocked nothing is counted: *retry_after_s > 0 and *blocked_key names the key.
 */
enum deepwell_code throttle_reserve(struct server *srv, const char *user_key, const char *addr_key,
                                    int64_t now_ms, struct throttle_ticket *ticket,
                                    int64_t *retry_after_s, const char **blocked_key,
                                    struct deepwell_error *err);
/*
 * The password was right.  login: the account's failures up to this attempt are
 * forgiven (later attempts still in flight stay counted); the address gets back
 * only this attempt.  !login (the account is disabled): both keys get this one back.
 */
enum deepwell_code throttle_release(struct server *srv, const char *user_key, const char *addr_key,
                                    const struct throttle_ticket *ticket, bool login,
                                    struct deepwell_error *err);

/*
 * Refusals of blocked keys are summarised (server/refusals.h): start before the first
 * login, stop (which writes every count left) before the store closes.
 */
int throttle_refusals_start(struct server *srv);
void throttle_refusals_stop(struct server *srv);
/* true: audit this refusal with its reply; false: it is counted for a summary row. */
bool throttle_refusal_audited(struct server *srv, const char *blocked_key, const char *name,
                              const char *client, int64_t user_id, int64_t now_ms);

/* The backoff in seconds after `failures` failures with a limit of `max_failures`; 0 = none. */
int64_t throttle_backoff_s(int failures, int max_failures, int base_s, int max_s);

#endif
