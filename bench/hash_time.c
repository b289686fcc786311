/*
 * hash_time.c - `--mode hash-time`: how long one argon2id hash takes at the server's
 * limits.  A login costs one such hash, so cores / this time is the ceiling on
 * logins per second that the login storm is judged against.
 */
#include "bench/modes.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench/driver.h"
#include "bench/report.h"

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
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
    char hash[crypto_pwhash_STRBYTES];
    size_t memlimit = (size_t)opt->argon2_mem_kib * 1024;
    for (unsigned i = 0; i < opt->hash_count; i++) {
        uint64_t start = bench_now_ns();
        if (crypto_pwhash_str(hash, opt->password, strlen(opt->password), opt->argon2_ops,
                              memlimit) != 0) {
            fprintf(stderr, "scipnet-bench: crypto_pwhash_str failed (out of memory?)\n");
            free(times);
            return 2;
        }
        times[i] = bench_now_ns() - start;
    }
    qsort(times, opt->hash_count, sizeof(*times), compare_u64);
    double median_ms = (double)times[opt->hash_count / 2] / 1e6;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    struct report r;
    report_init(&r);
    report_str(&r, "mode", "hash-time");
    report_int(&r, "argon2_opslimit", (long long)opt->argon2_ops);
    report_int(&r, "argon2_memlimit_kib", (long long)opt->argon2_mem_kib);
    report_int(&r, "hashes", opt->hash_count);
    report_num(&r, "hash_median_ms", median_ms, 2);
    report_num(&r, "hash_min_ms", (double)times[0] / 1e6, 2);
    report_int(&r, "cores", cores);
    report_num(&r, "ceiling_logins_per_s", median_ms > 0 ? (double)cores * 1000.0 / median_ms : 0,
               2);
    report_print(&r, opt->json);
    free(times);
    return 0;
}
