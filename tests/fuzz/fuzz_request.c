/*
 * fuzz_request.c - the server's request line handling without a network:
 * server/dispatch.c's dispatch_parse (strict UTF-8 by server/utf8.c, no NUL, JSON
 * object, scalar id, string op and token, known op).
 *
 * Input: one request line as it would arrive (the framing in conn.c strips the
 * '\n').  Checked against docs/protocol.md: a line with a NUL byte or invalid
 * UTF-8, or that is not one JSON object, gets bad_request with id null; otherwise
 * the reply (or the parsed request) carries the request's id verbatim; an error
 * reply is {"id","ok":false,"error":{"code","message"}} with code bad_request or
 * unknown_op; an accepted request names a known op equal to its "op" field and
 * has a string token or none.  Every reply serialises to one line of valid UTF-8.
 *
 * Then an accepted request for a read-only op (hello, whoami, list, read, audit,
 * health) is run by its real handler against a real store, made at start-up in a
 * temporary directory and filled with canary files: every title, section and
 * passage that needs level N carries the word CNRY<N>.  The op runs once through
 * request_run_stages (dispatch_run, then any later stages) with the line's own
 * token (session_require; the dictionary knows the readers' tokens), and once
 * directly for a reader at each level 1..6 and a level-1 member of the canary
 * site's staff.  THE INVARIANT: a reply to a reader at level R never contains
 * CNRY<N> for N > R (audit is exempt: level 5+ sees names).
 *
 * Ops that write (login, logout, create, set_status, edit) run the same way, each input
 * on a fresh copy of the canary store (so every run starts from the same state and
 * a crash replays), with argon2id at libsodium's minimum cost.  Checked besides the
 * canaries: nothing is created above the creator's clearance (file, user or
 * section level) or below the creation minimums; a status changes only for level
 * 3+ readers cleared for the file; a login succeeds only with the right password,
 * returns a well-formed token and never echoes the password.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/config.h"
#include "common/foundation.h"
#include "common/markup.h"
#include "deepwell/deepwell.h"
#include "deepwell/password.h"
#include "server/dispatch.h"
#include "server/request.h"
#include "server/server.h"
#include "server/session.h"
#include "server/session_rate.h"
#include "server/utf8.h"

#include <sodium.h>

static void die(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz_request: %s; line (%zu bytes): ", what, size);
    fwrite(data, 1, size, stderr);
    fputc('\n', stderr);
    abort();
}

static void check_one_line(json_t *reply, const uint8_t *data, size_t size)
{
    char *text = json_dumps(reply, JSON_COMPACT);
    if (text == NULL)
        die("reply does not serialise", data, size);
    if (strchr(text, '\n') != NULL || !utf8_valid(text, strlen(text)))
        die("reply is not one line of UTF-8", data, size);
    free(text);
}

#include "fuzz_request_store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    config_defaults(&srv.cfg);
    srv.pwlimits.opslimit = crypto_pwhash_OPSLIMIT_MIN;
    srv.pwlimits.memlimit = crypto_pwhash_MEMLIMIT_MIN;
    /* No per-session rate in the way: each input is judged on its own (server.c makes it). */
    srv.session_rate = session_rate_new(1 << 30, 1 << 30, SESSION_RATE_ENTRIES);
    if (srv.session_rate == NULL)
        exit(1);
    snprintf(store_dir, sizeof(store_dir), "/tmp/fuzz_request.XXXXXX");
    if (mkdtemp(store_dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(template_db, sizeof(template_db), "%s/template.db", store_dir);
    snprintf(ro_db, sizeof(ro_db), "%s/ro.db", store_dir);
    snprintf(rw_db, sizeof(rw_db), "%s/rw.db", store_dir);
    atexit(teardown);
    srv.dw = open_store(template_db, true);
    fill_store();
    deepwell_close(srv.dw); /* checkpointed: the two files alone are the whole store */
    copy_store(template_db, ro_db);
    ro_dw = srv.dw = open_store(ro_db, false);
    return 0;
}

/* ---- running a handler -------------------------------------------------------------- */

static int writes(const char *op)
{
    static const char *const ops[] = {"login", "logout", "create", "set_status", "edit"};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(op, ops[i]) == 0)
            return 1;
    return 0;
}

static int read_only(const char *op)
{
    static const char *const ops[] = {"hello", "whoami", "list",   "read",
                                      "audit", "health", "history"};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(op, ops[i]) == 0)
            return 1;
    return 0;
}

