/* modes.c - read, login-storm and idle runs built from the driver's phases. */
#include "bench/modes.h"

#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench/driver.h"
#include "bench/proc_stat.h"
#include "bench/report.h"

#define NS_PER_S 1000000000ull
#define DRAIN_NS (5 * NS_PER_S) /* answers still owed after a phase must come within this */

static uint64_t after_seconds(double seconds)
{
    return bench_now_ns() + (uint64_t)(seconds * (double)NS_PER_S);
}

static double seconds_since(uint64_t start_ns)
{
    return (double)(bench_now_ns() - start_ns) / (double)NS_PER_S;
}

/* Opens connections [0, count) and waits until each is authenticated or has failed. */
static int open_and_authenticate(struct driver *d, size_t count)
{
    d->settle_target = count;
    engine_open_until(&d->eng, count);
    int r = driver_run_until(d, after_seconds(d->opt->setup_timeout_s), driver_settled);
    if (r < 0)
        return -1;
    if (r == 0) {
        fprintf(stderr, "scipnet-bench: only %zu of %zu connections authenticated in %.0f s\n",
                d->authed, count, d->opt->setup_timeout_s);
        driver_count_error(d, "setup timeout", 13);
    }
    return 0;
}

/* Shared tokens: the first connection of each user logs in before the others start
 * proving its token, so no connection looks for a token that does not exist yet. */
static int authenticate_all(struct driver *d, size_t count)
{
    size_t first = d->opt->users < count ? d->opt->users : count;
    if (d->opt->share_tokens && open_and_authenticate(d, first) != 0)
        return -1;
    return open_and_authenticate(d, count);
}

/* Unmeasured warmup, then `duration` seconds recorded; returns the measured seconds. */
static double measure(struct driver *d, double warmup_s, double duration_s)
{
    if (d->eng.open_count == 0)
        return 0; /* every connection failed: nothing to wait for */
    driver_kick(d);
    if (warmup_s > 0 && driver_run_until(d, after_seconds(warmup_s), NULL) < 0)
        return -1;
    struct run_stats zero = {0};
    d->stats = zero;
    d->recording = true;
    uint64_t start = bench_now_ns();
    int r = driver_run_until(d, start + (uint64_t)(duration_s * (double)NS_PER_S), NULL);
    d->recording = false;
    return r < 0 ? -1 : seconds_since(start);
}

/* CPU seconds this process has used: shows whether the bench itself was the limit. */
static double cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static bool nothing_outstanding(const struct driver *d)
{
    return driver_outstanding(d) == 0;
}

/* Stops new work and waits (bounded) for the answers still owed. */
static void drain(struct driver *d)
{
    d->reads_on = false;
    d->storm_on = false;
    if (driver_run_until(d, bench_now_ns() + DRAIN_NS, nothing_outstanding) >= 0)
        driver_count_unanswered(d);
}

static void report_reads(struct report *r, const char *prefix, const struct run_stats *s,
                         double seconds)
{
    char key[48];
    snprintf(key, sizeof(key), "%srequests", prefix);
    report_int(r, key, (long long)s->reads);
    snprintf(key, sizeof(key), "%srequests_per_s", prefix);
    report_num(r, key, seconds > 0 ? (double)s->reads / seconds : 0, 1);
    report_latency(r, prefix, &s->read_latency);
}

static int finish(struct driver *d, struct report *r)
{
    driver_report_errors(d, r);
    report_print(r, d->opt->json);
    int code = d->error_total ? 1 : 0;
    driver_free(d);
    return code;
}

int mode_read(const struct bench_options *opt)
{
    struct driver d;
    if (driver_init(&d, opt, opt->connections, opt->connections, ROLE_READER) != 0)
        return 2;
    uint64_t t0 = bench_now_ns();
    if (authenticate_all(&d, opt->connections) != 0) {
        driver_free(&d);
        return 2;
    }
    double setup_s = seconds_since(t0);
    d.reads_on = true;
    double cpu_start = cpu_seconds();
    double seconds = measure(&d, opt->warmup_s, opt->duration_s);
    double cpu_used = cpu_seconds() - cpu_start;
    if (seconds < 0) {
        driver_free(&d);
        return 2;
    }
    long rss = opt->server_pid > 0 ? proc_status_kib(opt->server_pid, "VmRSS") : -1;
    drain(&d);

    struct report r;
    report_init(&r);
    report_str(&r, "mode", opt->mode == MODE_SEARCH ? "search" : "read");
    if (opt->mode == MODE_SEARCH)
        report_str(&r, "query", opt->query);
    else
        report_str(&r, "ref", opt->ref);
    report_int(&r, "connections", (long long)opt->connections);
    report_int(&r, "authenticated", (long long)d.authed);
    report_int(&r, "inflight", opt->inflight);
    report_num(&r, "setup_s", setup_s, 2);
    report_num(&r, "duration_s", seconds, 2);
    report_reads(&r, "", &d.stats, seconds);
    report_int(&r, "reply_bytes",
               d.stats.reads ? (long long)(d.stats.read_bytes / d.stats.reads) : 0);
    /* Warmup included in both: a share of one core, 100 = the bench's thread was saturated. */
    report_num(&r, "bench_cpu_pct", cpu_used * 100.0 / (seconds + opt->warmup_s), 1);
    if (opt->server_pid > 0) {
        report_int(&r, "server_rss_kib", rss);
        report_int(&r, "server_hwm_kib", proc_status_kib(opt->server_pid, "VmHWM"));
    }
    return finish(&d, &r);
}

