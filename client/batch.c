/* batch.c - `scipnet --batch`: one command, plain text out, a telling exit status. */
#include "client/batch.h"
#include "client/batch_create.h"
#include "client/batch_edit.h"
#include "client/batch_format.h"
#include "client/batch_info.h"
#include "client/batch_staff.h"
#include "client/batch_markdown.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/browser.h"
#include "art/denied.h"
#include "art/document.h"
#include "art/expunged.h"
#include "art/file_view.h"
#include "art/layout.h"
#include "art/redacted.h"
#include "client/protocol.h"
#include "client/search_reply.h"
#include "client/session.h"
#include "common/foundation.h"
#include "common/vis.h"

#define BATCH_WIDTH 80
#define LIST_PAGE   200
/* A hostile server may claim any total: past this many items (or pages) batch gives up. */
#define LIST_MAX_ITEMS  100000
#define LIST_MAX_PAGES  (LIST_MAX_ITEMS / LIST_PAGE + 1)
#define REDACTED_BLOCKS "██████████"

static enum client_format format;

enum client_format batch_format(void)
{
    return format;
}

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

/* An error reply: the screen it carries (or, in json, the reply) to stdout, the code to stderr. */
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
    if (format == FORMAT_JSON) {
        batch_print_json(r->root);
    } else if (have_notice && format == FORMAT_TEXT) {
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

int batch_call(struct session *s, json_t *req, struct proto_reply *r)
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

static int do_login(struct session *s, const char *user, const char *password)
{
    struct proto_reply r;
    json_t *req = proto_request("login");
    json_object_set_new(req, "user", proto_login_user(user));
    json_object_set_new(req, "password", json_string(password));
    int rc = batch_call(s, req, &r);
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

/* A section's text with each cut passage as blocks and the level it needs. */
static char *section_text(const struct art_section *sec)
{
    struct batch_line l = {0};
    char tag[48];
    for (size_t i = 0; i < (sec->redacted ? 1 : sec->nparts); i++) {
        const struct art_part *p = sec->redacted ? NULL : &sec->parts[i];
        if (p == NULL || p->redacted) {
            snprintf(tag, sizeof(tag), " [LEVEL %d REQUIRED]",
                     p ? p->needed.level : sec->needed.level);
            batch_line_str(&l, REDACTED_BLOCKS);
            batch_line_str(&l, tag);
        } else {
            batch_line_str(&l, p->text ? p->text : "");
        }
    }
    return batch_line_done(&l);
}

/* ref, section, level, text: one row a section. */
static int read_tsv(const struct art_file *f)
{
    static const char *const head[] = {"ref", "section", "level", "text"};
    int rc = batch_print_tsv(head, 4);
    for (size_t i = 0; i < f->nsections && rc == BATCH_OK; i++) {
        const struct art_section *sec = &f->sections[i];
        char level[16];
        snprintf(level, sizeof(level), "%d", sec->redacted ? sec->needed.level : sec->level);
        char *text = section_text(sec);
        const char *row[] = {f->ref, sec->title ? sec->title : "[REDACTED]", level, text};
        rc = text != NULL ? batch_print_tsv(row, 4) : BATCH_ERROR;
        free(text);
    }
    return rc;
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
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    if (format == FORMAT_JSON) {
        rc = batch_print_json(r.root);
        proto_reply_free(&r);
        return rc;
    }
    struct art_file f;
    rc = proto_parse_file(r.root, &f);
    if (rc != 0) {
        proto_reply_free(&r);
        vis_fprintf(stderr, VIS_LINE, "scipnet: the server sent a file this client cannot read\n");
        return BATCH_ERROR;
    }
    if (format == FORMAT_TSV) {
        rc = read_tsv(&f);
        art_file_free(&f);
        return rc;
    }
    /* text renders the markdown (art/document.c); markdown prints it as sent */
    char *text = format == FORMAT_MARKDOWN ? NULL : art_file_plain(&f, BATCH_WIDTH);
    int out = format == FORMAT_MARKDOWN ? batch_read_markdown(&f)
              : text != NULL            ? vis_fputs(stdout, text, VIS_TEXT)
                                        : -1;
    art_file_free(&f);
    free(text);
    if (out == 0)
        out = print_attribution(json_object_get(r.root, "file"));
    if (out == 0)
        out = batch_print_file_audit(json_object_get(r.root, "audit"));
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

/* The pages of one list, kept until the end so columns can fit their content. */
struct list_out {
    struct art_list *pages;
    size_t npages;
    json_t *items; /* --format json: every item as the server sent it */
    const char *kind;
    long total;
};

static const char *item_class(const struct art_list_item *it)
{
    return it->containment.set ? it->containment.name : (it->detail ? it->detail : "");
}

static void pad(struct batch_line *l, int width, const char *text)
{
    for (int w = layout_text_width(text); w < width; w++)
        batch_line_str(l, " ");
}

/* text: REF  LEVEL n  CLASS  TITLE (STATUS), the columns as wide as their longest entry. */
static int list_text_item(const struct art_list_item *it, int ref_w, int cls_w)
{
    const char *status =
        it->containment.set && it->detail && strcmp(it->detail, "active") != 0 ? it->detail : "";
    char level[24];
    snprintf(level, sizeof(level), "LEVEL %d  ", it->classification.level);
    struct batch_line l = {0};
    batch_line_str(&l, it->ref);
    pad(&l, ref_w + 1, it->ref);
    batch_line_str(&l, level);
    batch_line_str(&l, item_class(it));
    pad(&l, cls_w + 1, item_class(it));
    batch_line_str(&l, it->title ? it->title : "");
    batch_line_str(&l, it->title && !it->accessible ? " " : "");
    batch_line_str(&l, it->accessible ? "" : "[ACCESS RESTRICTED]");
    if (status[0]) {
        batch_line_str(&l, " (");
        batch_line_str(&l, status);
        batch_line_str(&l, ")");
    }
    /* Escaped as one line: a tab or newline in a title cannot start another row. */
    return batch_print_line(batch_line_done(&l), VIS_EOL) == BATCH_OK ? 0 : -1;
}

static int list_print(const struct list_out *o)
{
    if (format == FORMAT_JSON) {
        json_t *root = json_pack("{s:s,s:I,s:O}", "kind", o->kind, "total", (json_int_t)o->total,
                                 "items", o->items);
        int rc = root != NULL ? batch_print_json(root) : BATCH_ERROR;
        json_decref(root);
        return rc;
    }
    int ref_w = 0, cls_w = 0, rc = BATCH_OK;
    if (format == FORMAT_TSV) {
        static const char *const head[] = {"ref",   "level",      "class",
                                           "title", "accessible", "detail"};
        rc = batch_print_tsv(head, 6);
    }
    for (size_t p = 0; p < o->npages; p++)
        for (size_t i = 0; i < o->pages[p].count; i++) {
            const struct art_list_item *it = &o->pages[p].items[i];
            int rw = layout_text_width(it->ref), cw = layout_text_width(item_class(it));
            ref_w = rw > ref_w ? rw : ref_w;
            cls_w = cw > cls_w ? cw : cls_w;
        }
    for (size_t p = 0; p < o->npages && rc == BATCH_OK; p++)
        for (size_t i = 0; i < o->pages[p].count && rc == BATCH_OK; i++) {
            const struct art_list_item *it = &o->pages[p].items[i];
            if (format == FORMAT_TSV) {
                char level[16];
                snprintf(level, sizeof(level), "%d", it->classification.level);
                const char *row[] = {it->ref,
                                     level,
                                     it->containment.set ? it->containment.name : "",
                                     it->title ? it->title : "",
                                     it->accessible ? "yes" : "no",
                                     it->detail ? it->detail : ""};
                rc = batch_print_tsv(row, 6);
            } else if (list_text_item(it, ref_w, cls_w) != 0) {
                rc = BATCH_ERROR;
            }
        }
    return rc;
}

/* Fetch one page into o; returns -1 to go on, else an exit status. */
static int list_page(struct session *s, const char *query, struct list_out *o, long offset,
                     size_t *got)
{
    struct proto_reply r;
    json_t *req = proto_request("list");
    json_object_set_new(req, "kind", json_string(o->kind));
    if (query != NULL)
        json_object_set_new(req, "query", json_string(query));
    json_object_set_new(req, "offset", json_integer(offset));
    json_object_set_new(req, "limit", json_integer(LIST_PAGE));
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    struct art_list l;
    rc = proto_parse_list(r.root, &l);
    if (rc != 0) {
        proto_reply_free(&r);
        vis_fprintf(stderr, VIS_LINE, "scipnet: the server sent a list this client cannot read\n");
        return BATCH_ERROR;
    }
    char why[128];
    const char *problem = list_page_problem(&l, why, sizeof(why));
    struct art_list *pages = problem ? NULL : realloc(o->pages, (o->npages + 1) * sizeof(*pages));
    if (problem == NULL && pages == NULL)
        problem = "out of memory";
    if (problem != NULL) {
        art_list_free(&l);
        proto_reply_free(&r);
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", problem);
        return BATCH_ERROR;
    }
    json_array_extend(o->items, json_object_get(r.root, "items"));
    proto_reply_free(&r);
    o->pages = pages;
    o->pages[o->npages++] = l;
    o->total = l.total;
    *got = l.count;
    return -1;
}

static int cmd_list(struct session *s, const char *kind, const char *query)
{
    struct list_out o = {.kind = kind, .items = json_array()};
    long offset = 0;
    int pages = 0, rc = -1;
    do {
        size_t got = 0;
        rc = list_page(s, query, &o, offset, &got);
        if (rc >= 0 || got == 0)
            break;
        offset += (long)got;
        /* A total that keeps moving ahead: only counting pages ends it. */
        if (++pages >= LIST_MAX_PAGES && offset < o.total) {
            vis_fprintf(stderr, VIS_LINE,
                        "scipnet: the list did not end after %d pages; giving up\n", pages);
            rc = BATCH_ERROR;
        }
    } while (rc < 0 && offset < o.total);
    /* What came before a failure is still printed: the error says where it stopped. */
    int out = o.items == NULL                    ? BATCH_ERROR
              : rc >= 0 && format == FORMAT_JSON ? BATCH_OK /* the error was the JSON */
                                                 : list_print(&o);
    for (size_t i = 0; i < o.npages; i++)
        art_list_free(&o.pages[i]);
    free(o.pages);
    json_decref(o.items);
    return rc >= 0 ? rc : out;
}

/* The first page of hits (SEARCH_PAGE_MAX), best first, and how many there are. */
static int cmd_search(struct session *s, const char *query)
{
    struct proto_reply r;
    json_t *req = proto_request("search");
    json_object_set_new(req, "query", json_string(query));
    json_object_set_new(req, "limit", json_integer(SEARCH_PAGE_MAX));
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    static struct search_page page;
    rc = search_parse(r.root, &page);
    proto_reply_free(&r);
    if (rc != 0) {
        vis_fprintf(stderr, VIS_LINE,
                    "scipnet: the server sent a search this client cannot read\n");
        return BATCH_ERROR;
    }
    for (size_t i = 0; i < page.count; i++) {
        char line[SEARCH_SNIPPET_MAX + 64];
        search_hit_heading(&page.hits[i], line, sizeof(line));
        vis_fprintf(stdout, VIS_LINE, "%s\n", line);
        search_hit_snippet_line(&page.hits[i], line, sizeof(line));
        vis_fprintf(stdout, VIS_LINE, "    %s\n", line);
    }
    vis_fprintf(stdout, VIS_LINE, "%zu of %ld\n", page.count, page.total);
    return BATCH_OK;
}

static int health_tsv(json_t *root)
{
    static const char *const head[] = {"status", "uptime_s", "connections", "sessions", "db"};
    char n[3][24];
    static const char *const keys[] = {"uptime_s", "connections", "sessions"};
    for (int i = 0; i < 3; i++)
        snprintf(n[i], sizeof(n[i]), "%lld",
                 (long long)json_integer_value(json_object_get(root, keys[i])));
    const char *status = json_string_value(json_object_get(root, "status"));
    const char *db =
        json_is_true(json_object_get(json_object_get(root, "db"), "ok")) ? "ok" : "not ok";
    const char *row[] = {status ? status : "unknown", n[0], n[1], n[2], db};
    int rc = batch_print_tsv(head, 5);
    return rc == BATCH_OK ? batch_print_tsv(row, 5) : rc;
}

static int cmd_health(struct session *s)
{
    struct proto_reply r;
    int rc = batch_call(s, proto_request("health"), &r);
    if (rc >= 0)
        return rc;
    json_t *root = r.root;
    json_t *db = json_object_get(root, "db");
    if (format != FORMAT_TEXT) {
        rc = format == FORMAT_JSON ? batch_print_json(root) : health_tsv(root);
        proto_reply_free(&r);
        return rc;
    }
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

static int run_command(struct session *s, char **cmd, int n, json_t *create)
{
    int staff = batch_staff_command(s, cmd, n, create, format);
    if (staff >= 0)
        return staff;
    if (create != NULL)
        return batch_create_run(s, create);
    if (batch_edit_verb(cmd[0]))
        return batch_edit_run(s, cmd, n);
    if (strcmp(cmd[0], "read") == 0 && n == 2)
        return cmd_read(s, cmd[1]);
    if (strcmp(cmd[0], "list") == 0 && (n == 2 || n == 3))
        return cmd_list(s, cmd[1], n == 3 ? cmd[2] : NULL);
    if (strcmp(cmd[0], "search") == 0 && n == 2)
        return cmd_search(s, cmd[1]);
    if (strcmp(cmd[0], "health") == 0 && n == 1)
        return cmd_health(s);
    if (strcmp(cmd[0], "info") == 0 && n >= 2)
        return batch_info(s, cmd + 1, n - 1, format);
    vis_fprintf(
        stderr, VIS_LINE,
        "scipnet: unknown batch command (want: read REF | list KIND [QUERY] | search QUERY | "
        "whoami | health | info TOPIC | create KIND FIELD=VALUE... | status REF STATUS [REASON] | "
        "edit REF OPTIONS... | history REF [--limit N] | who [USER] | revoke SESSION|USER | "
        "passwd | audit [FILTER=VALUE...])\n");
    return BATCH_ERROR;
}

int batch_run(const struct client_options *opt)
{
    struct session s;
    char err[1024] = "";
    char password[FOUNDATION_PASSWORD_MAX + 2] = ""; /* and the line end */
    format = opt->format;
    int got = opt->password_stdin ? batch_read_password(password, sizeof(password)) : 0;
    if (got != 0) {
        memset(password, 0, sizeof(password));
        if (got == -2)
            vis_fprintf(stderr, VIS_LINE, "scipnet: the password is longer than %d bytes\n",
                        FOUNDATION_PASSWORD_MAX);
        else
            vis_fprintf(stderr, VIS_LINE, "scipnet: no password on standard input\n");
        return BATCH_ERROR;
    }
    json_t *create = NULL;
    if (batch_prepare_create(opt, &create) != 0 ||
        (create == NULL && batch_prepare_passwd(opt, password, &create) != 0)) {
        memset(password, 0, sizeof(password));
        return BATCH_ERROR;
    }
    if (opt->raw) {
        vis_set_raw(stdout); /* errors on stderr stay escaped */
        doc_set_raw(true);
    }
    session_init(&s, opt, NULL, NULL);
    if (session_connect(&s, err, sizeof(err)) != SESSION_OK) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", err);
        memset(password, 0, sizeof(password));
        json_decref(create);
        return BATCH_ERROR;
    }
    int rc = -1;
    if (opt->user != NULL)
        rc = do_login(&s, opt->user, password);
    memset(password, 0, sizeof(password));
    if (rc < 0)
        rc = run_command(&s, opt->command, opt->ncommand, create);
    else
        json_decref(create);
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
