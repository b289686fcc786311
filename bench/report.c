/* report.c - collects result fields and prints them as text or one JSON line. */
#include "bench/report.h"

#include <stdio.h>
#include <string.h>

void report_init(struct report *r)
{
    memset(r, 0, sizeof(*r));
}

static struct report_field *next_field(struct report *r, const char *key)
{
    if (r->count >= REPORT_MAX_FIELDS)
        return NULL; /* a programming error, caught by the tests' field checks */
    struct report_field *f = &r->fields[r->count++];
    snprintf(f->key, sizeof(f->key), "%s", key);
    return f;
}

/* Strings in reports are our own words (modes, error codes), but escape anyway. */
void report_str(struct report *r, const char *key, const char *value)
{
    struct report_field *f = next_field(r, key);
    if (!f)
        return;
    size_t o = 0;
    f->value[o++] = '"';
    for (const char *p = value; *p && o + 3 < sizeof(f->value); p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"' || ch == '\\')
            f->value[o++] = '\\';
        f->value[o++] = ch < 0x20 ? '?' : (char)ch;
    }
    f->value[o++] = '"';
    f->value[o] = '\0';
}

void report_int(struct report *r, const char *key, long long value)
{
    struct report_field *f = next_field(r, key);
    if (f)
        snprintf(f->value, sizeof(f->value), "%lld", value);
}

void report_num(struct report *r, const char *key, double value, int decimals)
{
    struct report_field *f = next_field(r, key);
    if (f)
        snprintf(f->value, sizeof(f->value), "%.*f", decimals, value);
}

void report_latency(struct report *r, const char *prefix, const struct histogram *h)
{
    static const struct {
        const char *suffix;
        double percent;
    } points[] = {{"p50_ms", 50}, {"p90_ms", 90}, {"p99_ms", 99}};
    char key[48];
    for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
        snprintf(key, sizeof(key), "%s%s", prefix, points[i].suffix);
        report_num(r, key, (double)histogram_percentile(h, points[i].percent) / 1000.0, 3);
    }
    snprintf(key, sizeof(key), "%smax_ms", prefix);
    report_num(r, key, (double)h->max_us / 1000.0, 3);
    snprintf(key, sizeof(key), "%smean_ms", prefix);
    report_num(r, key, h->total ? (double)h->sum_us / (double)h->total / 1000.0 : 0, 3);
}

void report_print(const struct report *r, bool json)
{
    if (json) {
        fputc('{', stdout);
        for (int i = 0; i < r->count; i++)
            printf("%s\"%s\":%s", i ? "," : "", r->fields[i].key, r->fields[i].value);
        fputs("}\n", stdout);
    } else {
        for (int i = 0; i < r->count; i++) {
            const char *v = r->fields[i].value;
            size_t n = strlen(v);
            if (n >= 2 && v[0] == '"') /* people read strings without the quotes */
                printf("%-24s %.*s\n", r->fields[i].key, (int)(n - 2), v + 1);
            else
                printf("%-24s %s\n", r->fields[i].key, v);
        }
    }
    fflush(stdout);
}
