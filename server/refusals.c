/* refusals.c - counting repeated login refusals per key, flushed as summary rows. */
#include "server/refusals.h"

#include "common/log.h"
#include "common/timeutil.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct slot {
    bool used;
    struct refusal_summary s;
};

struct refusals {
    pthread_mutex_t lock;
    size_t capacity, used, nslots; /* nslots: twice the capacity, so probes stay short */
    struct slot *slots;
    int64_t window_ms;
    refusals_emit_fn emit;
    void *arg;

    pthread_t thread;
    bool running, stopping;
    pthread_cond_t wake;
    int tick_ms;
};

struct refusals *refusals_new(size_t capacity, int64_t window_ms, refusals_emit_fn emit, void *arg)
{
    if (capacity == 0 || window_ms <= 0 || emit == NULL)
        return NULL;
    struct refusals *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return NULL;
    r->nslots = capacity * 2;
    r->slots = calloc(r->nslots, sizeof(*r->slots));
    if (r->slots == NULL) {
        free(r);
        return NULL;
    }
    r->capacity = capacity;
    r->window_ms = window_ms;
    r->emit = emit;
    r->arg = arg;
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_t attr; /* the flusher waits on the monotonic clock */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&r->wake, &attr);
    pthread_condattr_destroy(&attr);
    return r;
}

/* FNV-1a: keys are short and chosen by clients, but a collision only costs a probe. */
static size_t key_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)h;
}

/* The key's slot, or the empty slot where it would go. */
static struct slot *find_slot(struct refusals *r, const char *key)
{
    size_t i = key_hash(key) % r->nslots;
    while (r->slots[i].used && strcmp(r->slots[i].s.key, key) != 0)
        i = (i + 1) % r->nslots;
    return &r->slots[i];
}

static void emit_one(struct refusals *r, const struct refusal_summary *s)
{
    if (!r->emit(r->arg, s))
        log_error("throttle", "summary of %" PRId64 " refused logins for %s not audited", s->count,
                  s->key);
}

static void remember(struct refusal_summary *s, const char *name, const char *client,
                     int64_t user_id, int64_t now_ms)
{
    snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
    snprintf(s->client, sizeof(s->client), "%s", client ? client : "");
    s->user_id = user_id;
    s->last_ms = now_ms;
}

bool refusals_note(struct refusals *r, const char *key, const char *name, const char *client,
                   int64_t user_id, int64_t now_ms)
{
    struct refusal_summary ended = {0};
    bool have_ended = false, audit_now = true;
    pthread_mutex_lock(&r->lock);
    struct slot *slot = find_slot(r, key);
    if (slot->used && now_ms < slot->s.window_start_ms + r->window_ms) {
        slot->s.count++;
        remember(&slot->s, name, client, user_id, now_ms);
        audit_now = false;
    } else if (slot->used) {
        /* Its window is over: this refusal opens the next one; the old count is written. */
        ended = slot->s;
        have_ended = ended.count > 0;
        slot->s.count = 0;
        slot->s.window_start_ms = now_ms;
        remember(&slot->s, name, client, user_id, now_ms);
    } else if (r->used < r->capacity) {
        slot->used = true;
        r->used++;
        memset(&slot->s, 0, sizeof(slot->s));
        snprintf(slot->s.key, sizeof(slot->s.key), "%s", key);
        slot->s.window_start_ms = now_ms;
        remember(&slot->s, name, client, user_id, now_ms);
    } /* else full: audited one by one until a flush makes room */
    pthread_mutex_unlock(&r->lock);
    if (have_ended)
        emit_one(r, &ended);
    return audit_now;
}

static bool window_over(const struct refusals *r, const struct slot *slot, int64_t now_ms)
{
    return now_ms == INT64_MAX || now_ms >= slot->s.window_start_ms + r->window_ms;
}

/* Whether a flush has anything to do: most ticks find nothing, and skip the rebuild. */
static bool any_over(const struct refusals *r, int64_t now_ms)
{
    if (r->used == 0)
        return false;
    for (size_t i = 0; i < r->nslots; i++)
        if (r->slots[i].used && window_over(r, &r->slots[i], now_ms))
            return true;
    return false;
}

size_t refusals_flush(struct refusals *r, int64_t now_ms)
{
    pthread_mutex_lock(&r->lock);
    if (!any_over(r, now_ms)) {
        pthread_mutex_unlock(&r->lock);
        return 0;
    }
    struct refusal_summary *due = malloc(r->capacity * sizeof(*due));
    size_t ndue = 0;
    if (due == NULL) {
        pthread_mutex_unlock(&r->lock);
        return 0; /* the counts stay; the next flush tries again */
    }
    /* Take the ended windows out, then put the rest back: open addressing has no delete. */
    struct slot *old = r->slots;
    struct slot *fresh = calloc(r->nslots, sizeof(*fresh));
    if (fresh == NULL) {
        pthread_mutex_unlock(&r->lock);
        free(due);
        return 0;
    }
    r->slots = fresh;
    r->used = 0;
    for (size_t i = 0; i < r->nslots; i++) {
        if (!old[i].used)
            continue;
        if (window_over(r, &old[i], now_ms)) {
            if (old[i].s.count > 0)
                due[ndue++] = old[i].s;
        } else {
            *find_slot(r, old[i].s.key) = old[i];
            r->used++;
        }
    }
    pthread_mutex_unlock(&r->lock);
    free(old);
    for (size_t i = 0; i < ndue; i++)
        emit_one(r, &due[i]);
    free(due);
    return ndue;
}

static void *flusher(void *arg)
{
    struct refusals *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stopping) {
        struct timespec deadline = time_mono_deadline(r->tick_ms);
        int rc = pthread_cond_timedwait(&r->wake, &r->lock, &deadline);
        if (r->stopping || (rc != 0 && rc != ETIMEDOUT))
            break;
        pthread_mutex_unlock(&r->lock);
        refusals_flush(r, time_now_ms());
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

int refusals_start(struct refusals *r, int tick_ms)
{
    r->tick_ms = tick_ms > 0 ? tick_ms : 1000;
    if (pthread_create(&r->thread, NULL, flusher, r) != 0)
        return -1;
    r->running = true;
    return 0;
}

void refusals_free(struct refusals *r)
{
    if (r == NULL)
        return;
    if (r->running) {
        pthread_mutex_lock(&r->lock);
        r->stopping = true;
        pthread_cond_signal(&r->wake);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
    }
    refusals_flush(r, INT64_MAX);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free(r->slots);
    free(r);
}
