/* session.c - one server conversation: connection, trust and the session token. */
#include "client/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/known_hosts.h"

#define SESSION_TIMEOUT_MS 30000

void session_init(struct session *s, const struct client_options *opt, session_trust_fn ask,
                  void *ask_ctx)
{
    memset(s, 0, sizeof(*s));
    s->opt = opt;
    s->next_id = 1;
    s->timeout_ms = opt->timeout_s > 0 ? opt->timeout_s * 1000 : SESSION_TIMEOUT_MS;
    s->cancel.fd = -1;
    s->ask_trust = ask;
    s->ask_ctx = ask_ctx;
}

void session_set_cancel(struct session *s, int fd, bool (*check)(void *ctx), void *ctx)
{
    s->cancel = (struct net_cancel){fd, check, ctx};
}

static enum session_result from_net(enum net_status st)
{
    return st == NET_CANCELLED ? SESSION_CANCELLED : SESSION_NET_ERROR;
}

/* "sha256:ABC" and "abc" name the same fingerprint. */
static bool same_fingerprint(const char *given, const char *actual)
{
    if (strncasecmp(given, "sha256:", 7) == 0)
        given += 7;
    if (strncasecmp(actual, "sha256:", 7) == 0)
        actual += 7;
    return strcasecmp(given, actual) == 0;
}

/* how: what vouched for the server, for the start screen. */
static enum session_result decide_trust(struct session *s, const char *fp, const char **how,
                                        char *err, size_t errlen)
{
    const struct client_options *opt = s->opt;
    s->changed = false;
    *how = NULL;
    if (opt->ca_file != NULL) {
        *how = "verified by the CA file";
        return SESSION_OK; /* OpenSSL verified the chain and the name */
    }
    if (opt->fingerprint != NULL) {
        *how = "matches --fingerprint";
        if (same_fingerprint(opt->fingerprint, fp))
            return SESSION_OK;
        snprintf(err, errlen,
                 "server %s offered fingerprint %s, not the %s given with --fingerprint; "
                 "connection refused",
                 opt->hostport, fp, opt->fingerprint);
        return SESSION_UNTRUSTED;
    }
    *how = "trusted this run";
    if (s->accepted[0] && strcmp(s->accepted, fp) == 0)
        return SESSION_OK;
    char path[4096];
    if (known_hosts_default_path(path, sizeof(path)) != 0) {
        snprintf(err, errlen, "cannot find known_hosts: set HOME or XDG_DATA_HOME");
        return SESSION_UNTRUSTED;
    }
    struct known_host_match m = known_hosts_check(path, opt->hostport, fp);
    switch (m.status) {
    case KNOWN_HOST_TRUSTED:
        *how = "pinned in known_hosts";
        snprintf(s->accepted, sizeof(s->accepted), "%s", fp);
        return SESSION_OK;
    case KNOWN_HOST_CHANGED:
        s->changed = true;
        known_hosts_changed_warning(err, errlen, path, opt->hostport, &m, fp);
        return SESSION_UNTRUSTED;
    case KNOWN_HOST_ERROR:
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return SESSION_UNTRUSTED;
    case KNOWN_HOST_NEW:
        break;
    }
    if (s->ask_trust == NULL) {
        snprintf(err, errlen,
                 "unknown server %s (fingerprint %s) is not in %s; refusing to connect. "
                 "Pass --fingerprint %s or --ca FILE after checking it.",
                 opt->hostport, fp, path, fp);
        return SESSION_UNTRUSTED;
    }
    if (!s->ask_trust(s->ask_ctx, opt->hostport, fp, path)) {
        snprintf(err, errlen, "server %s not trusted; connection refused", opt->hostport);
        return SESSION_UNTRUSTED;
    }
    *how = "trusted by you, now pinned";
    snprintf(s->accepted, sizeof(s->accepted), "%s", fp);
    if (known_hosts_add(path, opt->hostport, fp) != 0) {
        /* Trusted for this run anyway; the person asked for it. */
        snprintf(err, errlen, "could not save %s: %s", path, strerror(errno));
    }
    return SESSION_OK;
}

enum session_result session_connect(struct session *s, char *err, size_t errlen)
{
    if (s->conn != NULL)
        return SESSION_OK;
    struct net_options no = {s->opt->host,
                             s->opt->port,
                             s->opt->ca_file,
                             s->timeout_ms,
                             s->cancel.fd >= 0 ? &s->cancel : NULL,
                             s->progress};
    enum net_status st;
    struct net_conn *c = net_connect(&no, &st, err, errlen);
    if (c == NULL)
        return from_net(st);
    long long t0 = net_now_us();
    const char *how;
    net_progress_report(s->progress, NET_STEP_FINGERPRINT, -1, NULL);
    enum session_result r = decide_trust(s, net_fingerprint(c), &how, err, errlen);
    if (r != SESSION_OK) {
        net_close(c);
        return r;
    }
    net_progress_report(s->progress, NET_STEP_FINGERPRINT, net_now_us() - t0, how);
    s->conn = c;
    return SESSION_OK;
}

void session_disconnect(struct session *s)
{
    net_close(s->conn);
    s->conn = NULL;
}

void session_forget_token(struct session *s)
{
    /* Overwrite rather than just truncate: the token is a credential. */
    memset(s->token, 0, sizeof(s->token));
}

static bool needs_token(const char *op)
{
    return strcmp(op, "hello") != 0 && strcmp(op, "login") != 0 && strcmp(op, "health") != 0;
}

enum session_result session_call(struct session *s, json_t *req, struct proto_reply *reply,
                                 char *err, size_t errlen)
{
    memset(reply, 0, sizeof(*reply));
    enum session_result r = session_connect(s, err, errlen);
    if (r != SESSION_OK) {
        json_decref(req);
        return r;
    }
    long id = s->next_id++;
    const char *op = json_string_value(json_object_get(req, "op"));
    json_object_set_new(req, "id", json_integer(id));
    if (op != NULL && needs_token(op) && s->token[0])
        json_object_set_new(req, "token", json_string(s->token));
    char *line = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if (line == NULL) {
        snprintf(err, errlen, "out of memory");
        return SESSION_BAD_REPLY;
    }
    /* One deadline for sending and the whole reply, however slowly its bytes come. */
    net_start_deadline(s->conn, s->timeout_ms);
    int sent = net_send_line(s->conn, line, err, errlen);
    /* The line may hold a password or the token. */
    memset(line, 0, strlen(line));
    free(line);
    if (sent != 0) {
        r = from_net(net_status(s->conn));
        session_disconnect(s);
        return r;
    }
    char *in = net_recv_line(s->conn, err, errlen);
    if (in == NULL) {
        r = from_net(net_status(s->conn));
        session_disconnect(s);
        return r;
    }
    int parsed = proto_parse_reply(in, reply);
    free(in);
    if (parsed != 0) {
        snprintf(err, errlen, "the server sent a reply that is not protocol v1");
        session_disconnect(s);
        return SESSION_BAD_REPLY;
    }
    if (proto_reply_answers(reply, id))
        return SESSION_OK;
    proto_reply_free(reply);
    snprintf(err, errlen, "the server sent a reply to no request of ours; connection dropped");
    session_disconnect(s);
    return SESSION_BAD_REPLY;
}
