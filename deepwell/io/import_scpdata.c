/* import_scpdata.c - the SCP wiki's scp-data dump (content_*.json) read into a bundle. */
#include "deepwell/io/import_scpdata.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/foundation.h"
#include "deepwell/io/import_map.h"
#include "deepwell/io/scp_html.h"
#include "deepwell/pool.h"

/* A content file larger than this is refused (the real dump's largest are ~100 MB). */
#define DUMP_FILE_MAX (1024u * 1024u * 1024u)
#define TITLE_MAX     120
/* Pages are converted by this many threads at most (no more than the CPUs). */
#define CONVERT_THREADS_MAX 4

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

/* ---- text helpers ------------------------------------------------------------------------- */

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* A value of the page's metadata as markdown text: syntax escaped, no line breaks. */
static void sb_escaped(struct sbuf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        if (strchr("\\`*_[]<>~|&!#", *s) != NULL)
            sb_put(b, "\\", 1);
        sb_put(b, (unsigned char)*s < 0x20 ? " " : s, 1);
    }
}

/* Markdown back to plain text for a title or a class: escapes and markers dropped. */
static void plain(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < size; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
            /* an unescaped "[[" in a title could read as a passage marker: one '[' at most */
            if (!(s[i] == '[' && o > 0 && out[o - 1] == '['))
                out[o++] = s[i];
            continue;
        }
        if (s[i] == '*' || s[i] == '~' || s[i] == '\n')
            continue;
        out[o++] = s[i];
    }
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == ':'))
        o--;
    while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80 && o + 1 >= size)
        o--; /* never end on half a character */
    out[o] = '\0';
    size_t lead = strspn(out, " ");
    memmove(out, out + lead, o - lead + 1);
}

/* ---- the article's structure -------------------------------------------------------------- */

struct shape {
    struct import_scp *scp;
    struct sbuf body; /* the section being read */
    char kind[16], title[TITLE_MAX + 1];
    bool failed;
    char containment[32], secondary[32], disruption[32], risk[32];
};

static bool flush_section(struct shape *s)
{
    while (s->body.len > 0 && s->body.p[s->body.len - 1] == '\n')
        s->body.p[--s->body.len] = '\0';
    if (s->body.oom)
        return false;
    if (s->body.len == 0)
        return true;
    struct import_section *sec =
        IMPORT_PUSH(s->scp->sections, s->scp->nsections, s->scp->capsections);
    if (sec == NULL)
        return false;
    sec->kind = strdup(s->kind);
    sec->title = strdup(s->title);
    sec->position = (int)s->scp->nsections;
    sec->body = s->body.p;
    s->body = (struct sbuf){0};
    return sec->kind != NULL && sec->title != NULL;
}

static bool start_section(struct shape *s, const char *kind, const char *title)
{
    if (!flush_section(s))
        return false;
    snprintf(s->kind, sizeof(s->kind), "%s", kind);
    snprintf(s->title, sizeof(s->title), "%s", title[0] ? title : "Addendum");
    return true;
}

static void append(struct shape *s, const char *text, size_t n)
{
    if (n == 0)
        return;
    if (s->body.len > 0)
        sb_str(&s->body, "\n\n");
    sb_put(&s->body, text, n);
}

/* The class a "Object Class:" value names: struck-out names dropped, the last known one. */
static void class_value(const char *rest, size_t n, enum foundation_class_kind kind, char *out,
                        size_t size)
{
    char text[256], unstruck[256];
    size_t o = 0;
    bool struck = false;
    for (size_t i = 0; i < n && o + 1 < sizeof(unstruck); i++) {
        if (rest[i] == '~' && i + 1 < n && rest[i + 1] == '~') {
            struck = !struck;
            i++;
        } else if (!struck) {
            unstruck[o++] = rest[i];
        }
    }
    unstruck[o] = '\0';
    plain(unstruck, o, text, sizeof(text));
    const char *found = NULL;
    char *save = NULL; /* strtok_r: pages are converted on several threads */
    for (char *w = strtok_r(text, " ,/;()", &save); w != NULL; w = strtok_r(NULL, " ,/;()", &save))
        if (foundation_class_by_name(kind, w) != NULL)
            found = foundation_class_by_name(kind, w)->name;
    plain(unstruck, o, text, sizeof(text));
    snprintf(out, size, "%.31s", found ? found : text);
}

