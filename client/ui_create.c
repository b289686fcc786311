/* ui_create.c - forms for new files; the server alone decides whether they may be made. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/ui_state.h"

#define CREATE_FIELDS 12

enum field_type { F_TEXT, F_NUMBER, F_SECRET, F_SECTION };

struct field_def {
    const char *key; /* the request field ("" for sections) */
    const char *label;
    const char *hint;
    enum field_type type;
    bool required;
};

struct form_def {
    const char *kind;
    const char *title;
    struct field_def fields[CREATE_FIELDS];
    size_t count;
};

static const struct form_def forms[] = {
    {"scp",
     "CREATE SCP FILE",
     {{"number", "Number", "e.g. 173", F_NUMBER, true},
      {"title", "Title", NULL, F_TEXT, true},
      {"level", "Level", "1-6, at most yours", F_NUMBER, true},
      {"containment", "Containment", "Safe, Euclid, Keter…", F_TEXT, true},
      {"secondary", "Secondary", "Apollyon, Thaumiel…", F_TEXT, false},
      {"disruption", "Disruption", "Dark … Amida", F_TEXT, false},
      {"risk", "Risk", "Notice … Critical", F_TEXT, false},
      {"site", "Site", "SITE-19", F_TEXT, false},
      {"task_force", "Task force", "MTF-3", F_TEXT, false},
      {"description", "Description", NULL, F_SECTION, false}},
     10},
    {"site",
     "CREATE SITE FILE",
     {{"name", "Name", "Site-81", F_TEXT, true},
      {"location", "Location", NULL, F_TEXT, false},
      {"description", "Description", NULL, F_TEXT, false},
      {"dossier", "Dossier", NULL, F_TEXT, false},
      {"director", "Director", "USER-5", F_TEXT, false}},
     5},
    {"mtf",
     "CREATE MOBILE TASK FORCE FILE",
     {{"designation", "Designation", "Epsilon-11", F_TEXT, true},
      {"nickname", "Nickname", "Nine-Tailed Fox", F_TEXT, false},
      {"level", "Level", "default 2", F_NUMBER, false},
      {"site", "Site", "SITE-19", F_TEXT, false},
      {"leader", "Leader", "USER-3", F_TEXT, false},
      {"mission", "Mission", NULL, F_TEXT, false}},
     6},
    {"user",
     "CREATE PERSONNEL FILE",
     {{"name", "Name", "agent.vance", F_TEXT, true},
      {"password", "Password", NULL, F_SECRET, true},
      {"clearance", "Clearance", "1-6, at most yours", F_NUMBER, true},
      {"title", "Title", "Researcher, Field Agent…", F_TEXT, true},
      {"site", "Site", "SITE-19", F_TEXT, false},
      {"task_force", "Task force", "MTF-3", F_TEXT, false}},
     6},
};

struct create {
    char kind[8];
    struct input values[CREATE_FIELDS];
    size_t count;
    int focus;
    char message[300];
    bool message_ok;
};

static void free_create(void *state)
{
    struct create *c = state;
    /* A personnel form holds a password. */
    for (size_t i = 0; i < CREATE_FIELDS; i++)
        input_clear(&c->values[i]);
}

static const struct form_def *form_for(const char *kind)
{
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
        if (strcmp(forms[i].kind, kind) == 0)
            return &forms[i];
    return &forms[0];
}

void ui_create_open(struct ui *ui, const char *kind)
{
    struct create *c = ui_push(ui, &ui_create_ops);
    if (c == NULL)
        return;
    snprintf(c->kind, sizeof(c->kind), "%s", kind);
    c->count = form_for(kind)->count;
}

/* A number field goes as a JSON integer; anything else as typed, for the server to judge. */
static json_t *field_value(const struct field_def *d, const char *text)
{
    if (d->type == F_NUMBER) {
        char *end;
        long long n = strtoll(text, &end, 10);
        if (*end == '\0' && end != text)
            return json_integer(n);
    }
    return json_string(text);
}

