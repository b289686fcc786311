/*
 * conn_impl.h - the inside of a connection, shared by conn.c (requests and replies)
 * and conn_accept.c (accepting, the per-address cap, the handshake).  Nothing else
 * includes it.
 */
#ifndef SCIPNET_SERVER_CONN_IMPL_H
#define SCIPNET_SERVER_CONN_IMPL_H

#include "server/addr_limit.h"
#include "server/conn.h"

#include <event2/bufferevent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reply_slot {
    char *line; /* serialized reply with its newline; NULL = not finished yet */
    size_t length;
    bool close_after;
};

/* A connection's life, in order: it only ever moves down this list. */
enum conn_state {
    CONN_HANDSHAKE, /* TLS handshake under way, its timer armed */
    CONN_OPEN,      /* requests are read */
    CONN_DRAINING,  /* no more are (too_large, shutdown, peer EOF): close once all answered */
    CONN_CLOSING,   /* last reply queued: flush it, then close_notify */
    CONN_LINGERING, /* close_notify sent: wait briefly for the client's, then close */
    CONN_DEAD,      /* socket closed; the struct lives on while refs > 0 */
};

struct conn {
    struct server *srv;
    struct conn *prev, *next;
    struct bufferevent *bev;
    struct event *timer; /* handshake timeout, later the closing linger */
    char client[64];
    char ip[48];
    uint8_t addr_key[ADDR_KEY_BYTES];
    bool addr_counted; /* holds one of its address's max_connections_per_addr */
    enum conn_state state;
    int refs;           /* holders of a pointer to c beside the loop: requests out, a pump */
    bool authenticated; /* allows the larger request lines */
    bool peer_eof;      /* the client shut down its sending side: no linger at the end */
    bool pumping;       /* conn_pump is on the stack: it must not be entered again */
    uint64_t next_seq;  /* given to the next request read */
    uint64_t send_seq;  /* the reply to write next */
    struct reply_slot slots[CONN_MAX_INFLIGHT];
    size_t slot_bytes; /* in slots, waiting for an earlier reply */
    size_t preparing;  /* atomic: made on workers, not delivered yet (conn_reply_made) */
    struct request *waiting, *waiting_tail; /* read, not yet given to the workers */
    int outstanding;                        /* requests read whose reply is not written yet */
    int at_workers; /* of those, given to the workers: at most CONN_MAX_AT_WORKERS */
    int gone;       /* CONN_DEAD, for the workers (atomic): queued hashing is skipped */
};

/* conn.c: the bufferevent's callbacks, set up by conn_accept. */
void conn_on_read(struct bufferevent *bev, void *arg);
void conn_on_write(struct bufferevent *bev, void *arg);
void conn_on_event(struct bufferevent *bev, short events, void *arg);

/* conn_accept.c: gives back the connection's place under its address's cap. */
void conn_release_addr_slot(struct server *srv, struct conn *c);

#endif
