/* forms.c - the fields of each kind of new file, for the form and for batch mode. */
#include "client/forms.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/protocol.h"
#include "common/foundation.h"
#include "common/integer.h"
#include "deepwell/password.h" /* the one password policy's minimum, said before typing */

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

/* server/clearance.c: CREATE_MIN_LEVEL and CREATE_SITE_LEVEL. */
#define CREATE_MIN_LEVEL  2
#define CREATE_SITE_LEVEL 3

static const struct form_kind kinds[] = {
    {"scp",
     "CREATE SCP FILE",
     CREATE_MIN_LEVEL,
     true,
     "SCP-n takes the number you type.",
     {{"number", "Number", "e.g. 173", FORM_DESIGNATION, true},
      {"title", "Title", NULL, FORM_TEXT, true},
      {"level", "Level", "1-6, at most yours", FORM_NUMBER, true},
      {"containment", "Containment", "Safe, Euclid, Keter…", FORM_TEXT, true},
      {"secondary", "Secondary", "Apollyon, Thaumiel…", FORM_TEXT, false},
      {"disruption", "Disruption", "Dark … Amida", FORM_TEXT, false},
      {"risk", "Risk", "Notice … Critical", FORM_TEXT, false},
      {"site", "Site", "SITE-19", FORM_TEXT, false},
      {"task_force", "Task force", "MTF-3", FORM_TEXT, false},
      {"description", "Description", "Ctrl-O: $EDITOR", FORM_SECTION, false}},
     10},
    {"site",
     "CREATE SITE FILE",
     CREATE_SITE_LEVEL,
     false,
     "Site numbers are assigned: type a name, get SITE-n.",
     {{"name", "Name", "Site Bravo", FORM_TEXT, true},
      {"location", "Location", NULL, FORM_TEXT, false},
      {"description", "Description", "Ctrl-O: $EDITOR", FORM_LONG, false},
      {"dossier", "Dossier", "Ctrl-O: $EDITOR", FORM_LONG, false},
      {"director", "Director", "USER-5", FORM_TEXT, false}},
     5},
    {"mtf",
     "CREATE MOBILE TASK FORCE FILE",
     CREATE_MIN_LEVEL,
     true,
     "Task force numbers are assigned: MTF-n.",
     {{"designation", "Designation", "Epsilon-11", FORM_TEXT, true},
      {"nickname", "Nickname", "Nine-Tailed Fox", FORM_TEXT, false},
      {"level", "Level", "default 2", FORM_NUMBER, false},
      {"site", "Site", "SITE-19", FORM_TEXT, false},
      {"leader", "Leader", "USER-3", FORM_TEXT, false},
      {"mission", "Mission", "Ctrl-O: $EDITOR", FORM_LONG, false}},
     6},
    {"user",
     "CREATE PERSONNEL FILE",
     CREATE_MIN_LEVEL,
     true,
     "Password: " STRINGIFY(DEEPWELL_PASSWORD_MIN) " characters or more. USER-n is assigned.",
     {{"name", "Name", "agent.vance", FORM_TEXT, true},
      {"password", "Password", STRINGIFY(DEEPWELL_PASSWORD_MIN) " or more characters", FORM_SECRET,
       true},
      {"clearance", "Clearance", "1-6, at most yours", FORM_NUMBER, true},
      {"title", "Title", "Researcher, Field Agent…", FORM_TEXT, true},
      {"site", "Site", "SITE-19", FORM_TEXT, false},
      {"task_force", "Task force", "MTF-3", FORM_TEXT, false}},
     6},
};

size_t form_kind_count(void)
{
    return sizeof(kinds) / sizeof(kinds[0]);
}

const struct form_kind *form_kind_at(size_t i)
{
    return i < form_kind_count() ? &kinds[i] : NULL;
}

const struct form_kind *form_kind_find(const char *kind)
{
    for (size_t i = 0; kind != NULL && i < form_kind_count(); i++)
        if (strcasecmp(kinds[i].kind, kind) == 0)
            return &kinds[i];
    return NULL;
}

const struct form_field *form_field_find(const struct form_kind *k, const char *key)
{
    for (size_t i = 0; i < k->count; i++)
        if (strcmp(k->fields[i].key, key) == 0)
            return &k->fields[i];
    return NULL;
}

void form_field_names(const struct form_kind *k, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < k->count && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s%s", i ? " " : "", k->fields[i].key,
                         k->fields[i].required ? "*" : "");
        if (n < 0)
            return;
        used += (size_t)n;
    }
}

const char *form_refusal(const struct form_kind *k, int level, char *buf, size_t size)
{
    if (level >= k->min_level)
        return NULL;
    snprintf(buf, size, "%s NEEDS CLEARANCE LEVEL %d; YOU ARE LEVEL %d", k->title, k->min_level,
             level);
    return buf;
}

static json_t *field_value(const struct form_field *d, const char *text)
{
    if (d->type == FORM_NUMBER || d->type == FORM_DESIGNATION) {
        int64_t n;
        if (integer_parse(text, INT64_MIN, INT64_MAX, &n))
            return json_integer(n);
    }
    return json_string(text);
}

/*
 * A designation typed with or without its "SCP-" ("049-ARC", "scp-049-arc"): its number
 * and suffix into the request, read by the one ref parser.  False when it is not one;
 * the text then goes as typed and the server says what is wrong with it.
 */
static bool set_designation(json_t *req, const struct form_field *d, const char *text)
{
    struct foundation_ref ref;
    char prefixed[64];
    if (!foundation_ref_parse(text, &ref)) {
        int n = snprintf(prefixed, sizeof(prefixed), "SCP-%s", text);
        if (n < 0 || (size_t)n >= sizeof(prefixed) || !foundation_ref_parse(prefixed, &ref))
            return false;
    }
    if (ref.kind != REF_SCP)
        return false;
    json_object_set_new(req, d->key, json_integer(ref.number));
    if (ref.suffix[0] != '\0')
        json_object_set_new(req, "suffix", json_string(ref.suffix));
    return true;
}

json_t *form_request(const struct form_kind *k, const char *const values[FORM_FIELDS])
{
    json_t *req = proto_request("create");
    if (req == NULL)
        return NULL;
    json_object_set_new(req, "kind", json_string(k->kind));
    const char *section = NULL;
    const struct form_field *section_def = NULL;
    for (size_t i = 0; i < k->count; i++) {
        const struct form_field *d = &k->fields[i];
        if (values[i] == NULL || values[i][0] == '\0')
            continue;
        if (d->type == FORM_SECTION) {
            section = values[i];
            section_def = d;
        } else if (d->type != FORM_DESIGNATION || !set_designation(req, d, values[i])) {
            json_object_set_new(req, d->key, field_value(d, values[i]));
        }
    }
    if (section != NULL) {
        /* After the loop: the section takes the file's level, wherever the field is. */
        json_t *level = json_object_get(req, "level");
        json_t *sec =
            json_pack("{s:s,s:s,s:o,s:s}", "kind", section_def->key, "title", section_def->label,
                      "level", level ? json_incref(level) : json_integer(1), "text", section);
        if (sec == NULL) {
            json_decref(req);
            return NULL;
        }
        json_object_set_new(req, "sections", json_pack("[o]", sec));
    }
    return req;
}
