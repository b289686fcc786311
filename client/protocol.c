/* protocol.c - protocol v1 replies into plain structs, and requests as JSON. */
#include "client/protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "common/integer.h"

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static const char *get_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* A file ref: present, not empty, and short enough to be kept whole. */
static const char *get_ref(const json_t *obj)
{
    const char *ref = get_str(obj, "ref");
    return ref != NULL && ref[0] != '\0' && strlen(ref) < ART_REF_MAX ? ref : NULL;
}

static char *dup_str(const json_t *obj, const char *key)
{
    const char *s = get_str(obj, key);
    return s ? strdup(s) : NULL;
}

int proto_parse_reply(const char *line, struct proto_reply *out)
{
    memset(out, 0, sizeof(*out));
    json_error_t err;
    json_t *root = json_loads(line, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL)
        return -1;
    json_t *ok = json_object_get(root, "ok");
    if (!json_is_object(root) || !json_is_boolean(ok)) {
        json_decref(root);
        return -1;
    }
    out->root = root;
    out->ok = json_is_true(ok);
    if (!out->ok) {
        json_t *error = json_object_get(root, "error");
        copy_str(out->code, sizeof(out->code), get_str(error, "code"));
        copy_str(out->message, sizeof(out->message), get_str(error, "message"));
        if (out->code[0] == '\0')
            copy_str(out->code, sizeof(out->code), "internal");
        json_t *retry = json_object_get(root, "retry_after");
        if (!json_is_integer(retry))
            retry = json_object_get(error, "retry_after");
        if (json_is_integer(retry))
            out->retry_after = (long)json_integer_value(retry);
    }
    copy_str(out->screen, sizeof(out->screen), get_str(json_object_get(root, "screen"), "kind"));
    return 0;
}

void proto_reply_free(struct proto_reply *r)
{
    json_decref(r->root);
    r->root = NULL;
}

int proto_parse_level(const json_t *obj, struct art_level *level)
{
    memset(level, 0, sizeof(*level));
    json_t *n = json_object_get(obj, "level");
    if (!json_is_object(obj) || !json_is_integer(n))
        return -1;
    level->level = (int)json_integer_value(n);
    const struct foundation_level *known = foundation_level(level->level);
    /* Fall back to the shared vocabulary when the server leaves a field out. */
    copy_str(level->name, sizeof(level->name),
             get_str(obj, "name") ? get_str(obj, "name")
             : known              ? known->full_name
                                  : "");
    copy_str(level->colour, sizeof(level->colour),
             get_str(obj, "colour") ? get_str(obj, "colour")
             : known                ? known->colour
                                    : "");
    return 0;
}

void proto_parse_class(const json_t *obj, struct art_class *cls)
{
    memset(cls, 0, sizeof(*cls));
    const char *name = get_str(obj, "name");
    if (!json_is_object(obj) || name == NULL)
        return;
    cls->set = true;
    copy_str(cls->name, sizeof(cls->name), name);
    copy_str(cls->colour, sizeof(cls->colour),
             get_str(obj, "colour") ? get_str(obj, "colour") : "#808080");
}

void proto_parse_link(const json_t *obj, struct art_link *link)
{
    memset(link, 0, sizeof(*link));
    const char *ref = get_str(obj, "ref");
    if (!json_is_object(obj) || ref == NULL)
        return;
    link->set = true;
    copy_str(link->ref, sizeof(link->ref), ref);
    copy_str(link->name, sizeof(link->name), get_str(obj, "name"));
}

static int parse_user(const json_t *obj, struct art_user *user)
{
    memset(user, 0, sizeof(*user));
    if (!json_is_object(obj) || get_str(obj, "name") == NULL)
        return -1;
    user->id = (long)json_integer_value(json_object_get(obj, "id"));
    copy_str(user->name, sizeof(user->name), get_str(obj, "name"));
    copy_str(user->title, sizeof(user->title), get_str(obj, "title"));
    if (proto_parse_level(json_object_get(obj, "clearance"), &user->clearance) != 0)
        return -1;
    proto_parse_link(json_object_get(obj, "site"), &user->site);
    return 0;
}

