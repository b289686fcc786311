/* throttle.c - failed-login counters and backoff. */
#include "server/throttle.h"
#include "server/server.h"

#include <ctype.h>
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

enum deepwell_code throttle_check(struct server *srv, const char *user_key, const char *addr_key,
                                  int64_t now_ms, int64_t *retry_after_s,
                                  struct deepwell_error *err)
{
    *retry_after_s = 0;
    const char *keys[2] = {user_key, addr_key};
    for (int i = 0; i < 2; i++) {
        struct deepwell_login_failures f;
        enum deepwell_code rc = deepwell_login_failures_get(srv->dw, keys[i], &f, err);
        if (rc == DW_NOT_FOUND)
            continue;
        if (rc != DW_OK)
            return rc;
        int64_t left = seconds_left(f.blocked_until_ms, now_ms);
        if (left > *retry_after_s)
            *retry_after_s = left;
    }
    return DW_OK;
}

static enum deepwell_code record(struct server *srv, const char *key, int max_failures,
                                 int64_t now_ms, struct deepwell_error *err)
{
    const struct scipnet_config *cfg = &srv->cfg;
    struct deepwell_login_failures f = {0};
    enum deepwell_code rc = deepwell_login_failures_get(srv->dw, key, &f, err);
    if (rc != DW_OK && rc != DW_NOT_FOUND)
        return rc;
    int64_t backoff = throttle_backoff_s(f.failures + 1, max_failures, cfg->login_backoff_base_s,
                                         cfg->login_backoff_max_s);
    int64_t until = backoff > 0 ? now_ms + backoff * 1000 : 0;
    return deepwell_login_failures_record(srv->dw, key, now_ms, until, &f, err);
}

enum deepwell_code throttle_failure(struct server *srv, const char *user_key, const char *addr_key,
                                    int64_t now_ms, struct deepwell_error *err)
{
    enum deepwell_code rc = record(srv, user_key, srv->cfg.login_max_failures, now_ms, err);
    if (rc != DW_OK)
        return rc;
    return record(srv, addr_key, srv->cfg.login_max_failures_addr, now_ms, err);
}

enum deepwell_code throttle_success(struct server *srv, const char *user_key,
                                    struct deepwell_error *err)
{
    enum deepwell_code rc = deepwell_login_failures_reset(srv->dw, user_key, err);
    return rc == DW_NOT_FOUND ? DW_OK : rc;
}
