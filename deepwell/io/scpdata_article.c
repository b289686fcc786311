/* scpdata_article.c - one scp-data article (a JSON object) read into an import file. */
#include "deepwell/io/scpdata_article.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/foundation.h"
#include "deepwell/io/import_map.h"
#include "deepwell/io/scp_html.h"
#include "deepwell/io/scpdata_shape.h"
#include "deepwell/io/scpdata_text.h"

/* ---- the level mapping -------------------------------------------------------------------- */

void scpdata_levels_default(struct scpdata_levels *l)
{
    static const struct {
        const char *name;
        int level;
    } defaults[] = {{"Explained", 1}, {"Neutralized", 2}, {"Safe", 2},     {"Euclid", 3},
                    {"Keter", 4},     {"Archon", 4},      {"Thaumiel", 5}, {"Apollyon", 5}};
    memset(l, 0, sizeof(*l));
    for (size_t i = 0; i < sizeof(defaults) / sizeof(*defaults); i++) {
        snprintf(l->classes[i], sizeof(l->classes[i]), "%s", defaults[i].name);
        l->levels[i] = defaults[i].level;
    }
    l->count = sizeof(defaults) / sizeof(*defaults);
    l->fallback = 3;
}

static bool set_level(struct scpdata_levels *l, const char *name, size_t n, int level)
{
    if (n == 1 && name[0] == '*') {
        l->fallback = level;
        return true;
    }
    for (size_t i = 0; i < l->count; i++)
        if (strlen(l->classes[i]) == n && strncasecmp(l->classes[i], name, n) == 0) {
            l->levels[i] = level;
            return true;
        }
    if (l->count == sizeof(l->levels) / sizeof(*l->levels) || n >= sizeof(l->classes[0]))
        return false;
    memcpy(l->classes[l->count], name, n);
    l->classes[l->count][n] = '\0';
    l->levels[l->count++] = level;
    return true;
}

bool scpdata_levels_parse(struct scpdata_levels *l, const char *spec, char *why, size_t whysize)
{
    for (const char *p = spec; *p != '\0';) {
        size_t item = strcspn(p, ",");
        const char *eq = memchr(p, '=', item);
        int level = eq && eq + 2 == p + item ? eq[1] - '0' : 0;
        if (eq == NULL || eq == p || foundation_level(level) == NULL ||
            !set_level(l, p, (size_t)(eq - p), level)) {
            snprintf(why, whysize, "--levels wants CLASS=LEVEL,...,*=LEVEL (levels 1-6): '%.*s'",
                     (int)item, p);
            return false;
        }
        p += item + (p[item] == ',');
    }
    return true;
}

static int level_for(const struct scpdata_levels *l, const char *cls)
{
    for (size_t i = 0; cls != NULL && i < l->count; i++)
        if (strcasecmp(l->classes[i], cls) == 0)
            return l->levels[i];
    return 0;
}

/* ---- one article -------------------------------------------------------------------------- */

static const char *str_of(json_t *obj, const char *key, bool *bad)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

static bool attribution(struct import_scp *scp, json_t *a, const char *url, const char *creator,
                        const char *created)
{
    struct sbuf b = {0};
    sb_str(&b, "Source: ");
    sb_escaped(&b, url ? url : "unknown");
    sb_str(&b, "\\\nAuthor: ");
    sb_escaped(&b, creator ? creator : "unknown");
    sb_str(&b, "\\\nCreated: ");
    sb_escaped(&b, created ? created : "unknown");
    json_t *tags = json_object_get(a, "tags");
    if (json_array_size(tags) > 0) {
        sb_str(&b, "\\\nTags: ");
        size_t i;
        json_t *t;
        json_array_foreach(tags, i, t)
        {
            if (i > 0)
                sb_str(&b, ", ");
            sb_escaped(&b, json_string_value(t));
        }
    }
    sb_str(&b, "\\\nLicence: CC BY-SA 3.0 (the SCP Wiki)");
    struct import_section *sec = IMPORT_PUSH(scp->sections, scp->nsections, scp->capsections);
    if (b.oom || sec == NULL) {
        free(b.p);
        return false;
    }
    sec->kind = strdup("addendum");
    sec->title = strdup("Source");
    sec->position = (int)scp->nsections;
    sec->body = b.p;
    return sec->kind != NULL && sec->title != NULL;
}

/* A class from the page's tags when the text named none ("keter", "thaumiel"). */
static void class_from_tags(json_t *tags, enum foundation_class_kind kind, char *out, size_t size)
{
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t)
    {
        const struct foundation_class *c = foundation_class_by_name(kind, json_string_value(t));
        if (out[0] == '\0' && c != NULL)
            snprintf(out, size, "%s", c->name);
    }
}

