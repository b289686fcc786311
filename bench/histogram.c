/* histogram.c - log-linear latency histogram (see histogram.h). */
#include "bench/histogram.h"

#include <string.h>

#define SUB_COUNT (1u << HISTOGRAM_SUB_BITS)
#define HALF_SUB  (SUB_COUNT / 2)

void histogram_reset(struct histogram *h)
{
    memset(h, 0, sizeof(*h));
}

/* Values below SUB_COUNT get a bucket each; above, each power of two gets HALF_SUB. */
static unsigned bucket_of(uint64_t v)
{
    if (v < SUB_COUNT)
        return (unsigned)v;
    unsigned exponent = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = exponent - (HISTOGRAM_SUB_BITS - 1);
    unsigned sub = (unsigned)(v >> shift) - HALF_SUB;
    return SUB_COUNT + (exponent - HISTOGRAM_SUB_BITS) * HALF_SUB + sub;
}

/* The largest value that falls in a bucket. */
static uint64_t bucket_upper(unsigned index)
{
    if (index < SUB_COUNT)
        return index;
    unsigned above = index - SUB_COUNT;
    unsigned exponent = above / HALF_SUB + HISTOGRAM_SUB_BITS;
    unsigned shift = exponent - (HISTOGRAM_SUB_BITS - 1);
    uint64_t sub = above % HALF_SUB + HALF_SUB;
    return ((sub + 1) << shift) - 1;
}

void histogram_record(struct histogram *h, uint64_t value_us)
{
    h->counts[bucket_of(value_us)]++;
    h->total++;
    h->sum_us += value_us;
    if (value_us > h->max_us)
        h->max_us = value_us;
}

uint64_t histogram_percentile(const struct histogram *h, double percent)
{
    if (h->total == 0)
        return 0;
    /* The rank of the sample we want, 1-based, rounded up as nearest-rank does. */
    uint64_t rank = (uint64_t)(percent / 100.0 * (double)h->total + 0.999999);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HISTOGRAM_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t upper = bucket_upper(i);
            return upper < h->max_us ? upper : h->max_us;
        }
    }
    return h->max_us;
}
