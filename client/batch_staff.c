/*
 * batch_staff.c - the staff verbs of `scipnet --batch`: whoami (with the last login),
 * who (sessions), revoke, passwd and audit.  The server decides who may see or do what; these only
 * ask and print.
 */
#include "client/batch_staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/batch.h"
#include "client/batch_create.h"
#include "client/batch_format.h"
#include "client/protocol.h"
#include "common/foundation.h"
#include "common/vis.h"

#define WHO_PAGE      200
#define WHO_MAX_PAGES 50 /* a hostile server's endless "next" stops here */

static const char *str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

static long long num(json_t *obj, const char *key)
{
    return (long long)json_integer_value(json_object_get(obj, key));
}

/* ---- whoami -------------------------------------------------------------------- */

static int cmd_whoami(struct session *s, enum client_format format)
{
    struct proto_reply r;
    int rc = batch_call(s, proto_request("whoami"), &r);
    if (rc >= 0)
        return rc;
    if (format == FORMAT_JSON) {
        rc = batch_print_json(r.root);
        proto_reply_free(&r);
        return rc;
    }
    struct art_user u;
    rc = proto_parse_whoami(r.root, &u);
    /* The login before this one and the wrong passwords since, as a terminal greets. */
    char last[40] = "", failed[24];
    json_t *jlast = json_object_get(r.root, "last_login");
    if (json_is_string(jlast))
        snprintf(last, sizeof(last), "%.32s", json_string_value(jlast));
    snprintf(failed, sizeof(failed), "%lld", num(r.root, "failed_logins"));
    proto_reply_free(&r);
    if (rc != 0) {
        vis_fprintf(stderr, VIS_LINE,
                    "scipnet: the server sent a whoami reply this client cannot read\n");
        return BATCH_ERROR;
    }
    if (format == FORMAT_TSV) {
        static const char *const head[] = {"ref",  "name",       "title",      "clearance",
                                           "site", "expires_in", "last_login", "failed_logins"};
        char ref[32], level[16], expires[24];
        snprintf(ref, sizeof(ref), "USER-%ld", u.id);
        snprintf(level, sizeof(level), "%d", u.clearance.level);
        snprintf(expires, sizeof(expires), "%ld", u.expires_in);
        const char *row[] = {ref,     u.name, u.title, level, u.site.set ? u.site.ref : "",
                             expires, last,   failed};
        rc = batch_print_tsv(head, 8);
        return rc == BATCH_OK ? batch_print_tsv(row, 8) : rc;
    }
    vis_fprintf(stdout, VIS_LINE, "USER-%ld %s\n", u.id, u.name);
    vis_fprintf(stdout, VIS_LINE, "Title: %s\n", u.title);
    vis_fprintf(stdout, VIS_LINE, "Clearance: %s\n", u.clearance.name);
    if (u.site.set)
        vis_fprintf(stdout, VIS_LINE, "Site: %s (%s)\n", u.site.name, u.site.ref);
    vis_fprintf(stdout, VIS_LINE, "Session expires in: %ld s\n", u.expires_in);
    if (last[0] != '\0')
        vis_fprintf(stdout, VIS_LINE, "Last login: %s, %s failed attempt%s since\n", last, failed,
                    strcmp(failed, "1") == 0 ? "" : "s");
    return BATCH_OK;
}

/* ---- who ------------------------------------------------------------------------- */

static int who_row(json_t *row, enum client_format fmt)
{
    json_t *user = json_object_get(row, "user");
    long long level = num(json_object_get(row, "clearance"), "level");
    bool current = json_is_true(json_object_get(row, "current"));
    if (fmt == FORMAT_TSV) {
        char id[24], lvl[8];
        snprintf(id, sizeof(id), "%lld", num(row, "id"));
        snprintf(lvl, sizeof(lvl), "%lld", level);
        const char *f[] = {id,
                           str(user, "name"),
                           lvl,
                           str(row, "client"),
                           str(row, "since"),
                           str(row, "last_seen"),
                           str(row, "expires"),
                           current ? "yes" : "no"};
        return batch_print_tsv(f, 8);
    }
    return vis_fprintf(stdout, VIS_LINE, "%s%-7lld %-20s %-5lld %-22s %-24s %s\n",
                       current ? "*" : " ", num(row, "id"), str(user, "name"), level,
                       str(row, "client"), str(row, "since"), str(row, "last_seen")) == 0
               ? BATCH_OK
               : BATCH_ERROR;
}

