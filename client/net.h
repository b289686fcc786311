/*
 * net.h - a TLS 1.3 client connection carrying one JSON object per line.  Every wait has
 * a deadline (a server that trickles or stalls cannot hold the client past it) and can be
 * cut short by the person at the keyboard (struct net_cancel).
 */
#ifndef SCIPNET_CLIENT_NET_H
#define SCIPNET_CLIENT_NET_H

#include <stdbool.h>
#include <stddef.h>

#define NET_FINGERPRINT_MAX 80 /* "sha256:" + 64 hex + NUL */
#define NET_LINE_MAX        (1024 * 1024)

struct net_conn;

/* Why the last operation failed. */
enum net_status {
    NET_OK = 0,
    NET_ERROR,     /* resolve, connect, TLS or memory failure; the connection lost */
    NET_CLOSED,    /* the server closed the connection */
    NET_TIMEOUT,   /* the deadline passed */
    NET_CANCELLED, /* the cancel hook said stop */
    NET_TOO_LONG,  /* a reply line over NET_LINE_MAX */
};

/*
 * While waiting, fd is polled too; when it is readable check(ctx) decides whether to give
 * up (true).  A hang-up or error on fd gives up as well.  fd < 0: no hook.
 */
struct net_cancel {
    int fd;
    bool (*check)(void *ctx);
    void *ctx;
};

/* The steps of reaching a server, in order; net.c does the first two, its callers the rest. */
enum net_step {
    NET_STEP_TCP,         /* the TCP connection */
    NET_STEP_TLS,         /* the TLS 1.3 handshake */
    NET_STEP_FINGERPRINT, /* the certificate checked against the pin or the CA */
    NET_STEP_HELLO,       /* the protocol's hello */
    NET_STEP_SESSION,     /* a session: a login, or a token kept across a reconnect */
};
#define NET_STEPS 5

/*
 * Told as each step begins (us < 0) and as it ends (us = how long it took, in
 * microseconds), with a detail for people ("127.0.0.1:7043", "TLSv1.3 ...") or NULL.
 */
struct net_progress {
    void (*step)(void *ctx, enum net_step step, long long us, const char *detail);
    void *ctx;
};

/* Monotonic microseconds, for timing steps. */
long long net_now_us(void);
/* Report a step to progress (which may be NULL). */
void net_progress_report(const struct net_progress *progress, enum net_step step, long long us,
                         const char *detail);

struct net_options {
    const char *host;
    int port;
    const char *ca_file; /* verify the chain and host name against this CA; NULL = pin instead */
    int timeout_ms;      /* for the whole of connect and handshake */
    const struct net_cancel *cancel;     /* NULL: none; kept by the connection */
    const struct net_progress *progress; /* NULL: nobody watches the steps */
};

/* Connect and finish the TLS handshake.  NULL on failure with a reason in err and *st. */
struct net_conn *net_connect(const struct net_options *opt, enum net_status *st, char *err,
                             size_t errlen);
void net_close(struct net_conn *c);

/* "sha256:<lowercase hex>" of the server certificate (DER). */
const char *net_fingerprint(const struct net_conn *c);

/*
 * Start a deadline timeout_ms from now: sends and receives after it fail with NET_TIMEOUT,
 * however slowly the bytes keep coming.
 */
void net_start_deadline(struct net_conn *c, int timeout_ms);
/* Why the last send or receive failed. */
enum net_status net_status(const struct net_conn *c);

/* Send one line (a '\n' is added).  Returns 0 or -1. */
int net_send_line(struct net_conn *c, const char *line, char *err, size_t errlen);
/* Receive one line without its '\n' (malloc'd), or NULL on error, timeout or close. */
char *net_recv_line(struct net_conn *c, char *err, size_t errlen);

/* Split "HOST[:PORT]" / "[v6]:PORT"; the port defaults to default_port.  Returns 0 or -1. */
int net_parse_hostport(const char *text, int default_port, char *host, size_t hostlen, int *port);

#endif
