/*
 * net.c - a TLS 1.3 client connection carrying one JSON object per line.  The socket is
 * non-blocking: every wait is a poll() bounded by the deadline, so a server that sends one
 * byte at a time cannot stretch it, and the cancel hook is polled alongside.
 */
#include "client/net.h"
#include "common/integer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

struct net_conn {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    int timeout_ms;     /* the span of the current deadline, for messages */
    long long deadline; /* net_now_ms() */
    struct net_cancel cancel;
    enum net_status status;
    char fingerprint[NET_FINGERPRINT_MAX];
    char *buf; /* bytes received past the last line */
    size_t len, cap;
};

static void ssl_error(char *err, size_t errlen, const char *what)
{
    unsigned long e = ERR_get_error();
    char detail[256] = "";
    if (e != 0)
        ERR_error_string_n(e, detail, sizeof(detail));
    snprintf(err, errlen, "%s%s%s", what, detail[0] ? ": " : "", detail);
    ERR_clear_error();
}

static long long net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long net_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void net_progress_report(const struct net_progress *progress, enum net_step step, long long us,
                         const char *detail)
{
    if (progress != NULL && progress->step != NULL)
        progress->step(progress->ctx, step, us, detail);
}

/* The address the socket reached, numerically ("127.0.0.1:7043", "[::1]:7043"). */
static void peer_name(int fd, char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST], port[NI_MAXSERV];
    buf[0] = '\0';
    if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0 ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return;
    snprintf(buf, size, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

/* Wait for fd to be ready for events, at most until deadline; the cancel hook may stop it. */
static enum net_status wait_fd(int fd, short events, long long deadline,
                               const struct net_cancel *cancel)
{
    for (;;) {
        long long left = deadline - net_now_ms();
        if (left <= 0)
            return NET_TIMEOUT;
        struct pollfd p[2] = {{fd, events, 0}, {cancel->fd, POLLIN, 0}};
        int n = poll(p, 2, left > INT_MAX ? INT_MAX : (int)left);
        if (n < 0 && errno != EINTR)
            return NET_ERROR;
        if (n <= 0)
            continue; /* EINTR, or the deadline: checked at the top */
        if (p[1].revents & (POLLHUP | POLLERR | POLLNVAL))
            return NET_CANCELLED; /* the terminal went away */
        if ((p[1].revents & POLLIN) && cancel->check(cancel->ctx))
            return NET_CANCELLED;
        if (p[0].revents)
            return NET_OK;
    }
}

int net_parse_hostport(const char *text, int default_port, char *host, size_t hostlen, int *port)
{
    const char *colon;
    size_t n;
    *port = default_port;
    if (text == NULL || text[0] == '\0')
        return -1;
    if (text[0] == '[') {
        const char *end = strchr(text, ']');
        if (end == NULL)
            return -1;
        n = (size_t)(end - text - 1);
        colon = end[1] == ':' ? end + 1 : NULL;
        if (end[1] != '\0' && colon == NULL)
            return -1;
        text++;
    } else {
        colon = strrchr(text, ':');
        if (colon != NULL && strchr(text, ':') != colon)
            colon = NULL; /* a bare IPv6 address */
        n = colon ? (size_t)(colon - text) : strlen(text);
    }
    if (n == 0 || n >= hostlen)
        return -1;
    memcpy(host, text, n);
    host[n] = '\0';
    if (colon != NULL) {
        int64_t p;
        if (!integer_parse(colon + 1, 1, 65535, &p))
            return -1;
        *port = (int)p;
    }
    return 0;
}

/* Connect before the deadline: a dead host must not hang the client.  The socket stays
 * non-blocking. */
static enum net_status connect_by(int fd, const struct sockaddr *sa, socklen_t len,
                                  long long deadline, const struct net_cancel *cancel)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return NET_ERROR;
    if (connect(fd, sa, len) == 0)
        return NET_OK;
    if (errno != EINPROGRESS)
        return NET_ERROR;
    enum net_status st = wait_fd(fd, POLLOUT, deadline, cancel);
    if (st != NET_OK) {
        if (st == NET_TIMEOUT)
            errno = ETIMEDOUT;
        return st;
    }
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        return NET_ERROR;
    if (soerr != 0) {
        errno = soerr;
        return NET_ERROR;
    }
    return NET_OK;
}

static int tcp_connect(const struct net_options *opt, struct net_conn *c, char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *res = NULL;
    char port[16];
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof(port), "%d", opt->port);
    int rc = getaddrinfo(opt->host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve %s: %s", opt->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        c->status = connect_by(fd, ai->ai_addr, ai->ai_addrlen, c->deadline, &c->cancel);
        if (c->status == NET_OK)
            break;
        saved = errno;
        close(fd);
        fd = -1;
        if (c->status == NET_CANCELLED)
            break;
    }
    freeaddrinfo(res);
    if (fd < 0 && c->status == NET_CANCELLED) {
        snprintf(err, errlen, "cancelled");
    } else if (fd < 0) {
        c->status = NET_ERROR;
        snprintf(err, errlen, "cannot connect to %s:%d: %s", opt->host, opt->port,
                 strerror(saved ? saved : ECONNREFUSED));
    }
    return fd;
}

