/*
 * main.c - scipnet-bench: a load generator for scipnet-server.
 * See `scipnet-bench --help`, bench/run.sh and docs/BENCHMARKS.md.
 */
#include <signal.h>
#include <stdio.h>

#include "bench/modes.h"
#include "bench/options.h"
#include "bench/tls_engine.h"

int main(int argc, char **argv)
{
    struct bench_options opt;
    int parsed = options_parse(argc, argv, &opt);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    /* A server that drops a connection must show up as an error, not kill the bench. */
    signal(SIGPIPE, SIG_IGN);
    long fds = engine_raise_fd_limit();
    if (fds >= 0 && (size_t)fds < opt.connections + opt.readers + 16)
        fprintf(stderr, "scipnet-bench: warning: only %ld file descriptors for %zu connections\n",
                fds, opt.connections + opt.readers);
    switch (opt.mode) {
    case MODE_READ:
    case MODE_SEARCH:
        return mode_read(&opt);
    case MODE_LOGIN_STORM:
        return mode_login_storm(&opt);
    case MODE_IDLE:
        return mode_idle(&opt);
    case MODE_SETUP:
        return mode_setup(&opt);
    case MODE_HASH_TIME:
        return mode_hash_time(&opt);
    }
    return 2;
}
