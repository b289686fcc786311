/* backup.h - copying a live store with the SQLite online backup API (internal to deepwell/). */
#ifndef SCIPNET_DEEPWELL_BACKUP_H
#define SCIPNET_DEEPWELL_BACKUP_H

#include <sqlite3.h>

#include "deepwell/deepwell.h"

/* Copies src's main database to out_path, replacing any file there. */
enum deepwell_code deepwell_backup_db(sqlite3 *src, const char *out_path,
                                      struct deepwell_error *err);

#endif