/* The tags, space-separated (wiki tags hold no spaces; any that do are joined by '_'). */
static char *tags_text(json_t *tags, bool *oom)
{
    struct sbuf b = {0};
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t)
    {
        if (b.len > 0)
            sb_put(&b, " ", 1);
        for (const char *p = json_string_value(t); *p != '\0'; p++)
            sb_put(&b, (unsigned char)*p <= ' ' ? "_" : p, 1);
    }
    *oom |= b.oom;
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

static bool fail_why(char *why, size_t size, const char *text)
{
    snprintf(why, size, "%s", text);
    return false;
}

static char *dup_or_null(const char *s, bool *oom)
{
    if (s == NULL || s[0] == '\0')
        return NULL;
    char *d = strdup(s);
    *oom |= d == NULL;
    return d;
}

void scpdata_scp_clear(struct import_scp *scp)
{
    struct import_bundle tmp = {.scps = scp, .nscps = 1, .dirfd = -1};
    struct import_scp *copy = malloc(sizeof(*copy));
    if (copy == NULL) /* leak nothing we can avoid; the bundle's free does the fields */
        return;
    *copy = *scp;
    tmp.scps = copy;
    import_bundle_free(&tmp);
    memset(scp, 0, sizeof(*scp));
}

bool scpdata_article(const char *name, void *json_object, const struct scpdata_levels *l,
                     struct import_scp *out, char *why, size_t whysize)
{
    json_t *a = json_object;
    memset(out, 0, sizeof(*out));
    if (!json_is_object(a))
        return fail_why(why, whysize, "not a JSON object");
    bool bad = false;
    const char *title = str_of(a, "title", &bad), *desig = str_of(a, "scp", &bad),
               *html = str_of(a, "raw_content", &bad), *url = str_of(a, "url", &bad),
               *creator = str_of(a, "creator", &bad), *created = str_of(a, "created_at", &bad);
    if (bad)
        return fail_why(why, whysize, "a field that should be text is not (or holds a NUL)");
    json_t *tags = json_object_get(a, "tags");
    if (tags != NULL && !json_is_null(tags)) {
        size_t i;
        json_t *t;
        if (!json_is_array(tags))
            return fail_why(why, whysize, "\"tags\" is not a list");
        json_array_foreach(
            tags, i,
            t) if (!json_is_string(t) ||
                   strlen(json_string_value(t)) !=
                       json_string_length(
                           t)) return fail_why(why, whysize,
                                               "\"tags\" holds something that is not text");
    }
    if (desig == NULL)
        return fail_why(why, whysize, "no \"scp\" designation: not an SCP article");
    struct foundation_ref ref;
    if (!foundation_ref_parse(desig, &ref) || ref.kind != REF_SCP)
        return fail_why(why, whysize, "\"scp\" is not a designation like SCP-173 or SCP-173-J");
    if (ref.number == 0 && ref.suffix[0] == '\0') /* SCP-000-EX is a file; SCP-000 is not */
        return fail_why(why, whysize, "SCP-000 without a suffix is not a file");
    if (html == NULL)
        return fail_why(why, whysize, "no \"raw_content\" (the page's HTML)");
    size_t len = json_string_length(json_object_get(a, "raw_content"));
    char *md = NULL;
    if (!scp_html_to_markdown(html, len, &md, why, whysize))
        return false;
    char level[8];
    struct shape s = {.scp = out};
    out->key = out->number = ref.number;
    memcpy(out->suffix, ref.suffix, sizeof(out->suffix));
    out->has_row = true;
    bool oom = !scpdata_shape(&s, md);
    free(md);
    free(s.body.p);
    if (!oom) {
        class_from_tags(tags, FOUNDATION_CONTAINMENT, s.containment, sizeof(s.containment));
        class_from_tags(tags, FOUNDATION_SECONDARY, s.secondary, sizeof(s.secondary));
        int lv = level_for(l, s.containment);
        lv = lv ? lv : level_for(l, s.secondary);
        snprintf(level, sizeof(level), "%d", lv ? lv : l->fallback);
        out->title = dup_or_null(title && title[0] ? title : name, &oom);
        out->level_name = dup_or_null(level, &oom);
        out->containment = dup_or_null(s.containment, &oom);
        out->secondary = dup_or_null(s.secondary, &oom);
        out->disruption = dup_or_null(s.disruption, &oom);
        out->risk = dup_or_null(s.risk, &oom);
        bool gone = strcasecmp(s.containment, "Neutralized") == 0 ||
                    strcasecmp(s.containment, "Explained") == 0;
        out->status = dup_or_null(gone ? s.containment : "active", &oom);
        out->created_at = dup_or_null(created, &oom);
        out->source_url = dup_or_null(url, &oom);
        out->source_author = dup_or_null(creator, &oom);
        out->source_created_at = dup_or_null(created, &oom);
        out->tags = tags_text(tags, &oom);
        oom = oom || !attribution(out, a, url, creator, created);
    }
    if (oom) {
        scpdata_scp_clear(out);
        return fail_why(why, whysize, "out of memory");
    }
    (void)name;
    return true;
}