int proto_parse_login(const json_t *root, char *token, size_t token_size, struct art_user *user,
                      struct art_login_screen *screen)
{
    const char *tok = get_str(root, "token");
    if (tok == NULL || strlen(tok) >= token_size)
        return -1;
    if (parse_user(json_object_get(root, "user"), user) != 0)
        return -1;
    user->expires_in = (long)json_integer_value(json_object_get(root, "expires_in"));
    copy_str(token, token_size, tok);
    memset(screen, 0, sizeof(*screen));
    const json_t *s = json_object_get(root, "screen");
    /* The screen's fields are what the welcome shows; the user object fills gaps. */
    copy_str(screen->usr_name, sizeof(screen->usr_name),
             get_str(s, "usr_name") ? get_str(s, "usr_name") : user->name);
    copy_str(screen->usr_title_name, sizeof(screen->usr_title_name),
             get_str(s, "usr_title_name") ? get_str(s, "usr_title_name") : user->title);
    copy_str(screen->usr_clearance_level_name, sizeof(screen->usr_clearance_level_name),
             get_str(s, "usr_clearance_level_name") ? get_str(s, "usr_clearance_level_name")
                                                    : user->clearance.name);
    screen->clearance = user->clearance;
    return 0;
}

int proto_parse_whoami(const json_t *root, struct art_user *user)
{
    if (parse_user(json_object_get(root, "user"), user) != 0)
        return -1;
    user->expires_in = (long)json_integer_value(json_object_get(root, "expires_in"));
    return 0;
}

static int parse_parts(const json_t *arr, struct art_section *s)
{
    size_t n = json_array_size(arr);
    s->parts = calloc(n ? n : 1, sizeof(*s->parts));
    if (s->parts == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const json_t *p = json_array_get(arr, i);
        struct art_part *part = &s->parts[s->nparts];
        if (!json_is_object(p))
            return -1;
        if (json_is_true(json_object_get(p, "redacted"))) {
            part->redacted = true;
            proto_parse_level(json_object_get(p, "needed_clearance"), &part->needed);
        } else {
            const char *text = get_str(p, "text");
            if (text == NULL || (part->text = strdup(text)) == NULL)
                return -1;
        }
        s->nparts++;
    }
    return 0;
}

static int parse_section(const json_t *obj, struct art_section *s)
{
    if (!json_is_object(obj))
        return -1;
    copy_str(s->kind, sizeof(s->kind), get_str(obj, "kind"));
    s->level = (int)json_integer_value(json_object_get(obj, "level"));
    if (json_is_true(json_object_get(obj, "redacted"))) {
        s->redacted = true;
        proto_parse_level(json_object_get(obj, "needed_clearance"), &s->needed);
        if (s->needed.level == 0 && foundation_level(s->level)) {
            s->needed.level = s->level;
            copy_str(s->needed.name, sizeof(s->needed.name), foundation_level(s->level)->full_name);
            copy_str(s->needed.colour, sizeof(s->needed.colour),
                     foundation_level(s->level)->colour);
        }
        return 0;
    }
    s->title = dup_str(obj, "title");
    const json_t *parts = json_object_get(obj, "parts");
    if (json_is_array(parts))
        return parse_parts(parts, s);
    /* Plain text is one part, so screens draw a single shape. */
    const char *text = get_str(obj, "text");
    s->parts = calloc(1, sizeof(*s->parts));
    if (s->parts == NULL)
        return -1;
    s->parts[0].text = strdup(text ? text : "");
    if (s->parts[0].text == NULL)
        return -1;
    s->nparts = 1;
    return 0;
}

static int add_field(struct art_file *f, const char *label, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return 0;
    struct art_field *fields = realloc(f->fields, (f->nfields + 1) * sizeof(*fields));
    if (fields == NULL)
        return -1;
    f->fields = fields;
    fields[f->nfields].label = strdup(label);
    fields[f->nfields].value = strdup(value);
    f->nfields++;
    if (fields[f->nfields - 1].label == NULL || fields[f->nfields - 1].value == NULL)
        return -1;
    return 0;
}

static int add_link_field(struct art_file *f, const char *label, const json_t *obj)
{
    struct art_link link;
    proto_parse_link(obj, &link);
    if (!link.set)
        return 0;
    char buf[ART_NAME_MAX + ART_REF_MAX + 4];
    if (link.name[0])
        snprintf(buf, sizeof(buf), "%s (%s)", link.name, link.ref);
    else
        snprintf(buf, sizeof(buf), "%s", link.ref);
    return add_field(f, label, buf);
}

