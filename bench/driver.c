/* driver.c - logs in, pipelines reads, storms logins, counts replies (see driver.h). */
#include "bench/driver.h"

#include "bench/reply_scan.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IDLE_POLL_MS  50
#define PACED_POLL_MS 1
#define REQUEST_MAX   1024

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A JSON string literal (with quotes) for text; NULL when out of memory. */
static char *json_quote(const char *text)
{
    json_t *s = json_string(text);
    if (!s)
        return NULL;
    char *out = json_dumps(s, JSON_ENCODE_ANY);
    json_decref(s);
    return out;
}

/* Concatenates up to six pieces into a new string (NULL pieces are skipped). */
static char *concat(const char *a, const char *b, const char *c, const char *d, const char *e,
                    const char *f, size_t *len)
{
    const char *parts[] = {a, b, c, d, e, f};
    size_t total = 0;
    for (size_t i = 0; i < 6; i++)
        total += parts[i] ? strlen(parts[i]) : 0;
    char *out = malloc(total + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < 6; i++) {
        if (!parts[i])
            continue;
        size_t n = strlen(parts[i]);
        memcpy(out + o, parts[i], n);
        o += n;
    }
    out[o] = '\0';
    if (len)
        *len = o;
    return out;
}

static char *make_login_suffix(const struct bench_options *opt, size_t user)
{
    char name[128];
    snprintf(name, sizeof(name), "%s%zu", opt->user_prefix, user);
    char *qname = json_quote(name);
    char *qpass = json_quote(opt->password);
    char *out = NULL;
    if (qname && qpass)
        out = concat(",\"op\":\"login\",\"user\":", qname, ",\"password\":", qpass, "}\n", NULL,
                     NULL);
    free(qname);
    free(qpass);
    return out;
}

void driver_count_error(struct driver *d, const char *what, size_t what_len)
{
    d->error_total++;
    size_t n = what_len < sizeof(d->errors[0].what) - 1 ? what_len : sizeof(d->errors[0].what) - 1;
    for (size_t i = 0; i < DRIVER_ERROR_KINDS; i++) {
        struct error_count *e = &d->errors[i];
        if (e->count == 0) {
            memcpy(e->what, what, n);
            e->what[n] = '\0';
            e->count = 1;
            return;
        }
        if (strlen(e->what) == n && memcmp(e->what, what, n) == 0) {
            e->count++;
            return;
        }
    }
    d->errors[DRIVER_ERROR_KINDS - 1].count++; /* the table is full: lump the rest in */
}

static void count_error_str(struct driver *d, const char *what)
{
    driver_count_error(d, what, strlen(what));
}

void driver_report_errors(const struct driver *d, struct report *r)
{
    report_int(r, "errors", (long long)d->error_total);
    if (d->error_total == 0)
        return;
    char detail[96] = "";
    size_t o = 0;
    for (size_t i = 0; i < DRIVER_ERROR_KINDS && d->errors[i].count; i++) {
        int n = snprintf(detail + o, sizeof(detail) - o, "%s%s:%llu", o ? "," : "",
                         d->errors[i].what, (unsigned long long)d->errors[i].count);
        if (n < 0 || (size_t)n >= sizeof(detail) - o)
            break;
        o += (size_t)n;
    }
    report_str(r, "errors_detail", detail);
}

static unsigned ring_size(const struct driver *d, const struct client *cl)
{
    return cl->role == ROLE_READER ? d->opt->inflight : 1;
}

static int send_request(struct driver *d, struct conn *c, enum request_kind kind,
                        const char *suffix, size_t suffix_len)
{
    struct client *cl = &d->clients[c->index];
    char line[REQUEST_MAX];
    int head = snprintf(line, sizeof(line), "{\"id\":%lld", (long long)cl->next_id);
    if (head < 0 || (size_t)head + suffix_len > sizeof(line)) {
        count_error_str(d, "request too long");
        return -1;
    }
    memcpy(line + head, suffix, suffix_len);
    cl->sent_ns[(uint64_t)cl->next_id % ring_size(d, cl)] = bench_now_ns();
    cl->kind = kind;
    cl->next_id++;
    cl->outstanding++;
    return engine_send(&d->eng, c, line, (size_t)head + suffix_len);
}

