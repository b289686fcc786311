/*
 * refusals.h - repeated login refusals, summarised for the audit log.
 *
 * A login for a blocked key costs no hash, so refusals can come by the thousand a
 * second.  The first refusal of a key in a window is audited at once, like any
 * request (the reply waits for the row); the later ones of that window are only
 * counted here, and each key's count becomes one summary row when its window ends,
 * or at shutdown.  The table is bounded: when it is full, a refusal of a new key is
 * audited at once too.  Nothing is dropped, but a crash loses the counts not yet
 * written (at most one window's worth).
 */
#ifndef SCIPNET_SERVER_REFUSALS_H
#define SCIPNET_SERVER_REFUSALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deepwell/deepwell.h"
#include "server/throttle.h"

#define REFUSALS_WINDOW_MS 60000 /* one summary row per key per minute at most */
#define REFUSALS_CAPACITY  1024  /* keys counted at once */

struct refusal_summary {
    char key[THROTTLE_KEY_MAX];   /* the blocked key */
    char name[DEEPWELL_NAME_MAX]; /* the last name tried */
    char client[64];              /* the last client address */
    int64_t user_id;              /* the account, when the key is one; else 0 */
    int64_t count;                /* refusals not audited one by one */
    int64_t window_start_ms, last_ms;
};

/* Writes one summary (on the flushing thread); returns false when it could not. */
typedef bool (*refusals_emit_fn)(void *arg, const struct refusal_summary *summary);

struct refusals;

struct refusals *refusals_new(size_t capacity, int64_t window_ms, refusals_emit_fn emit, void *arg);
/*
 * One refusal of key at now_ms.  true: audit it now (the first of its key in this
 * window, or no room to count it); false: it is counted for the summary.
 */
bool refusals_note(struct refusals *r, const char *key, const char *name, const char *client,
                   int64_t user_id, int64_t now_ms);
/* Emits and forgets every window that ended by now_ms (INT64_MAX: all); returns rows emitted. */
size_t refusals_flush(struct refusals *r, int64_t now_ms);
/* A thread that flushes ended windows every tick_ms until refusals_free. */
int refusals_start(struct refusals *r, int tick_ms);
/* Stops the thread, emits every count left and frees. */
void refusals_free(struct refusals *r);

#endif
