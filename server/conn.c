/* conn.c - connections: where every request enters and every reply leaves. */
#include "server/conn.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "server/addr_limit.h"
#include "server/dispatch.h"
#include "server/request.h"
#include "server/server.h"
#include "server/workq.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct reply_slot {
    char *line; /* serialized reply with its newline; NULL = not finished yet */
    size_t length;
    bool close_after;
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
    uint64_t next_seq; /* given to the next request read */
    uint64_t send_seq; /* the reply to write next */
    struct reply_slot slots[CONN_MAX_INFLIGHT];
    size_t slot_bytes; /* in slots, waiting for an earlier reply */
    size_t preparing;  /* atomic: made on workers, not delivered yet (conn_reply_made) */
    struct request *waiting, *waiting_tail; /* read, not yet given to the workers */
    int outstanding;                        /* requests read whose reply is not written yet */
    int at_workers;                         /* requests holding a pointer to this conn */
    bool handshaken;
    bool authenticated; /* allows the larger request lines */
    bool no_more_input; /* too_large or shutdown: no further requests are read */
    bool closing;       /* last reply queued: flush, close_notify, linger, close */
    bool lingering;
    bool peer_eof; /* the client shut down its sending side */
    bool pumping;
    bool dead; /* socket closed; the struct lives on while jobs refer to it */
    int gone;  /* dead, for the workers (atomic): queued hashing is skipped */
};

static void conn_pump(struct conn *c);
static void release_addr_slot(struct server *srv, struct conn *c);
static void conn_begin_close(struct conn *c);

struct conn *conn_next(struct conn *c)
{
    return c->next;
}

bool conn_gone(struct conn *c)
{
    return __atomic_load_n(&c->gone, __ATOMIC_ACQUIRE) != 0;
}

/* Frees the struct once nothing refers to it any more. */
static void conn_release(struct conn *c)
{
    if (c->dead && c->at_workers == 0 && !c->pumping)
        free(c);
}

void conn_close(struct conn *c)
{
    if (c->dead)
        return;
    c->dead = true;
    __atomic_store_n(&c->gone, 1, __ATOMIC_RELEASE);
    struct server *srv = c->srv;
    if (c->timer != NULL)
        event_free(c->timer);
    c->timer = NULL;
    bufferevent_free(c->bev); /* closes the socket and frees the SSL */
    c->bev = NULL;
    for (int i = 0; i < CONN_MAX_INFLIGHT; i++) {
        free(c->slots[i].line);
        c->slots[i].line = NULL;
    }
    while (c->waiting != NULL) {
        struct request *req = c->waiting;
        c->waiting = (struct request *)req->job.next;
        request_free(req);
    }
    c->waiting_tail = NULL;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    __atomic_sub_fetch(&srv->nconns, 1, __ATOMIC_RELAXED);
    release_addr_slot(srv, c);
    log_debug("conn", "%s closed", c->client);
    conn_release(c);
    server_check_drained(srv);
}

static void free_line(const void *data, size_t length, void *extra)
{
    free((void *)data);
}

void conn_reply_made(struct conn *c, size_t bytes)
{
    __atomic_add_fetch(&c->preparing, bytes, __ATOMIC_RELAXED);
}

/*
 * Bytes of replies this connection holds, as seen by the request with sequence number
 * seq: those being made, its output buffer and, unless seq is the reply due next,
 * those waiting in the slots (they wait for it, so they must not hold it back).
 */
static size_t held_bytes(const struct conn *c, uint64_t seq)
{
    size_t bytes = evbuffer_get_length(bufferevent_get_output(c->bev)) +
                   __atomic_load_n(&c->preparing, __ATOMIC_RELAXED);
    return seq == c->send_seq ? bytes : bytes + c->slot_bytes;
}

/*
 * Gives waiting requests to the workers in order: at most CONN_MAX_AT_WORKERS of them
 * at once, and none while the connection holds more than CONN_OUTPUT_HIGH.  So a
 * client that never reads holds at most that plus the replies of the requests it
 * had at the workers when it crossed it.
 */
static void submit_waiting(struct conn *c)
{
    while (!c->dead && c->waiting != NULL && c->at_workers < CONN_MAX_AT_WORKERS) {
        struct request *req = c->waiting;
        if (held_bytes(c, req->seq) > CONN_OUTPUT_HIGH)
            return; /* on_write or a delivered reply tries again */
        c->waiting = (struct request *)req->job.next;
        if (c->waiting == NULL)
            c->waiting_tail = NULL;
        req->job.next = NULL;
        c->at_workers++;
        request_submit(req, req->pool);
    }
}

static void add_waiting(struct conn *c, struct request *req)
{
    req->job.next = NULL;
    if (c->waiting_tail != NULL)
        c->waiting_tail->job.next = &req->job;
    else
        c->waiting = req;
    c->waiting_tail = req;
}