static int send_login(struct driver *d, struct conn *c)
{
    const char *suffix = d->login_suffix[d->clients[c->index].user];
    return send_request(d, c, REQ_LOGIN, suffix, strlen(suffix));
}

/* Keeps a reader's pipeline full, or a storm connection's one login going. */
static void fill(struct driver *d, struct conn *c)
{
    struct client *cl = &d->clients[c->index];
    if (c->state != CONN_OPEN)
        return;
    if (cl->role == ROLE_STORM) {
        if (d->storm_on && cl->outstanding == 0)
            send_login(d, c);
        return;
    }
    if (cl->role != ROLE_READER || !cl->authed || !d->reads_on)
        return;
    uint64_t now = d->pace_ns ? bench_now_ns() : 0;
    while (cl->outstanding < d->opt->inflight && c->state == CONN_OPEN) {
        if (d->pace_ns) {
            if (now < cl->next_send_ns)
                return;
            /* Keep to the schedule, but never bank more than one missed slot. */
            cl->next_send_ns = cl->next_send_ns + d->pace_ns > now ? cl->next_send_ns + d->pace_ns
                                                                   : now + d->pace_ns;
        }
        if (send_request(d, c, REQ_READ, cl->token_suffix, cl->token_suffix_len) != 0)
            return;
    }
}

void driver_kick(struct driver *d)
{
    for (size_t i = 0; i < d->client_count; i++)
        fill(d, &d->eng.conns[i]);
}

/* Search mode: connection i asks the i-th of the ';'-separated queries (in turn). */
static char *search_suffix(struct driver *d, struct client *cl, size_t *len)
{
    size_t count = 1;
    for (const char *p = d->opt->query; *p != '\0'; p++)
        count += *p == ';';
    size_t want = (size_t)(cl - d->clients) % count;
    const char *start = d->opt->query;
    for (size_t i = 0; i < want; i++)
        start = strchr(start, ';') + 1;
    const char *end = strchr(start, ';');
    char query[sizeof(d->opt->query)];
    snprintf(query, sizeof(query), "%.*s", (int)(end ? (size_t)(end - start) : strlen(start)),
             start);
    char *quoted = json_quote(query);
    if (!quoted)
        return NULL;
    char *suffix = concat(",\"op\":\"search\",\"limit\":20,\"token\":\"", cl->token,
                          "\",\"query\":", quoted, "}\n", NULL, len);
    free(quoted);
    return suffix;
}

/* Remembers the token, and the read request suffix that carries it. */
static int keep_token(struct driver *d, struct client *cl, const char *token, size_t len)
{
    if (len == 0 || len >= sizeof(cl->token) || memchr(token, '"', len))
        return -1;
    memcpy(cl->token, token, len);
    cl->token[len] = '\0';
    free(cl->token_suffix);
    if (d->opt->mode == MODE_SEARCH) {
        cl->token_suffix = search_suffix(d, cl, &cl->token_suffix_len);
        return cl->token_suffix ? 0 : -1;
    }
    char *qref = json_quote(d->opt->ref);
    if (!qref)
        return -1;
    cl->token_suffix = concat(",\"op\":\"read\",\"token\":\"", cl->token, "\",\"ref\":", qref,
                              "}\n", NULL, &cl->token_suffix_len);
    free(qref);
    return cl->token_suffix ? 0 : -1;
}

static int send_whoami_with(struct driver *d, struct conn *c, const char *token)
{
    char suffix[256];
    int n = snprintf(suffix, sizeof(suffix), ",\"op\":\"whoami\",\"token\":\"%s\"}\n", token);
    if (n < 0 || (size_t)n >= sizeof(suffix))
        return -1;
    return send_request(d, c, REQ_WHOAMI, suffix, (size_t)n);
}

