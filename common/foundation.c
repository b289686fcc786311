/* foundation.c - the Foundation's fixed vocabulary. */
#include "common/foundation.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define GREY "#808080"

static const struct foundation_level levels[] = {
    {1, "Unrestricted", "Level 1 - Unrestricted", "#009F6B"},
    {2, "Restricted", "Level 2 - Restricted", "#0087BD"},
    {3, "Confidential", "Level 3 - Confidential", "#FFD300"},
    {4, "Secret", "Level 4 - Secret", "#FF6D00"},
    {5, "Top Secret", "Level 5 - Top Secret", "#C40233"},
    {6, "Cosmic Top Secret", "Level 6 - Cosmic Top Secret", "#850005"},
};

static const struct foundation_class containment_classes[] = {
    {1, "Safe", "#009F6B"},   {2, "Euclid", "#FFD300"}, {3, "Keter", "#C40233"},
    {4, "Neutralized", GREY}, {5, "Explained", GREY},   {6, "Decommissioned", GREY},
    {7, "Uncontained", GREY}, {8, "Pending", GREY},
};

static const struct foundation_class secondary_classes[] = {
    {1, "Apollyon", "#850005"}, {2, "Archon", "#FF6D00"}, {3, "Thaumiel", "#0087BD"},
    {4, "Ticonderoga", GREY},   {5, "Cernunnos", GREY},   {6, "Hiemal", GREY},
    {7, "Tiamat", GREY},
};

static const struct foundation_class disruption_classes[] = {
    {1, "Dark", "#009F6B"}, {2, "Vlam", "#0087BD"},  {3, "Keneq", "#FFD300"},
    {4, "Ekhi", "#FF6D00"}, {5, "Amida", "#C40233"},
};

static const struct foundation_class risk_classes[] = {
    {1, "Notice", "#009F6B"}, {2, "Caution", "#0087BD"},  {3, "Warning", "#FFD300"},
    {4, "Danger", "#FF6D00"}, {5, "Critical", "#C40233"},
};

static const char *const titles[] = {
    "Containment Specialist",
    "Researcher",
    "Security Officer",
    "Tactical Response Officer",
    "Field Agent",
    "Mobile Task Force Operative",
    "Site Director",
    "O5 Council Member",
    "Administrator",
};

static const char *const statuses[] = {"active", "neutralized", "explained", "deleted"};

static const char *const ref_prefixes[] = {"SCP", "SITE", "MTF", "USER"};
static const char *const ref_kind_names[] = {"scp", "site", "mtf", "user"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(COUNT(ref_prefixes) == FOUNDATION_REF_KINDS, "a prefix for every ref kind");
_Static_assert(COUNT(ref_kind_names) == FOUNDATION_REF_KINDS, "a name for every ref kind");

const struct foundation_level *foundation_level(int level)
{
    if (level < FOUNDATION_LEVEL_MIN || level > FOUNDATION_LEVEL_MAX)
        return NULL;
    return &levels[level - 1];
}

const struct foundation_class *foundation_classes(enum foundation_class_kind kind, size_t *count)
{
    switch (kind) {
    case FOUNDATION_CONTAINMENT:
        *count = COUNT(containment_classes);
        return containment_classes;
    case FOUNDATION_SECONDARY:
        *count = COUNT(secondary_classes);
        return secondary_classes;
    case FOUNDATION_DISRUPTION:
        *count = COUNT(disruption_classes);
        return disruption_classes;
    case FOUNDATION_RISK:
        *count = COUNT(risk_classes);
        return risk_classes;
    }
    *count = 0;
    return NULL;
}

const struct foundation_class *foundation_class_by_name(enum foundation_class_kind kind,
                                                        const char *name)
{
    size_t n;
    const struct foundation_class *table = foundation_classes(kind, &n);
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

const char *foundation_class_colour(enum foundation_class_kind kind, const char *name)
{
    const struct foundation_class *c = foundation_class_by_name(kind, name);
    return c ? c->colour : GREY;
}

const char *const *foundation_titles(size_t *count)
{
    *count = COUNT(titles);
    return titles;
}

const char *foundation_title_canonical(const char *title)
{
    if (title == NULL)
        return NULL;
    for (size_t i = 0; i < COUNT(titles); i++)
        if (strcasecmp(titles[i], title) == 0)
            return titles[i];
    return NULL;
}

int foundation_title_rank(const char *title)
{
    const char *canon = foundation_title_canonical(title);
    if (canon == NULL)
        return -1;
    if (strcmp(canon, "Administrator") == 0)
        return 3;
    if (strcmp(canon, "O5 Council Member") == 0)
        return 2;
    return strcmp(canon, "Site Director") == 0 ? 1 : 0;
}

bool foundation_status_valid(const char *status)
{
    if (status == NULL)
        return false;
    for (size_t i = 0; i < COUNT(statuses); i++)
        if (strcmp(statuses[i], status) == 0)
            return true;
    return false;
}

/* "-ARC" (any case) into "ARC"; false unless a dash and 1-8 ASCII letters end the text. */
static bool parse_suffix(const char *p, char out[FOUNDATION_REF_SUFFIX_MAX + 1])
{
    if (*p++ != '-')
        return false;
    size_t n = 0;
    for (; isalpha((unsigned char)p[n]) && (unsigned char)p[n] < 0x80; n++) {
        if (n == FOUNDATION_REF_SUFFIX_MAX)
            return false;
        out[n] = (char)toupper((unsigned char)p[n]);
    }
    out[n] = '\0';
    return n > 0 && p[n] == '\0';
}

bool foundation_ref_parse(const char *text, struct foundation_ref *out)
{
    if (text == NULL)
        return false;
    for (size_t k = 0; k < COUNT(ref_prefixes); k++) {
        size_t plen = strlen(ref_prefixes[k]);
        if (strncasecmp(text, ref_prefixes[k], plen) != 0 || text[plen] != '-')
            continue;
        const char *digits = text + plen + 1;
        size_t ndigits = 0;
        int64_t value = 0;
        while (isdigit((unsigned char)digits[ndigits])) {
            if (ndigits == 9)
                return false;
            value = value * 10 + (digits[ndigits] - '0');
            ndigits++;
        }
        if (ndigits == 0 || (value == 0 && k != REF_SCP))
            return false;
        char suffix[FOUNDATION_REF_SUFFIX_MAX + 1] = "";
        if (digits[ndigits] != '\0' && (k != REF_SCP || !parse_suffix(digits + ndigits, suffix)))
            return false;
        out->kind = (enum foundation_ref_kind)k;
        out->number = value;
        memcpy(out->suffix, suffix, sizeof(suffix));
        return true;
    }
    return false;
}

bool foundation_name_is_id(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return false;
    for (const char *p = name; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

char *foundation_ref_format(const struct foundation_ref *ref, char *buf, size_t size)
{
    if (ref->kind == REF_SCP)
        snprintf(buf, size, "SCP-%03lld%s%s", (long long)ref->number, ref->suffix[0] ? "-" : "",
                 ref->suffix);
    else
        snprintf(buf, size, "%s-%lld", ref_prefixes[ref->kind], (long long)ref->number);
    return buf;
}

bool foundation_ref_kind_parse(const char *name, enum foundation_ref_kind *out)
{
    if (name == NULL)
        return false;
    for (size_t k = 0; k < COUNT(ref_kind_names); k++)
        if (strcmp(ref_kind_names[k], name) == 0) {
            *out = (enum foundation_ref_kind)k;
            return true;
        }
    return false;
}

const char *foundation_ref_kind_name(enum foundation_ref_kind kind)
{
    return ref_kind_names[kind];
}
