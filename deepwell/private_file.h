/*
 * private_file.h - store files are created mode 0600 whatever the umask: they hold
 * password and token hashes.  SQLite would create them 0644 minus the umask; made
 * here first (empty, which SQLite takes as a new database), its -wal, -shm and
 * -journal files then copy the 0600 (SQLite gives them the main file's mode).
 */
#ifndef SCIPNET_DEEPWELL_PRIVATE_FILE_H
#define SCIPNET_DEEPWELL_PRIVATE_FILE_H

#include "deepwell/deepwell.h"

/* Creates path empty with mode 0600 unless it exists (an existing file is left as it
   is); what names the operation in an error. */
enum deepwell_code deepwell_private_file_create(const char *path, const char *what,
                                                struct deepwell_error *err);

#endif