static void become_authed(struct driver *d, struct conn *c)
{
    d->clients[c->index].authed = true;
    d->authed++;
    fill(d, c);
}

/* A connection that cannot authenticate is of no use to the run; a broken one was
 * already counted by on_close. */
static void auth_failed(struct driver *d, struct conn *c)
{
    if (c->state != CONN_OPEN)
        return;
    d->failed++;
    engine_close(&d->eng, c);
}

/* Shared-token connections prove their token with whoami instead of logging in. */
static void send_shared_whoami(struct driver *d, struct conn *c)
{
    struct client *cl = &d->clients[c->index];
    const struct client *source = &d->clients[c->index % d->user_count];
    if (!source->authed) {
        count_error_str(d, "no token to share");
        auth_failed(d, c);
        return;
    }
    if (keep_token(d, cl, source->token, strlen(source->token)) != 0 ||
        send_whoami_with(d, c, cl->token) != 0)
        auth_failed(d, c);
}

void driver_ping(struct driver *d)
{
    for (size_t i = 0; i < d->client_count; i++) {
        struct conn *c = &d->eng.conns[i];
        struct client *cl = &d->clients[i];
        if (c->state == CONN_OPEN && cl->authed && cl->token[0] && cl->outstanding == 0 &&
            send_whoami_with(d, c, cl->token) != 0)
            count_error_str(d, "ping not sent");
    }
}

bool driver_settled(const struct driver *d)
{
    return d->authed + d->failed >= d->settle_target;
}

static void on_open(struct engine *eng, struct conn *c)
{
    struct driver *d = eng->user;
    struct client *cl = &d->clients[c->index];
    if (cl->role == ROLE_STORM) {
        /* A storm connection needs no session of its own: it is ready once connected. */
        cl->authed = true;
        d->authed++;
        fill(d, c);
    } else if (d->opt->share_tokens && c->index >= d->user_count) {
        send_shared_whoami(d, c);
    } else if (send_login(d, c) != 0) {
        auth_failed(d, c);
    }
}

static void on_reply(struct driver *d, struct conn *c, const struct reply_fields *f, size_t len,
                     uint64_t latency_us)
{
    struct client *cl = &d->clients[c->index];
    if (!f->ok) {
        if (f->error_code.len)
            driver_count_error(d, f->error_code.start, f->error_code.len);
        else
            count_error_str(d, "ok:false without code");
    }
    switch (cl->kind) {
    case REQ_LOGIN:
        if (cl->role == ROLE_STORM) {
            if (f->ok && d->recording) {
                d->stats.logins++;
                histogram_record(&d->stats.login_latency, latency_us);
            }
            fill(d, c);
        } else if (!f->ok || keep_token(d, cl, f->token.start, f->token.len) != 0) {
            if (f->ok)
                count_error_str(d, "login reply without token");
            auth_failed(d, c);
        } else {
            become_authed(d, c);
        }
        break;
    case REQ_WHOAMI:
        if (cl->authed)
            d->pongs += f->ok;
        else if (f->ok)
            become_authed(d, c);
        else
            auth_failed(d, c);
        break;
    case REQ_READ:
        if (f->ok && d->recording) {
            d->stats.reads++;
            d->stats.read_bytes += len + 1;
            histogram_record(&d->stats.read_latency, latency_us);
        }
        fill(d, c);
        break;
    case REQ_NONE:
        break;
    }
}

static void on_line(struct engine *eng, struct conn *c, const char *line, size_t len)
{
    struct driver *d = eng->user;
    struct client *cl = &d->clients[c->index];
    struct reply_fields f;
    const char *problem = NULL;
    if (reply_scan(line, len, &f) != 0 || !f.has_ok)
        problem = "malformed reply";
    else if (cl->outstanding == 0)
        problem = "unrequested reply";
    else if (!f.has_id || f.id != cl->expect_id)
        problem = "reply id mismatch";
    if (problem) {
        /* The connection's replies can no longer be matched to requests: give it up. */
        count_error_str(d, problem);
        d->lost++;
        if (!cl->authed)
            d->failed++;
        cl->outstanding = 0;
        engine_close(eng, c);
        return;
    }
    uint64_t sent = cl->sent_ns[(uint64_t)cl->expect_id % ring_size(d, cl)];
    cl->expect_id++;
    cl->outstanding--;
    on_reply(d, c, &f, len, (bench_now_ns() - sent) / 1000);
}

