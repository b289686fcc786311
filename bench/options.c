/* options.c - parses scipnet-bench's flags into struct bench_options. */
#include "bench/options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: scipnet-bench [--mode read|search|login-storm|idle|setup|hash-time] [options]\n"
    "  --host IP             server address (127.0.0.1)\n"
    "  --port N              server port (7019)\n"
    "  --connections C       connections (read 50, login-storm 8 storming, idle 10000)\n"
    "  --inflight P          pipelined requests per reading connection (1)\n"
    "  --duration S          measured seconds (10; idle: seconds held)\n"
    "  --warmup S            unmeasured seconds before (1)\n"
    "  --user-prefix P       bench users are P0..P(K-1) (bench-user-)\n"
    "  --users K             number of bench users (8)\n"
    "  --password PW         their password (bench-pass)\n"
    "  --ref REF             file read (SCP-900)\n"
    "  --query Q1;Q2;...     search: the queries, one per connection in turn\n"
    "  --server-pid PID      report the server's resident memory\n"
    "  --json                one JSON line instead of text\n"
    "  --readers R           login-storm: reading connections beside the storm (4)\n"
    "  --read-rate N         login-storm: their total reads/s, 0 = unpaced (200)\n"
    "  --share-tokens        log in once per user and reuse the tokens (idle: always)\n"
    "  --realtime            login-storm: run the bench at SCHED_FIFO when allowed, so that\n"
    "                        on a shared machine it never waits behind the server's hashes\n"
    "  --connect-concurrency N  handshakes in progress at once (64)\n"
    "  --setup-timeout S     limit for connecting and logging in (120)\n"
    "  --admin-user U --admin-password PW  setup: who creates the file (o5 / o5-pass)\n"
    "  --hash-count N        hash-time: hashes timed alone, then by each core at once (5)\n"
    "  --argon2-ops N --argon2-mem-kib N   hash-time: limits (SCIPNET_ARGON2_* or 2 / 65536)\n";

enum {
    OPT_MODE = 256,
    OPT_HOST,
    OPT_PORT,
    OPT_CONNECTIONS,
    OPT_INFLIGHT,
    OPT_DURATION,
    OPT_WARMUP,
    OPT_USER_PREFIX,
    OPT_USERS,
    OPT_PASSWORD,
    OPT_REF,
    OPT_QUERY,
    OPT_SERVER_PID,
    OPT_JSON,
    OPT_READERS,
    OPT_READ_RATE,
    OPT_SHARE_TOKENS,
    OPT_REALTIME,
    OPT_CONNECT_CONCURRENCY,
    OPT_SETUP_TIMEOUT,
    OPT_ADMIN_USER,
    OPT_ADMIN_PASSWORD,
    OPT_HASH_COUNT,
    OPT_ARGON2_OPS,
    OPT_ARGON2_MEM,
    OPT_HELP,
};

static const struct option long_options[] = {
    {"mode", required_argument, NULL, OPT_MODE},
    {"query", required_argument, NULL, OPT_QUERY},
    {"host", required_argument, NULL, OPT_HOST},
    {"port", required_argument, NULL, OPT_PORT},
    {"connections", required_argument, NULL, OPT_CONNECTIONS},
    {"inflight", required_argument, NULL, OPT_INFLIGHT},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"user-prefix", required_argument, NULL, OPT_USER_PREFIX},
    {"users", required_argument, NULL, OPT_USERS},
    {"password", required_argument, NULL, OPT_PASSWORD},
    {"ref", required_argument, NULL, OPT_REF},
    {"server-pid", required_argument, NULL, OPT_SERVER_PID},
    {"json", no_argument, NULL, OPT_JSON},
    {"readers", required_argument, NULL, OPT_READERS},
    {"read-rate", required_argument, NULL, OPT_READ_RATE},
    {"share-tokens", no_argument, NULL, OPT_SHARE_TOKENS},
    {"realtime", no_argument, NULL, OPT_REALTIME},
    {"connect-concurrency", required_argument, NULL, OPT_CONNECT_CONCURRENCY},
    {"setup-timeout", required_argument, NULL, OPT_SETUP_TIMEOUT},
    {"admin-user", required_argument, NULL, OPT_ADMIN_USER},
    {"admin-password", required_argument, NULL, OPT_ADMIN_PASSWORD},
    {"hash-count", required_argument, NULL, OPT_HASH_COUNT},
    {"argon2-ops", required_argument, NULL, OPT_ARGON2_OPS},
    {"argon2-mem-kib", required_argument, NULL, OPT_ARGON2_MEM},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* Whole-string unsigned number within [min, max]. */
