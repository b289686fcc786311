/*
 * report.h - a run's results as "name  value" lines for people, or one JSON line
 * for bench/run.sh.  Fields are added in order and printed once at the end.
 */
#ifndef SCIPNET_BENCH_REPORT_H
#define SCIPNET_BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/histogram.h"

#define REPORT_MAX_FIELDS 64

struct report_field {
    char key[48];
    char value[96]; /* already formatted; JSON strings keep their quotes */
};

struct report {
    struct report_field fields[REPORT_MAX_FIELDS];
    int count;
};

void report_init(struct report *r);
void report_str(struct report *r, const char *key, const char *value);
void report_int(struct report *r, const char *key, long long value);
void report_num(struct report *r, const char *key, double value, int decimals);
/* prefix_p50_ms, _p90_ms, _p99_ms, _max_ms and _mean_ms from a histogram in microseconds. */
void report_latency(struct report *r, const char *prefix, const struct histogram *h);
void report_print(const struct report *r, bool json);

#endif
