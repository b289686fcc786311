/*
 * scpdata_shape.h - an scp-data article's markdown read for its structure (internal
 * to deepwell/io/): "**Object Class:**" and the other labelled lines set the classes,
 * "Special Containment Procedures", "Description" and headings start sections.
 */
#ifndef SCIPNET_DEEPWELL_IO_SCPDATA_SHAPE_H
#define SCIPNET_DEEPWELL_IO_SCPDATA_SHAPE_H

#include <stdbool.h>

#include "deepwell/io/import_model.h"
#include "deepwell/io/scpdata_text.h"

#define TITLE_MAX 120

struct shape {
    struct import_scp *scp;
    struct sbuf body; /* the section being read */
    char kind[16], title[TITLE_MAX + 1];
    bool failed;
    char containment[32], secondary[32], disruption[32], risk[32];
};

/*
 * Cuts md into s->scp's sections and fills the class names; a page with no
 * structure becomes one description.  False when memory ran out.
 */
bool scpdata_shape(struct shape *s, const char *md);

#endif
