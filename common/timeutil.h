/* timeutil.h - wall and monotonic clocks, and the protocol's UTC time format. */
#ifndef SCIPNET_TIMEUTIL_H
#define SCIPNET_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Milliseconds since the Unix epoch (wall clock). */
int64_t time_now_ms(void);
/* Milliseconds from an arbitrary start (monotonic; for timeouts and latency). */
int64_t time_mono_ms(void);
/* Nanoseconds on the same monotonic clock (for waits shorter than a millisecond). */
int64_t time_mono_ns(void);
/* CLOCK_MONOTONIC now plus ms, for pthread_cond_timedwait on a monotonic condition. */
struct timespec time_mono_deadline(int ms);
/* The same for a time_mono_ns() value. */
struct timespec time_mono_timespec(int64_t mono_ns);
/* "2026-11-22T15:30:01.123Z" into buf (at least 25 bytes); returns buf. */
char *time_format_iso_ms(int64_t epoch_ms, char *buf, size_t size);

#endif
