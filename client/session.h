/*
 * session.h - one server conversation: the connection, the trust decision and the
 * session token.  The token lives only in memory; after a lost connection the client
 * reconnects and goes on with the same token, so a server restart does not log anyone out.
 */
#ifndef SCIPNET_CLIENT_SESSION_H
#define SCIPNET_CLIENT_SESSION_H

#include <jansson.h>
#include <stdbool.h>

#include "client/net.h"
#include "client/options.h"
#include "client/protocol.h"

enum session_result {
    SESSION_OK = 0,
    SESSION_NET_ERROR = -1, /* could not connect, or the connection broke: may retry */
    SESSION_UNTRUSTED = -2, /* the server's identity was refused: do not retry blindly */
    SESSION_BAD_REPLY = -3, /* the server answered something that is not protocol v1, or a
                               reply nobody asked for: the connection is dropped */
    SESSION_CANCELLED = -4, /* the cancel hook stopped the wait (Ctrl-C) */
};

/* Asked about a server not yet pinned; returns true to trust (and pin) it. */
typedef bool (*session_trust_fn)(void *ctx, const char *hostport, const char *fingerprint,
                                 const char *known_hosts_path);

struct session {
    const struct client_options *opt;
    struct net_conn *conn;
    char token[PROTO_TOKEN_MAX]; /* "" when logged out */
    long next_id;
    int timeout_ms;             /* each request's overall deadline; connecting has its own */
    struct net_cancel cancel;   /* fd -1: none */
    session_trust_fn ask_trust; /* NULL: unknown servers are refused (batch mode) */
    void *ask_ctx;
    char accepted[NET_FINGERPRINT_MAX];  /* trusted during this run */
    bool changed;                        /* the last refusal was a changed fingerprint */
    const struct net_progress *progress; /* told each step of connecting; NULL: none */
};

void session_init(struct session *s, const struct client_options *opt, session_trust_fn ask,
                  void *ask_ctx);
/* Poll fd while waiting on the server; check(ctx) true gives up with SESSION_CANCELLED. */
void session_set_cancel(struct session *s, int fd, bool (*check)(void *ctx), void *ctx);
/* Connect (if not connected) and decide trust.  err receives a sentence for people. */
enum session_result session_connect(struct session *s, char *err, size_t errlen);
/*
 * Send req (consumed) with a fresh id and the token, and wait for its reply, all within
 * timeout_ms.  The client never has two requests out, so a reply with another id is one
 * nobody asked for: the connection is dropped (SESSION_BAD_REPLY).  A network failure
 * closes the connection too; the next call reconnects.
 */
enum session_result session_call(struct session *s, json_t *req, struct proto_reply *reply,
                                 char *err, size_t errlen);
void session_disconnect(struct session *s);
/* Forget the token (logout, or the server no longer knows it). */
void session_forget_token(struct session *s);

#endif