enum label { L_NONE, L_ITEM, L_CLASS, L_SECONDARY, L_DISRUPTION, L_RISK, L_SCP, L_DESC, L_ADD };

static enum label label_of(const char *l)
{
    static const struct {
        const char *name;
        enum label label;
    } labels[] = {{"item #", L_ITEM},
                  {"item#", L_ITEM},
                  {"item no.", L_ITEM},
                  {"object class", L_CLASS},
                  {"containment class", L_CLASS},
                  {"secondary class", L_SECONDARY},
                  {"disruption class", L_DISRUPTION},
                  {"risk class", L_RISK},
                  {"special containment procedures", L_SCP},
                  {"description", L_DESC}};
    for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++)
        if (strcasecmp(l, labels[i].name) == 0)
            return labels[i].label;
    static const char *const addenda[] = {"addendum",   "appendix",    "interview", "incident",
                                          "experiment", "exploration", "test log",  "document"};
    for (size_t i = 0; i < sizeof(addenda) / sizeof(*addenda); i++)
        if (strncasecmp(l, addenda[i], strlen(addenda[i])) == 0)
            return L_ADD;
    return L_NONE;
}

/* One "**Label:** rest" line; false when it is not one the article's structure uses. */
static bool labelled(struct shape *s, const char *line, size_t n)
{
    if (n < 5 || strncmp(line, "**", 2) != 0)
        return false;
    const char *end = memmem(line + 2, n - 2, "**", 2); /* within the line */
    if (end == NULL)
        return false;
    char label[TITLE_MAX + 1];
    plain(line + 2, (size_t)(end - line - 2), label, sizeof(label));
    enum label which = label_of(label);
    if (which == L_NONE)
        return false;
    const char *rest = end + 2;
    while (rest < line + n && (*rest == ' ' || *rest == ':'))
        rest++;
    size_t rn = (size_t)(line + n - rest);
    switch (which) {
    case L_ITEM:
        break;
    case L_CLASS:
        class_value(rest, rn, FOUNDATION_CONTAINMENT, s->containment, sizeof(s->containment));
        if (foundation_class_by_name(FOUNDATION_SECONDARY, s->containment) != NULL) {
            snprintf(s->secondary, sizeof(s->secondary), "%s", s->containment);
            s->containment[0] = '\0'; /* Thaumiel, Apollyon...: this store's secondary classes */
        }
        break;
    case L_SECONDARY:
        class_value(rest, rn, FOUNDATION_SECONDARY, s->secondary, sizeof(s->secondary));
        break;
    case L_DISRUPTION:
        class_value(rest, rn, FOUNDATION_DISRUPTION, s->disruption, sizeof(s->disruption));
        break;
    case L_RISK:
        class_value(rest, rn, FOUNDATION_RISK, s->risk, sizeof(s->risk));
        break;
    default:
        s->failed |= !start_section(s,
                                    which == L_SCP    ? "containment"
                                    : which == L_DESC ? "description"
                                                      : "addendum",
                                    which == L_SCP    ? "Special Containment Procedures"
                                    : which == L_DESC ? "Description"
                                                      : label);
        append(s, rest, rn);
    }
    return true;
}

/* A block (paragraph): a heading starts an addendum, labelled lines set fields. */
static void block(struct shape *s, const char *p, size_t n)
{
    if (n > 3 && strncmp(p, "## ", 3) == 0) {
        char title[TITLE_MAX + 1];
        plain(p + 3, n - 3, title, sizeof(title));
        s->failed |= !start_section(s, "addendum", title);
        return;
    }
    /* A paragraph of hard-broken lines ("**Item #:** ...\\\n**Object Class:** ...") */
    struct sbuf rest = {0};
    for (const char *q = p; q < p + n;) {
        /* within the block only: a search to the page's end per block is quadratic */
        const char *brk = memmem(q, (size_t)(p + n - q), "\\\n", 2);
        size_t len = brk && brk < p + n ? (size_t)(brk - q) : (size_t)(p + n - q);
        if (!labelled(s, q, len)) {
            if (rest.len > 0)
                sb_str(&rest, "\\\n");
            sb_put(&rest, q, len);
        } else if (rest.len > 0) {
            append(s, rest.p, rest.len);
            rest.len = 0;
        }
        q += len + (brk && brk < p + n ? 2 : 0);
    }
    append(s, rest.p ? rest.p : "", rest.len);
    s->failed |= rest.oom;
    free(rest.p);
}

