/*
 * driver.h - the protocol side of a run: logs connections in, keeps reads in
 * flight, storms logins, and counts what comes back.
 *
 * A mode (modes.c) builds a driver, flips its switches (reads_on, storm_on,
 * recording) phase by phase, and calls driver_run_until between flips.
 */
#ifndef SCIPNET_BENCH_DRIVER_H
#define SCIPNET_BENCH_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/histogram.h"
#include "bench/options.h"
#include "bench/report.h"
#include "bench/tls_engine.h"

enum client_role {
    ROLE_READER, /* logs in, then reads while reads_on */
    ROLE_STORM,  /* logs in again and again while storm_on */
    ROLE_IDLE,   /* authenticates once and waits */
};

enum request_kind { REQ_NONE, REQ_LOGIN, REQ_WHOAMI, REQ_READ };

struct client {
    enum client_role role;
    size_t user;
    bool authed;
    char token[128];
    char *token_suffix; /* ',"op":"read","token":"…","ref":"…"}\n' once logged in */
    size_t token_suffix_len;
    enum request_kind kind; /* what the outstanding requests are */
    int64_t next_id;
    int64_t expect_id;
    unsigned outstanding;
    uint64_t *sent_ns;     /* send time of each outstanding request, indexed by id % inflight */
    uint64_t next_send_ns; /* pacing for --read-rate */
};

#define DRIVER_ERROR_KINDS 16

struct error_count {
    char what[40];
    uint64_t count;
};

struct run_stats {
    struct histogram read_latency;
    struct histogram login_latency;
    uint64_t reads;
    uint64_t read_bytes;
    uint64_t logins;
};

struct driver {
    struct engine eng;
    const struct bench_options *opt;
    struct client *clients;
    size_t client_count;
    char **login_suffix; /* per user: ',"op":"login","user":…,"password":…}\n' */
    size_t user_count;
    bool reads_on;
    bool storm_on;
    bool recording;
    uint64_t pace_ns; /* per reading connection, 0 = unpaced */
    struct run_stats stats;
    size_t authed;
    size_t failed;        /* connections lost before or while authenticating */
    size_t lost;          /* connections lost at any time */
    size_t settle_target; /* driver_settled: this many connections authed or failed */
    size_t pongs;         /* whoami answers after authentication (driver_ping) */
    struct error_count errors[DRIVER_ERROR_KINDS];
    uint64_t error_total;
};

/* Roles: the first `readers` connections read, the rest take `rest_role`. */
int driver_init(struct driver *d, const struct bench_options *opt, size_t conn_count,
                size_t readers, enum client_role rest_role);
void driver_free(struct driver *d);

/* Runs the loop until done(d) is true or the monotonic clock passes deadline_ns. */
int driver_run_until(struct driver *d, uint64_t deadline_ns, bool (*done)(const struct driver *));
/* Starts reads / logins on connections that are ready (after flipping a switch). */
void driver_kick(struct driver *d);
/* True once settle_target connections are authenticated or failed. */
bool driver_settled(const struct driver *d);
/* Sends whoami on every authenticated open connection (proves it still works). */
void driver_ping(struct driver *d);
/* Requests still unanswered on open connections. */
uint64_t driver_outstanding(const struct driver *d);
/* Counts every request unanswered now as a timeout error. */
void driver_count_unanswered(struct driver *d);

void driver_count_error(struct driver *d, const char *what, size_t what_len);
/* errors, and errors_detail "code:N,code:N" when there were any. */
void driver_report_errors(const struct driver *d, struct report *r);

uint64_t bench_now_ns(void);

#endif
