/*
 * forms.h - what each kind of new file asks for, shared by the create form and
 * `scipnet --batch create`: the fields, the clearance the server's rules need
 * (server/clearance.c, docs/protocol.md "create") and the request they make.  The
 * numbers only let a client say no before the user types; the server stays the judge.
 */
#ifndef SCIPNET_CLIENT_FORMS_H
#define SCIPNET_CLIENT_FORMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define FORM_FIELDS 12
/* The longest long text (a description): the server's request line is 64 KiB. */
#define FORM_LONG_MAX (16 * 1024)

enum form_type {
    FORM_TEXT,
    FORM_NUMBER,
    FORM_DESIGNATION, /* an SCP number, maybe suffixed: 049-ARC, SCP-049-ARC */
    FORM_SECRET,      /* a password: never on a command line, never shown */
    FORM_LONG,        /* text with paragraphs, edited in $VISUAL/$EDITOR */
    FORM_SECTION,     /* a FORM_LONG that becomes the file's first section */
};

struct form_field {
    const char *key; /* the request field */
    const char *label;
    const char *hint;
    enum form_type type;
    bool required;
};

struct form_kind {
    const char *kind; /* scp, site, mtf, user */
    const char *title;
    int min_level;      /* the clearance creating one needs */
    bool level_capped;  /* level/clearance at most one's own */
    const char *notice; /* said before the user types (numbers assigned, password rules) */
    struct form_field fields[FORM_FIELDS];
    size_t count;
};

size_t form_kind_count(void);
const struct form_kind *form_kind_at(size_t i);
/* The kind named kind (any case), or NULL. */
const struct form_kind *form_kind_find(const char *kind);
/* The field named key, or NULL. */
const struct form_field *form_field_find(const struct form_kind *k, const char *key);
/* The field names of k, comma separated, required ones first marked with '*'. */
void form_field_names(const struct form_kind *k, char *buf, size_t size);
/*
 * Why a user of clearance level may not create k ("CREATING A SITE FILE NEEDS
 * CLEARANCE LEVEL 3; YOU ARE LEVEL 1"), or NULL when the server's rules allow it.
 */
const char *form_refusal(const struct form_kind *k, int level, char *buf, size_t size);
/*
 * The create request for values (one per field of k, "" or NULL for unset).  A number
 * goes as a JSON integer when it is one, anything else as typed; a designation such as
 * 049-ARC or SCP-049-ARC goes as number 49 and suffix "ARC"; a section becomes the
 * file's first section at the file's level.  NULL when out of memory.
 */
json_t *form_request(const struct form_kind *k, const char *const values[FORM_FIELDS]);

#endif