static int cmd_who(struct session *s, const char *user, enum client_format fmt)
{
    long offset = 0;
    int rc = BATCH_OK;
    if (fmt == FORMAT_TSV) {
        static const char *const head[] = {"session", "user",      "clearance", "client",
                                           "since",   "last_seen", "expires",   "current"};
        rc = batch_print_tsv(head, 8);
    } else if (fmt == FORMAT_TEXT) {
        rc = vis_fprintf(stdout, VIS_LINE, " %-7s %-20s %-5s %-22s %-24s %s\n", "SESSION", "USER",
                         "LEVEL", "CLIENT", "SINCE", "LAST SEEN") == 0
                 ? BATCH_OK
                 : BATCH_ERROR;
    }
    for (int page = 0; rc == BATCH_OK && page < WHO_MAX_PAGES; page++) {
        json_t *req = proto_request("sessions");
        json_object_set_new(req, "limit", json_integer(WHO_PAGE));
        json_object_set_new(req, "offset", json_integer(offset));
        if (user != NULL)
            json_object_set_new(req, "user", json_string(user));
        struct proto_reply r;
        int called = batch_call(s, req, &r);
        if (called >= 0)
            return called;
        json_t *rows = json_object_get(r.root, "sessions");
        json_t *next = json_object_get(r.root, "next");
        if (json_array_size(rows) > WHO_PAGE) {
            vis_fprintf(stderr, VIS_LINE, "scipnet: the server sent more sessions than asked\n");
            proto_reply_free(&r);
            return BATCH_ERROR;
        }
        if (fmt == FORMAT_JSON) {
            rc = batch_print_json(r.root); /* one reply a line */
        } else {
            size_t i;
            json_t *row;
            json_array_foreach(rows, i, row)
            {
                if (rc == BATCH_OK)
                    rc = who_row(row, fmt);
            }
        }
        bool more = json_is_integer(next) && json_integer_value(next) > offset;
        offset = more ? (long)json_integer_value(next) : offset;
        proto_reply_free(&r);
        if (!more)
            return rc;
    }
    if (rc == BATCH_OK)
        vis_fprintf(stderr, VIS_LINE, "scipnet: more than %d pages of sessions; stopped\n",
                    WHO_MAX_PAGES);
    return rc == BATCH_OK ? BATCH_ERROR : rc;
}

/* ---- revoke ---------------------------------------------------------------------- */

static int cmd_revoke(struct session *s, const char *target, enum client_format fmt)
{
    json_t *req = proto_request("revoke");
    long long id = 0;
    char *end = NULL;
    if (target[0] >= '1' && target[0] <= '9')
        id = strtoll(target, &end, 10);
    if (id > 0 && end != NULL && *end == '\0')
        json_object_set_new(req, "session", json_integer(id));
    else
        json_object_set_new(req, "user", json_string(target));
    struct proto_reply r;
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    long long ended = num(r.root, "ended");
    if (fmt == FORMAT_JSON) {
        rc = batch_print_json(r.root);
    } else if (fmt == FORMAT_TSV) {
        char n[24];
        snprintf(n, sizeof(n), "%lld", ended);
        static const char *const head[] = {"ended"};
        const char *row[] = {n};
        rc = batch_print_tsv(head, 1);
        rc = rc == BATCH_OK ? batch_print_tsv(row, 1) : rc;
    } else {
        rc = vis_fprintf(stdout, VIS_LINE, "%lld session%s ended\n", ended,
                         ended == 1 ? "" : "s") == 0
                 ? BATCH_OK
                 : BATCH_ERROR;
    }
    proto_reply_free(&r);
    return rc;
}

