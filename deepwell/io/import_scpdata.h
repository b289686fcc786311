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

/* The clearance level for an object class: "Keter=4,Safe=2,*=3" (see docs/import.md). */
struct scpdata_levels {
    char classes[16][32];
    int levels[16];
    size_t count;
    int fallback;
};

/* Parses a --levels value over the defaults; false with why on a malformed one. */
bool scpdata_levels_parse(struct scpdata_levels *l, const char *spec, char *why, size_t whysize);
void scpdata_levels_default(struct scpdata_levels *l);

/* Reads every content_*.json under b->dirfd into b (sorted by name, so runs agree). */
enum deepwell_code import_scpdata_read(struct import_bundle *b, const struct scpdata_levels *l,
                                       struct deepwell_error *err);

/*
 * One article (exposed for the tests and the fuzz target): fills *out and returns
 * true, or returns false with the reason in why.  name is the article's key.
 */
bool scpdata_article(const char *name, void *json_object, const struct scpdata_levels *l,
                     struct import_scp *out, char *why, size_t whysize);

#endif
