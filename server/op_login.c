/*
 * op_login.c - "login": password check, throttling and a new session.
 *
 * Three stages (op_login_entry), so the hash workers only ever hash: the store workers find the
 * user and reserve the attempt in the throttle (it counts as a failure until proven good), a hash
 * worker verifies the password (and makes an upgraded hash), the store workers then record the
 * outcome (give back the reservation, session, last login, audit). Both outcomes take the same
 * three stages: unknown users burn a dummy verify and get the same auth_failed reply as a wrong
 * password.  A blocked key is refused before the password is even looked at.
 */
#include "common/foundation.h"
#include "common/log.h"
#include "deepwell/password.h"
#include "server/ops.h"
#include "server/pwtiming.h"
#include "server/redact.h"
#include "server/request.h"
#include "server/server.h"
#include "server/session.h"
#include "server/shapes.h"
#include "server/throttle.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define AUTH_FAILED_MESSAGE "identification / authentication invalid"

/* What the stages hand on, in req->op_state. */
struct login_state {
    char name[DEEPWELL_NAME_MAX];
    char user_key[THROTTLE_KEY_MAX], addr_key[THROTTLE_KEY_MAX];
    bool known; /* req->user holds the account tried */
    struct throttle_ticket ticket;
    enum deepwell_pw_result verdict;
    char rehash[DEEPWELL_HASH_MAX]; /* an upgraded hash to store, "" = none */
};

/* The name for audit rows and the throttle key: the given name, or "#<id>". */
static bool read_login_args(struct request *req, char name[DEEPWELL_NAME_MAX], int64_t *id,
                            const char **password)
{
    json_t *user = json_object_get(req->args, "user");
    json_t *pw = json_object_get(req->args, "password");
    *id = 0;
    if (json_is_string(user)) {
        size_t n = json_string_length(user);
        if (n == 0 || n >= DEEPWELL_NAME_MAX)
            return false;
        memcpy(name, json_string_value(user), n + 1);
    } else if (json_is_integer(user) && json_integer_value(user) > 0) {
        *id = json_integer_value(user);
        snprintf(name, DEEPWELL_NAME_MAX, "#%" PRId64, *id);
    } else {
        return false;
    }
    if (!json_is_string(pw) || json_string_length(pw) == 0 ||
        json_string_length(pw) > FOUNDATION_PASSWORD_MAX || strlen(json_string_value(pw)) == 0)
        return false;
    *password = json_string_value(pw);
    return true;
}

/*
 * The account key's failures left before it is blocked, as the reservation counted them.  The
 * key is the name tried whether or not it exists, so an unknown name counts down exactly as a
 * real one with the same failures: the number tells nothing about who exists.
 */
static json_int_t attempts_left(const struct request *req, const struct login_state *st)
{
    int left = req->srv->cfg.login_max_failures - st->ticket.user.failures;
    return left > 0 ? left : 0;
}

/* The attempt stays counted as the failure it was reserved as; actor: the account tried. */
static void login_failed(struct request *req, struct login_state *st, int64_t actor,
                         const char *reason)
{
    request_audit_attempted(req, st->name);
    request_audit(req, actor, DW_OUTCOME_FAILURE, DW_SEV_NOTICE,
                  json_pack("{s:s}", "reason", reason));
    json_t *reply = request_fail(req, "auth_failed", AUTH_FAILED_MESSAGE);
    if (!shape_set(json_object_get(reply, "error"), "attempts_left",
                   json_integer(attempts_left(req, st))))
        request_fail(req, "internal", "out of memory");
}

/* An imported (werkzeug) or weaker hash becomes argon2id at today's limits. */
static void store_rehash(struct request *req, const char *hash)
{
    struct deepwell_error err;
    if (deepwell_user_set_password(req->srv->dw, req->user.id, hash, &err) != DW_OK)
        log_warning("login", "cannot store rehashed password of user %" PRId64 ": %s", req->user.id,
                    err.message);
    else
        log_info("login", "password hash of user %" PRId64 " upgraded to argon2id", req->user.id);
}

static void login_succeeded(struct request *req, struct login_state *st)
{
    struct deepwell_error err;
    if (throttle_release(req->srv, st->user_key, st->addr_key, &st->ticket, true, &err) != DW_OK)
        log_warning("login", "cannot reset failures of %s: %s", st->user_key, err.message);
    if (deepwell_user_record_login(req->srv->dw, req->user.id, req->now_ms, &err) != DW_OK)
        log_warning("login", "cannot record login of user %" PRId64 ": %s", req->user.id,
                    err.message);

    char token[SESSION_TOKEN_LEN + 1];
    int64_t expires_in = 0;
    if (!session_start(req, token, &expires_in))
        return;
    const struct foundation_level *lvl = foundation_level(req->user.clearance);
    /* req->user was read before this login was recorded: its last one, failures since. */
    json_t *body = json_pack("{s:s, s:I, s:o, s:o, s:i, s:{s:s, s:s, s:s, s:s}}", "token", token,
                             "expires_in", (json_int_t)expires_in, "user", shape_user(&req->user),
                             "last_login", shape_time_or_null(req->user.last_login),
                             "failed_logins", req->user.failed_logins, "screen", "kind", "login",
                             "usr_name", req->user.name, "usr_title_name", req->user.title,
                             "usr_clearance_level_name", lvl ? lvl->full_name : "");
    memset(token, 0, sizeof(token));
    request_ok(req, body);
    req->authenticated = true;
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_INFO, NULL);
}

