/*
 * net.h - a blocking TLS 1.3 client connection carrying one JSON object per line.
 */
#ifndef SCIPNET_CLIENT_NET_H
#define SCIPNET_CLIENT_NET_H

#include <stddef.h>

#define NET_FINGERPRINT_MAX 80 /* "sha256:" + 64 hex + NUL */
#define NET_LINE_MAX        (1024 * 1024)

struct net_conn;

struct net_options {
    const char *host;
    int port;
    const char *ca_file; /* verify the chain and host name against this CA; NULL = pin instead */
    int timeout_ms;      /* connect, handshake and each reply */
};

/* Connect and finish the TLS handshake.  NULL on failure with a reason in err. */
struct net_conn *net_connect(const struct net_options *opt, char *err, size_t errlen);
void net_close(struct net_conn *c);

/* "sha256:<lowercase hex>" of the server certificate (DER). */
const char *net_fingerprint(const struct net_conn *c);

/* Send one line (a '\n' is added).  Returns 0 or -1. */
int net_send_line(struct net_conn *c, const char *line, char *err, size_t errlen);
/* Receive one line without its '\n' (malloc'd), or NULL on error, timeout or close. */
char *net_recv_line(struct net_conn *c, char *err, size_t errlen);

/* Split "HOST[:PORT]" / "[v6]:PORT"; the port defaults to default_port.  Returns 0 or -1. */
int net_parse_hostport(const char *text, int default_port, char *host, size_t hostlen, int *port);

#endif