/* Writes finished replies in request order, stopping at the first one still out. */
static void conn_flush(struct conn *c)
{
    if (c->dead)
        return;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    for (;;) {
        struct reply_slot *slot = &c->slots[c->send_seq % CONN_MAX_INFLIGHT];
        if (c->send_seq == c->next_seq || slot->line == NULL)
            break;
        /* The output buffer takes the line itself: no copy of an 8 KB reply. */
        if (evbuffer_add_reference(out, slot->line, slot->length, free_line, NULL) != 0) {
            log_warning("conn", "%s: cannot queue reply; closing", c->client);
            conn_close(c);
            return;
        }
        slot->line = NULL;
        c->slot_bytes -= slot->length;
        c->send_seq++;
        c->outstanding--;
        if (slot->close_after) {
            c->closing = true;
            break;
        }
    }
    if (c->closing || (c->no_more_input && c->outstanding == 0)) {
        conn_begin_close(c);
        return;
    }
    submit_waiting(c);
    if (!c->pumping)
        conn_pump(c);
}

/* Files a finished reply line under its sequence number; steals line (NULL = none made). */
static void conn_complete(struct conn *c, uint64_t seq, char *line, size_t length, bool close_after)
{
    if (c->dead) {
        free(line);
        return;
    }
    if (line == NULL) {
        log_error("conn", "%s: cannot serialize a reply; closing", c->client);
        conn_close(c);
        return;
    }
    struct reply_slot *slot = &c->slots[seq % CONN_MAX_INFLIGHT];
    slot->line = line;
    slot->length = length;
    slot->close_after = close_after;
    c->slot_bytes += length;
    conn_flush(c);
}

/* Replies made on the loop thread (framing errors, inline ops) are small. */
static void conn_complete_json(struct conn *c, uint64_t seq, json_t *reply, bool close_after)
{
    size_t length = 0;
    char *line = reply_serialize(reply, &length);
    json_decref(reply);
    conn_complete(c, seq, line, length, close_after);
}

void conn_deliver(struct request *req)
{
    struct conn *c = req->conn;
    c->at_workers--;
    __atomic_sub_fetch(&c->preparing, req->held_bytes, __ATOMIC_RELAXED);
    req->held_bytes = 0;
    if (c->dead) {
        request_free(req);
        conn_release(c);
        return;
    }
    if (req->authenticated)
        c->authenticated = true;
    if (req->deauthenticated)
        c->authenticated = false;
    char *line = req->line;
    size_t length = req->line_length;
    req->line = NULL;
    uint64_t seq = req->seq;
    bool close_after = req->close_after;
    request_free(req);
    conn_complete(c, seq, line, length, close_after);
}

static void handle_line(struct conn *c, const char *line, size_t length)
{
    uint64_t seq = c->next_seq++;
    c->outstanding++;
    struct parsed_request parsed;
    json_t *error = dispatch_parse(line, length, &parsed);
    if (error != NULL) {
        conn_complete_json(c, seq, error, false);
        return;
    }
    struct request *req = request_new(c->srv, c, seq);
    if (req == NULL) {
        json_decref(parsed.id);
        json_decref(parsed.args);
        conn_complete_json(c, seq, reply_error(NULL, "internal", "out of memory"), false);
        return;
    }
    json_decref(req->id);
    req->id = parsed.id;
    req->args = parsed.args;
    req->op = parsed.op;
    memcpy(req->client, c->client, sizeof(req->client));
    memcpy(req->ip, c->ip, sizeof(req->ip));
    enum op_pool pool = dispatch_pool(&parsed);
    if (pool == OP_INLINE) {
        req->now_ms = time_now_ms();
        dispatch_run(req);
        json_t *reply = req->reply;
        req->reply = NULL;
        request_free(req);
        conn_complete_json(c, seq, reply, false);
        return;
    }
    req->pool = pool;
    add_waiting(c, req);
    submit_waiting(c);
}

static void too_large(struct conn *c)
{
    c->no_more_input = true;
    uint64_t seq = c->next_seq++;
    c->outstanding++;
    log_notice("conn", "%s: request line too large; closing", c->client);
    conn_complete_json(c, seq, reply_error(NULL, "too_large", "request line too large"), true);
}