/* After a failed wait: say why, in terms of what we were waiting for. */
static void wait_failed(struct net_conn *c, enum net_status st, const char *waiting, char *err,
                        size_t errlen)
{
    c->status = st;
    if (st == NET_TIMEOUT)
        snprintf(err, errlen, "%s within %d s", waiting, c->timeout_ms / 1000);
    else if (st == NET_CANCELLED)
        snprintf(err, errlen, "cancelled");
    else
        snprintf(err, errlen, "cannot wait for the server: %s", strerror(errno));
}

/* Map an SSL call's failure to a wait: POLLIN/POLLOUT, or 0 for a real error. */
static short ssl_wants(SSL *ssl, int rc)
{
    int e = SSL_get_error(ssl, rc);
    return e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
}

static SSL_CTX *make_ctx(const struct net_options *opt, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        ssl_error(err, errlen, "TLS setup failed");
        return NULL;
    }
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
        ssl_error(err, errlen, "TLS 1.3 unavailable");
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (opt->ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, opt->ca_file, NULL) != 1) {
            ssl_error(err, errlen, "cannot load CA file");
            SSL_CTX_free(ctx);
            return NULL;
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    } else {
        /* Trust comes from the pinned fingerprint, checked after the handshake. */
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    return ctx;
}

static int compute_fingerprint(struct net_conn *c, char *err, size_t errlen)
{
    X509 *cert = SSL_get1_peer_certificate(c->ssl);
    if (cert == NULL) {
        snprintf(err, errlen, "the server sent no certificate");
        return -1;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int ok = X509_digest(cert, EVP_sha256(), md, &mdlen);
    X509_free(cert);
    if (ok != 1) {
        ssl_error(err, errlen, "cannot hash the server certificate");
        return -1;
    }
    char *p = c->fingerprint + snprintf(c->fingerprint, sizeof(c->fingerprint), "sha256:");
    for (unsigned int i = 0; i < mdlen && i < 32; i++)
        p += snprintf(p, 3, "%02x", md[i]);
    return 0;
}

static bool never_cancel(void *ctx)
{
    (void)ctx;
    return false;
}

static int handshake(struct net_conn *c, const struct net_options *opt, char *err, size_t errlen)
{
    for (;;) {
        ERR_clear_error();
        int rc = SSL_connect(c->ssl);
        if (rc == 1)
            return 0;
        short ev = ssl_wants(c->ssl, rc);
        if (ev == 0)
            break;
        enum net_status st = wait_fd(c->fd, ev, c->deadline, &c->cancel);
        if (st != NET_OK) {
            wait_failed(c, st, "the server did not finish the TLS handshake", err, errlen);
            return -1;
        }
    }
    c->status = NET_ERROR;
    long verify = SSL_get_verify_result(c->ssl);
    if (opt->ca_file != NULL && verify != X509_V_OK)
        snprintf(err, errlen, "server certificate not trusted by %s: %s", opt->ca_file,
                 X509_verify_cert_error_string(verify));
    else
        ssl_error(err, errlen, "TLS handshake failed");
    return -1;
}

struct net_conn *net_connect(const struct net_options *opt, enum net_status *st, char *err,
                             size_t errlen)
{
    struct net_conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        *st = NET_ERROR;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->fd = -1;
    c->status = NET_ERROR;
    c->cancel = opt->cancel ? *opt->cancel : (struct net_cancel){-1, never_cancel, NULL};
    net_start_deadline(c, opt->timeout_ms);
    char detail[160];
    long long t0 = net_now_us();
    net_progress_report(opt->progress, NET_STEP_TCP, -1, NULL);
    if ((c->fd = tcp_connect(opt, c, err, errlen)) < 0)
        goto fail;
    peer_name(c->fd, detail, sizeof(detail));
    net_progress_report(opt->progress, NET_STEP_TCP, net_now_us() - t0, detail);
    c->status = NET_ERROR;
    if ((c->ctx = make_ctx(opt, err, errlen)) == NULL)
        goto fail;
    c->ssl = SSL_new(c->ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
        ssl_error(err, errlen, "TLS setup failed");
        goto fail;
    }
    struct in6_addr addr;
    bool is_ip =
        inet_pton(AF_INET, opt->host, &addr) == 1 || inet_pton(AF_INET6, opt->host, &addr) == 1;
    if (!is_ip)
        SSL_set_tlsext_host_name(c->ssl, opt->host);
    if (opt->ca_file != NULL) {
        /* With a CA the certificate must also name the host we asked for. */
        X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
        int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, opt->host)
                       : X509_VERIFY_PARAM_set1_host(param, opt->host, 0);
        if (ok != 1) {
            ssl_error(err, errlen, "TLS setup failed");
            goto fail;
        }
    }
    t0 = net_now_us();
    net_progress_report(opt->progress, NET_STEP_TLS, -1, NULL);
    if (handshake(c, opt, err, errlen) != 0)
        goto fail;
    snprintf(detail, sizeof(detail), "%s %s", SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));
    net_progress_report(opt->progress, NET_STEP_TLS, net_now_us() - t0, detail);
    if (compute_fingerprint(c, err, errlen) != 0)
        goto fail;
    c->status = NET_OK;
    *st = NET_OK;
    return c;