/*
 * A search never matches a hidden title: a query containing CNRY<k> (any case)
 * can only match titles that need level k, so a reader below k gets total 0; and
 * LIKE's wildcards are literal: no title holds "cnry%" or "cnry_".
 */
static void check_list_query(const struct request *req, int level, const uint8_t *data, size_t size)
{
    const char *q = json_string_value(json_object_get(req->args, "query"));
    const char *kind = json_string_value(json_object_get(req->args, "kind"));
    if (q == NULL || kind == NULL || strcmp(kind, "site") == 0)
        return;
    int must_be_empty = 0;
    for (const char *p = q; *p; p++) {
        if (strncasecmp(p, "cnry", 4) != 0)
            continue;
        char c = p[4];
        if (c == '%' || c == '_' || (c >= '1' && c <= '6' && c - '0' > level))
            must_be_empty = 1;
    }
    if (must_be_empty && json_integer_value(json_object_get(req->reply, "total")) != 0) {
        char *text = json_dumps(req->reply, JSON_COMPACT);
        fprintf(stderr, "fuzz_request: reader level %d, query \"%s\": %s\n", level, q, text);
        free(text);
        die("LEAK: a search matched a hidden title (or a LIKE wildcard)", data, size);
    }
}

/* The level a ref handed out by `creator` needs (a model apart from clearance.c). */
static int grant_needs(const struct deepwell_user *creator, const struct foundation_ref *ref)
{
    struct deepwell_error err;
    int needed = FOUNDATION_LEVEL_MAX + 1; /* a missing target is never handed out */
    if (ref->kind == REF_SITE) {
        struct deepwell_site site;
        if (deepwell_site_get(srv.dw, ref->number, &site, &err) == DW_OK) {
            needed = ref->number == creator->site_id ? 0 : 3;
            deepwell_site_free(&site);
        }
    } else if (ref->kind == REF_MTF) {
        struct deepwell_mtf mtf;
        if (deepwell_mtf_get(srv.dw, ref->number, &mtf, &err) == DW_OK) {
            needed = mtf.level;
            deepwell_mtf_free(&mtf);
        }
    } else if (ref->kind == REF_USER) {
        struct deepwell_user user;
        if (deepwell_user_find(srv.dw, NULL, ref->number, &user, &err) == DW_OK)
            needed = user.clearance;
    }
    return needed;
}

/* A create hands out no site, task force, leader, director or title its creator lacks. */
static void check_grants(const struct request *req, int level, const uint8_t *data, size_t size)
{
    static const char *const fields[] = {"site", "task_force", "leader", "director"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        struct foundation_ref ref;
        const char *text = json_string_value(json_object_get(req->args, fields[i]));
        if (text != NULL && foundation_ref_parse(text, &ref) &&
            grant_needs(&req->user, &ref) > level)
            die("a create handed out a site, task force or user above its creator", data, size);
    }
    const char *title = json_string_value(json_object_get(req->args, "title"));
    const char *kind = json_string_value(json_object_get(req->args, "kind"));
    if (kind != NULL && strcmp(kind, "user") == 0 &&
        foundation_title_rank(title) > foundation_title_rank(req->user.title))
        die("a create handed out a title above its creator's rank", data, size);
}

