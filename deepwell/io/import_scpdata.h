/*
 * import_scpdata.h - reading the SCP wiki's "scp-data" dump (its items/ folder of
 * content_*.json files) into an import bundle (internal to deepwell/io/).
 *
 * Each article is checked on its own: one that is not an object, lacks a string
 * field, holds a page larger than SCP_HTML_MAX_BYTES, nests too deep or claims a
 * designation another article already claimed is refused with a note naming it,
 * and the others go on.  A file that is not JSON is refused whole, with a note.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_SCPDATA_H
#define SCIPNET_DEEPWELL_IO_IMPORT_SCPDATA_H

#include "deepwell/io/import_model.h"
#include "deepwell/io/scpdata_article.h"

/* Reads every content_*.json under b->dirfd into b (sorted by name, so runs agree). */
enum deepwell_code import_scpdata_read(struct import_bundle *b, const struct scpdata_levels *l,
                                       struct deepwell_error *err);

#endif
