/* create_form.h - a form for a new file and the server's verdict. */
#ifndef SCIPNET_ART_CREATE_FORM_H
#define SCIPNET_ART_CREATE_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "art/canvas.h"
#include "art/frame.h"

struct art_form_field {
    const char *label;
    const char *value;
    const char *hint; /* "1-6", "Safe, Euclid, Keter…" */
    bool secret;      /* shown as '*' */
    bool required;
    int back; /* the focused field's cursor: columns (a secret: bytes) left of the value's end */
};
struct art_form {
    const char *title;  /* "CREATE SCP FILE" */
    const char *notice; /* said before the user types (rules, assigned numbers), or NULL */
    const struct art_form_field *fields;
    size_t count;
    int focus; /* a field, or count for the SUBMIT button */
    const char *message;
    struct ink message_ink;
};
void art_create_form(struct canvas *c, const struct art_frame *f, const struct art_form *form);

#endif