/* ---- passwd ---------------------------------------------------------------------- */

int batch_prepare_passwd(const struct client_options *opt, const char *password, json_t **req)
{
    *req = NULL;
    if (opt->ncommand != 1 || strcmp(opt->command[0], "passwd") != 0)
        return 0;
    if (opt->user == NULL) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: passwd needs --user and --password-stdin\n");
        return BATCH_ERROR;
    }
    char new_pw[FOUNDATION_PASSWORD_MAX + 2] = "";
    int got = batch_read_password(new_pw, sizeof(new_pw)); /* the second line */
    if (got == -2) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: the new password is longer than %d bytes\n",
                    FOUNDATION_PASSWORD_MAX);
        return BATCH_ERROR;
    }
    if (got == -1 && batch_prompt_new_password(new_pw, sizeof(new_pw)) != 0)
        return BATCH_ERROR;
    *req = proto_request("passwd");
    json_object_set_new(*req, "old", json_string(password));
    json_object_set_new(*req, "new", json_string(new_pw));
    memset(new_pw, 0, sizeof(new_pw));
    return 0;
}

static int cmd_passwd(struct session *s, json_t *req, enum client_format fmt)
{
    struct proto_reply r;
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    long long ended = num(r.root, "sessions_ended");
    if (fmt == FORMAT_JSON) {
        rc = batch_print_json(r.root);
    } else if (fmt == FORMAT_TSV) {
        char n[24];
        snprintf(n, sizeof(n), "%lld", ended);
        static const char *const head[] = {"sessions_ended"};
        const char *row[] = {n};
        rc = batch_print_tsv(head, 1);
        rc = rc == BATCH_OK ? batch_print_tsv(row, 1) : rc;
    } else {
        rc = vis_fprintf(stdout, VIS_LINE, "password changed; %lld other session%s ended\n", ended,
                         ended == 1 ? "" : "s") == 0
                 ? BATCH_OK
                 : BATCH_ERROR;
    }
    proto_reply_free(&r);
    return rc;
}

/* ---- audit ----------------------------------------------------------------------- */

static const char *const AUDIT_TEXT_FILTERS[] = {"user", "action", "outcome", "since", "until"};
static const char *const AUDIT_INT_FILTERS[] = {"limit", "before"};

/* FILTER=VALUE into req; false after saying why. */
static bool audit_filter(json_t *req, const char *arg)
{
    const char *eq = strchr(arg, '=');
    size_t klen = eq != NULL ? (size_t)(eq - arg) : 0;
    for (size_t i = 0; eq != NULL && i < 5; i++)
        if (strlen(AUDIT_TEXT_FILTERS[i]) == klen && strncmp(arg, AUDIT_TEXT_FILTERS[i], klen) == 0)
            return json_object_set_new(req, AUDIT_TEXT_FILTERS[i], json_string(eq + 1)) == 0;
    for (size_t i = 0; eq != NULL && i < 2; i++)
        if (strlen(AUDIT_INT_FILTERS[i]) == klen && strncmp(arg, AUDIT_INT_FILTERS[i], klen) == 0) {
            char *end;
            long long v = strtoll(eq + 1, &end, 10);
            if (eq[1] == '\0' || *end != '\0') {
                vis_fprintf(stderr, VIS_LINE, "scipnet: %s= needs a number\n",
                            AUDIT_INT_FILTERS[i]);
                return false;
            }
            return json_object_set_new(req, AUDIT_INT_FILTERS[i], json_integer(v)) == 0;
        }
    vis_fprintf(stderr, VIS_LINE,
                "scipnet: audit filters are user= action= outcome= since= until= limit= "
                "before=, not '%s'\n",
                arg);
    return false;
}

/* Who acted: the name, or the name a failed login tried ("?name"), or "-". */
static void audit_actor(json_t *row, char *buf, size_t size)
{
    if (json_is_string(json_object_get(row, "user")))
        snprintf(buf, size, "%s", str(row, "user"));
    else if (json_is_string(json_object_get(row, "attempted_name")))
        snprintf(buf, size, "?%s", str(row, "attempted_name"));
    else
        snprintf(buf, size, "-");
}