static int parse_count(const char *flag, const char *text, unsigned long long min,
                       unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (*text == '\0' || *text == '-' || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "scipnet-bench: %s wants a number from %llu to %llu, not '%s'\n", flag, min,
                max, text);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_seconds(const char *flag, const char *text, double max, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !(v >= 0) || v > max) {
        fprintf(stderr, "scipnet-bench: %s wants seconds from 0 to %.0f, not '%s'\n", flag, max,
                text);
        return -1;
    }
    *out = v;
    return 0;
}

static int copy_text(const char *flag, const char *text, char *dst, size_t size)
{
    if (strlen(text) >= size) {
        fprintf(stderr, "scipnet-bench: %s is too long\n", flag);
        return -1;
    }
    memcpy(dst, text, strlen(text) + 1);
    return 0;
}

static int parse_mode(const char *text, enum bench_mode *mode)
{
    static const struct {
        const char *name;
        enum bench_mode mode;
    } modes[] = {{"read", MODE_READ}, {"search", MODE_SEARCH}, {"login-storm", MODE_LOGIN_STORM},
                 {"idle", MODE_IDLE}, {"setup", MODE_SETUP},   {"hash-time", MODE_HASH_TIME}};
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcmp(text, modes[i].name) == 0) {
            *mode = modes[i].mode;
            return 0;
        }
    }
    fprintf(stderr, "scipnet-bench: unknown --mode '%s'\n", text);
    return -1;
}

/* The server's hash limits come from the same environment variables it reads. */
static int limits_from_env(struct bench_options *opt)
{
    const char *ops = getenv("SCIPNET_ARGON2_OPSLIMIT");
    const char *mem = getenv("SCIPNET_ARGON2_MEMLIMIT_KIB");
    if (ops && *ops && parse_count("SCIPNET_ARGON2_OPSLIMIT", ops, 1, 1000, &opt->argon2_ops) != 0)
        return -1;
    if (mem && *mem &&
        parse_count("SCIPNET_ARGON2_MEMLIMIT_KIB", mem, 8, 64ull << 20, &opt->argon2_mem_kib) != 0)
        return -1;
    return 0;
}

static void set_defaults(struct bench_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->mode = MODE_READ;
    strcpy(opt->host, "127.0.0.1");
    opt->port = 7019;
    opt->inflight = 1;
    opt->duration_s = 10;
    opt->warmup_s = 1;
    strcpy(opt->user_prefix, "bench-user-");
    opt->users = 8;
    strcpy(opt->password, "bench-pass");
    strcpy(opt->ref, "SCP-900");
    /* Common and rare words, a phrase, a prefix, a filter: the mix a reader types. */
    strcpy(opt->query, "containment;subject procedures;\"special containment\";kari*;"
                       "entity class:keter;anomalous effect;moraixtel;staff level:3;"
                       "recovered incident;foundation");
    opt->readers = 4;
    opt->read_rate = 200;
    opt->connect_concurrency = 64;
    opt->setup_timeout_s = 120;
    strcpy(opt->admin_user, "o5");
    strcpy(opt->admin_password, "o5-pass");
    opt->hash_count = 5;
    opt->argon2_ops = 2;
    opt->argon2_mem_kib = 65536;
}

