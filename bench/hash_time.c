/*
 * hash_time.c - `--mode hash-time`: how long one argon2id hash takes at the server's
 * limits.  A login costs one such hash, so cores / this time is the ceiling on
 * logins per second that the login storm is judged against.
 *
 * That ceiling assumes the cores hash as fast together as one does alone.  To show
 * how far this machine falls short of it with no server in the way, the mode then
 * runs one thread per core, each hashing back to back, and reports their rate.
 */
#include "bench/modes.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench/driver.h"
#include "bench/report.h"

/* Holds the hashing threads until all exist, so they begin at the same moment. */
struct start_gate {
    pthread_mutex_t lock;
    pthread_cond_t opened;
    bool open, cancelled;
};

struct hasher {
    const struct bench_options *opt;
    struct start_gate *gate;
    pthread_t thread;
    int failed;
};

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int hash_once(const struct bench_options *opt)
{
    char hash[crypto_pwhash_STRBYTES];
    size_t memlimit = (size_t)opt->argon2_mem_kib * 1024;
    return crypto_pwhash_str(hash, opt->password, strlen(opt->password), opt->argon2_ops, memlimit);
}

static void *hash_back_to_back(void *arg)
{
    struct hasher *h = arg;
    struct start_gate *gate = h->gate;
    pthread_mutex_lock(&gate->lock);
    while (!gate->open)
        pthread_cond_wait(&gate->opened, &gate->lock);
    bool cancelled = gate->cancelled;
    pthread_mutex_unlock(&gate->lock);
    if (cancelled)
        return NULL;
    for (unsigned i = 0; i < h->opt->hash_count && !h->failed; i++)
        h->failed = hash_once(h->opt) != 0;
    return NULL;
}

/* Hashes per second with one thread per core hashing at once; -1 on failure. */
static double parallel_rate(const struct bench_options *opt, long cores)
{
    struct start_gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false};
    struct hasher *hashers = calloc((size_t)cores, sizeof(*hashers));
    if (hashers == NULL)
        return -1;
    long started = 0;
    for (; started < cores; started++) {
        hashers[started].opt = opt;
        hashers[started].gate = &gate;
        if (pthread_create(&hashers[started].thread, NULL, hash_back_to_back, &hashers[started]) !=
            0)
            break;
    }
    bool failed = started < cores;
    pthread_mutex_lock(&gate.lock);
    gate.open = true;
    gate.cancelled = failed; /* a thread missing: the others leave without hashing */
    pthread_cond_broadcast(&gate.opened);
    pthread_mutex_unlock(&gate.lock);
    uint64_t start = bench_now_ns();
    for (long i = 0; i < started; i++) {
        pthread_join(hashers[i].thread, NULL);
        failed = failed || hashers[i].failed;
    }
    double elapsed_s = (double)(bench_now_ns() - start) / 1e9;
    free(hashers);
    if (failed || elapsed_s <= 0)
        return -1;
    return (double)cores * opt->hash_count / elapsed_s;
}

int mode_hash_time(const struct bench_options *opt)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "scipnet-bench: libsodium failed to start\n");
        return 2;
    }
    uint64_t *times = calloc(opt->hash_count, sizeof(*times));
    if (!times)
        return 2;
    for (unsigned i = 0; i < opt->hash_count; i++) {
        uint64_t start = bench_now_ns();
        if (hash_once(opt) != 0) {
            fprintf(stderr, "scipnet-bench: crypto_pwhash_str failed (out of memory?)\n");
            free(times);
            return 2;
        }
        times[i] = bench_now_ns() - start;
    }
    qsort(times, opt->hash_count, sizeof(*times), compare_u64);
    double median_ms = (double)times[opt->hash_count / 2] / 1e6;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    double ceiling = median_ms > 0 ? (double)cores * 1000.0 / median_ms : 0;
    /* Without it the ceiling still stands: say so and report the rest. */
    double parallel = parallel_rate(opt, cores);
    if (parallel < 0)
        fprintf(stderr, "scipnet-bench: hashing on every core at once failed (out of memory?); "
                        "reporting the one-hash time only\n");

    struct report r;
    report_init(&r);
    report_str(&r, "mode", "hash-time");
    report_int(&r, "argon2_opslimit", (long long)opt->argon2_ops);
    report_int(&r, "argon2_memlimit_kib", (long long)opt->argon2_mem_kib);
    report_int(&r, "hashes", opt->hash_count);
    report_num(&r, "hash_median_ms", median_ms, 2);
    report_num(&r, "hash_min_ms", (double)times[0] / 1e6, 2);
    report_int(&r, "cores", cores);
    report_num(&r, "ceiling_logins_per_s", ceiling, 2);
    if (parallel >= 0) {
        report_num(&r, "parallel_hashes_per_s", parallel, 2);
        report_num(&r, "parallel_of_ceiling", ceiling > 0 ? parallel / ceiling : 0, 3);
    }
    report_print(&r, opt->json);
    free(times);
    return 0;
}
