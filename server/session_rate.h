/*
 * session_rate.h - a token bucket per session: `rate` requests a second sustained,
 * `burst` at once.  One session cannot take the server's workers from everyone else.
 *
 * Kept in this server's memory, keyed by session id (several servers on one shared
 * store each allow the full rate).  The table is bounded: an entry whose bucket has
 * refilled is as good as none and is dropped when room is needed; when every entry
 * is still in use the new session is refused too (fails closed).  Thread-safe.
 */
#ifndef SCIPNET_SERVER_SESSION_RATE_H
#define SCIPNET_SERVER_SESSION_RATE_H

#include <stdbool.h>
#include <stdint.h>

#define SESSION_RATE_ENTRIES 65536 /* sessions with a bucket not yet refilled */

struct session_rate;

/* max_entries: the table's bound (SESSION_RATE_ENTRIES; smaller in tests). */
struct session_rate *session_rate_new(int rate, int burst, int max_entries);
void session_rate_free(struct session_rate *sr);
/*
 * Takes one token for session_id at now_ms (monotonic).  true = go on; false =
 * refused, *retry_after_s = whole seconds until a token is there (at least 1).
 */
bool session_rate_take(struct session_rate *sr, int64_t session_id, int64_t now_ms,
                       int64_t *retry_after_s);

#endif