/* What a write may do for a reader at `level` (0 = not logged in). */
static void check_write(const struct request *req, int level, const char *op, const uint8_t *data,
                        size_t size)
{
    json_t *args = req->args;
    bool ok = json_is_true(json_object_get(req->reply, "ok"));
    /* The id is echoed verbatim, whatever it holds; everything else must not echo. */
    json_t *rest = json_deep_copy(req->reply);
    json_object_del(rest, "id");
    char *text = json_dumps(rest, JSON_COMPACT);
    json_decref(rest);
    if (text != NULL && strstr(text, PASSWORD) != NULL)
        die("a reply contains a password", data, size);
    free(text);
    if (!ok)
        return;
    if (strcmp(op, "create") == 0) {
        const char *kind = json_string_value(json_object_get(args, "kind"));
        if (kind == NULL)
            die("create succeeded without a kind", data, size);
        json_t *lv = json_object_get(args, strcmp(kind, "user") == 0 ? "clearance" : "level");
        int want = json_is_integer(lv) ? (int)json_integer_value(lv) : 2;
        if (strcmp(kind, "site") == 0) {
            if (level < 3)
                die("a site was created below level 3", data, size);
        } else if (level < 2 || want > level || want < 1) {
            die("created above the creator's clearance (or below level 2)", data, size);
        }
        json_t *secs = json_object_get(args, "sections");
        for (size_t i = 0; i < json_array_size(secs); i++) {
            json_t *sl = json_object_get(json_array_get(secs, i), "level");
            if (json_integer_value(sl) > level)
                die("a section was created above the creator's clearance", data, size);
        }
        check_grants(req, level, data, size);
    } else if (strcmp(op, "set_status") == 0) {
        struct foundation_ref ref;
        const char *r = json_string_value(json_object_get(args, "ref"));
        if (r == NULL || !foundation_ref_parse(r, &ref) || ref.number < 901 || ref.number > 906)
            die("status changed on a file that does not exist", data, size);
        int file_level = (int)ref.number - 900;
        if (level < 3 || level < file_level)
            die("status changed without clearance", data, size);
    } else if (strcmp(op, "edit") == 0) {
        struct foundation_ref ref;
        const char *r = json_string_value(json_object_get(args, "ref"));
        if (r == NULL || !foundation_ref_parse(r, &ref) || ref.number < 901 || ref.number > 906)
            die("a file that does not exist was edited", data, size);
        if (level < 2 || level < (int)ref.number - 900)
            die("edited without clearance", data, size);
        const char *text = json_string_value(json_object_get(args, "text"));
        if (text != NULL && markup_max_level(text, strlen(text)) > level)
            die("a passage was written above the editor's clearance", data, size);
    } else if (strcmp(op, "login") == 0) {
        const char *pw = json_string_value(json_object_get(args, "password"));
        if (pw == NULL || strcmp(pw, PASSWORD) != 0)
            die("login succeeded with a wrong password", data, size);
        const char *token = json_string_value(json_object_get(req->reply, "token"));
        if (token == NULL || !session_token_well_formed(token))
            die("login gave no well-formed token", data, size);
    }
}

/* The reply to a reader at `level` mentions nothing that needs more. */
static void check_canaries(const struct request *req, int level, const char *op,
                           const uint8_t *data, size_t size)
{
    if (req->reply == NULL)
        die("handler set no reply", data, size);
    char *text = json_dumps(req->reply, JSON_COMPACT);
    if (text == NULL)
        die("reply does not serialise", data, size);
    if (!json_is_boolean(json_object_get(req->reply, "ok")) ||
        !json_equal(json_object_get(req->reply, "id"), req->id))
        die("reply lacks ok or does not echo the id", data, size);
    if (getenv("FUZZ_REQUEST_DEBUG") != NULL)
        fprintf(stderr, "reader level %d: %s\n", level, text);
    if (strcmp(op, "audit") != 0) {
        for (int k = level + 1; k <= 6; k++) {
            char word[8];
            snprintf(word, sizeof(word), "CNRY%d", k);
            const char *hit = strstr(text, word);
            if (hit != NULL) {
                fprintf(stderr, "fuzz_request: LEAK: reader level %d got %s in: %s\n", level, word,
                        text);
                die("LEAK: text above the reader's level in a reply", data, size);
            }
        }
    }
    free(text);
    if (strcmp(op, "list") == 0 && json_is_true(json_object_get(req->reply, "ok")))
        check_list_query(req, level, data, size);
}

/*
 * Some ops hand back their reply already serialized (req->line, request_ok_text):
 * check it is one line, and parse it so the same checks apply.
 */
static void normalise_reply(struct request *req, const uint8_t *data, size_t size)
{
    if (req->line == NULL)
        return;
    if (req->line_length == 0 || req->line[req->line_length - 1] != '\n' ||
        memchr(req->line, '\n', req->line_length - 1) != NULL ||
        !utf8_valid(req->line, req->line_length))
        die("serialized reply is not one line of UTF-8 ending in a newline", data, size);
    if (req->reply == NULL) {
        json_error_t jerr;
        req->reply = json_loadb(req->line, req->line_length - 1, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(req->reply))
            die("serialized reply is not a JSON object", data, size);
    }
}

static struct request *new_request(const struct parsed_request *p)
{
    struct request *req = request_new(&srv, NULL, 1);
    json_decref(req->id);
    req->op = p->op;
    req->id = json_incref(p->id);
    req->args = json_incref(p->args);
    snprintf(req->client, sizeof(req->client), "127.0.0.1:1");
    snprintf(req->ip, sizeof(req->ip), "127.0.0.1");
    req->now_ms = NOW_MS;
    return req;
}

