/*
 * pwtiming.h - login timing that does not tell whether an account exists.
 *
 * An unknown name costs a dummy verify at the server's argon2 limits.  A wrong
 * password for an account whose stored hash is cheaper (made at lower limits, or
 * imported) would answer faster; it is padded: with a real dummy verify when it took
 * under half a dummy's measured cost (so load slows both paths alike), else by
 * sleeping out the rest of that cost.
 */
#ifndef SCIPNET_SERVER_PWTIMING_H
#define SCIPNET_SERVER_PWTIMING_H

#include <stdint.h>

#include "deepwell/password.h"

/* Monotonic microseconds, for timing a verify. */
int64_t pwtiming_now_us(void);
/* The unknown-user path: a dummy verify, whose cost is remembered. */
void pwtiming_dummy_verify(const char *password, const struct deepwell_pwhash_limits *limits);
/* A failed verify that took spent_us: wait out the rest of a dummy verify's cost. */
void pwtiming_pad_failure(int64_t spent_us, const struct deepwell_pwhash_limits *limits);

#endif