static bool shape_article(struct shape *s, const char *md)
{
    snprintf(s->kind, sizeof(s->kind), "addendum");
    snprintf(s->title, sizeof(s->title), "Header");
    for (const char *p = md; *p != '\0' && !s->failed;) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && p[n - 1] == '\n')
            n--;
        block(s, p, n);
        p += end ? n + 2 : strlen(p);
        while (*p == '\n')
            p++;
    }
    if (!flush_section(s) || s->failed)
        return false;
    struct import_scp *scp = s->scp;
    bool structured = false;
    for (size_t i = 0; i < scp->nsections; i++)
        structured |= strcmp(scp->sections[i].kind, "addendum") != 0;
    if (!structured && scp->nsections > 0) { /* a free-form page: its text is the description */
        free(scp->sections[0].kind);
        free(scp->sections[0].title);
        scp->sections[0].kind = strdup("description");
        scp->sections[0].title = strdup("Description");
        return scp->sections[0].kind != NULL && scp->sections[0].title != NULL;
    }
    return true;
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

static void scp_clear(struct import_scp *scp)
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
    if (ref.suffix[0] != '\0') /* docs/import.md: the store keys files by number alone yet */
        return fail_why(why, whysize, "suffixed designations are not stored yet");
    if (ref.number == 0)
        return fail_why(why, whysize, "SCP-000 cannot be stored yet");
    if (html == NULL)
        return fail_why(why, whysize, "no \"raw_content\" (the page's HTML)");
    size_t len = json_string_length(json_object_get(a, "raw_content"));
    char *md = NULL;
    if (!scp_html_to_markdown(html, len, &md, why, whysize))
        return false;
    char level[8];
    struct shape s = {.scp = out};
    out->key = out->number = ref.number;
    out->has_row = true;
    bool oom = !shape_article(&s, md);
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
        scp_clear(out);
        return fail_why(why, whysize, "out of memory");
    }
    (void)name;
    return true;
}

/* ---- the dump ----------------------------------------------------------------------------- */

struct claim {
    int64_t number;
    char *name, *file;
};

struct reading {
    struct import_bundle *b;
    const struct scpdata_levels *l;
    struct claim *claims;
    size_t nclaims, capclaims;
    bool oom;
};

static void note(struct reading *r, const char *fmt, const char *a, const char *b, const char *c)
{
    if (!import_note(&r->b->notes, fmt, a, b, c))
        r->oom = true;
}

/* One article converted by a worker: its page, and what became of it. */
struct job {
    const char *name;
    char own_name[32]; /* "item 7" for an array entry without a link */
    json_t *a;
    bool ok;
    struct import_scp scp;
    char why[160];
};

struct workers {
    struct job *jobs;
    size_t n;
    atomic_size_t next;
    const struct scpdata_levels *l;
};

/* Pages are independent: libxml2 parses separate documents in parallel, and the
 * JSON is only read (json_object_get takes no reference). */
static void *convert_worker(void *arg)
{
    struct workers *w = arg;
    for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < w->n;) {
        struct job *j = &w->jobs[i];
        j->ok = scpdata_article(j->name, j->a, w->l, &j->scp, j->why, sizeof(j->why));
    }
    return NULL;
}

static void convert_all(struct workers *w)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = cpus < 1                     ? 1
                      : cpus > CONVERT_THREADS_MAX ? CONVERT_THREADS_MAX
                                                   : (size_t)cpus;
    pthread_t threads[CONVERT_THREADS_MAX];
    size_t started = 0;
    for (; started + 1 < nthreads && started + 1 < w->n; started++)
        if (pthread_create(&threads[started], NULL, convert_worker, w) != 0)
            break; /* fewer helpers: this thread still does the rest */
    convert_worker(w);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}

