/* tls_engine.c - non-blocking TLS connections on epoll (see tls_engine.h). */
#include "bench/tls_engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_CHUNK  (32 * 1024) /* room made before each SSL_read: two TLS records */
#define MAX_LINE    (4 * 1024 * 1024)
#define EPOLL_BATCH 256

long engine_raise_fd_limit(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return -1;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &lim) != 0)
            return -1;
    }
    return (long)lim.rlim_cur;
}

static SSL_CTX *make_tls_context(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return NULL;
    /* The protocol is TLS 1.3 only.  The server's certificate is self-signed and the
     * target is loopback, so it is not verified: the bench measures, it does not trust. */
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    /* Partial writes let one buffer hold many pipelined requests; released buffers keep
     * 10,000 idle connections cheap on the bench's side. */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

int engine_init(struct engine *eng, const char *host, int port, size_t conn_count,
                size_t max_pending, const struct engine_callbacks *cb, void *user)
{
    memset(eng, 0, sizeof(*eng));
    eng->epfd = -1;
    eng->addr.sin_family = AF_INET;
    eng->addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &eng->addr.sin_addr) != 1) {
        fprintf(stderr, "scipnet-bench: --host must be an IPv4 address, not '%s'\n", host);
        return -1;
    }
    eng->conns = calloc(conn_count ? conn_count : 1, sizeof(*eng->conns));
    eng->tls = make_tls_context();
    eng->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!eng->conns || !eng->tls || eng->epfd < 0) {
        fprintf(stderr, "scipnet-bench: cannot set up TLS and epoll\n");
        engine_free(eng);
        return -1;
    }
    for (size_t i = 0; i < conn_count; i++) {
        eng->conns[i].index = i;
        eng->conns[i].fd = -1;
    }
    eng->conn_count = conn_count;
    eng->max_pending = max_pending ? max_pending : 1;
    eng->cb = *cb;
    eng->user = user;
    return 0;
}

static void buf_free(struct byte_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void engine_close(struct engine *eng, struct conn *c)
{
    if (c->state == CONN_CLOSED || c->state == CONN_WAITING)
        return;
    if (c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE)
        eng->pending--;
    if (c->state == CONN_OPEN)
        eng->open_count--;
    if (c->ssl) {
        /* One close_notify so the server sees an orderly close; its answer is not awaited,
         * so a result of 0 (sent, not yet answered) is the expected one. */
        if (c->state == CONN_OPEN && SSL_shutdown(c->ssl) < 0)
            ERR_clear_error();
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd); /* closing also removes it from the epoll set */
        c->fd = -1;
    }
    buf_free(&c->in);
    buf_free(&c->out);
    c->state = CONN_CLOSED;
}

void engine_free(struct engine *eng)
{
    for (size_t i = 0; i < eng->conn_count; i++)
        engine_close(eng, &eng->conns[i]);
    free(eng->conns);
    eng->conns = NULL;
    if (eng->tls)
        SSL_CTX_free(eng->tls);
    eng->tls = NULL;
    if (eng->epfd >= 0)
        close(eng->epfd);
    eng->epfd = -1;
}

static void fail(struct engine *eng, struct conn *c, const char *why)
{
    ERR_clear_error();
    bool notify = c->state != CONN_CLOSED;
    engine_close(eng, c);
    if (notify && eng->cb.on_close)
        eng->cb.on_close(eng, c, why);
}

static int want_events(struct engine *eng, struct conn *c, uint32_t events)
{
    if (c->events == events)
        return 0;
    struct epoll_event ev = {.events = events, .data.ptr = c};
    int op = c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (epoll_ctl(eng->epfd, op, c->fd, &ev) != 0)
        return -1;
    c->events = events;
    return 0;
}

static void open_one(struct engine *eng, struct conn *c)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    c->state = CONN_CONNECTING;
    c->events = 0;
    eng->pending++;
    if (c->fd < 0) {
        fail(eng, c, errno == EMFILE || errno == ENFILE ? "out of file descriptors" : "socket");
        return;
    }
    int one = 1;
    /* Requests are small and latency is what is measured: no Nagle delay. */
    if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
        fail(eng, c, "setsockopt");
        return;
    }
    if (connect(c->fd, (struct sockaddr *)&eng->addr, sizeof(eng->addr)) != 0 &&
        errno != EINPROGRESS) {
        fail(eng, c, errno == EADDRNOTAVAIL ? "out of local ports" : "connect refused");
        return;
    }
    if (want_events(eng, c, EPOLLOUT) != 0)
        fail(eng, c, "epoll_ctl");
}

/* Opens waiting connections while fewer than max_pending are in progress. */
static void open_more(struct engine *eng)
{
    while (eng->pending < eng->max_pending && eng->next_to_open < eng->open_until) {
        struct conn *c = &eng->conns[eng->next_to_open++];
        if (c->state == CONN_WAITING)
            open_one(eng, c);
    }
}

void engine_open_until(struct engine *eng, size_t until)
{
    eng->open_until = until < eng->conn_count ? until : eng->conn_count;
    open_more(eng);
}

static int ensure_room(struct byte_buf *b, size_t extra)
{
    if (b->off > 0 && b->off == b->len) {
        b->off = b->len = 0;
    }
    if (b->cap - b->len >= extra)
        return 0;
    if (b->off > 0) {
        /* Slide the unread tail to the front before growing. */
        memmove(b->data, b->data + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
        if (b->cap - b->len >= extra)
            return 0;
    }
    size_t cap = b->cap ? b->cap : 1024;
    while (cap - b->len < extra)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown)
        return -1;
    b->data = grown;
    b->cap = cap;
    return 0;
}

