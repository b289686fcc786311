/*
 * setup.c - `--mode setup`: creates the benchmark's SCP file through the protocol
 * (there is no admin command for files), then reads it back as a bench user to
 * show what a reader gets: the reply size and how much the server cut.
 */
#include "bench/modes.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench/driver.h"
#include "bench/report.h"
#include "bench/scp_file.h"
#include "bench/tls_engine.h"
#include "common/vis.h"

#define STEP_TIMEOUT_NS (30ull * 1000000000ull)

/* One connection, one request at a time: enough for setup, no speed needed. */
struct exchange {
    bool open;
    bool closed;
    char *reply;
    size_t reply_len;
};

static void ex_open(struct engine *eng, struct conn *c)
{
    ((struct exchange *)eng->user)->open = true;
}

static void ex_line(struct engine *eng, struct conn *c, const char *line, size_t len)
{
    struct exchange *ex = eng->user;
    free(ex->reply);
    ex->reply = malloc(len + 1);
    if (!ex->reply)
        return;
    memcpy(ex->reply, line, len);
    ex->reply[len] = '\0';
    ex->reply_len = len;
}

static void ex_close(struct engine *eng, struct conn *c, const char *why)
{
    vis_fprintf(stderr, VIS_LINE, "scipnet-bench: setup connection lost: %s\n", why);
    ((struct exchange *)eng->user)->closed = true;
}

static int wait_for(struct engine *eng, bool (*ready)(const struct exchange *))
{
    uint64_t deadline = bench_now_ns() + STEP_TIMEOUT_NS;
    struct exchange *ex = eng->user;
    while (!ready(ex) && !ex->closed && bench_now_ns() < deadline)
        if (engine_poll(eng, 50) != 0)
            return -1;
    return ready(ex) ? 0 : -1;
}

static bool is_open(const struct exchange *ex)
{
    return ex->open;
}

static bool has_reply(const struct exchange *ex)
{
    return ex->reply != NULL;
}

/* Sends request (adding "token" when given) and returns the parsed reply, or NULL. */
static json_t *call(struct engine *eng, json_t *request, const char *token)
{
    struct exchange *ex = eng->user;
    if (token && json_object_set_new(request, "token", json_string(token)) != 0)
        return NULL;
    char *text = json_dumps(request, JSON_COMPACT);
    if (!text)
        return NULL;
    size_t len = strlen(text);
    text[len] = '\n'; /* replaces the terminator: the line is sent with its length */
    free(ex->reply);
    ex->reply = NULL;
    int sent = engine_send(eng, &eng->conns[0], text, len + 1);
    free(text);
    if (sent != 0 || wait_for(eng, has_reply) != 0)
        return NULL;
    json_error_t err;
    json_t *reply = json_loadb(ex->reply, ex->reply_len, 0, &err);
    if (!reply)
        /* jansson quotes the bad input: the server's bytes, shown, not obeyed. */
        vis_fprintf(stderr, VIS_LINE, "scipnet-bench: unparseable reply: %s\n", err.text);
    return reply;
}

static const char *error_code(json_t *reply)
{
    const char *code = json_string_value(json_object_get(json_object_get(reply, "error"), "code"));
    return code ? code : "?";
}

static const char *error_message(json_t *reply)
{
    const char *m = json_string_value(json_object_get(json_object_get(reply, "error"), "message"));
    return m ? m : "";
}

/* Logs in; returns a malloc'd token or NULL. */
static char *login(struct engine *eng, const char *user, const char *password)
{
    json_t *req = json_pack("{s:s, s:s, s:s}", "op", "login", "user", user, "password", password);
    json_t *reply = req ? call(eng, req, NULL) : NULL;
    json_decref(req);
    const char *token = json_string_value(json_object_get(reply, "token"));
    char *out = token ? strdup(token) : NULL;
    if (!out)
        vis_fprintf(stderr, VIS_LINE, "scipnet-bench: login as %s failed: %s\n", user,
                    reply ? error_code(reply) : "no reply");
    json_decref(reply);
    return out;
}

