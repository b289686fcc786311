/* scpdata_shape.c - an article's markdown cut into the store's sections and classes. */
#include "deepwell/io/scpdata_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/foundation.h"
#include "deepwell/io/import_map.h"

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
    scpdata_plain(unstruck, o, text, sizeof(text));
    const char *found = NULL;
    char *save = NULL; /* strtok_r: pages are converted on several threads */
    for (char *w = strtok_r(text, " ,/;()", &save); w != NULL; w = strtok_r(NULL, " ,/;()", &save))
        if (foundation_class_by_name(kind, w) != NULL)
            found = foundation_class_by_name(kind, w)->name;
    scpdata_plain(unstruck, o, text, sizeof(text));
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
    scpdata_plain(line + 2, (size_t)(end - line - 2), label, sizeof(label));
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
        scpdata_plain(p + 3, n - 3, title, sizeof(title));
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

bool scpdata_shape(struct shape *s, const char *md)
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
