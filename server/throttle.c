/* throttle.c - failed-login counters and backoff. */
#include "server/throttle.h"
#include "server/refusals.h"
#include "server/server.h"
#include "common/timeutil.h"

#include <jansson.h>
#include "common/log.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>

void throttle_user_key(const char *name, char out[THROTTLE_KEY_MAX])
{
    size_t n = (size_t)snprintf(out, THROTTLE_KEY_MAX, "user:%s", name);
    if (n >= THROTTLE_KEY_MAX)
        n = THROTTLE_KEY_MAX - 1;
    for (size_t i = 5; i < n; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
}

void throttle_addr_key(const char *ip, char out[THROTTLE_KEY_MAX])
{
    snprintf(out, THROTTLE_KEY_MAX, "addr:%s", ip);
}

int64_t throttle_backoff_s(int failures, int max_failures, int base_s, int max_s)
{
    if (failures < max_failures)
        return 0;
    int64_t backoff = base_s;
    for (int i = max_failures; i < failures && backoff < max_s; i++)
        backoff *= 2;
    return backoff < max_s ? backoff : max_s;
}

static int64_t seconds_left(int64_t until_ms, int64_t now_ms)
{
    if (until_ms <= now_ms)
        return 0;
    return (until_ms - now_ms + 999) / 1000;
}

static void policy_of(const struct server *srv, bool addr, struct deepwell_throttle_policy *p)
{
    p->max_failures = addr ? srv->cfg.login_max_failures_addr : srv->cfg.login_max_failures;
    p->backoff_base_s = srv->cfg.login_backoff_base_s;
    p->backoff_max_s = srv->cfg.login_backoff_max_s;
}

/*
 * A read of both keys first: a flood against a blocked key then costs two reads and no
 * write.  It only ever refuses; the reservations below decide, atomically.
 */
static enum deepwell_code blocked_now(struct server *srv, const char *user_key,
                                      const char *addr_key, int64_t now_ms, int64_t *retry_after_s,
                                      const char **blocked_key, struct deepwell_error *err)
{
    const char *keys[2] = {user_key, addr_key};
    for (int i = 0; i < 2; i++) {
        struct deepwell_login_failures f;
        enum deepwell_code rc = deepwell_login_failures_get(srv->dw, keys[i], &f, err);
        if (rc != DW_OK)
            return rc;
        int64_t left = seconds_left(f.blocked_until_ms, now_ms);
        if (left > *retry_after_s) {
            *retry_after_s = left;
            *blocked_key = keys[i];
        }
    }
    return DW_OK;
}

static void refused(const struct deepwell_login_failures *row, const char *key, int64_t now_ms,
                    int64_t *retry_after_s, const char **blocked_key)
{
    *retry_after_s = seconds_left(row->blocked_until_ms, now_ms);
    if (*retry_after_s == 0) /* the block ran out in between: still refuse this one */
        *retry_after_s = 1;
    *blocked_key = key;
}

enum deepwell_code throttle_reserve(struct server *srv, const char *user_key, const char *addr_key,
                                    int64_t now_ms, struct throttle_ticket *ticket,
                                    int64_t *retry_after_s, const char **blocked_key,
                                    struct deepwell_error *err)
{
    struct deepwell_throttle_policy user_policy, addr_policy;
    policy_of(srv, false, &user_policy);
    policy_of(srv, true, &addr_policy);
    *retry_after_s = 0;
    *blocked_key = NULL;
    enum deepwell_code rc =
        blocked_now(srv, user_key, addr_key, now_ms, retry_after_s, blocked_key, err);
    if (rc != DW_OK || *retry_after_s > 0)
        return rc;
    bool granted = false;
    rc = deepwell_login_failures_reserve(srv->dw, user_key, now_ms, &user_policy, &granted,
                                         &ticket->user, err);
    if (rc != DW_OK)
        return rc;
    if (!granted) {
        refused(&ticket->user, user_key, now_ms, retry_after_s, blocked_key);
        return DW_OK;
    }
    rc = deepwell_login_failures_reserve(srv->dw, addr_key, now_ms, &addr_policy, &granted,
                                         &ticket->addr, err);
    if (rc == DW_OK && granted)
        return DW_OK;
    /* The address is blocked (or the store failed): the account gets its attempt back. */
    struct deepwell_error release_err;
    if (deepwell_login_failures_release(srv->dw, user_key, 1, &ticket->user,
                                        user_policy.max_failures, &release_err) != DW_OK)
        log_warning("throttle", "cannot give back an attempt of %s: %s", user_key,
                    release_err.message);
    if (rc == DW_OK)
        refused(&ticket->addr, addr_key, now_ms, retry_after_s, blocked_key);
    return rc;
}

enum deepwell_code throttle_release(struct server *srv, const char *user_key, const char *addr_key,
                                    const struct throttle_ticket *ticket, bool login,
                                    struct deepwell_error *err)
{
    int user_count = login ? ticket->user.failures : 1;
    enum deepwell_code rc = deepwell_login_failures_release(
        srv->dw, user_key, user_count, &ticket->user, srv->cfg.login_max_failures, err);
    if (rc != DW_OK)
        return rc;
    return deepwell_login_failures_release(srv->dw, addr_key, 1, &ticket->addr,
                                           srv->cfg.login_max_failures_addr, err);
}

/* A summary row: as a single refusal's, with the count and the window it covers. */
static bool audit_summary(void *arg, const struct refusal_summary *s)
{
    struct server *srv = arg;
    char from[32], to[32];
    json_t *details = json_pack("{s:s, s:b, s:s, s:I, s:s, s:s}", "reason", "rate_limited",
                                "summary", 1, "key", s->key, "refused", (json_int_t)s->count,
                                "from", time_format_iso_ms(s->window_start_ms, from, 32), "to",
                                time_format_iso_ms(s->last_ms, to, 32));
    char *text = details ? json_dumps(details, JSON_COMPACT) : NULL;
    json_decref(details);
    if (text == NULL)
        return false;
    struct deepwell_audit_entry entry = {
        .user_id = s->user_id,
        .attempted_name = s->name,
        .client_addr = s->client,
        .action = "login",
        .outcome = DW_OUTCOME_DENIED,
        .severity = DW_SEV_WARNING,
        .details_json = text,
    };
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_audit_log(srv->dw, &entry, NULL, &err);
    free(text);
    if (rc != DW_OK)
        log_error("throttle", "cannot audit a refusal summary: %s", err.message);
    return rc == DW_OK;
}

int throttle_refusals_start(struct server *srv)
{
    srv->refusals = refusals_new(REFUSALS_CAPACITY, REFUSALS_WINDOW_MS, audit_summary, srv);
    if (srv->refusals == NULL || refusals_start(srv->refusals, 1000) != 0) {
        log_error("throttle", "cannot start counting refused logins");
        refusals_free(srv->refusals);
        srv->refusals = NULL;
        return -1;
    }
    return 0;
}

void throttle_refusals_stop(struct server *srv)
{
    refusals_free(srv->refusals);
    srv->refusals = NULL;
}

bool throttle_refusal_audited(struct server *srv, const char *blocked_key, const char *name,
                              const char *client, int64_t user_id, int64_t now_ms)
{
    if (srv->refusals == NULL)
        return true;
    return refusals_note(srv->refusals, blocked_key, name, client, user_id, now_ms);
}
