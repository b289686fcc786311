/*
 * conn.h - one client connection: TLS, line framing, limits and in-order replies.
 *
 * Requests enter here (conn_accept -> read -> dispatch_parse); replies leave here
 * in request order however their jobs finish.  All functions but conn_gone run on the
 * loop thread.
 */
#ifndef SCIPNET_SERVER_CONN_H
#define SCIPNET_SERVER_CONN_H

#include <event2/util.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct server;
struct request;
struct sockaddr;
struct conn;

#define CONN_MAX_INFLIGHT  32            /* requests in flight before we stop reading */
#define CONN_LINE_MAX_ANON 4096          /* request line limit before login */
#define CONN_LINE_MAX_AUTH (64 * 1024)   /* ... and after */
#define CONN_OUTPUT_HIGH   (1024 * 1024) /* stop reading while this much output is queued */
#define CONN_OUTPUT_LOW    (256 * 1024)  /* ... until it drains below this */
#define CONN_LINGER_MS     1000          /* after the last reply of a closing connection */

/* Of a connection's requests in flight, at most this many at the workers at once; the
   rest wait in the connection, and none is given out while it holds CONN_OUTPUT_HIGH. */
#define CONN_MAX_AT_WORKERS 4

/* Takes ownership of fd. */
void conn_accept(struct server *srv, evutil_socket_t fd, const struct sockaddr *addr, int len);
/* A finished request comes back from the workers (via the mailbox). */
void conn_deliver(struct request *req);
/*
 * Reply memory: replies made on the workers and not yet delivered count against
 * their connection (conn.c, submit_waiting).  Any thread, while the request holds c.
 */
void conn_reply_made(struct conn *c, size_t bytes);
/* Shutdown: read no more requests; close once the replies in flight are written. */
void conn_stop_reading(struct conn *c);
/* Close now, dropping anything unsent. */
void conn_close(struct conn *c);
struct conn *conn_next(struct conn *c);
/* Any thread, for a request still holding c: whether c has been closed. */
bool conn_gone(struct conn *c);

#endif