static int audit_row(json_t *row, enum client_format fmt)
{
    char actor[80], id[24]; /* a name is under 64 bytes */
    audit_actor(row, actor, sizeof(actor));
    snprintf(id, sizeof(id), "%lld", num(row, "id"));
    char *details = json_dumps(json_object_get(row, "details"), JSON_COMPACT | JSON_SORT_KEYS);
    int rc;
    if (fmt == FORMAT_TSV) {
        const char *f[] = {id,
                           str(row, "ts"),
                           actor,
                           str(row, "action"),
                           str(row, "outcome"),
                           str(row, "severity"),
                           str(row, "client"),
                           details ? details : "{}"};
        rc = batch_print_tsv(f, 8);
    } else {
        rc = vis_fprintf(stdout, VIS_LINE, "%-7s %-24s %-16s %-14s %-8s %-21s %s\n", id,
                         str(row, "ts"), actor, str(row, "action"), str(row, "outcome"),
                         str(row, "client"), details ? details : "{}") == 0
                 ? BATCH_OK
                 : BATCH_ERROR;
    }
    free(details);
    return rc;
}

static int audit_head(void)
{
    return vis_fprintf(stdout, VIS_LINE, "%-7s %-24s %-16s %-14s %-8s %-21s %s\n", "ID", "TIME",
                       "USER", "ACTION", "OUTCOME", "CLIENT", "DETAILS") == 0
               ? BATCH_OK
               : BATCH_ERROR;
}

int batch_print_file_audit(json_t *rows)
{
    if (!json_is_array(rows))
        return 0; /* below the audit log's level a file has none */
    int rc = vis_fprintf(stdout, VIS_LINE, "\nRECENT AUDIT ROWS (newest first)\n") == 0
                 ? audit_head()
                 : BATCH_ERROR;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (rc == BATCH_OK)
            rc = audit_row(row, FORMAT_TEXT);
    }
    return rc == BATCH_OK ? 0 : -1;
}

static int cmd_audit(struct session *s, char **filters, int n, enum client_format fmt)
{
    json_t *req = proto_request("audit");
    for (int i = 0; i < n; i++)
        if (!audit_filter(req, filters[i])) {
            json_decref(req);
            return BATCH_ERROR;
        }
    struct proto_reply r;
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    if (fmt == FORMAT_JSON) {
        rc = batch_print_json(r.root);
        proto_reply_free(&r);
        return rc;
    }
    if (fmt == FORMAT_TSV) {
        static const char *const head[] = {"id",      "ts",       "user",   "action",
                                           "outcome", "severity", "client", "details"};
        rc = batch_print_tsv(head, 8);
    } else {
        rc = audit_head();
    }
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(r.root, "rows"), i, row)
    {
        if (rc == BATCH_OK)
            rc = audit_row(row, fmt);
    }
    json_t *next = json_object_get(r.root, "next");
    if (rc == BATCH_OK && json_is_integer(next))
        vis_fprintf(stderr, VIS_LINE, "scipnet: more rows: add before=%lld\n",
                    (long long)json_integer_value(next));
    proto_reply_free(&r);
    return rc;
}

int batch_staff_command(struct session *s, char **cmd, int n, json_t *prepared,
                        enum client_format fmt)
{
    if (strcmp(cmd[0], "passwd") == 0 && n == 1 && prepared != NULL)
        return cmd_passwd(s, prepared, fmt);
    if (strcmp(cmd[0], "whoami") == 0 && n == 1)
        return cmd_whoami(s, fmt);
    if (strcmp(cmd[0], "who") == 0 && (n == 1 || n == 2))
        return cmd_who(s, n == 2 ? cmd[1] : NULL, fmt);
    if (strcmp(cmd[0], "revoke") == 0 && n == 2)
        return cmd_revoke(s, cmd[1], fmt);
    if (strcmp(cmd[0], "audit") == 0)
        return cmd_audit(s, cmd + 1, n - 1, fmt);
    return -1;
}
