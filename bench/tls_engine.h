/*
 * tls_engine.h - many non-blocking TLS 1.3 client connections on one epoll loop.
 *
 * The engine knows sockets, TLS and lines, nothing of the protocol: it opens
 * connections (a bounded number handshaking at once, so a 10,000-connection run
 * does not overflow the server's accept backlog), writes what it is given and hands
 * each complete received line to the caller.
 */
#ifndef SCIPNET_BENCH_TLS_ENGINE_H
#define SCIPNET_BENCH_TLS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>
#include <openssl/ssl.h>

enum conn_state {
    CONN_WAITING,    /* not opened yet */
    CONN_CONNECTING, /* TCP connect in progress */
    CONN_HANDSHAKE,  /* TLS handshake in progress */
    CONN_OPEN,
    CONN_CLOSED,
};

struct byte_buf {
    char *data;
    size_t off; /* consumed bytes at the front */
    size_t len; /* bytes held, counting the consumed ones */
    size_t cap;
};

struct conn {
    size_t index;
    int fd;
    SSL *ssl;
    enum conn_state state;
    uint32_t events; /* what epoll is asked for now */
    struct byte_buf in, out;
    size_t scan_from; /* where the search for the next newline resumes */
};

struct engine;

struct engine_callbacks {
    void (*on_open)(struct engine *eng, struct conn *c);
    void (*on_line)(struct engine *eng, struct conn *c, const char *line, size_t len);
    /* why: "refused", "handshake", "closed by server", ... ; the connection is gone after. */
    void (*on_close)(struct engine *eng, struct conn *c, const char *why);
};

struct engine {
    int epfd;
    SSL_CTX *tls;
    struct sockaddr_in addr;
    struct conn *conns;
    size_t conn_count;
    struct engine_callbacks cb;
    void *user;
    size_t max_pending;  /* connections connecting or handshaking at once */
    size_t pending;      /* ... now */
    size_t next_to_open; /* connections [next_to_open, open_until) wait their turn */
    size_t open_until;
    size_t open_count; /* connections in CONN_OPEN */
    uint64_t bytes_in;
};

/* 0, or -1 with a message on stderr.  host must be a literal IPv4 address. */
int engine_init(struct engine *eng, const char *host, int port, size_t conn_count,
                size_t max_pending, const struct engine_callbacks *cb, void *user);
void engine_free(struct engine *eng);

/* Queues connections [0, until) for opening (never re-opens a closed one). */
void engine_open_until(struct engine *eng, size_t until);
/* One round of epoll_wait and its events; 0, or -1 when epoll itself fails. */
int engine_poll(struct engine *eng, int timeout_ms);
/* Queues data and writes as much as the socket takes; -1 when the connection broke. */
int engine_send(struct engine *eng, struct conn *c, const char *data, size_t len);
/* Closes quietly (no on_close call). */
void engine_close(struct engine *eng, struct conn *c);

/* Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit. */
long engine_raise_fd_limit(void);

#endif
