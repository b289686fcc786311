/*
 * conn_accept.c - a new connection: the per-address cap, TLS set-up, the handshake
 * timeout.  From then on conn.c serves it.
 */
#include "common/log.h"
#include "common/timeutil.h"
#include "server/conn_impl.h"
#include "server/server.h"

#include <arpa/inet.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static void handshake_expired(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    if (c->state == CONN_HANDSHAKE) {
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

void conn_release_addr_slot(struct server *srv, struct conn *c)
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
        conn_release_addr_slot(srv, c);
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
        conn_release_addr_slot(srv, c);
        free(c);
        return;
    }
    bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
    bufferevent_setcb(c->bev, conn_on_read, conn_on_write, conn_on_event, c);
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
        conn_release_addr_slot(srv, c);
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