/* Creates the file; an existing one (conflict) is fine: the store may be reused. */
static int create_file(struct engine *eng, const char *token, int number, struct report *r)
{
    size_t text_bytes = 0;
    json_t *req = scp_file_create_fields(number, &text_bytes);
    if (!req || json_object_set_new(req, "op", json_string("create")) != 0) {
        json_decref(req);
        return -1;
    }
    json_t *reply = call(eng, req, token);
    json_decref(req);
    int ok = json_is_true(json_object_get(reply, "ok"));
    const char *code = ok ? "created" : reply ? error_code(reply) : "no reply";
    report_str(r, "create", code);
    report_int(r, "stored_text_bytes", (long long)text_bytes);
    int result = ok || strcmp(code, "conflict") == 0 ? 0 : -1;
    if (result != 0)
        fprintf(stderr, "scipnet-bench: create failed: %s: %s\n", code, error_message(reply));
    json_decref(reply); /* code points into the reply: used above, not after */
    return result;
}

/* Counts redacted sections and redacted inline parts in a read reply. */
static void count_redactions(json_t *file, long long *sections, long long *parts)
{
    size_t i, j;
    json_t *section, *part;
    json_array_foreach(json_object_get(file, "sections"), i, section)
    {
        if (json_is_true(json_object_get(section, "redacted")))
            (*sections)++;
        json_array_foreach(json_object_get(section, "parts"), j, part)
        {
            if (json_is_true(json_object_get(part, "redacted")))
                (*parts)++;
        }
    }
}

static int read_back(struct engine *eng, const struct bench_options *opt, struct report *r)
{
    char user[128];
    snprintf(user, sizeof(user), "%s0", opt->user_prefix);
    char *token = login(eng, user, opt->password);
    if (!token)
        return -1;
    json_t *req = json_pack("{s:s, s:s}", "op", "read", "ref", opt->ref);
    json_t *reply = req ? call(eng, req, token) : NULL;
    json_decref(req);
    free(token);
    struct exchange *ex = eng->user;
    if (!json_is_true(json_object_get(reply, "ok"))) {
        fprintf(stderr, "scipnet-bench: %s cannot read %s: %s\n", user, opt->ref,
                reply ? error_code(reply) : "no reply");
        json_decref(reply);
        return -1;
    }
    long long sections = 0, parts = 0;
    count_redactions(json_object_get(reply, "file"), &sections, &parts);
    report_str(r, "reader", user);
    report_int(r, "reader_reply_bytes", (long long)ex->reply_len + 1);
    report_int(r, "reader_redacted_sections", sections);
    report_int(r, "reader_redacted_passages", parts);
    json_decref(reply);
    return 0;
}

static int ref_number(const char *ref)
{
    if (strncasecmp(ref, "SCP-", 4) != 0)
        return -1;
    char *end;
    long n = strtol(ref + 4, &end, 10);
    return *end == '\0' && n > 0 && n < 1000000000 ? (int)n : -1;
}

int mode_setup(const struct bench_options *opt)
{
    int number = ref_number(opt->ref);
    if (number < 0) {
        fprintf(stderr, "scipnet-bench: setup needs an SCP ref, not '%s'\n", opt->ref);
        return 2;
    }
    struct exchange ex = {0};
    struct engine eng;
    static const struct engine_callbacks cb = {ex_open, ex_line, ex_close};
    if (engine_init(&eng, opt->host, opt->port, 1, 1, &cb, &ex) != 0)
        return 2;
    struct report r;
    report_init(&r);
    report_str(&r, "mode", "setup");
    report_str(&r, "ref", opt->ref);
    int code = 1;
    engine_open_until(&eng, 1);
    char *token = NULL;
    if (wait_for(&eng, is_open) == 0 &&
        (token = login(&eng, opt->admin_user, opt->admin_password)) &&
        create_file(&eng, token, number, &r) == 0 && read_back(&eng, opt, &r) == 0)
        code = 0;
    free(token);
    report_print(&r, opt->json);
    engine_free(&eng);
    free(ex.reply);
    return code;
}
