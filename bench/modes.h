/*
 * modes.h - the runs scipnet-bench can make.  Each returns the process exit code:
 * 0 when the run finished without errors, 1 when any request or connection failed,
 * 2 when the run could not start.
 */
#ifndef SCIPNET_BENCH_MODES_H
#define SCIPNET_BENCH_MODES_H

#include "bench/options.h"

int mode_read(const struct bench_options *opt);
int mode_login_storm(const struct bench_options *opt);
int mode_idle(const struct bench_options *opt);
int mode_setup(const struct bench_options *opt);
int mode_hash_time(const struct bench_options *opt);

#endif
