/* batch.c - `scipnet --batch`: one command, plain text out, a telling exit status. */
#include "client/batch.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/browser.h"
#include "art/denied.h"
#include "art/expunged.h"
#include "art/file_view.h"
#include "art/redacted.h"
#include "client/protocol.h"
#include "client/session.h"
#include "common/foundation.h"
#include "common/vis.h"

#define BATCH_WIDTH 80
#define LIST_PAGE   200
/* A hostile server may claim any total: past this many items (or pages) batch gives up. */
#define LIST_MAX_ITEMS 100000
#define LIST_MAX_PAGES (LIST_MAX_ITEMS / LIST_PAGE + 1)

enum batch_exit batch_exit_for(const char *code)
{
    if (proto_code_is_auth(code))
        return BATCH_AUTH;
    if (strcmp(code, "redacted") == 0)
        return BATCH_REDACTED;
    if (strcmp(code, "expunged") == 0)
        return BATCH_EXPUNGED;
    if (strcmp(code, "clearance_denied") == 0)
        return BATCH_DENIED;
    return BATCH_ERROR;
}

/* An error reply: the screen it carries goes to stdout, the code to stderr. */
static int report_error(const struct proto_reply *r)
{
    struct art_notice n;
    bool have_notice = false;
    if (strcmp(r->code, "redacted") == 0) {
        struct art_redacted_screen s;
        if (proto_parse_redacted(r->root, &s) == 0) {
            art_redacted_notice(&s, &n);
            have_notice = true;
        }
    } else if (strcmp(r->code, "expunged") == 0) {
        struct art_expunged_screen s;
        if (proto_parse_expunged(r->root, &s) == 0) {
            art_expunged_notice(&s, &n);
            have_notice = true;
        }
    } else if (strcmp(r->code, "clearance_denied") == 0) {
        struct art_denied_screen s;
        if (proto_parse_denied(r->root, &s) == 0) {
            art_denied_notice(&s, &n);
            have_notice = true;
        }
    }
    if (have_notice) {
        char *text = art_notice_plain(&n);
        if (text != NULL)
            vis_fputs(stdout, text, VIS_TEXT);
        free(text);
    }
    if (r->retry_after > 0)
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s: %s (retry after %ld s)\n", r->code, r->message,
                    r->retry_after);
    else
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s%s%s\n", r->code, r->message[0] ? ": " : "",
                    r->message);
    return batch_exit_for(r->code);
}

/* Send req; on success leave the reply in *r and return -1, else the exit status. */
static int call(struct session *s, json_t *req, struct proto_reply *r)
{
    char err[1024] = "";
    enum session_result res = session_call(s, req, r, err, sizeof(err));
    if (res != SESSION_OK) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", err);
        return BATCH_ERROR;
    }
    if (!r->ok) {
        int rc = report_error(r);
        proto_reply_free(r);
        return rc;
    }
    return -1;
}

/* The first line of stdin: -1 when there is none, -2 when no password is that long. */
static int read_password(char *buf, size_t size)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return -1;
    size_t n = strcspn(buf, "\r\n");
    /* Without its line end the line went on past buf: refused, never cut short. */
    bool whole = buf[n] != '\0' || feof(stdin);
    buf[n] = '\0';
    return whole && n <= FOUNDATION_PASSWORD_MAX ? 0 : -2;
}

static int do_login(struct session *s, const char *user, const char *password)
{
    struct proto_reply r;
    json_t *req = proto_request("login");
    json_object_set_new(req, "user", json_string(user));
    json_object_set_new(req, "password", json_string(password));
    int rc = call(s, req, &r);
    if (rc >= 0)
        return rc;
    struct art_user u;
    struct art_login_screen screen;
    rc = proto_parse_login(r.root, s->token, sizeof(s->token), &u, &screen);
    proto_reply_free(&r);
    if (rc != 0) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: the login reply has no token\n");
        return BATCH_ERROR;
    }
    return -1;
}

/* A file's tags and, for one imported from the SCP wiki, its source (the licence asks). */
static int print_attribution(json_t *file)
{
    json_t *tags = json_object_get(file, "tags"), *src = json_object_get(file, "source"), *t;
    size_t i;
    int rc = 0;
    if (json_array_size(tags) > 0) {
        rc |= vis_fprintf(stdout, VIS_LINE, "tags:");
        json_array_foreach(tags, i, t) if (json_is_string(t)) rc |=
            vis_fprintf(stdout, VIS_LINE, " %s", json_string_value(t));
        rc |= vis_fprintf(stdout, VIS_LINE, "\n");
    }
    const char *url = json_string_value(json_object_get(src, "url"));
    const char *author = json_string_value(json_object_get(src, "author"));
    const char *date = json_string_value(json_object_get(src, "created_at"));
    if (url != NULL)
        rc |= vis_fprintf(stdout, VIS_LINE, "source: %s by %s, %s (CC BY-SA 3.0)\n", url,
                          author ? author : "unknown", date ? date : "undated");
    return rc < 0 ? -1 : 0;
}