static void place_article(struct reading *r, const char *file, struct job *j)
{
    const char *name = j->name, *why = j->why;
    char shown[48];
    struct import_scp scp = j->scp;
    r->b->articles_read++;
    if (!j->ok) {
        r->b->articles_refused++;
        note(r, "refused: %s (%s): %s", name, file, why);
        return;
    }
    snprintf(shown, sizeof(shown), "SCP-%03lld", (long long)scp.number);
    for (size_t i = 0; i < r->nclaims; i++)
        if (r->claims[i].number == scp.number) {
            r->b->articles_refused++;
            char other[600];
            snprintf(other, sizeof(other), "%s, also claimed by %s (%s); not imported", shown,
                     r->claims[i].name, r->claims[i].file);
            note(r, "refused: %s (%s): designation %s", name, file, other);
            scp_clear(&scp);
            return;
        }
    struct claim *c = IMPORT_PUSH(r->claims, r->nclaims, r->capclaims);
    struct import_scp *slot = c ? IMPORT_PUSH(r->b->scps, r->b->nscps, r->b->capscps) : NULL;
    if (slot == NULL) {
        r->oom = true;
        scp_clear(&scp);
        return;
    }
    *slot = scp;
    c->number = scp.number;
    c->name = strdup(name);
    c->file = strdup(file);
    r->oom |= c->name == NULL || c->file == NULL;
}

static enum deepwell_code read_file(struct reading *r, const char *file, struct deepwell_error *err)
{
    int fd = openat(r->b->dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > DUMP_FILE_MAX) {
        r->b->files_refused++;
        note(r, "refused: %s%s%s: not a regular file we may read, or larger than 1 GiB", file, "",
             "");
        if (fd >= 0)
            close(fd);
        return DW_OK;
    }
    char *data = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (data != NULL && got < (size_t)st.st_size) {
        ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (data == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "import", "out of memory");
    json_error_t jerr;
    json_t *root = json_loadb(data, got, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (root == NULL || (!json_is_object(root) && !json_is_array(root))) {
        char where[200];
        snprintf(where, sizeof(where), "line %d: %s", jerr.line,
                 root ? "not an object" : jerr.text);
        r->b->files_refused++;
        note(r, "refused: %s: not a scp-data file (%s)%s", file, where, "");
        json_decref(root);
        return DW_OK;
    }
    size_t count = json_is_object(root) ? json_object_size(root) : json_array_size(root);
    struct workers w = {.jobs = calloc(count ? count : 1, sizeof(struct job)), .l = r->l};
    if (w.jobs == NULL) {
        json_decref(root);
        return deepwell_error_set(err, DW_INTERNAL, "import", "out of memory");
    }
    const char *key;
    json_t *a;
    size_t i;
    if (json_is_object(root)) {
        json_object_foreach(root, key, a) w.jobs[w.n++] = (struct job){.name = key, .a = a};
    } else {
        json_array_foreach(root, i, a)
        {
            struct job *j = &w.jobs[w.n++];
            j->a = a;
            snprintf(j->own_name, sizeof(j->own_name), "item %zu", i);
            j->name = json_is_string(json_object_get(a, "link"))
                          ? json_string_value(json_object_get(a, "link"))
                          : j->own_name;
        }
    }
    convert_all(&w);
    for (i = 0; i < w.n; i++) /* in the file's order, so claims and notes never vary */
        place_article(r, file, &w.jobs[i]);
    free(w.jobs);
    json_decref(root);
    return r->oom ? deepwell_error_set(err, DW_INTERNAL, "import", "out of memory") : DW_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum deepwell_code import_scpdata_read(struct import_bundle *b, const struct scpdata_levels *l,
                                       struct deepwell_error *err)
{
    int fd = dup(b->dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return deepwell_error_set(err, DW_IO, "import", "%s: %s", b->dir, strerror(errno));
    }
    xmlInitParser(); /* once, before the converting threads use the parser */
    char **names = NULL;
    size_t n = 0, cap = 0;
    enum deepwell_code code = DW_OK;
    for (struct dirent *e; (e = readdir(d)) != NULL && code == DW_OK;) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "content_", 8) != 0 || len < 13 ||
            strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char **slot = IMPORT_PUSH(names, n, cap);
        if (slot == NULL || (*slot = strdup(e->d_name)) == NULL)
            code = deepwell_error_set(err, DW_INTERNAL, "import", "out of memory");
    }
    closedir(d);
    if (code == DW_OK && n == 0)
        code =
            deepwell_error_set(err, DW_INVALID, "import",
                               "%s: no content_*.json files: not a scp-data items folder", b->dir);
    if (n > 1)
        qsort(names, n, sizeof(*names), by_name);
    struct reading r = {.b = b, .l = l};
    for (size_t i = 0; i < n && code == DW_OK; i++)
        code = read_file(&r, names[i], err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    for (size_t i = 0; i < r.nclaims; i++) {
        free(r.claims[i].name);
        free(r.claims[i].file);
    }
    free(r.claims);
    return code;
}