/* Fields particular to sites, task forces and users, in the order people read them. */
static int parse_kind_fields(const json_t *file, struct art_file *f)
{
    int rc = 0;
    json_t *active = json_object_get(file, "active");
    struct art_level clearance;
    rc |= add_field(f, "Name", get_str(file, "name"));
    rc |= add_field(f, "Job title", get_str(file, "job_title"));
    if (proto_parse_level(json_object_get(file, "clearance"), &clearance) == 0)
        rc |= add_field(f, "Clearance", clearance.name);
    rc |= add_field(f, "Personnel status", get_str(file, "personnel_status"));
    rc |= add_field(f, "Last login", get_str(file, "last_login"));
    rc |= add_field(f, "Location", get_str(file, "location"));
    rc |= add_link_field(f, "Director", json_object_get(file, "director"));
    rc |= add_field(f, "Designation", get_str(file, "designation"));
    rc |= add_field(f, "Nickname", get_str(file, "nickname"));
    rc |= add_link_field(f, "Leader", json_object_get(file, "leader"));
    if (json_is_boolean(active))
        rc |= add_field(f, "Active", json_is_true(active) ? "yes" : "no");
    return rc ? -1 : 0;
}

/* A site's table: at most ART_SITE_ROWS_MAX rows, whatever the server sends. */
static int parse_site_table(const json_t *file, const char *key, const char *total_key,
                            struct art_site_table *t)
{
    const json_t *rows = json_object_get(file, key);
    size_t n = json_array_size(rows);
    json_t *total = json_object_get(file, total_key);
    t->total = json_is_integer(total) ? (long)json_integer_value(total) : (long)n;
    if (n > ART_SITE_ROWS_MAX)
        n = ART_SITE_ROWS_MAX;
    if (n == 0)
        return 0;
    t->rows = calloc(n, sizeof(*t->rows));
    if (t->rows == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const json_t *row = json_array_get(rows, i);
        const char *ref = get_ref(row);
        if (ref == NULL)
            continue;
        struct art_site_row *r = &t->rows[t->count++];
        copy_str(r->ref, sizeof(r->ref), ref);
        copy_str(r->name, sizeof(r->name), get_str(row, "name"));
        copy_str(r->detail, sizeof(r->detail), get_str(row, "detail"));
        proto_parse_level(json_object_get(row, "classification"), &r->classification);
    }
    return 0;
}

int proto_parse_file(const json_t *root, struct art_file *f)
{
    memset(f, 0, sizeof(*f));
    const json_t *file = json_object_get(root, "file");
    const char *ref = get_ref(file);
    if (!json_is_object(file) || ref == NULL)
        return -1;
    copy_str(f->ref, sizeof(f->ref), ref);
    copy_str(f->kind, sizeof(f->kind), get_str(file, "kind"));
    f->title = dup_str(file, "title");
    proto_parse_level(json_object_get(file, "classification"), &f->classification);
    proto_parse_class(json_object_get(file, "containment"), &f->containment);
    proto_parse_class(json_object_get(file, "secondary"), &f->secondary);
    proto_parse_class(json_object_get(file, "disruption"), &f->disruption);
    proto_parse_class(json_object_get(file, "risk"), &f->risk);
    copy_str(f->status, sizeof(f->status), get_str(file, "status"));
    proto_parse_link(json_object_get(file, "site"), &f->site);
    proto_parse_link(json_object_get(file, "task_force"), &f->task_force);
    if (parse_kind_fields(file, f) != 0 ||
        parse_site_table(file, "staff", "staff_total", &f->staff) != 0 ||
        parse_site_table(file, "task_forces", "task_forces_total", &f->task_forces) != 0 ||
        parse_site_table(file, "scps", "scps_total", &f->scps) != 0)
        goto fail;
    const json_t *sections = json_object_get(file, "sections");
    size_t n = json_array_size(sections);
    if (n > 0) {
        f->sections = calloc(n, sizeof(*f->sections));
        if (f->sections == NULL)
            goto fail;
        for (size_t i = 0; i < n; i++) {
            f->nsections++;
            if (parse_section(json_array_get(sections, i), &f->sections[i]) != 0)
                goto fail;
        }
    }
    return 0;
fail:
    art_file_free(f);
    return -1;
}

static char *item_detail(const json_t *item, const char *kind)
{
    if (strcmp(kind, "scp") == 0)
        return dup_str(item, "status");
    if (strcmp(kind, "site") == 0)
        return dup_str(item, "location");
    if (strcmp(kind, "user") == 0)
        return dup_str(item, "job_title");
    json_t *active = json_object_get(item, "active");
    if (json_is_boolean(active))
        return strdup(json_is_true(active) ? "active" : "inactive");
    return NULL;
}

