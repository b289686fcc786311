/*
 * import_original.h - reading the original SCiPNET's SCiPNET.db (internal to deepwell/io/).
 *
 * The original is a SQLAlchemy-made SQLite file whose columns differ between
 * versions, so every table's columns are detected first and only known column
 * names (from fixed lists here, never from the file) are put into a query.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_ORIGINAL_H
#define SCIPNET_DEEPWELL_IO_IMPORT_ORIGINAL_H

#include "deepwell/io/import_model.h"

/*
 * Reads lookups, users, sites, task forces, SCP rows and the audit log from
 * db_path (opened read-only) into b.  Errors: DW_IO (cannot open), DW_CORRUPT
 * (not an SQLite file), DW_INVALID (not the original's schema, or text that is
 * not UTF-8).
 */
enum deepwell_code import_original_read(struct import_bundle *b, const char *db_path,
                                        struct deepwell_error *err);

#endif