static void run_store_ops(const struct parsed_request *p, const uint8_t *data, size_t size)
{
    bool write = writes(p->op->name);
    if (write)
        srv.dw = fresh_store();
    /* Through the session check, with whatever token the line carries. */
    struct request *req = new_request(p);
    request_run_stages(req); /* dispatch_run, then any later stages (login) */
    normalise_reply(req, data, size);
    int level = req->authenticated || !req->op->needs_token ? req->user.clearance : 0;
    if (req->op->needs_token && req->authenticated && req->user.id == 0)
        die("authenticated without a user", data, size);
    check_canaries(req, level < 1 ? 0 : level, p->op->name, data, size);
    if (write)
        check_write(req, level < 1 ? 0 : level, p->op->name, data, size);
    request_free(req);

    /* Straight to the handler for every reader. */
    for (int i = 0; i < NREADERS; i++) {
        req = new_request(p);
        req->user = readers[i];
        req->session = sessions[i];
        req->authenticated = true;
        enum op_pool next;
        do /* every stage (login has three), as the workers would, past the session check */
            req->op->stages[req->stage].run(req);
        while (dispatch_next(req, &next));
        normalise_reply(req, data, size);
        check_canaries(req, readers[i].clearance, p->op->name, data, size);
        if (write)
            check_write(req, readers[i].clearance, p->op->name, data, size);
        request_free(req);
    }
    if (write) {
        deepwell_close(srv.dw);
        srv.dw = ro_dw;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = (const char *)data;
    struct parsed_request p;
    memset(&p, 0x5a, sizeof(p));
    json_t *reply = dispatch_parse(line, size, &p);

    /* An independent look at the same line. */
    int clean = memchr(line, '\0', size) == NULL && utf8_valid(line, size);
    json_t *root = clean ? json_loadb(line, size, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *id = json_is_object(root) ? json_object_get(root, "id") : NULL;

    if (reply != NULL) {
        if (p.op != NULL || p.id != NULL || p.args != NULL)
            die("error reply, but the parsed request was filled", data, size);
        json_t *code = json_object_get(json_object_get(reply, "error"), "code");
        const char *c = json_string_value(code);
        if (!json_is_false(json_object_get(reply, "ok")) || c == NULL ||
            !json_is_string(json_object_get(json_object_get(reply, "error"), "message")) ||
            json_object_size(reply) != 3)
            die("error reply has the wrong shape", data, size);
        if (strcmp(c, "bad_request") != 0 && strcmp(c, "unknown_op") != 0)
            die("unexpected error code", data, size);
        json_t *rid = json_object_get(reply, "id");
        if (rid == NULL)
            die("error reply has no id", data, size);
        if (!json_is_object(root) && !json_is_null(rid))
            die("id is not null for a line that is not a JSON object", data, size);
        if (json_is_object(root) && id != NULL && !json_is_object(id) && !json_is_array(id) &&
            !json_equal(rid, id))
            die("error reply does not echo the request's id", data, size);
        if (id != NULL && (json_is_object(id) || json_is_array(id)) && !json_is_null(rid))
            die("an id that is not a scalar was echoed", data, size);
        if (root == NULL && strcmp(c, "bad_request") != 0)
            die("unparseable line did not get bad_request", data, size);
        check_one_line(reply, data, size);
        json_decref(reply);
    } else {
        if (!clean || !json_is_object(root))
            die("accepted a line that is not a clean JSON object", data, size);
        if (p.op == NULL || p.args == NULL || p.id == NULL || !json_is_object(p.args))
            die("accepted without op, args or id", data, size);
        const char *op = json_string_value(json_object_get(p.args, "op"));
        if (op == NULL || strcmp(op, p.op->name) != 0 || dispatch_find(op) != p.op)
            die("parsed op differs from the line's op", data, size);
        json_t *token = json_object_get(p.args, "token");
        if (token != NULL && !json_is_string(token))
            die("accepted a token that is not a string", data, size);
        if (json_is_object(p.id) || json_is_array(p.id))
            die("accepted an id that is not a scalar", data, size);
        if (!(id == NULL ? json_is_null(p.id) : json_equal(id, p.id)))
            die("parsed id differs from the line's id", data, size);
        if (!json_equal(root, p.args))
            die("parsed args differ from the line", data, size);
        json_t *ok = json_pack("{s:O, s:b}", "id", p.id, "ok", 1);
        check_one_line(ok, data, size);
        json_decref(ok);
        if (read_only(p.op->name) || writes(p.op->name))
            run_store_ops(&p, data, size);
        json_decref(p.id);
        json_decref(p.args);
    }
    json_decref(root);
    return 0;
}
