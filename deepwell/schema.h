/* schema.h - the embedded, numbered migrations (sqlite_schema.c, pg_schema.c). */
#ifndef SCIPNET_DEEPWELL_SCHEMA_H
#define SCIPNET_DEEPWELL_SCHEMA_H

#include <stddef.h>

#include "deepwell/deepwell.h"

struct deepwell_conn;

struct deepwell_migration {
    int version;
    const char *name;
    const char *sql; /* run in one transaction, with the version's record; "" = nothing */
    /* Run first, outside that transaction, with the store's location; usually NULL. */
    enum deepwell_code (*prepare)(struct deepwell_conn *writer, const char *location,
                                  struct deepwell_error *err);
};

/* Migrations in ascending version order, starting at 1 with no gaps. */
const struct deepwell_migration *deepwell_migrations(size_t *count);

/*
 * SQLite: the audit file's table (sqlite_audit_file.h), made by migration 5 before it
 * copies the rows; idempotent.  A later change to audit_log on SQLite is made to
 * audit.audit_log.
 */
extern const char deepwell_audit_file_schema[];
/* SQLite: copies the rows of main.audit_log the audit file does not have yet. */
extern const char deepwell_audit_file_copy[];

#endif