static int cmd_read(struct session *s, const char *ref)
{
    struct proto_reply r;
    json_t *req = proto_request("read");
    json_object_set_new(req, "ref", json_string(ref));
    int rc = call(s, req, &r);
    if (rc >= 0)
        return rc;
    struct art_file f;
    rc = proto_parse_file(r.root, &f);
    if (rc != 0) {
        proto_reply_free(&r);
        vis_fprintf(stderr, VIS_LINE, "scipnet: the server sent a file this client cannot read\n");
        return BATCH_ERROR;
    }
    char *text = art_file_plain(&f, BATCH_WIDTH);
    art_file_free(&f);
    int out = text != NULL ? vis_fputs(stdout, text, VIS_TEXT) : -1;
    free(text);
    if (out == 0)
        out = print_attribution(json_object_get(r.root, "file"));
    proto_reply_free(&r);
    return out == 0 ? BATCH_OK : BATCH_ERROR;
}

/* Why a list page cannot be used, or NULL: bounds against a server that lies. */
static const char *list_page_problem(const struct art_list *l, char *buf, size_t size)
{
    if (l->count > LIST_PAGE)
        return "the server sent a longer list page than asked for";
    if (l->total > LIST_MAX_ITEMS) {
        snprintf(buf, size, "the server claims %ld items; this client lists at most %d", l->total,
                 LIST_MAX_ITEMS);
        return buf;
    }
    return NULL;
}

static int cmd_list(struct session *s, const char *kind, const char *query)
{
    long offset = 0, total = 0;
    int pages = 0;
    do {
        struct proto_reply r;
        json_t *req = proto_request("list");
        json_object_set_new(req, "kind", json_string(kind));
        if (query != NULL)
            json_object_set_new(req, "query", json_string(query));
        json_object_set_new(req, "offset", json_integer(offset));
        json_object_set_new(req, "limit", json_integer(LIST_PAGE));
        int rc = call(s, req, &r);
        if (rc >= 0)
            return rc;
        struct art_list l;
        rc = proto_parse_list(r.root, &l);
        proto_reply_free(&r);
        if (rc != 0) {
            vis_fprintf(stderr, VIS_LINE,
                        "scipnet: the server sent a list this client cannot read\n");
            return BATCH_ERROR;
        }
        char why[128];
        const char *problem = list_page_problem(&l, why, sizeof(why));
        for (size_t i = 0; problem == NULL && i < l.count; i++) {
            char *line = art_list_item_plain(&l.items[i]);
            if (line != NULL)
                vis_fprintf(stdout, VIS_LINE, "%s\n", line);
            free(line);
        }
        total = l.total;
        offset += (long)l.count;
        size_t got = l.count;
        art_list_free(&l);
        if (problem != NULL) {
            vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", problem);
            return BATCH_ERROR;
        }
        if (got == 0)
            break;
        /* A total that keeps moving ahead: only counting pages ends it. */
        if (++pages >= LIST_MAX_PAGES && offset < total) {
            vis_fprintf(stderr, VIS_LINE,
                        "scipnet: the list did not end after %d pages; giving up\n", pages);
            return BATCH_ERROR;
        }
    } while (offset < total);
    return BATCH_OK;
}

static int cmd_whoami(struct session *s)
{
    struct proto_reply r;
    int rc = call(s, proto_request("whoami"), &r);
    if (rc >= 0)
        return rc;
    struct art_user u;
    rc = proto_parse_whoami(r.root, &u);
    proto_reply_free(&r);
    if (rc != 0) {
        vis_fprintf(stderr, VIS_LINE,
                    "scipnet: the server sent a whoami reply this client cannot read\n");
        return BATCH_ERROR;
    }
    vis_fprintf(stdout, VIS_LINE, "USER-%ld %s\n", u.id, u.name);
    vis_fprintf(stdout, VIS_LINE, "Title: %s\n", u.title);
    vis_fprintf(stdout, VIS_LINE, "Clearance: %s\n", u.clearance.name);
    if (u.site.set)
        vis_fprintf(stdout, VIS_LINE, "Site: %s (%s)\n", u.site.name, u.site.ref);
    vis_fprintf(stdout, VIS_LINE, "Session expires in: %ld s\n", u.expires_in);
    return BATCH_OK;
}

