/* options.h - scipnet-bench's command line. */
#ifndef SCIPNET_BENCH_OPTIONS_H
#define SCIPNET_BENCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum bench_mode {
    MODE_READ,        /* pipelined reads of one file */
    MODE_SEARCH,      /* the same with full-text searches (--query) */
    MODE_LOGIN_STORM, /* repeated logins, with reads measured beside them */
    MODE_IDLE,        /* many authenticated connections held open */
    MODE_SETUP,       /* creates the benchmark's SCP file through the protocol */
    MODE_HASH_TIME,   /* times one argon2id hash at the server's limits */
};

struct bench_options {
    enum bench_mode mode;
    char host[64];
    int port;
    size_t connections;
    unsigned inflight;
    double duration_s;
    double warmup_s;
    char user_prefix[64];
    size_t users; /* bench users prefix0 .. prefix(users-1), round-robin over connections */
    char password[128];
    char ref[32];
    char query[512]; /* search: queries separated by ';', one per connection in turn */
    int server_pid;
    bool json;
    size_t readers;    /* login-storm: connections reading beside the storm */
    double read_rate;  /* login-storm: total reads/s of those readers (0 = as fast as possible) */
    bool share_tokens; /* log in once per user; other connections reuse the tokens */
    bool realtime;     /* login-storm: the bench's thread at SCHED_FIFO when allowed */
    size_t connect_concurrency;
    double setup_timeout_s;
    char admin_user[64];
    char admin_password[128];
    unsigned hash_count;
    unsigned long long argon2_ops;
    unsigned long long argon2_mem_kib;
};

/* 0 to run, 1 when --help was printed, -1 on a bad flag (message on stderr). */
int options_parse(int argc, char **argv, struct bench_options *opt);

#endif