static void on_close(struct engine *eng, struct conn *c, const char *why)
{
    struct driver *d = eng->user;
    struct client *cl = &d->clients[c->index];
    char what[40];
    snprintf(what, sizeof(what), "connection: %s", why);
    count_error_str(d, what);
    d->lost++;
    if (!cl->authed)
        d->failed++;
    cl->outstanding = 0;
}

int driver_init(struct driver *d, const struct bench_options *opt, size_t conn_count,
                size_t readers, enum client_role rest_role)
{
    memset(d, 0, sizeof(*d));
    d->opt = opt;
    d->user_count = opt->users;
    d->client_count = conn_count;
    d->clients = calloc(conn_count ? conn_count : 1, sizeof(*d->clients));
    d->login_suffix = calloc(d->user_count, sizeof(*d->login_suffix));
    if (!d->clients || !d->login_suffix)
        goto oom;
    for (size_t u = 0; u < d->user_count; u++) {
        d->login_suffix[u] = make_login_suffix(opt, u);
        if (!d->login_suffix[u])
            goto oom;
    }
    for (size_t i = 0; i < conn_count; i++) {
        struct client *cl = &d->clients[i];
        cl->role = i < readers ? ROLE_READER : rest_role;
        cl->user = i % d->user_count;
        cl->next_id = cl->expect_id = 1;
        cl->sent_ns = calloc(ring_size(d, cl), sizeof(*cl->sent_ns));
        if (!cl->sent_ns)
            goto oom;
    }
    static const struct engine_callbacks cb = {on_open, on_line, on_close};
    if (engine_init(&d->eng, opt->host, opt->port, conn_count, opt->connect_concurrency, &cb, d) !=
        0) {
        driver_free(d);
        return -1;
    }
    return 0;
oom:
    fprintf(stderr, "scipnet-bench: out of memory\n");
    driver_free(d);
    return -1;
}

void driver_free(struct driver *d)
{
    if (d->eng.conns)
        engine_free(&d->eng);
    for (size_t i = 0; d->clients && i < d->client_count; i++) {
        free(d->clients[i].sent_ns);
        free(d->clients[i].token_suffix);
    }
    free(d->clients);
    for (size_t u = 0; d->login_suffix && u < d->user_count; u++)
        free(d->login_suffix[u]);
    free(d->login_suffix);
    d->clients = NULL;
    d->login_suffix = NULL;
}

uint64_t driver_outstanding(const struct driver *d)
{
    uint64_t n = 0;
    for (size_t i = 0; i < d->client_count; i++)
        if (d->eng.conns[i].state == CONN_OPEN)
            n += d->clients[i].outstanding;
    return n;
}

void driver_count_unanswered(struct driver *d)
{
    for (uint64_t n = driver_outstanding(d); n > 0; n--)
        count_error_str(d, "no reply in time");
}

int driver_run_until(struct driver *d, uint64_t deadline_ns, bool (*done)(const struct driver *))
{
    for (;;) {
        if (done && done(d))
            return 1;
        uint64_t now = bench_now_ns();
        if (now >= deadline_ns)
            return 0;
        uint64_t left_ms = (deadline_ns - now) / 1000000 + 1;
        int wait_ms = d->pace_ns && d->reads_on ? PACED_POLL_MS : IDLE_POLL_MS;
        if (left_ms < (uint64_t)wait_ms)
            wait_ms = (int)left_ms;
        if (engine_poll(&d->eng, wait_ms) != 0) {
            fprintf(stderr, "scipnet-bench: epoll_wait failed\n");
            return -1;
        }
        if (d->pace_ns && d->reads_on)
            driver_kick(d); /* paced readers wake on the clock, not only on replies */
    }
}