/* Reads complete lines while the connection has room for more requests in flight. */
static void conn_pump(struct conn *c)
{
    if (c->dead || c->closing || c->no_more_input)
        return;
    c->pumping = true;
    struct evbuffer *in = bufferevent_get_input(c->bev);
    struct evbuffer *out = bufferevent_get_output(c->bev);
    bool paused = false;
    while (!c->dead && !c->no_more_input && !c->closing) {
        if (c->outstanding >= CONN_MAX_INFLIGHT || evbuffer_get_length(out) > CONN_OUTPUT_HIGH) {
            paused = true; /* backpressure: resume when replies drain */
            break;
        }
        size_t limit = c->authenticated ? CONN_LINE_MAX_AUTH : CONN_LINE_MAX_ANON;
        struct evbuffer_ptr eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
        if (eol.pos < 0) {
            /* No newline yet: never buffer more than one line's worth. */
            if (evbuffer_get_length(in) > limit + 1)
                too_large(c);
            break;
        }
        size_t length = (size_t)eol.pos;
        if (length > limit + 1) { /* + 1: a CR before the LF is not counted */
            too_large(c);
            break;
        }
        char *line = malloc(length + 1);
        if (line == NULL) {
            conn_close(c);
            break;
        }
        evbuffer_remove(in, line, length);
        evbuffer_drain(in, 1);
        line[length] = '\0';
        if (length > 0 && line[length - 1] == '\r')
            length--;
        if (length > limit) {
            free(line);
            too_large(c);
            break;
        }
        if (length > 0)
            handle_line(c, line, length);
        free(line);
    }
    c->pumping = false;
    if (c->dead) {
        conn_release(c);
        return;
    }
    if (c->peer_eof && !paused && !c->closing) {
        /* Every complete line is read; an unfinished one is not a request. */
        c->no_more_input = true;
        if (c->outstanding == 0) {
            conn_begin_close(c);
            return;
        }
    }
    if (paused || c->no_more_input || c->closing) {
        if (!c->closing)
            bufferevent_disable(c->bev, EV_READ);
    } else {
        bufferevent_enable(c->bev, EV_READ);
    }
}

static void linger_done(evutil_socket_t fd, short what, void *arg)
{
    conn_close(arg);
}

/* All replies are written: say close_notify, wait briefly for the client, then close. */
static void conn_finish_close(struct conn *c)
{
    if (c->lingering)
        return;
    c->lingering = true;
    SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
    if (ssl != NULL && c->handshaken)
        SSL_shutdown(ssl);
    if (c->peer_eof) {
        conn_close(c); /* nothing more can arrive: no need to linger */
        return;
    }
    if (c->timer != NULL)
        event_free(c->timer);
    c->timer = evtimer_new(c->srv->base, linger_done, c);
    struct timeval tv = {CONN_LINGER_MS / 1000, (CONN_LINGER_MS % 1000) * 1000};
    if (c->timer == NULL || evtimer_add(c->timer, &tv) != 0)
        conn_close(c);
}

static void conn_begin_close(struct conn *c)
{
    c->closing = true;
    if (!c->peer_eof)
        bufferevent_enable(c->bev, EV_READ); /* on_read discards what still arrives */
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
        conn_finish_close(c);
        return;
    }
    bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0); /* wake when fully written */
}

void conn_stop_reading(struct conn *c)
{
    if (c->dead)
        return;
    if (!c->handshaken) {
        conn_close(c);
        return;
    }
    /* Requests already received are served; nothing more is read from the socket. */
    if (!c->closing && !c->no_more_input) {
        c->at_workers++; /* keep c alive across the pump */
        conn_pump(c);
        c->at_workers--;
        if (c->dead) {
            conn_release(c);
            return;
        }
        submit_waiting(c); /* the pump's hold on c counted against CONN_MAX_AT_WORKERS */
    }
    c->no_more_input = true;
    bufferevent_disable(c->bev, EV_READ);
    if (c->outstanding == 0)
        conn_begin_close(c);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    if (c->lingering || c->closing) {
        struct evbuffer *in = bufferevent_get_input(bev);
        evbuffer_drain(in, evbuffer_get_length(in));
        return;
    }
    conn_pump(c);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    if (c->closing) {
        if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
            conn_finish_close(c);
        return;
    }
    submit_waiting(c);
    conn_pump(c); /* output drained below the low mark: read again */
}

static void on_event(struct bufferevent *bev, short events, void *arg)
{
    struct conn *c = arg;
    if (events & BEV_EVENT_CONNECTED) {
        c->handshaken = true;
        if (c->timer != NULL)
            event_del(c->timer);
        log_debug("conn", "%s: TLS handshake done", c->client);
        return;
    }
    if ((events & BEV_EVENT_EOF) && (events & BEV_EVENT_READING) && c->handshaken &&
        !c->lingering) {
        /* The client is done sending: answer what it sent, then close cleanly. */
        c->peer_eof = true;
        /* bufferevent_openssl drops its pending write event on EOF: re-arm it, or a
         * reply queued around this moment is never written and the close never comes. */
        bufferevent_enable(bev, EV_WRITE);
        conn_pump(c);
        return;
    }
    if (events & BEV_EVENT_TIMEOUT)
        log_info("conn", "%s: idle timeout", c->client);
    else if ((events & BEV_EVENT_ERROR) && !c->lingering) {
        unsigned long e = bufferevent_get_openssl_error(bev);
        if (e != 0) {
            char buf[256];
            ERR_error_string_n(e, buf, sizeof(buf));
            log_info("conn", "%s: TLS error: %s", c->client, buf);
        }
    }
    conn_close(c);
}