fail:
    *st = c->status;
    net_close(c);
    return NULL;
}

void net_close(struct net_conn *c)
{
    if (c == NULL)
        return;
    if (c->ssl != NULL) {
        /* Non-blocking: a close_notify the server will not take is simply dropped. */
        if (c->status == NET_OK || c->status == NET_TIMEOUT || c->status == NET_CANCELLED)
            SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    SSL_CTX_free(c->ctx);
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    free(c);
}

const char *net_fingerprint(const struct net_conn *c)
{
    return c->fingerprint;
}

void net_start_deadline(struct net_conn *c, int timeout_ms)
{
    c->timeout_ms = timeout_ms;
    c->deadline = net_now_ms() + timeout_ms;
}

enum net_status net_status(const struct net_conn *c)
{
    return c->status;
}

int net_send_line(struct net_conn *c, const char *line, char *err, size_t errlen)
{
    size_t len = strlen(line);
    char *msg = malloc(len + 1);
    if (msg == NULL) {
        c->status = NET_ERROR;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(msg, line, len);
    msg[len] = '\n';
    size_t off = 0;
    int rc = 0;
    while (off < len + 1) {
        size_t n = 0;
        ERR_clear_error();
        int ok = SSL_write_ex(c->ssl, msg + off, len + 1 - off, &n);
        if (ok == 1) {
            off += n;
            continue;
        }
        short ev = ssl_wants(c->ssl, ok);
        enum net_status st = ev ? wait_fd(c->fd, ev, c->deadline, &c->cancel) : NET_ERROR;
        if (st == NET_OK)
            continue;
        if (ev == 0) {
            c->status = NET_ERROR;
            ssl_error(err, errlen, "connection lost while sending");
        } else {
            wait_failed(c, st, "the server did not take the request", err, errlen);
        }
        rc = -1;
        break;
    }
    /* The line may hold a password or the token. */
    memset(msg, 0, len + 1);
    free(msg);
    return rc;
}

/* Take the first line out of the buffer, or NULL (and *oom) when there is none. */
static char *take_line(struct net_conn *c, bool *oom)
{
    char *nl = c->buf ? memchr(c->buf, '\n', c->len) : NULL;
    if (nl == NULL)
        return NULL;
    size_t n = (size_t)(nl - c->buf);
    char *line = malloc(n + 1);
    if (line == NULL) {
        *oom = true;
        return NULL;
    }
    memcpy(line, c->buf, n);
    line[n] = '\0';
    memmove(c->buf, nl + 1, c->len - n - 1);
    c->len -= n + 1;
    return line;
}

static void read_failed(struct net_conn *c, int rc, char *err, size_t errlen)
{
    int e = SSL_get_error(c->ssl, rc);
    c->status = NET_ERROR;
    if (e == SSL_ERROR_ZERO_RETURN) {
        c->status = NET_CLOSED;
        snprintf(err, errlen, "the server closed the connection");
    } else if (e == SSL_ERROR_SYSCALL) {
        snprintf(err, errlen, "the connection was lost");
    } else {
        ssl_error(err, errlen, "connection error");
    }
    ERR_clear_error();
}

char *net_recv_line(struct net_conn *c, char *err, size_t errlen)
{
    for (;;) {
        bool oom = false;
        char *line = take_line(c, &oom);
        if (line != NULL || oom) {
            c->status = oom ? NET_ERROR : NET_OK;
            if (oom)
                snprintf(err, errlen, "out of memory");
            return line;
        }
        if (c->len >= NET_LINE_MAX) {
            c->status = NET_TOO_LONG;
            snprintf(err, errlen, "reply too long (over %d bytes)", NET_LINE_MAX);
            return NULL;
        }
        /* Checked here too: bytes that keep arriving must not outlast the deadline. */
        if (net_now_ms() >= c->deadline) {
            wait_failed(c, NET_TIMEOUT, "no complete reply from the server", err, errlen);
            return NULL;
        }
        if (c->cap - c->len < 4096) {
            size_t cap = c->cap ? c->cap * 2 : 16384;
            char *b = realloc(c->buf, cap);
            if (b == NULL) {
                c->status = NET_ERROR;
                snprintf(err, errlen, "out of memory");
                return NULL;
            }
            c->buf = b;
            c->cap = cap;
        }
        size_t got = 0;
        ERR_clear_error();
        int rc = SSL_read_ex(c->ssl, c->buf + c->len, c->cap - c->len, &got);
        if (rc == 1) {
            c->len += got;
            continue;
        }
        short ev = ssl_wants(c->ssl, rc);
        if (ev == 0) {
            read_failed(c, rc, err, errlen);
            return NULL;
        }
        enum net_status st = wait_fd(c->fd, ev, c->deadline, &c->cancel);
        if (st != NET_OK) {
            wait_failed(c, st, "no complete reply from the server", err, errlen);
            return NULL;
        }
    }
}
