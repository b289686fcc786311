/*
 * conn.c - connections: where every request enters and every reply leaves.
 * Accepting one and its handshake are in conn_accept.c; its state in conn_impl.h.
 */
#include "server/conn.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "server/dispatch.h"
#include "server/request.h"
#include "server/server.h"
#include "server/workq.h"

#include <assert.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

#include "server/conn_impl.h"

static void conn_pump(struct conn *c);
static void conn_begin_close(struct conn *c);

struct conn *conn_next(struct conn *c)
{
    return c->next;
}

bool conn_gone(struct conn *c)
{
    return __atomic_load_n(&c->gone, __ATOMIC_ACQUIRE) != 0;
}

static void conn_hold(struct conn *c)
{
    c->refs++;
}

/* Frees the struct once it is closed and nothing refers to it any more. */
static void conn_free_if_unused(struct conn *c)
{
    assert(c->refs >= 0);
    if (c->state == CONN_DEAD && c->refs == 0)
        free(c);
}

/* Drops a hold; c is freed when it was the last one on a closed connection. */
static void conn_drop(struct conn *c)
{
    assert(c->refs > 0);
    c->refs--;
    conn_free_if_unused(c);
}

/* Moves c on in its life; never back (conn_impl.h). */
static void conn_advance(struct conn *c, enum conn_state to)
{
    if (c->state < to)
        c->state = to;
}

void conn_close(struct conn *c)
{
    if (c->state == CONN_DEAD)
        return;
    c->state = CONN_DEAD;
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
    conn_release_addr_slot(srv, c);
    log_debug("conn", "%s closed", c->client);
    conn_free_if_unused(c);
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
    while (c->state != CONN_DEAD && c->waiting != NULL && c->at_workers < CONN_MAX_AT_WORKERS) {
        struct request *req = c->waiting;
        if (held_bytes(c, req->seq) > CONN_OUTPUT_HIGH)
            return; /* on_write or a delivered reply tries again */
        c->waiting = (struct request *)req->job.next;
        if (c->waiting == NULL)
            c->waiting_tail = NULL;
        req->job.next = NULL;
        c->at_workers++;
        conn_hold(c); /* until conn_deliver */
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
    if (c->state == CONN_DEAD)
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
            conn_advance(c, CONN_CLOSING);
            break;
        }
    }
    if (c->state >= CONN_CLOSING || (c->state >= CONN_DRAINING && c->outstanding == 0)) {
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
    if (c->state == CONN_DEAD) {
        free(line);
        return;
    }
    if (line == NULL) {
        log_error("conn", "%s: cannot serialize a reply; closing", c->client);
        conn_close(c);
        return;
    }
    /* Each request read has one slot, free until its reply comes, and no reply comes twice. */
    assert(seq >= c->send_seq && seq < c->next_seq);
    struct reply_slot *slot = &c->slots[seq % CONN_MAX_INFLIGHT];
    assert(slot->line == NULL);
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
    assert(c->at_workers > 0);
    c->at_workers--;
    __atomic_sub_fetch(&c->preparing, req->held_bytes, __ATOMIC_RELAXED);
    req->held_bytes = 0;
    if (c->state == CONN_DEAD) {
        request_free(req);
        conn_drop(c);
        return;
    }
    c->refs--; /* c is open: no free to consider */
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
    conn_advance(c, CONN_DRAINING);
    uint64_t seq = c->next_seq++;
    c->outstanding++;
    log_notice("conn", "%s: request line too large; closing", c->client);
    conn_complete_json(c, seq, reply_error(NULL, "too_large", "request line too large"), true);
}

/* Reads complete lines while the connection has room for more requests in flight. */
static void conn_pump(struct conn *c)
{
    if (c->state >= CONN_DRAINING)
        return;
    c->pumping = true;
    conn_hold(c); /* a reply may close c under us */
    struct evbuffer *in = bufferevent_get_input(c->bev);
    struct evbuffer *out = bufferevent_get_output(c->bev);
    bool paused = false;
    while (c->state < CONN_DRAINING) {
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
    if (c->state == CONN_DEAD) {
        conn_drop(c);
        return;
    }
    c->refs--; /* c is open: no free to consider */
    if (c->peer_eof && !paused && c->state < CONN_CLOSING) {
        /* Every complete line is read; an unfinished one is not a request. */
        conn_advance(c, CONN_DRAINING);
        if (c->outstanding == 0) {
            conn_begin_close(c);
            return;
        }
    }
    if (paused || c->state >= CONN_DRAINING) {
        if (c->state < CONN_CLOSING)
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
    if (c->state >= CONN_LINGERING)
        return;
    c->state = CONN_LINGERING; /* from CONN_CLOSING: past the handshake */
    SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
    if (ssl != NULL)
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
    conn_advance(c, CONN_CLOSING);
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
    if (c->state == CONN_DEAD)
        return;
    if (c->state == CONN_HANDSHAKE) {
        conn_close(c);
        return;
    }
    /* Requests already received are served; nothing more is read from the socket. */
    if (c->state < CONN_DRAINING) {
        conn_hold(c); /* keep c alive across the pump */
        conn_pump(c);
        if (c->state == CONN_DEAD) {
            conn_drop(c);
            return;
        }
        c->refs--;
    }
    conn_advance(c, CONN_DRAINING);
    bufferevent_disable(c->bev, EV_READ);
    if (c->outstanding == 0)
        conn_begin_close(c);
}

void conn_on_read(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    if (c->state >= CONN_CLOSING) {
        struct evbuffer *in = bufferevent_get_input(bev);
        evbuffer_drain(in, evbuffer_get_length(in));
        return;
    }
    conn_pump(c);
}

void conn_on_write(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    if (c->state >= CONN_CLOSING) {
        if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
            conn_finish_close(c);
        return;
    }
    submit_waiting(c);
    conn_pump(c); /* output drained below the low mark: read again */
}

void conn_on_event(struct bufferevent *bev, short events, void *arg)
{
    struct conn *c = arg;
    if (events & BEV_EVENT_CONNECTED) {
        conn_advance(c, CONN_OPEN);
        if (c->timer != NULL)
            event_del(c->timer);
        log_debug("conn", "%s: TLS handshake done", c->client);
        return;
    }
    if ((events & BEV_EVENT_EOF) && (events & BEV_EVENT_READING) && c->state != CONN_HANDSHAKE &&
        c->state != CONN_LINGERING) {
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
    else if ((events & BEV_EVENT_ERROR) && c->state != CONN_LINGERING) {
        unsigned long e = bufferevent_get_openssl_error(bev);
        if (e != 0) {
            char buf[256];
            ERR_error_string_n(e, buf, sizeof(buf));
            log_info("conn", "%s: TLS error: %s", c->client, buf);
        }
    }
    conn_close(c);
}
