/*
 * foundation.h - the Foundation's fixed vocabulary, shared by every program:
 * clearance levels, titles, object classes and their colours, and file refs.
 */
#ifndef SCIPNET_FOUNDATION_H
#define SCIPNET_FOUNDATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FOUNDATION_LEVEL_MIN 1
#define FOUNDATION_LEVEL_MAX 6

struct foundation_level {
    int level;
    const char *name;      /* "Secret" */
    const char *full_name; /* "Level 4 - Secret" */
    const char *colour;    /* "#FF6D00" */
};

/* A named class (containment, secondary, disruption, risk) with its display colour. */
struct foundation_class {
    int id;
    const char *name;
    const char *colour;
};

enum foundation_class_kind {
    FOUNDATION_CONTAINMENT,
    FOUNDATION_SECONDARY,
    FOUNDATION_DISRUPTION,
    FOUNDATION_RISK,
};

/* The level 1..6, or NULL when out of range. */
const struct foundation_level *foundation_level(int level);

/* Class tables; *count receives the number of entries. */
const struct foundation_class *foundation_classes(enum foundation_class_kind kind, size_t *count);
/* Case-insensitive lookup by name; NULL when unknown. */
const struct foundation_class *foundation_class_by_name(enum foundation_class_kind kind,
                                                        const char *name);
/* Colour for a class name of the given kind ("#808080" grey when unknown or NULL). */
const char *foundation_class_colour(enum foundation_class_kind kind, const char *name);

/* Titles: Containment Specialist ... O5 Council Member, Administrator. */
const char *const *foundation_titles(size_t *count);
/* Canonical spelling of a title (case-insensitive match), or NULL when unknown. */
const char *foundation_title_canonical(const char *title);

/*
 * A title's rank for handing it out: 3 Administrator (the Foundation's founder, above
 * the Council), 2 O5 Council Member, 1 Site Director, 0 every other title, -1 unknown or
 * NULL.  Nobody grants a title ranked above their own: only an Administrator (or the
 * deepwell admin command) makes another.
 */
int foundation_title_rank(const char *title);

/*
 * True for a non-empty run of ASCII digits only.  Login reads such input as a user id
 * (the original's "ID:" prompt), so no user name may be one: every place a name is set
 * refuses it.
 */
bool foundation_name_is_id(const char *name);

/* The longest password, in bytes, anything takes: the policy, login, both clients. */
#define FOUNDATION_PASSWORD_MAX 1024

/* SCP file status values: "active", "neutralized", "explained", "deleted". */
bool foundation_status_valid(const char *status);

/* File references: SCP-002, SITE-19, MTF-3, USER-2. */
enum foundation_ref_kind {
    REF_SCP,
    REF_SITE,
    REF_MTF,
    REF_USER,
};
#define FOUNDATION_REF_KINDS 4 /* REF_SCP .. REF_USER, for loops over every kind */

/* The longest designation suffix: "SCP-049-ARC" has "ARC". */
#define FOUNDATION_REF_SUFFIX_MAX 8

struct foundation_ref {
    enum foundation_ref_kind kind;
    int64_t number; /* SCP number, or the row id of a site, task force or user */
    /* SCP refs only: "" or the upper-case suffix ("J", "ARC", "EX", "KO"). */
    char suffix[FOUNDATION_REF_SUFFIX_MAX + 1];
};

/*
 * Parse a ref: case-insensitive prefix, a dash, 1-9 decimal digits (leading zeros
 * allowed), nothing else; an SCP ref may be number 0 and may end in a suffix, a dash
 * and 1-8 ASCII letters (SCP-<digits>[-<A-Z>{1,8}], any case, kept upper case):
 * SCP-049 and SCP-049-ARC are different files.  Returns false on anything else
 * ("SCP-../x", "SCP-", "SCP-1a", "SITE-0", "SITE-1-J", "SCP-1-", "SCP-1-ABCDEFGHI").
 */
bool foundation_ref_parse(const char *text, struct foundation_ref *out);
/* Canonical form ("SCP-002", "SCP-049-ARC", "SITE-19") into buf; returns buf. */
char *foundation_ref_format(const struct foundation_ref *ref, char *buf, size_t size);
/* "scp", "site", "mtf", "user" <-> kind.  Returns false for an unknown name. */
bool foundation_ref_kind_parse(const char *name, enum foundation_ref_kind *out);
const char *foundation_ref_kind_name(enum foundation_ref_kind kind);

#endif