int proto_parse_list(const json_t *root, struct art_list *l)
{
    memset(l, 0, sizeof(*l));
    const json_t *items = json_object_get(root, "items");
    /* A server that sends more than a page could hold is not answering our request. */
    if (!json_is_array(items) || json_array_size(items) > PROTO_LIST_ITEMS_MAX)
        return -1;
    copy_str(l->kind, sizeof(l->kind), get_str(root, "kind"));
    l->total = (long)json_integer_value(json_object_get(root, "total"));
    l->offset = (long)json_integer_value(json_object_get(root, "offset"));
    if (l->total < 0 || l->offset < 0)
        return -1;
    size_t n = json_array_size(items);
    l->items = calloc(n ? n : 1, sizeof(*l->items));
    if (l->items == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(items, i);
        struct art_list_item *item = &l->items[l->count];
        if (!json_is_object(it) || get_ref(it) == NULL)
            continue;
        copy_str(item->ref, sizeof(item->ref), get_str(it, "ref"));
        json_t *accessible = json_object_get(it, "accessible");
        item->accessible = !json_is_false(accessible);
        item->title = dup_str(it, "title");
        proto_parse_level(json_object_get(it, "classification"), &item->classification);
        proto_parse_class(json_object_get(it, "containment"), &item->containment);
        item->detail = item_detail(it, l->kind);
        l->count++;
    }
    if (l->total < (long)l->count)
        l->total = (long)l->count;
    return 0;
}

static const json_t *screen_of(const json_t *root, const char *kind)
{
    const json_t *s = json_object_get(root, "screen");
    const char *k = get_str(s, "kind");
    return (k && strcmp(k, kind) == 0) ? s : NULL;
}

int proto_parse_redacted(const json_t *root, struct art_redacted_screen *screen)
{
    memset(screen, 0, sizeof(*screen));
    const json_t *s = screen_of(root, "redacted");
    if (s == NULL || get_str(s, "file_ref") == NULL)
        return -1;
    copy_str(screen->file_ref, sizeof(screen->file_ref), get_str(s, "file_ref"));
    proto_parse_level(json_object_get(s, "file_classification"), &screen->file_classification);
    proto_parse_level(json_object_get(s, "usr_clearance"), &screen->usr_clearance);
    copy_str(screen->logged_at, sizeof(screen->logged_at), get_str(s, "logged_at"));
    return 0;
}

int proto_parse_denied(const json_t *root, struct art_denied_screen *screen)
{
    memset(screen, 0, sizeof(*screen));
    const json_t *s = screen_of(root, "clearance_denied");
    if (s == NULL)
        return -1;
    proto_parse_level(json_object_get(s, "needed_clearance"), &screen->needed_clearance);
    proto_parse_level(json_object_get(s, "usr_clearance"), &screen->usr_clearance);
    return 0;
}

int proto_parse_expunged(const json_t *root, struct art_expunged_screen *screen)
{
    memset(screen, 0, sizeof(*screen));
    const json_t *s = screen_of(root, "expunged");
    if (s == NULL || get_str(s, "file_ref") == NULL)
        return -1;
    copy_str(screen->file_ref, sizeof(screen->file_ref), get_str(s, "file_ref"));
    return 0;
}

int proto_parse_created(const json_t *root, char *ref, size_t size)
{
    const char *r = get_str(root, "ref");
    if (r == NULL)
        return -1;
    copy_str(ref, size, r);
    return 0;
}

json_t *proto_request(const char *op)
{
    json_t *req = json_object();
    if (req == NULL || json_object_set_new(req, "op", json_string(op)) != 0) {
        json_decref(req);
        return NULL;
    }
    return req;
}

json_t *proto_login_user(const char *entry)
{
    int64_t id;
    /* An id no account can have ("0", past int64) goes as text: the same auth_failed. */
    if (foundation_name_is_id(entry) && integer_parse(entry, 1, INT64_MAX, &id))
        return json_integer((json_int_t)id);
    return json_string(entry);
}

bool proto_reply_answers(const struct proto_reply *r, long id)
{
    const json_t *rid = json_object_get(r->root, "id");
    if (json_is_integer(rid))
        return json_integer_value(rid) == id;
    return json_is_null(rid) && !r->ok;
}

bool proto_code_is_auth(const char *code)
{
    return strcmp(code, "auth_failed") == 0 || strcmp(code, "rate_limited") == 0 ||
           strcmp(code, "account_disabled") == 0 || strcmp(code, "unauthenticated") == 0;
}

const char *proto_str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL ? v : "";
}

const char *proto_changer(const json_t *by)
{
    if (json_is_string(by))
        return json_string_value(by);
    const char *name = json_string_value(json_object_get(by, "name"));
    return name != NULL ? name : "-";
}
