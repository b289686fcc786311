/*
 * scpdata_article.h - one article of the SCP wiki's scp-data dump read into an import
 * file (internal to deepwell/io/), and the object class -> clearance level mapping it
 * uses.
 */
#ifndef SCIPNET_DEEPWELL_IO_SCPDATA_ARTICLE_H
#define SCIPNET_DEEPWELL_IO_SCPDATA_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

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

/*
 * One article (exposed for the tests and the fuzz target): fills *out and returns
 * true, or returns false with the reason in why.  name is the article's key.
 */
bool scpdata_article(const char *name, void *json_object, const struct scpdata_levels *l,
                     struct import_scp *out, char *why, size_t whysize);

/* Frees what scpdata_article filled and zeroes *scp. */
void scpdata_scp_clear(struct import_scp *scp);

#endif
