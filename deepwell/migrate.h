/*
 * migrate.h - bringing a store's schema up to date (internal to deepwell/).
 *
 * The store's version is the highest row in schema_version (0 for a new file).
 * Migrations only move forward, each in its own transaction.
 */
#ifndef SCIPNET_DEEPWELL_MIGRATE_H
#define SCIPNET_DEEPWELL_MIGRATE_H

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"

/* The store's schema version (0 when it has no schema_version table). */
enum deepwell_code deepwell_migrate_read_version(struct deepwell_conn *conn, int *version,
                                                 struct deepwell_error *err);

/*
 * Applies the migrations after the store's version up to target, on the writer
 * connection.  A store that already holds something is first copied to
 * "<path>.pre-v<target>.bak".  A store newer than this program is DW_TOO_NEW; one
 * newer than target (but known) is left alone.  *version_out (may be NULL) receives
 * the version the store ends at.  Tests use a target below the latest to build
 * stores of every earlier version.
 */
enum deepwell_code deepwell_migrate_to(struct deepwell_conn *writer, const char *path, int target,
                                       int *version_out, struct deepwell_error *err);

#endif
