/*
 * histogram.h - a log-linear latency histogram in microseconds (HDR-like).
 *
 * Each power of two is split into 64 buckets, so a reported percentile is within
 * about 1.6% of the true value; recording is O(1) and needs no allocation.
 */
#ifndef SCIPNET_BENCH_HISTOGRAM_H
#define SCIPNET_BENCH_HISTOGRAM_H

#include <stdint.h>

#define HISTOGRAM_SUB_BITS 7
#define HISTOGRAM_BUCKETS                                                                          \
    ((64 - HISTOGRAM_SUB_BITS) * (1 << (HISTOGRAM_SUB_BITS - 1)) + (1 << HISTOGRAM_SUB_BITS))

struct histogram {
    uint64_t counts[HISTOGRAM_BUCKETS];
    uint64_t total;
    uint64_t max_us;
    uint64_t sum_us;
};

void histogram_reset(struct histogram *h);
void histogram_record(struct histogram *h, uint64_t value_us);
/* The value at or below which `percent` % of samples lie (0 when empty). */
uint64_t histogram_percentile(const struct histogram *h, double percent);

#endif
