/* net.c - a blocking TLS 1.3 client connection carrying one JSON object per line. */
#include "client/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

struct net_conn {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    int timeout_ms;
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
        char *end;
        long p = strtol(colon + 1, &end, 10);
        if (colon[1] == '\0' || *end != '\0' || p < 1 || p > 65535)
            return -1;
        *port = (int)p;
    }
    return 0;
}

/* Connect with a deadline: a dead host must not hang the client. */
static int connect_with_timeout(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -1;
    int rc = connect(fd, sa, len);
    if (rc != 0 && errno == EINPROGRESS) {
        struct pollfd p = {fd, POLLOUT, 0};
        rc = poll(&p, 1, timeout_ms);
        if (rc == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            return -1;
        if (soerr != 0) {
            errno = soerr;
            return -1;
        }
        rc = 0;
    }
    if (rc != 0)
        return -1;
    return fcntl(fd, F_SETFL, flags);
}

static int tcp_connect(const struct net_options *opt, char *err, size_t errlen)
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
        if (connect_with_timeout(fd, ai->ai_addr, ai->ai_addrlen, opt->timeout_ms) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "cannot connect to %s:%d: %s", opt->host, opt->port,
                 strerror(saved ? saved : ECONNREFUSED));
        return -1;
    }
    /* Blocking reads and writes give up after the timeout instead of waiting forever. */
    struct timeval tv = {opt->timeout_ms / 1000, (opt->timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return fd;
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

struct net_conn *net_connect(const struct net_options *opt, char *err, size_t errlen)
{
    struct net_conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->fd = -1;
    c->timeout_ms = opt->timeout_ms;
    if ((c->fd = tcp_connect(opt, err, errlen)) < 0)
        goto fail;
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
    if (SSL_connect(c->ssl) != 1) {
        long verify = SSL_get_verify_result(c->ssl);
        if (opt->ca_file != NULL && verify != X509_V_OK)
            snprintf(err, errlen, "server certificate not trusted by %s: %s", opt->ca_file,
                     X509_verify_cert_error_string(verify));
        else
            ssl_error(err, errlen, "TLS handshake failed");
        goto fail;
    }
    if (compute_fingerprint(c, err, errlen) != 0)
        goto fail;
    return c;
fail:
    net_close(c);
    return NULL;
}

void net_close(struct net_conn *c)
{
    if (c == NULL)
        return;
    if (c->ssl != NULL) {
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

int net_send_line(struct net_conn *c, const char *line, char *err, size_t errlen)
{
    size_t len = strlen(line);
    char *msg = malloc(len + 1);
    if (msg == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(msg, line, len);
    msg[len] = '\n';
    size_t off = 0;
    while (off < len + 1) {
        size_t n = 0;
        if (SSL_write_ex(c->ssl, msg + off, len + 1 - off, &n) != 1) {
            free(msg);
            ssl_error(err, errlen, "connection lost while sending");
            return -1;
        }
        off += n;
    }
    free(msg);
    return 0;
}

char *net_recv_line(struct net_conn *c, char *err, size_t errlen)
{
    for (;;) {
        char *nl = c->buf ? memchr(c->buf, '\n', c->len) : NULL;
        if (nl != NULL) {
            size_t n = (size_t)(nl - c->buf);
            char *line = malloc(n + 1);
            if (line == NULL) {
                snprintf(err, errlen, "out of memory");
                return NULL;
            }
            memcpy(line, c->buf, n);
            line[n] = '\0';
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            return line;
        }
        if (c->len >= NET_LINE_MAX) {
            snprintf(err, errlen, "reply too long");
            return NULL;
        }
        if (c->cap - c->len < 4096) {
            size_t cap = c->cap ? c->cap * 2 : 16384;
            char *b = realloc(c->buf, cap);
            if (b == NULL) {
                snprintf(err, errlen, "out of memory");
                return NULL;
            }
            c->buf = b;
            c->cap = cap;
        }
        size_t got = 0;
        if (SSL_read_ex(c->ssl, c->buf + c->len, c->cap - c->len, &got) != 1) {
            int e = SSL_get_error(c->ssl, 0);
            if (e == SSL_ERROR_ZERO_RETURN)
                snprintf(err, errlen, "the server closed the connection");
            else if (e == SSL_ERROR_WANT_READ || errno == EAGAIN || errno == EWOULDBLOCK)
                snprintf(err, errlen, "no reply from the server within %d s", c->timeout_ms / 1000);
            else if (e == SSL_ERROR_SYSCALL)
                snprintf(err, errlen, "the connection was lost");
            else
                ssl_error(err, errlen, "connection error");
            ERR_clear_error();
            return NULL;
        }
        c->len += got;
    }
}