static int apply(struct bench_options *opt, int flag, const char *arg, bool *connections_set)
{
    unsigned long long n;
    switch (flag) {
    case OPT_MODE:
        return parse_mode(arg, &opt->mode);
    case OPT_HOST:
        return copy_text("--host", arg, opt->host, sizeof(opt->host));
    case OPT_PORT:
        if (parse_count("--port", arg, 1, 65535, &n) != 0)
            return -1;
        opt->port = (int)n;
        return 0;
    case OPT_CONNECTIONS:
        if (parse_count("--connections", arg, 1, 1000000, &n) != 0)
            return -1;
        opt->connections = (size_t)n;
        *connections_set = true;
        return 0;
    case OPT_INFLIGHT:
        if (parse_count("--inflight", arg, 1, 1024, &n) != 0)
            return -1;
        opt->inflight = (unsigned)n;
        return 0;
    case OPT_DURATION:
        return parse_seconds("--duration", arg, 3600, &opt->duration_s);
    case OPT_WARMUP:
        return parse_seconds("--warmup", arg, 600, &opt->warmup_s);
    case OPT_USER_PREFIX:
        return copy_text("--user-prefix", arg, opt->user_prefix, sizeof(opt->user_prefix));
    case OPT_USERS:
        if (parse_count("--users", arg, 1, 100000, &n) != 0)
            return -1;
        opt->users = (size_t)n;
        return 0;
    case OPT_PASSWORD:
        return copy_text("--password", arg, opt->password, sizeof(opt->password));
    case OPT_REF:
        return copy_text("--ref", arg, opt->ref, sizeof(opt->ref));
    case OPT_QUERY:
        return copy_text("--query", arg, opt->query, sizeof(opt->query));
    case OPT_SERVER_PID:
        if (parse_count("--server-pid", arg, 1, 1u << 30, &n) != 0)
            return -1;
        opt->server_pid = (int)n;
        return 0;
    case OPT_JSON:
        opt->json = true;
        return 0;
    case OPT_READERS:
        if (parse_count("--readers", arg, 0, 100000, &n) != 0)
            return -1;
        opt->readers = (size_t)n;
        return 0;
    case OPT_READ_RATE:
        return parse_seconds("--read-rate", arg, 1e7, &opt->read_rate);
    case OPT_SHARE_TOKENS:
        opt->share_tokens = true;
        return 0;
    case OPT_REALTIME:
        opt->realtime = true;
        return 0;
    case OPT_CONNECT_CONCURRENCY:
        if (parse_count("--connect-concurrency", arg, 1, 100000, &n) != 0)
            return -1;
        opt->connect_concurrency = (size_t)n;
        return 0;
    case OPT_SETUP_TIMEOUT:
        return parse_seconds("--setup-timeout", arg, 3600, &opt->setup_timeout_s);
    case OPT_ADMIN_USER:
        return copy_text("--admin-user", arg, opt->admin_user, sizeof(opt->admin_user));
    case OPT_ADMIN_PASSWORD:
        return copy_text("--admin-password", arg, opt->admin_password, sizeof(opt->admin_password));
    case OPT_HASH_COUNT:
        if (parse_count("--hash-count", arg, 1, 1000, &n) != 0)
            return -1;
        opt->hash_count = (unsigned)n;
        return 0;
    case OPT_ARGON2_OPS:
        return parse_count("--argon2-ops", arg, 1, 1000, &opt->argon2_ops);
    case OPT_ARGON2_MEM:
        return parse_count("--argon2-mem-kib", arg, 8, 64ull << 20, &opt->argon2_mem_kib);
    default:
        return -1;
    }
}

int options_parse(int argc, char **argv, struct bench_options *opt)
{
    set_defaults(opt);
    if (limits_from_env(opt) != 0)
        return -1;
    bool connections_set = false;
    int flag;
    while ((flag = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (flag == OPT_HELP) {
            fputs(usage, stdout);
            return 1;
        }
        if (flag == '?' || apply(opt, flag, optarg, &connections_set) != 0) {
            fputs(usage, stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "scipnet-bench: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (!connections_set)
        opt->connections = opt->mode == MODE_IDLE ? 10000 : opt->mode == MODE_LOGIN_STORM ? 8 : 50;
    if (opt->mode == MODE_IDLE)
        opt->share_tokens = true; /* 10,000 argon2 logins would take minutes; see BENCHMARKS.md */
    return 0;
}