static json_t *build_request(const struct create *c)
{
    const struct form_def *def = form_for(c->kind);
    json_t *req = proto_request("create");
    json_object_set_new(req, "kind", json_string(c->kind));
    for (size_t i = 0; i < def->count; i++) {
        const struct field_def *d = &def->fields[i];
        const char *text = c->values[i].text;
        if (text[0] == '\0')
            continue;
        if (d->type == F_SECTION) {
            /* The description becomes the file's first section, at the file's level. */
            json_t *level = json_object_get(req, "level");
            json_t *sec = json_pack("{s:s,s:s,s:o,s:s}", "kind", d->key, "title", d->label, "level",
                                    level ? json_incref(level) : json_integer(1), "text", text);
            json_object_set_new(req, "sections", json_pack("[o]", sec));
            continue;
        }
        json_object_set_new(req, d->key, field_value(d, text));
    }
    return req;
}

/* Send the form (again, after a reconnect: c is then the asker, as it was filled in). */
static void submit(struct ui *ui, void *state, const char *arg)
{
    struct create *c = state;
    if (c == NULL)
        return;
    const struct form_def *def = form_for(c->kind);
    for (size_t i = 0; i < def->count; i++) {
        if (def->fields[i].required && c->values[i].len == 0) {
            snprintf(c->message, sizeof(c->message), "%s IS REQUIRED", def->fields[i].label);
            c->message_ok = false;
            c->focus = (int)i;
            return;
        }
    }
    struct proto_reply r;
    if (ui_request(ui, build_request(c), &r, submit, NULL) != 0)
        return;
    if (r.ok) {
        char ref[ART_REF_MAX] = "";
        proto_parse_created(r.root, ref, sizeof(ref));
        snprintf(c->message, sizeof(c->message), "FILE CREATED: %s  (ACCESS %s to open it)", ref,
                 ref);
        c->message_ok = true;
    } else if (ui_notice_open(ui, &r, "clearance_denied")) {
        c->message[0] = '\0'; /* c is below the notice, still there */
    } else {
        snprintf(c->message, sizeof(c->message), "%.40s: %.200s", r.code, r.message);
        c->message_ok = false;
    }
    proto_reply_free(&r);
}

static void render(struct ui *ui, void *state)
{
    struct create *c = state;
    const struct form_def *def = form_for(c->kind);
    struct art_form_field fields[CREATE_FIELDS];
    for (size_t i = 0; i < def->count; i++) {
        fields[i].label = def->fields[i].label;
        fields[i].value = c->values[i].text;
        fields[i].hint = def->fields[i].hint;
        fields[i].secret = def->fields[i].type == F_SECRET;
        fields[i].required = def->fields[i].required;
    }
    struct art_form form = {def->title,
                            fields,
                            def->count,
                            c->focus,
                            c->message[0] ? c->message : NULL,
                            c->message_ok ? ink_hex("#009F6B", INK_BOLD)
                                          : ink_hex("#C40233", INK_BOLD)};
    struct art_frame f =
        ui_frame(ui, "NEW FILE", "Up/Down/Tab move  Enter next/submit  Esc back  (* required)");
    f.prompt = NULL;
    art_create_form(&ui->canvas, &f, &form);
}

/* Every key is the form's: it types text, so ':' and '?' are letters here. */
static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct create *c = state;
    int last = (int)c->count; /* the SUBMIT button */
    struct input *field = c->focus < last ? &c->values[c->focus] : NULL;
    if (k.is_key) {
        if (k.code == KEY_UP || k.code == KEY_BTAB)
            c->focus = c->focus > 0 ? c->focus - 1 : last;
        else if (k.code == KEY_DOWN)
            c->focus = c->focus < last ? c->focus + 1 : 0;
        else if (k.code == KEY_BACKSPACE && field)
            input_backspace(field);
        else if (k.code == KEY_ENTER && c->focus == last)
            submit(ui, c, NULL);
        return true;
    }
    switch (k.code) {
    case KEY_ESC:
        ui_pop(ui);
        break;
    case '\t':
        c->focus = c->focus < last ? c->focus + 1 : 0;
        break;
    case '\n':
        if (c->focus == last)
            submit(ui, c, NULL);
        else
            c->focus++;
        break;
    case 127:
    case 8:
        if (field)
            input_backspace(field);
        break;
    default:
        if (field)
            input_add(field, (wchar_t)k.code);
        else if (k.code == 'q')
            ui_pop(ui);
        break;
    }
    return true;
}

/* No flags: the form takes every key, ':' and '?' included. */
const struct ui_screen_ops ui_create_ops =
    UI_SCREEN_OPS("create", 0, sizeof(struct create), render, key, NULL, free_create);