static int cmd_health(struct session *s)
{
    struct proto_reply r;
    int rc = call(s, proto_request("health"), &r);
    if (rc >= 0)
        return rc;
    json_t *root = r.root;
    json_t *db = json_object_get(root, "db");
    vis_fprintf(stdout, VIS_LINE, "status: %s\n",
                json_string_value(json_object_get(root, "status"))
                    ? json_string_value(json_object_get(root, "status"))
                    : "unknown");
    vis_fprintf(stdout, VIS_LINE, "uptime_s: %lld\n",
                (long long)json_integer_value(json_object_get(root, "uptime_s")));
    vis_fprintf(stdout, VIS_LINE, "connections: %lld\n",
                (long long)json_integer_value(json_object_get(root, "connections")));
    vis_fprintf(stdout, VIS_LINE, "sessions: %lld\n",
                (long long)json_integer_value(json_object_get(root, "sessions")));
    vis_fprintf(stdout, VIS_LINE, "db: %s\n",
                json_is_true(json_object_get(db, "ok")) ? "ok" : "not ok");
    proto_reply_free(&r);
    return BATCH_OK;
}

/* Numbers go as JSON integers for the fields that are numbers in protocol v1. */
static bool numeric_field(const char *key)
{
    return strcmp(key, "number") == 0 || strcmp(key, "level") == 0 || strcmp(key, "clearance") == 0;
}

/* create KIND FIELD=VALUE...: the server decides; a refusal exits 5. */
static int cmd_create(struct session *s, const char *kind, char **fields, int n)
{
    json_t *req = proto_request("create");
    json_object_set_new(req, "kind", json_string(kind));
    for (int i = 0; i < n; i++) {
        char key[64];
        const char *eq = strchr(fields[i], '=');
        if (eq == NULL || eq == fields[i] || (size_t)(eq - fields[i]) >= sizeof(key)) {
            vis_fprintf(stderr, VIS_LINE, "scipnet: create fields are FIELD=VALUE, not '%s'\n",
                        fields[i]);
            json_decref(req);
            return BATCH_ERROR;
        }
        memcpy(key, fields[i], (size_t)(eq - fields[i]));
        key[eq - fields[i]] = '\0';
        char *end;
        long long num = strtoll(eq + 1, &end, 10);
        if (numeric_field(key) && eq[1] != '\0' && *end == '\0')
            json_object_set_new(req, key, json_integer(num));
        else
            json_object_set_new(req, key, json_string(eq + 1));
    }
    struct proto_reply r;
    int rc = call(s, req, &r);
    if (rc >= 0)
        return rc;
    char ref[ART_REF_MAX] = "";
    proto_parse_created(r.root, ref, sizeof(ref));
    proto_reply_free(&r);
    vis_fprintf(stdout, VIS_LINE, "%s\n", ref);
    return BATCH_OK;
}

static int run_command(struct session *s, char **cmd, int n)
{
    if (strcmp(cmd[0], "create") == 0 && n >= 2)
        return cmd_create(s, cmd[1], cmd + 2, n - 2);
    if (strcmp(cmd[0], "read") == 0 && n == 2)
        return cmd_read(s, cmd[1]);
    if (strcmp(cmd[0], "list") == 0 && (n == 2 || n == 3))
        return cmd_list(s, cmd[1], n == 3 ? cmd[2] : NULL);
    if (strcmp(cmd[0], "whoami") == 0 && n == 1)
        return cmd_whoami(s);
    if (strcmp(cmd[0], "health") == 0 && n == 1)
        return cmd_health(s);
    vis_fprintf(stderr, VIS_LINE,
                "scipnet: unknown batch command (want: read REF | list KIND [QUERY] | "
                "whoami | health | create KIND FIELD=VALUE...)\n");
    return BATCH_ERROR;
}

int batch_run(const struct client_options *opt)
{
    struct session s;
    char err[1024] = "";
    char password[FOUNDATION_PASSWORD_MAX + 2] = ""; /* and the line end */
    int got = opt->password_stdin ? read_password(password, sizeof(password)) : 0;
    if (got != 0) {
        memset(password, 0, sizeof(password));
        if (got == -2)
            vis_fprintf(stderr, VIS_LINE, "scipnet: the password is longer than %d bytes\n",
                        FOUNDATION_PASSWORD_MAX);
        else
            vis_fprintf(stderr, VIS_LINE, "scipnet: no password on standard input\n");
        return BATCH_ERROR;
    }
    if (opt->raw)
        vis_set_raw(stdout); /* errors on stderr stay escaped */
    session_init(&s, opt, NULL, NULL);
    if (session_connect(&s, err, sizeof(err)) != SESSION_OK) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", err);
        memset(password, 0, sizeof(password));
        return BATCH_ERROR;
    }
    int rc = -1;
    if (opt->user != NULL)
        rc = do_login(&s, opt->user, password);
    memset(password, 0, sizeof(password));
    if (rc < 0)
        rc = run_command(&s, opt->command, opt->ncommand);
    if (s.token[0] && s.conn != NULL) {
        /* End the session: a script's login should not outlive the script. */
        struct proto_reply r;
        if (session_call(&s, proto_request("logout"), &r, err, sizeof(err)) == SESSION_OK)
            proto_reply_free(&r);
    }
    session_forget_token(&s);
    session_disconnect(&s);
    return rc;
}
