/*
 * batch.h - `scipnet --batch`: one command, plain text out, an exit status scripts can test:
 * 0 success, 2 authentication (auth_failed, rate_limited, account_disabled,
 * unauthenticated), 3 redacted, 4 expunged, 5 clearance denied, 1 anything else.
 */
#ifndef SCIPNET_CLIENT_BATCH_H
#define SCIPNET_CLIENT_BATCH_H

#include <jansson.h>

#include "client/options.h"

enum batch_exit {
    BATCH_OK = 0,
    BATCH_ERROR = 1,
    BATCH_AUTH = 2,
    BATCH_REDACTED = 3,
    BATCH_EXPUNGED = 4,
    BATCH_DENIED = 5,
};

/* The exit status for a protocol error code. */
enum batch_exit batch_exit_for(const char *code);
/* Send req (taken); on success leave the reply in *r and return -1, else the exit status
 * after saying why on stderr. */
struct session;
struct proto_reply;
int batch_call(struct session *s, json_t *req, struct proto_reply *r);
/* Run the command in opt; returns the exit status. */
int batch_run(const struct client_options *opt);

#endif
