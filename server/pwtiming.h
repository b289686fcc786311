/*
 * pwtiming.h - login timing that does not tell whether an account exists.
 *
 * An unknown name costs a dummy verify at the cost of a typical stored hash (the
 * median of the stored argon2id costs, read at start) when that is above the
 * configured limits, which may have been lowered since the hashes were made; at the
 * configured limits otherwise.  A wrong password for an account whose stored hash is
 * cheaper (made at lower limits, or imported) would answer faster; it is padded: with
 * a real dummy verify when it took under half a dummy's measured cost (so load slows
 * both paths alike), else by sleeping out the rest of that cost.  The dummy hash is
 * made and its cost measured at start, so the first login after a restart costs
 * what later ones do.
 */
#ifndef SCIPNET_SERVER_PWTIMING_H
#define SCIPNET_SERVER_PWTIMING_H

#include <stdint.h>

#include "deepwell/deepwell.h"
#include "deepwell/password.h"

/* Stored hashes sampled for the typical cost. */
#define PWTIMING_SAMPLE 1000

/*
 * Picks the dummy's cost from the store (configured: the server's limits, the
 * fallback and the base of the ceilings verify applies), makes the dummy hash and
 * times one dummy verify.  Call before the first login; 0, or -1 when argon2 fails.
 */
int pwtiming_init(struct deepwell *dw, const struct deepwell_pwhash_limits *configured);
/* The limits the dummy hash is made with: pwtiming_init's, else the configured ones. */
void pwtiming_dummy_limits(const struct deepwell_pwhash_limits *configured,
                           struct deepwell_pwhash_limits *out);
/* The lowest recently measured dummy verify, in microseconds; 0 before any. */
int64_t pwtiming_typical_us(void);

/* Monotonic microseconds, for timing a verify. */
int64_t pwtiming_now_us(void);
/*
 * The unknown-user path: a dummy verify, whose cost is remembered.  configured: the
 * server's limits, used only when pwtiming_init never ran (tests, fuzzing).
 */
void pwtiming_dummy_verify(const char *password, const struct deepwell_pwhash_limits *configured);
/* A failed verify that took spent_us: wait out the rest of a dummy verify's cost. */
void pwtiming_pad_failure(int64_t spent_us, const struct deepwell_pwhash_limits *configured);

#endif
