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

struct net_options {
    const char *host;
    int port;
    const char *ca_file; /* verify the chain and host name against this CA; NULL = pin instead */
    int timeout_ms;      /* for the whole of connect and handshake */
    const struct net_cancel *cancel; /* NULL: none; kept by the connection */
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
