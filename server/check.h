/*
 * check.h - `scipnet-server --check`, like `sshd -t` or `nginx -t`: everything the
 * server would need to start, checked without starting it.  The configuration
 * (already read by main.c), the store (opened without creating or migrating it),
 * the certificate and key (loaded, matched, unexpired; the key and the audit seal
 * key private to their owner), then a summary of what it would serve.
 */
#ifndef SCIPNET_SERVER_CHECK_H
#define SCIPNET_SERVER_CHECK_H

#include <stdio.h>

#include "common/config.h"

/* Prints what it finds on out and the first failure on err.  Returns 0 or 1, the
   exit status.  config_file is the --config FILE, or NULL. */
int server_check(const struct scipnet_config *cfg, const char *config_file, FILE *out, FILE *err);

#endif