static const char *login_password(struct request *req)
{
    return json_string_value(json_object_get(req->args, "password"));
}

/* Stage 3, store workers: record what the hash said. */
static void login_record(struct request *req)
{
    struct login_state *st = req->op_state;
    if (!st->known) {
        login_failed(req, st, 0, LOGIN_REASON_UNKNOWN_USER);
        return;
    }
    if (st->verdict != DW_PW_OK) {
        int64_t tried = req->user.id;
        struct deepwell_error err;
        if (deepwell_user_record_failure(req->srv->dw, tried, &err) != DW_OK) /* for whoami */
            log_warning("login", "cannot count a failure of user %" PRId64 ": %s", tried,
                        err.message);
        memset(&req->user, 0, sizeof(req->user));
        login_failed(req, st, tried, "wrong password");
        return;
    }
    if (!req->user.active) {
        /* The password was right: no failure to count, and no login either. */
        struct deepwell_error err;
        if (throttle_release(req->srv, st->user_key, st->addr_key, &st->ticket, false, &err) !=
            DW_OK)
            log_warning("login", "cannot give back the attempt of %s: %s", st->user_key,
                        err.message);
        request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_NOTICE,
                      json_pack("{s:s}", "reason", "account disabled"));
        request_fail(req, "account_disabled", "this account is disabled");
        return;
    }
    if (st->rehash[0] != '\0')
        store_rehash(req, st->rehash);
    login_succeeded(req, st);
}

/* Stage 2, hash workers: argon2 and nothing else, so no hash waits on a store write. */
static void login_verify(struct request *req)
{
    struct login_state *st = req->op_state;
    const struct deepwell_pwhash_limits *limits = &req->srv->pwlimits;
    const char *password = login_password(req);
    if (!st->known) {
        pwtiming_dummy_verify(password, limits);
    } else {
        bool needs_rehash = false;
        int64_t t0 = pwtiming_now_us();
        st->verdict =
            deepwell_password_verify(req->user.password_hash, password, limits, &needs_rehash);
        if (st->verdict != DW_PW_OK)
            pwtiming_pad_failure(pwtiming_now_us() - t0, limits);
        else if (needs_rehash && req->user.active &&
                 deepwell_password_hash(password, limits, st->rehash) != 0) {
            log_warning("login", "cannot rehash password of user %" PRId64, req->user.id);
            st->rehash[0] = '\0';
        }
    }
}

/*
 * A blocked key: refused before the password is looked at.  The first refusal of the
 * key in a window is audited with its reply; later ones are counted for a summary
 * row (server/refusals.h), so a flood of them cannot flood the audit log.
 */
static void login_refused(struct request *req, struct login_state *st, const char *blocked_key,
                          int64_t retry_after)
{
    int64_t uid = st->known ? req->user.id : 0;
    memset(&req->user, 0, sizeof(req->user));
    request_fail_with(req, "rate_limited", "too many failed logins; wait", "retry_after",
                      json_integer(retry_after));
    /* A summary of an address's refusals names no one account. */
    int64_t key_uid = strcmp(blocked_key, st->user_key) == 0 ? uid : 0;
    if (!throttle_refusal_audited(req->srv, blocked_key, st->name, req->client, key_uid,
                                  req->now_ms))
        return;
    request_audit_attempted(req, st->name);
    request_audit(
        req, uid, DW_OUTCOME_DENIED, DW_SEV_WARNING,
        json_pack("{s:s, s:I}", "reason", "rate_limited", "retry_after", (json_int_t)retry_after));
}

/* Stage 1, store workers: arguments, the account, throttling. */
static void login_lookup(struct request *req)
{
    struct server *srv = req->srv;
    struct login_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        request_fail(req, "internal", "out of memory");
        return;
    }
    req->op_state = st;
    char *name = st->name, *user_key = st->user_key, *addr_key = st->addr_key;
    int64_t id;
    const char *password = NULL;
    if (!read_login_args(req, name, &id, &password)) {
        request_fail(req, "bad_request", "login needs \"user\" (name or id) and \"password\"");
        return;
    }

    struct deepwell_error err;
    enum deepwell_code rc = deepwell_user_find(srv->dw, id ? NULL : name, id, &req->user, &err);
    if (rc != DW_OK && rc != DW_NOT_FOUND) {
        memset(&req->user, 0, sizeof(req->user));
        request_store_error(req, "user.find", &err);
        return;
    }
    st->known = rc == DW_OK;
    /* A login by id is throttled under the account's name, as one by name is. */
    throttle_user_key(st->known ? req->user.name : name, user_key);
    throttle_addr_key(req->ip, addr_key);
    int64_t retry_after = 0;
    const char *blocked_key = NULL;
    if (throttle_reserve(srv, user_key, addr_key, req->now_ms, &st->ticket, &retry_after,
                         &blocked_key, &err) != DW_OK) {
        memset(&req->user, 0, sizeof(req->user));
        request_store_error(req, "login_failures.reserve", &err);
        return;
    }
    if (retry_after > 0) {
        login_refused(req, st, blocked_key, retry_after);
        return;
    }
    if (!st->known)
        memset(&req->user, 0, sizeof(req->user));
    /* No reply yet: the hash stage runs next (dispatch_next). */
}

const struct op op_login_entry = {
    .name = "login",
    .audit = "login",
    .stages = {{OP_STORE, login_lookup}, {OP_HASH, login_verify}, {OP_STORE, login_record}},
};
