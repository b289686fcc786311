/* session.c - tokens, expiry and revocation. */
#include "server/session.h"
#include "common/foundation.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "server/request.h"
#include "server/server.h"
#include "server/session_rate.h"

#include <sodium.h>
#include <string.h>

void session_token_hash(const char *token, size_t length, uint8_t out[DEEPWELL_TOKEN_HASH_BYTES])
{
    crypto_generichash(out, DEEPWELL_TOKEN_HASH_BYTES, (const unsigned char *)token, length, NULL,
                       0);
}

bool session_token_well_formed(const char *token)
{
    size_t n = strlen(token);
    if (n != SESSION_TOKEN_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = token[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

static bool unauthenticated(struct request *req, const char *message)
{
    request_fail(req, "unauthenticated", message);
    return false;
}

/* Touching last_seen costs a write; do it at most once a minute (sooner for short idles). */
static int64_t touch_interval_ms(const struct scipnet_config *cfg)
{
    int64_t ms = 60000;
    int64_t quarter = (int64_t)cfg->session_idle_s * 1000 / 4;
    return quarter < ms ? quarter : ms;
}

bool session_require(struct request *req)
{
    const struct scipnet_config *cfg = &req->srv->cfg;
    json_t *jtoken = json_object_get(req->args, "token");
    if (jtoken == NULL)
        return unauthenticated(req, "no session: log in first");
    const char *token = json_string_value(jtoken);
    if (!session_token_well_formed(token)) {
        request_audit_action(req, "session.reject", 0, DW_OUTCOME_DENIED, DW_SEV_NOTICE,
                             json_pack("{s:s}", "reason", "malformed token"));
        return unauthenticated(req, "unknown session");
    }

    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    session_token_hash(token, SESSION_TOKEN_LEN, hash);
    struct deepwell_error err;
    struct deepwell_user user; /* becomes req->user only once the session holds */
    struct foundation_ref ref;
    enum deepwell_code rc =
        req->op->session_scp != NULL && req->op->session_scp(req, &ref)
            ? deepwell_session_find_with_scp_head(req->srv->dw, hash, (int)ref.number, ref.suffix,
                                                  &req->session, &user, &req->session_scp,
                                                  &req->has_session_scp, &err)
            : deepwell_session_find_with_user(req->srv->dw, hash, &req->session, &user, &err);
    if (rc == DW_NOT_FOUND) {
        request_audit_action(req, "session.reject", 0, DW_OUTCOME_DENIED, DW_SEV_NOTICE,
                             json_pack("{s:s}", "reason", "unknown token"));
        return unauthenticated(req, "unknown session");
    }
    if (rc != DW_OK) {
        request_store_error(req, "session.find", &err);
        return false;
    }
    if (req->session.revoked) {
        request_audit_action(req, "session.reject", req->session.user_id, DW_OUTCOME_DENIED,
                             DW_SEV_NOTICE, json_pack("{s:s}", "reason", "revoked"));
        return unauthenticated(req, "session ended");
    }

    int64_t now = req->now_ms;
    bool lifetime_over = now >= req->session.expires_ms;
    bool idle_over = now - req->session.last_seen_ms >= (int64_t)cfg->session_idle_s * 1000;
    if (lifetime_over || idle_over) {
        if (deepwell_session_revoke(req->srv->dw, req->session.id, &err) != DW_OK)
            log_warning("session", "revoke of expired session %lld: %s", (long long)req->session.id,
                        err.message);
        request_audit_action(req, "session.expire", req->session.user_id, DW_OUTCOME_DENIED,
                             DW_SEV_INFO,
                             json_pack("{s:s}", "reason", lifetime_over ? "lifetime" : "idle"));
        return unauthenticated(req, "session expired");
    }

    if (user.id == 0 || !user.active) {
        /* The account went away or was disabled: the session ends with it. */
        deepwell_session_revoke(req->srv->dw, req->session.id, &err);
        request_audit_action(req, "session.reject", req->session.user_id, DW_OUTCOME_DENIED,
                             DW_SEV_NOTICE, json_pack("{s:s}", "reason", "account disabled"));
        memset(&user, 0, sizeof(user)); /* it holds a password hash */
        return unauthenticated(req, "session ended");
    }
    req->user = user;

    /* Over the session's request rate: refused before the op does any work. */
    int64_t retry_after = 0;
    if (!session_rate_take(req->srv->session_rate, req->session.id, time_mono_ms(), &retry_after)) {
        request_fail_with(req, "rate_limited", "too many requests on this session", "retry_after",
                          json_integer(retry_after));
        return false;
    }

    if (now - req->session.last_seen_ms >= touch_interval_ms(cfg)) {
        if (deepwell_session_touch(req->srv->dw, req->session.id, now, &err) != DW_OK)
            log_warning("session", "touch of session %lld: %s", (long long)req->session.id,
                        err.message);
        else
            req->session.last_seen_ms = now;
    }
    req->authenticated = true;
    return true;
}

bool session_start(struct request *req, char token[SESSION_TOKEN_LEN + 1], int64_t *expires_in_s)
{
    uint8_t raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));

    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    session_token_hash(token, SESSION_TOKEN_LEN, hash);
    int64_t lifetime_ms = (int64_t)req->srv->cfg.session_lifetime_s * 1000;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_session_create(req->srv->dw, hash, req->user.id, req->client,
                                                    req->now_ms, req->now_ms + lifetime_ms, &err);
    if (rc != DW_OK) {
        sodium_memzero(token, SESSION_TOKEN_LEN + 1);
        request_store_error(req, "session.create", &err);
        return false;
    }
    /* At most max_sessions_per_user live at once: the oldest end, never this one. */
    int64_t ended = 0;
    int64_t idle_cutoff = req->now_ms - (int64_t)req->srv->cfg.session_idle_s * 1000;
    rc = deepwell_session_trim_user(req->srv->dw, req->user.id, req->now_ms, idle_cutoff,
                                    req->srv->cfg.max_sessions_per_user, &ended, &err);
    if (rc != DW_OK) {
        sodium_memzero(token, SESSION_TOKEN_LEN + 1);
        request_store_error(req, "session.trim_user", &err);
        return false;
    }
    if (ended > 0)
        log_info("session", "user %lld: %lld oldest session(s) ended (max_sessions_per_user %d)",
                 (long long)req->user.id, (long long)ended, req->srv->cfg.max_sessions_per_user);
    req->session.user_id = req->user.id;
    req->session.created_ms = req->now_ms;
    req->session.last_seen_ms = req->now_ms;
    req->session.expires_ms = req->now_ms + lifetime_ms;
    *expires_in_s = req->srv->cfg.session_lifetime_s;
    return true;
}

int64_t session_expires_in(const struct request *req)
{
    int64_t left = req->session.expires_ms - req->now_ms;
    return left > 0 ? left / 1000 : 0;
}
