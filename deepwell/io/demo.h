/*
 * demo.h - the demo deepwell (docs/demo.md), for `deepwell init --demo` and the tests.
 */
#ifndef SCIPNET_DEEPWELL_IO_DEMO_H
#define SCIPNET_DEEPWELL_IO_DEMO_H

#include "deepwell/deepwell.h"

/* Adds the demo content and demo users (see docs/demo.md); idempotent. */
struct deepwell_pwhash_limits;
enum deepwell_code deepwell_demo_seed(struct deepwell *dw,
                                      const struct deepwell_pwhash_limits *limits,
                                      struct deepwell_error *err);

#endif
