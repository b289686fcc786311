/* acs_panel.c - the four ACS classes as swatches: set ones in their colour, unset ones dots
 * (not blocks: in ASCII blocks become the reversed '#' of a redaction). */
#include "art/acs_panel.h"

#include <stdio.h>

#define SWATCH_WIDTH 2

static int row(struct rich *r, const char *label, const struct art_class *cls, const char *unset)
{
    char name[ART_NAME_MAX];
    char text[24];
    snprintf(text, sizeof(text), " %-12s", label);
    int rc = rich_append(r, text, ink_attrs(INK_DIM));
    if (cls->set) {
        struct ink ink = ink_hex(cls->colour, INK_BOLD);
        layout_upper(name, sizeof(name), cls->name);
        rc |= rich_repeat(r, L'█', SWATCH_WIDTH, ink);
        rc |= rich_append(r, " ", ink_plain());
        rc |= rich_append(r, name, ink);
    } else {
        rc |= rich_repeat(r, L'·', SWATCH_WIDTH, ink_attrs(INK_DIM));
        rc |= rich_append(r, " ", ink_plain());
        rc |= rich_append(r, unset, ink_attrs(INK_DIM));
    }
    rc |= rich_append(r, "\n", ink_plain());
    return rc ? -1 : 0;
}

int art_acs_panel(struct rich *r, const struct art_file *f)
{
    int rc = rich_append(r, "ANOMALY CLASSIFICATION SYSTEM", ink_attrs(INK_BOLD | INK_UNDER));
    rc |= rich_append(r, "\n", ink_plain());
    rc |= row(r, "CONTAINMENT", &f->containment, ART_ACS_UNSET);
    rc |= row(r, "SECONDARY", &f->secondary, ART_ACS_UNSET_SECONDARY);
    rc |= row(r, "DISRUPTION", &f->disruption, ART_ACS_UNSET);
    rc |= row(r, "RISK", &f->risk, ART_ACS_UNSET);
    return rc ? -1 : 0;
}