static void handshake_expired(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    if (!c->handshaken) {
        log_info("conn", "%s: TLS handshake timeout", c->client);
        conn_close(c);
    }
}

static void format_peer(const struct sockaddr *sa, char *ip, size_t iplen, char *client,
                        size_t clen)
{
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, ip, (socklen_t)iplen);
        port = ntohs(in->sin_port);
        snprintf(client, clen, "%s:%u", ip, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, (socklen_t)iplen);
        port = ntohs(in6->sin6_port);
        snprintf(client, clen, "[%s]:%u", ip, port);
    } else {
        snprintf(ip, iplen, "unknown");
        snprintf(client, clen, "unknown");
    }
}

/* One address at its cap may knock a thousand times a second: one log line a second. */
static void log_addr_refused(struct server *srv, const char *ip)
{
    srv->addr_refused++;
    int64_t now = time_mono_ms();
    if (now - srv->addr_refused_log_ms < 1000)
        return;
    log_notice("conn",
               "refusing a connection from %s: max_connections_per_addr (%d) reached"
               " (%d refused since the last such line)",
               ip, srv->cfg.max_connections_per_addr, srv->addr_refused);
    srv->addr_refused_log_ms = now;
    srv->addr_refused = 0;
}

/* Counts the connection against its address's cap; false when it is full. */
static bool take_addr_slot(struct server *srv, struct conn *c, const struct sockaddr *addr)
{
    if (!addr_limit_key(addr, c->addr_key))
        return true; /* not IP: nothing to count by */
    if (!addr_limit_take(srv->per_addr, c->addr_key, srv->cfg.max_connections_per_addr)) {
        log_addr_refused(srv, c->ip);
        return false;
    }
    c->addr_counted = true;
    return true;
}

static void release_addr_slot(struct server *srv, struct conn *c)
{
    if (c->addr_counted)
        addr_limit_release(srv->per_addr, c->addr_key);
    c->addr_counted = false;
}

void conn_accept(struct server *srv, evutil_socket_t fd, const struct sockaddr *addr, int len)
{
    if (srv->stopping || srv->nconns >= srv->cfg.max_connections) {
        log_warning("conn", "refusing a connection: %s",
                    srv->stopping ? "shutting down" : "max_connections reached");
        evutil_closesocket(fd);
        return;
    }
    struct conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        log_error("conn", "out of memory accepting a connection");
        evutil_closesocket(fd);
        return;
    }
    c->srv = srv;
    format_peer(addr, c->ip, sizeof(c->ip), c->client, sizeof(c->client));
    /* Before any TLS work: a refused address costs us an accept and a close. */
    if (!take_addr_slot(srv, c, addr)) {
        free(c);
        evutil_closesocket(fd);
        return;
    }
    SSL *ssl = SSL_new(srv->tls);
    if (ssl == NULL) {
        log_error("conn", "out of memory accepting a connection");
        release_addr_slot(srv, c);
        free(c);
        evutil_closesocket(fd);
        return;
    }
    evutil_make_socket_nonblocking(fd);
    c->bev = bufferevent_openssl_socket_new(srv->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                            BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (c->bev == NULL) {
        SSL_free(ssl);
        evutil_closesocket(fd);
        release_addr_slot(srv, c);
        free(c);
        return;
    }
    bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    bufferevent_setwatermark(c->bev, EV_WRITE, CONN_OUTPUT_LOW, 0);
    struct timeval idle = {srv->cfg.idle_timeout_s, 0};
    bufferevent_set_timeouts(c->bev, &idle, &idle);
    c->timer = evtimer_new(srv->base, handshake_expired, c);
    struct timeval hs = {srv->cfg.handshake_timeout_s, 0};
    if (c->timer == NULL || evtimer_add(c->timer, &hs) != 0 ||
        bufferevent_enable(c->bev, EV_READ | EV_WRITE) != 0) {
        if (c->timer)
            event_free(c->timer);
        bufferevent_free(c->bev);
        release_addr_slot(srv, c);
        free(c);
        return;
    }
    c->next = srv->conns;
    if (srv->conns != NULL)
        srv->conns->prev = c;
    srv->conns = c;
    __atomic_add_fetch(&srv->nconns, 1, __ATOMIC_RELAXED);
    log_debug("conn", "%s connected", c->client);
}