/* Writes queued output; leaves EPOLLOUT armed only while something is left. */
static int flush_out(struct engine *eng, struct conn *c)
{
    struct byte_buf *b = &c->out;
    while (b->off < b->len) {
        int n = SSL_write(c->ssl, b->data + b->off, (int)(b->len - b->off));
        if (n > 0) {
            b->off += (size_t)n;
            continue;
        }
        int err = SSL_get_error(c->ssl, n);
        if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ)
            return want_events(eng, c, EPOLLIN | EPOLLOUT);
        return -1;
    }
    b->off = b->len = 0;
    return want_events(eng, c, EPOLLIN);
}

int engine_send(struct engine *eng, struct conn *c, const char *data, size_t len)
{
    if (c->state != CONN_OPEN)
        return -1;
    if (ensure_room(&c->out, len) != 0) {
        fail(eng, c, "out of memory");
        return -1;
    }
    memcpy(c->out.data + c->out.len, data, len);
    c->out.len += len;
    if (c->out.len - c->out.off > len)
        return 0; /* already waiting for EPOLLOUT; the writer will pick it up */
    if (flush_out(eng, c) != 0) {
        fail(eng, c, "write failed");
        return -1;
    }
    return 0;
}

/* Hands every complete line to the caller; the caller may close the connection. */
static int deliver_lines(struct engine *eng, struct conn *c)
{
    struct byte_buf *b = &c->in;
    for (;;) {
        size_t from = c->scan_from > b->off ? c->scan_from : b->off;
        char *nl = memchr(b->data + from, '\n', b->len - from);
        if (!nl) {
            c->scan_from = b->len;
            if (b->len - b->off > MAX_LINE)
                return -1;
            return 0;
        }
        const char *line = b->data + b->off;
        size_t len = (size_t)(nl - line);
        b->off += len + 1;
        c->scan_from = b->off;
        eng->cb.on_line(eng, c, line, len);
        if (c->state != CONN_OPEN)
            return 1;
    }
}

static void read_ready(struct engine *eng, struct conn *c)
{
    for (;;) {
        /* Sliding the tail forward keeps scan_from valid: adjust it with the buffer. */
        size_t unread_scanned = c->scan_from - c->in.off;
        if (ensure_room(&c->in, READ_CHUNK) != 0) {
            fail(eng, c, "out of memory");
            return;
        }
        c->scan_from = c->in.off + unread_scanned;
        int n = SSL_read(c->ssl, c->in.data + c->in.len, (int)(c->in.cap - c->in.len));
        if (n > 0) {
            c->in.len += (size_t)n;
            eng->bytes_in += (uint64_t)n;
            int r = deliver_lines(eng, c);
            if (r < 0)
                fail(eng, c, "reply line too long");
            if (r != 0)
                return;
            continue;
        }
        int err = SSL_get_error(c->ssl, n);
        if (err == SSL_ERROR_WANT_READ) {
            /* Nothing half-read: give the buffer back, so 10,000 idle connections cost
             * the bench no 32 KB each.  malloc makes a new one cheaply when data comes. */
            if (c->in.off == c->in.len) {
                buf_free(&c->in);
                c->scan_from = 0;
            }
            return;
        }
        if (err == SSL_ERROR_WANT_WRITE) {
            if (want_events(eng, c, EPOLLIN | EPOLLOUT) != 0)
                fail(eng, c, "epoll_ctl");
            return;
        }
        fail(eng, c,
             err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL ? "closed by server"
                                                                      : "TLS error");
        return;
    }
}

static void handshake_step(struct engine *eng, struct conn *c)
{
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
        c->state = CONN_OPEN;
        eng->pending--;
        eng->open_count++;
        if (want_events(eng, c, EPOLLIN) != 0) {
            fail(eng, c, "epoll_ctl");
            return;
        }
        eng->cb.on_open(eng, c);
        return;
    }
    int err = SSL_get_error(c->ssl, r);
    uint32_t events = err == SSL_ERROR_WANT_WRITE  ? EPOLLIN | EPOLLOUT
                      : err == SSL_ERROR_WANT_READ ? EPOLLIN
                                                   : 0;
    if (events == 0 || want_events(eng, c, events) != 0)
        fail(eng, c, "TLS handshake failed");
}

static void connect_done(struct engine *eng, struct conn *c)
{
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
        fail(eng, c, "connect refused");
        return;
    }
    c->ssl = SSL_new(eng->tls);
    if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
        fail(eng, c, "SSL_new");
        return;
    }
    SSL_set_connect_state(c->ssl);
    c->state = CONN_HANDSHAKE;
    handshake_step(eng, c);
}

static void handle_event(struct engine *eng, struct conn *c, uint32_t events)
{
    switch (c->state) {
    case CONN_CONNECTING:
        connect_done(eng, c);
        break;
    case CONN_HANDSHAKE:
        handshake_step(eng, c);
        break;
    case CONN_OPEN:
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
            read_ready(eng, c);
        if (c->state == CONN_OPEN && (events & EPOLLOUT) && flush_out(eng, c) != 0)
            fail(eng, c, "write failed");
        break;
    default:
        break;
    }
}

int engine_poll(struct engine *eng, int timeout_ms)
{
    struct epoll_event events[EPOLL_BATCH];
    int n = epoll_wait(eng->epfd, events, EPOLL_BATCH, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -1;
    for (int i = 0; i < n; i++)
        handle_event(eng, events[i].data.ptr, events[i].events);
    open_more(eng);
    return 0;
}
