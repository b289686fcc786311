/* session_rate.c - token buckets per session (see session_rate.h). */
#include "server/session_rate.h"
#include "server/chains.h"

#include <pthread.h>
#include <stdlib.h>

#define RATE_BUCKETS 16384 /* hash chains */

struct rate_entry {
    struct rate_entry *next;
    int64_t session_id;
    double tokens;
    int64_t last_ms; /* when tokens was last brought up to date */
};

struct session_rate {
    pthread_mutex_t mu;
    double rate, burst;
    int max_entries, entries;
    int64_t last_sweep_ms;
    struct rate_entry *chains[RATE_BUCKETS];
};

struct session_rate *session_rate_new(int rate, int burst, int max_entries)
{
    if (rate < 1 || burst < 1 || max_entries < 1)
        return NULL;
    struct session_rate *sr = calloc(1, sizeof(*sr));
    if (sr == NULL)
        return NULL;
    pthread_mutex_init(&sr->mu, NULL);
    sr->rate = rate;
    sr->burst = burst;
    sr->max_entries = max_entries;
    sr->last_sweep_ms = INT64_MIN / 2;
    return sr;
}

void session_rate_free(struct session_rate *sr)
{
    if (sr == NULL)
        return;
    CHAINS_FREE(sr->chains, RATE_BUCKETS);
    pthread_mutex_destroy(&sr->mu);
    free(sr);
}

/* Session ids are the store's row ids: sequential, so a multiplicative hash spreads them. */
static size_t chain_of(int64_t session_id)
{
    return (size_t)(((uint64_t)session_id * 0x9E3779B97F4A7C15ull) >> 50) % RATE_BUCKETS;
}

static double refilled(const struct session_rate *sr, const struct rate_entry *e, int64_t now_ms)
{
    double t = e->tokens + (double)(now_ms - e->last_ms) * sr->rate / 1000.0;
    return t > sr->burst ? sr->burst : t;
}

/* Drops every entry whose bucket is full again; at most every 100 ms (it walks them all). */
static void sweep(struct session_rate *sr, int64_t now_ms)
{
    if (now_ms - sr->last_sweep_ms < 100)
        return;
    sr->last_sweep_ms = now_ms;
    for (size_t i = 0; i < RATE_BUCKETS; i++) {
        struct rate_entry **p = &sr->chains[i];
        while (*p != NULL) {
            struct rate_entry *e = *p;
            if (refilled(sr, e, now_ms) >= sr->burst) {
                *p = e->next;
                free(e);
                sr->entries--;
            } else {
                p = &e->next;
            }
        }
    }
}

/* The session's entry, made with a full bucket; NULL when the table is full. */
static struct rate_entry *entry_of(struct session_rate *sr, int64_t session_id, int64_t now_ms)
{
    struct rate_entry **chain = &sr->chains[chain_of(session_id)];
    for (struct rate_entry *e = *chain; e != NULL; e = e->next)
        if (e->session_id == session_id)
            return e;
    if (sr->entries >= sr->max_entries)
        sweep(sr, now_ms);
    if (sr->entries >= sr->max_entries)
        return NULL;
    struct rate_entry *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return NULL;
    e->session_id = session_id;
    e->tokens = sr->burst;
    e->last_ms = now_ms;
    e->next = *chain;
    *chain = e;
    sr->entries++;
    return e;
}

bool session_rate_take(struct session_rate *sr, int64_t session_id, int64_t now_ms,
                       int64_t *retry_after_s)
{
    pthread_mutex_lock(&sr->mu);
    struct rate_entry *e = entry_of(sr, session_id, now_ms);
    bool ok = false;
    double tokens = 0;
    if (e != NULL) {
        if (now_ms > e->last_ms) { /* a clock read on another thread may lag ours */
            e->tokens = refilled(sr, e, now_ms);
            e->last_ms = now_ms;
        }
        tokens = e->tokens;
        if (tokens >= 1.0) {
            e->tokens -= 1.0;
            ok = true;
        }
    }
    pthread_mutex_unlock(&sr->mu);
    if (!ok) {
        /* Whole seconds until one token: the reply's retry_after. */
        double wait_s = (1.0 - tokens) / sr->rate;
        int64_t s = (int64_t)wait_s;
        *retry_after_s = s < 1 ? 1 : (s < wait_s ? s + 1 : s);
    }
    return ok;
}
