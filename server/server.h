/*
 * server.h - the server as a whole: one event loop, the store, TLS, the worker
 * pools and the list of connections.  main.c fills a config and calls server_run.
 */
#ifndef SCIPNET_SERVER_SERVER_H
#define SCIPNET_SERVER_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/config.h"
#include "deepwell/deepwell.h"
#include "deepwell/password.h"

struct event_base;
struct event;
struct evconnlistener;
struct workq;
struct mailbox;
struct conn;
struct view_cache;
struct addr_limit;
struct session_rate;
typedef struct ssl_ctx_st SSL_CTX;

struct server {
    struct scipnet_config cfg;
    struct deepwell_pwhash_limits pwlimits;
    struct deepwell *dw;
    struct event_base *base;
    SSL_CTX *tls;
    char cert_path[CONFIG_PATH_MAX], key_path[CONFIG_PATH_MAX];
    struct evconnlistener *listener;
    struct workq *store_q;         /* store work */
    struct workq *hash_q;          /* argon2: at most hash_concurrency at once */
    struct workq *search_q;        /* full-text searches */
    struct mailbox *done;          /* finished requests back to the loop */
    struct view_cache *view_cache; /* rendered SCP files; NULL = render every time */
    struct refusals *refusals;     /* repeated login refusals, audited as summaries */
    struct conn *conns;            /* every open connection */
    int nconns;
    struct addr_limit *per_addr;       /* open connections per client address (loop thread) */
    int64_t addr_refused_log_ms;       /* last "per-address cap" log line: at most one a second */
    int addr_refused;                  /* refusals since that line */
    struct session_rate *session_rate; /* requests per session (any thread) */
    int busy; /* requests at the worker pools (atomic): shutdown waits for 0 */
    int64_t started_mono_ms;
    bool stopping;
    struct event *sig_term, *sig_int, *sig_hup, *grace_timer, *watchdog;
    struct event *accept_pause; /* accept failed (no descriptors): retry shortly */
};

/* Runs until SIGTERM/SIGINT; returns the process exit status. */
int server_run(const struct scipnet_config *cfg);

/* Called by conn.c when a connection closed or drained, to finish a shutdown. */
void server_check_drained(struct server *srv);

#endif
