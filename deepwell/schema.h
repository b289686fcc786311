/* schema.h - the embedded, numbered migrations (see schema.c). */
#ifndef SCIPNET_DEEPWELL_SCHEMA_H
#define SCIPNET_DEEPWELL_SCHEMA_H

#include <stddef.h>

struct deepwell_migration {
    int version;
    const char *name;
    const char *sql;
};

/* Migrations in ascending version order, starting at 1 with no gaps. */
const struct deepwell_migration *deepwell_migrations(size_t *count);

#endif
