/*
 * op_passwd.c - "passwd": change one's own password.
 *
 * Three stages as login's (op_login.c), so the hash workers only hash: the store workers
 * reserve the attempt on the account's and the address's throttle keys (a guess at the
 * old password counts as a failed login), a hash worker checks the old password and
 * hashes the new one at the server's cost, the store workers then store it and end every
 * other session of the user in one transaction, and audit.
 */
#include "common/foundation.h"
#include "common/log.h"
#include "deepwell/password.h"
#include "server/ops.h"
#include "server/pwtiming.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"
#include "server/throttle.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct passwd_state {
    char user_key[THROTTLE_KEY_MAX], addr_key[THROTTLE_KEY_MAX];
    struct throttle_ticket ticket;
    enum deepwell_pw_result verdict;
    bool hashed;
    char hash[DEEPWELL_HASH_MAX]; /* the new password's */
};

static const char *arg_password(struct request *req, const char *key)
{
    json_t *v = json_object_get(req->args, key);
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) > FOUNDATION_PASSWORD_MAX ||
        strlen(json_string_value(v)) != json_string_length(v))
        return NULL;
    return json_string_value(v);
}

/* Stage 1, store workers: arguments, the new password's policy, the throttle. */
static void passwd_reserve(struct request *req)
{
    struct passwd_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        request_fail(req, "internal", "out of memory");
        return;
    }
    req->op_state = st;
    const char *old = arg_password(req, "old"), *new = arg_password(req, "new");
    if (old == NULL || new == NULL) {
        request_fail(req, "bad_request", "passwd needs \"old\" and \"new\" passwords");
        return;
    }
    const char *weak = deepwell_password_policy_error(new);
    if (weak != NULL) {
        request_fail(req, "bad_request", weak);
        return;
    }
    throttle_user_key(req->user.name, st->user_key);
    throttle_addr_key(req->ip, st->addr_key);
    int64_t retry_after = 0;
    const char *blocked_key = NULL;
    struct deepwell_error err;
    if (throttle_reserve(req->srv, st->user_key, st->addr_key, req->now_ms, &st->ticket,
                         &retry_after, &blocked_key, &err) != DW_OK) {
        request_store_error(req, "login_failures.reserve", &err);
        return;
    }
    if (retry_after > 0) {
        request_fail_with(req, "rate_limited", "too many wrong passwords; wait", "retry_after",
                          json_integer(retry_after));
        /* As login's refusals: the first of a window audited, later ones summarised. */
        if (throttle_refusal_audited(req->srv, blocked_key, req->user.name, req->client,
                                     req->user.id, req->now_ms))
            request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_WARNING,
                          json_pack("{s:s, s:I}", "reason", "rate_limited", "retry_after",
                                    (json_int_t)retry_after));
    }
}

/* Stage 2, hash workers: the old password, then the new one's hash. */
static void passwd_hash(struct request *req)
{
    struct passwd_state *st = req->op_state;
    const struct deepwell_pwhash_limits *limits = &req->srv->pwlimits;
    bool needs_rehash = false;
    int64_t t0 = pwtiming_now_us();
    st->verdict = deepwell_password_verify(req->user.password_hash, arg_password(req, "old"),
                                           limits, &needs_rehash);
    if (st->verdict != DW_PW_OK)
        pwtiming_pad_failure(pwtiming_now_us() - t0, limits);
    else
        st->hashed = deepwell_password_hash(arg_password(req, "new"), limits, st->hash) == 0;
}

static json_int_t attempts_left(const struct request *req, const struct passwd_state *st)
{
    int left = req->srv->cfg.login_max_failures - st->ticket.user.failures;
    return left > 0 ? left : 0;
}

/* Stage 3, store workers: a wrong old password stays counted; a right one changes it. */
static void passwd_store(struct request *req)
{
    struct passwd_state *st = req->op_state;
    struct deepwell_error err;
    if (st->verdict != DW_PW_OK) {
        if (deepwell_user_record_failure(req->srv->dw, req->user.id, &err) != DW_OK)
            log_warning("passwd", "cannot count a failure of user %" PRId64 ": %s", req->user.id,
                        err.message);
        request_audit(req, req->user.id, DW_OUTCOME_FAILURE, DW_SEV_NOTICE,
                      json_pack("{s:s}", "reason", "wrong password"));
        json_t *reply = request_fail(req, "auth_failed", "the old password is wrong");
        if (!shape_set(json_object_get(reply, "error"), "attempts_left",
                       json_integer(attempts_left(req, st))))
            request_fail(req, "internal", "out of memory");
        return;
    }
    if (!st->hashed) {
        log_error("passwd", "password hashing failed (out of memory?)");
        request_fail(req, "internal", "internal error");
        return;
    }
    int64_t ended = 0;
    enum deepwell_code rc = deepwell_user_change_password(req->srv->dw, req->user.id, st->hash,
                                                          req->session.id, &ended, &err);
    memset(st->hash, 0, sizeof(st->hash));
    if (rc != DW_OK) {
        request_store_error(req, "users.change_password", &err);
        return;
    }
    if (throttle_release(req->srv, st->user_key, st->addr_key, &st->ticket, true, &err) != DW_OK)
        log_warning("passwd", "cannot reset failures of %s: %s", st->user_key, err.message);
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_NOTICE,
                  json_pack("{s:I}", "sessions_ended", (json_int_t)ended));
    request_ok(req, json_pack("{s:I}", "sessions_ended", (json_int_t)ended));
}

const struct op op_passwd_entry = {
    .name = "passwd",
    .needs_token = true,
    .audit = "passwd",
    .stages = {{OP_STORE, passwd_reserve}, {OP_HASH, passwd_hash}, {OP_STORE, passwd_store}},
};
