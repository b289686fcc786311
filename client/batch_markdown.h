/* batch_markdown.h - `scipnet --batch --format markdown read REF`. */
#ifndef SCIPNET_CLIENT_BATCH_MARKDOWN_H
#define SCIPNET_CLIENT_BATCH_MARKDOWN_H

#include "art/model.h"

/* The title as "# REF Title", each section as "## Heading" and its source, escaped
 * (common/vis.h).  0, or -1 on a write error or out of memory. */
int batch_read_markdown(const struct art_file *f);

#endif
