/* pwtiming.c - equal time for "no such user" and "wrong password". */
#include "server/pwtiming.h"

#include "common/log.h"

#include <inttypes.h>
#include <stdbool.h>
#include <pthread.h>
#include <time.h>

/*
 * Recent dummy verify costs (microseconds).  The padding uses their minimum: one
 * sample taken during a load spike must not make every wrong password slower than
 * an unknown name.
 */
#define COST_SAMPLES 8

/* Verify refuses stored hashes costlier than these (or 4x the configured limits). */
#define CEILING_MEMORY_KIB 262144ULL
#define CEILING_PASSES     16ULL

static pthread_mutex_t cost_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t cost_samples[COST_SAMPLES];
static unsigned cost_next;
static struct deepwell_pwhash_limits dummy_limits; /* set by pwtiming_init */
static bool dummy_set;

int64_t pwtiming_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void record_cost(int64_t cost)
{
    pthread_mutex_lock(&cost_lock);
    cost_samples[cost_next++ % COST_SAMPLES] = cost;
    pthread_mutex_unlock(&cost_lock);
}

int64_t pwtiming_typical_us(void)
{
    int64_t low = 0;
    pthread_mutex_lock(&cost_lock);
    for (int i = 0; i < COST_SAMPLES; i++)
        if (cost_samples[i] > 0 && (low == 0 || cost_samples[i] < low))
            low = cost_samples[i];
    pthread_mutex_unlock(&cost_lock);
    return low;
}

void pwtiming_dummy_limits(const struct deepwell_pwhash_limits *configured,
                           struct deepwell_pwhash_limits *out)
{
    pthread_mutex_lock(&cost_lock);
    *out = dummy_set ? dummy_limits : *configured;
    pthread_mutex_unlock(&cost_lock);
}

static void set_dummy_limits(const struct deepwell_pwhash_limits *limits)
{
    pthread_mutex_lock(&cost_lock);
    dummy_limits = *limits;
    dummy_set = true;
    pthread_mutex_unlock(&cost_lock);
}

static void timed_dummy(const char *password, const struct deepwell_pwhash_limits *configured)
{
    struct deepwell_pwhash_limits limits;
    pwtiming_dummy_limits(configured, &limits);
    int64_t t0 = pwtiming_now_us();
    deepwell_password_dummy_verify(password, &limits);
    record_cost(pwtiming_now_us() - t0);
}

/*
 * The higher of the configured limits and the stored median (each of memory and
 * passes), within what verify accepts.  Never below the configured limits: a wrong
 * password for a cheaper stored hash is padded up to the dummy's cost, so the dummy
 * must cost at least what both a typical stored hash and a new one cost.
 */
static void typical_limits(struct deepwell *dw, const struct deepwell_pwhash_limits *configured,
                           struct deepwell_pwhash_limits *out)
{
    *out = *configured;
    uint64_t memory_kib = 0, passes = 0;
    int found = 0;
    struct deepwell_error err;
    if (deepwell_password_typical_cost(dw, PWTIMING_SAMPLE, &memory_kib, &passes, &found, &err) !=
        DW_OK) {
        log_warning("login",
                    "cannot read the stored password costs (%s); unknown names cost"
                    " a verify at the configured limits",
                    err.message);
        return;
    }
    if (found == 0)
        return;
    uint64_t max_kib = 4 * (uint64_t)(configured->memlimit / 1024);
    uint64_t max_passes = 4 * (uint64_t)configured->opslimit;
    if (max_kib < CEILING_MEMORY_KIB)
        max_kib = CEILING_MEMORY_KIB;
    if (max_passes < CEILING_PASSES)
        max_passes = CEILING_PASSES;
    if (memory_kib > max_kib)
        memory_kib = max_kib;
    if (passes > max_passes)
        passes = max_passes;
    if (memory_kib * 1024 > configured->memlimit)
        out->memlimit = (size_t)memory_kib * 1024;
    if (passes > configured->opslimit)
        out->opslimit = passes;
}

int pwtiming_init(struct deepwell *dw, const struct deepwell_pwhash_limits *configured)
{
    struct deepwell_pwhash_limits limits;
    typical_limits(dw, configured, &limits);
    set_dummy_limits(&limits);
    /*
     * Make the dummy hash now and time a verify of it: otherwise the first failed
     * login after a start pays for making it, and the first wrong password, with no
     * cost measured, is padded by a whole extra verify.
     */
    char hash[DEEPWELL_HASH_MAX];
    if (deepwell_password_hash("scipnet-warm-up", &limits, hash) != 0) {
        log_warning("login",
                    "cannot hash at the stored cost m=%zu KiB, t=%llu; unknown names"
                    " cost a verify at the configured limits",
                    limits.memlimit / 1024, limits.opslimit);
        limits = *configured;
        set_dummy_limits(&limits);
        if (deepwell_password_hash("scipnet-warm-up", &limits, hash) != 0) {
            log_error("login", "cannot hash at the configured argon2 limits");
            return -1;
        }
    }
    deepwell_password_dummy_verify("scipnet-warm-up", &limits); /* makes the dummy hash */
    timed_dummy("scipnet-warm-up", &limits);
    log_info("login", "unknown names cost a verify at m=%zu KiB, t=%llu (%" PRId64 " us)",
             limits.memlimit / 1024, limits.opslimit, pwtiming_typical_us());
    return 0;
}

void pwtiming_dummy_verify(const char *password, const struct deepwell_pwhash_limits *configured)
{
    timed_dummy(password, configured);
}

void pwtiming_pad_failure(int64_t spent_us, const struct deepwell_pwhash_limits *configured)
{
    int64_t cost = pwtiming_typical_us();
    if (cost == 0 || spent_us < cost / 2) {
        /*
         * Far too quick (a hash made at tiny limits), or nothing measured yet: do the
         * real work of a dummy verify, which slows down under load exactly as the
         * unknown-user path does.
         */
        timed_dummy("scipnet-timing-pad", configured);
        return;
    }
    int64_t wait = cost - spent_us;
    if (wait <= 0)
        return;
    struct timespec ts = {(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0)
        ;
}
