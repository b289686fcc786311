/* sqlite_backup.h - copying a live SQLite store with the online backup API (internal). */
#ifndef SCIPNET_DEEPWELL_SQLITE_BACKUP_H
#define SCIPNET_DEEPWELL_SQLITE_BACKUP_H

#include <sqlite3.h>

#include "deepwell/deepwell.h"

/*
 * Copies src's store to out_path, replacing any file there: its main database and,
 * when src has the audit file attached (audit_file.h), that too, to out_path.audit,
 * both as of one moment.
 */
enum deepwell_code deepwell_backup_db(sqlite3 *src, const char *out_path,
                                      struct deepwell_error *err);

#endif
