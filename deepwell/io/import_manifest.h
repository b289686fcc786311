/*
 * import_manifest.h - reading an exported folder's manifest.json (and, when the
 * export kept them, credentials.json) into a bundle (internal to deepwell/io/).
 * See docs/import.md for the format; export.c writes it.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_MANIFEST_H
#define SCIPNET_DEEPWELL_IO_IMPORT_MANIFEST_H

#include "deepwell/io/import_model.h"

#define MANIFEST_FORMAT    "scipnet-deepwell-export"
#define MANIFEST_VERSION   1
#define CREDENTIALS_FORMAT "scipnet-deepwell-credentials"

/* DW_INVALID (naming the file and the entry) when the manifest is malformed. */
enum deepwell_code import_manifest_read(struct import_bundle *b, struct deepwell_error *err);

#endif