/*
 * The bench shares the machine's cores with the server, whose hash threads keep them
 * busy through the storm.  A client on a machine of its own never waits for those
 * threads; at SCHED_FIFO this one does not either, so the read latency it reports is
 * the server's.  Both phases run so, and the report says whether it was allowed.
 */
static const char *enter_realtime(const struct bench_options *opt)
{
    if (!opt->realtime)
        return "normal";
    struct sched_param param = {.sched_priority = 1};
    if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
        perror("scipnet-bench: SCHED_FIFO (measuring at normal priority)");
        return "normal";
    }
    return "fifo";
}

int mode_login_storm(const struct bench_options *opt)
{
    const char *sched = enter_realtime(opt);
    struct driver d;
    size_t total = opt->readers + opt->connections;
    if (driver_init(&d, opt, total, opt->readers, ROLE_STORM) != 0)
        return 2;
    if (opt->read_rate > 0 && opt->readers > 0)
        d.pace_ns = (uint64_t)((double)opt->readers * (double)NS_PER_S / opt->read_rate);
    if (authenticate_all(&d, total) != 0) {
        driver_free(&d);
        return 2;
    }
    /* Quiet: the readers alone, for the baseline p99. */
    d.reads_on = true;
    double quiet_s = measure(&d, opt->warmup_s, opt->duration_s);
    struct run_stats quiet = d.stats;
    /* Storm: the same readers while every storm connection logs in back to back. */
    d.storm_on = true;
    double storm_s = measure(&d, 0, opt->duration_s);
    long rss = opt->server_pid > 0 ? proc_status_kib(opt->server_pid, "VmRSS") : -1;
    drain(&d);

    struct report r;
    report_init(&r);
    report_str(&r, "mode", "login-storm");
    report_int(&r, "storm_connections", (long long)opt->connections);
    report_int(&r, "readers", (long long)opt->readers);
    report_num(&r, "read_rate", opt->read_rate, 0);
    report_num(&r, "duration_s", storm_s, 2);
    report_int(&r, "logins", (long long)d.stats.logins);
    report_num(&r, "logins_per_s", storm_s > 0 ? (double)d.stats.logins / storm_s : 0, 2);
    report_latency(&r, "login_", &d.stats.login_latency);
    report_reads(&r, "quiet_", &quiet, quiet_s);
    report_reads(&r, "storm_", &d.stats, storm_s);
    uint64_t quiet_p99 = histogram_percentile(&quiet.read_latency, 99);
    uint64_t storm_p99 = histogram_percentile(&d.stats.read_latency, 99);
    report_num(&r, "storm_p99_ratio", quiet_p99 ? (double)storm_p99 / (double)quiet_p99 : 0, 2);
    report_str(&r, "bench_sched", sched);
    report_int(&r, "argon2_opslimit", (long long)opt->argon2_ops);
    report_int(&r, "argon2_memlimit_kib", (long long)opt->argon2_mem_kib);
    if (opt->server_pid > 0) {
        report_int(&r, "server_rss_kib", rss);
        report_int(&r, "server_hwm_kib", proc_status_kib(opt->server_pid, "VmHWM"));
    }
    return finish(&d, &r);
}

int mode_idle(const struct bench_options *opt)
{
    struct driver d;
    if (driver_init(&d, opt, opt->connections, 0, ROLE_IDLE) != 0)
        return 2;
    uint64_t t0 = bench_now_ns();
    /* One login per user; every other connection proves a shared token (options.c). */
    size_t first = opt->users < opt->connections ? opt->users : opt->connections;
    if (authenticate_all(&d, opt->connections) != 0) {
        driver_free(&d);
        return 2;
    }
    double setup_s = seconds_since(t0);
    long rss_before_hold = opt->server_pid > 0 ? proc_status_kib(opt->server_pid, "VmRSS") : -1;
    if (driver_run_until(&d, after_seconds(opt->duration_s), NULL) < 0) {
        driver_free(&d);
        return 2;
    }
    long rss = opt->server_pid > 0 ? proc_status_kib(opt->server_pid, "VmRSS") : -1;
    size_t open_after_hold = d.eng.open_count;
    /* Each held connection must still answer: one whoami on every one of them. */
    uint64_t ping_start = bench_now_ns();
    driver_ping(&d);
    if (driver_run_until(&d, bench_now_ns() + DRAIN_NS, nothing_outstanding) >= 0)
        driver_count_unanswered(&d);
    double ping_s = seconds_since(ping_start);

    struct report r;
    report_init(&r);
    report_str(&r, "mode", "idle");
    report_int(&r, "connections", (long long)opt->connections);
    report_int(&r, "authenticated", (long long)d.authed);
    report_int(&r, "logins", (long long)first);
    report_num(&r, "setup_s", setup_s, 2);
    report_num(&r, "connections_per_s", setup_s > 0 ? (double)d.authed / setup_s : 0, 1);
    report_num(&r, "hold_s", opt->duration_s, 1);
    report_int(&r, "open_after_hold", (long long)open_after_hold);
    report_int(&r, "answered_after_hold", (long long)d.pongs);
    report_num(&r, "ping_s", ping_s, 2);
    if (opt->server_pid > 0) {
        report_int(&r, "server_rss_before_hold_kib", rss_before_hold);
        report_int(&r, "server_rss_kib", rss);
        report_int(&r, "server_hwm_kib", proc_status_kib(opt->server_pid, "VmHWM"));
        if (d.authed > 0 && rss > 0)
            report_num(&r, "server_kib_per_conn", (double)rss / (double)d.authed, 1);
    }
    report_int(&r, "bench_rss_kib", proc_status_kib(0, "VmRSS"));
    return finish(&d, &r);
}
