/* pwtiming.c - equal time for "no such user" and "wrong password". */
#include "server/pwtiming.h"

#include <pthread.h>
#include <time.h>

/*
 * Recent dummy verify costs (microseconds).  The padding uses their minimum: one
 * sample taken during a load spike must not make every wrong password slower than
 * an unknown name.
 */
#define COST_SAMPLES 8

static pthread_mutex_t cost_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t cost_samples[COST_SAMPLES];
static unsigned cost_next;

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

/* The lowest recent cost; 0 when none was measured yet. */
static int64_t typical_cost(void)
{
    int64_t low = 0;
    pthread_mutex_lock(&cost_lock);
    for (int i = 0; i < COST_SAMPLES; i++)
        if (cost_samples[i] > 0 && (low == 0 || cost_samples[i] < low))
            low = cost_samples[i];
    pthread_mutex_unlock(&cost_lock);
    return low;
}

static void timed_dummy(const char *password, const struct deepwell_pwhash_limits *limits)
{
    int64_t t0 = pwtiming_now_us();
    deepwell_password_dummy_verify(password, limits);
    record_cost(pwtiming_now_us() - t0);
}

void pwtiming_dummy_verify(const char *password, const struct deepwell_pwhash_limits *limits)
{
    timed_dummy(password, limits);
}

void pwtiming_pad_failure(int64_t spent_us, const struct deepwell_pwhash_limits *limits)
{
    int64_t cost = typical_cost();
    if (cost == 0 || spent_us < cost / 2) {
        /*
         * Far too quick (a hash made at tiny limits), or nothing measured yet: do the
         * real work of a dummy verify, which slows down under load exactly as the
         * unknown-user path does.
         */
        timed_dummy("scipnet-timing-pad", limits);
        return;
    }
    int64_t wait = cost - spent_us;
    if (wait <= 0)
        return;
    struct timespec ts = {(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0)
        ;
}
