/*
 * site_tables.h - a site file's staff, task forces and SCP files, each row cleared
 * for its reader the way links are: a name above the reader becomes [REDACTED].
 */
#ifndef SCIPNET_SERVER_SITE_TABLES_H
#define SCIPNET_SERVER_SITE_TABLES_H

#include <jansson.h>

#include "deepwell/deepwell.h"
#include "server/clearance.h"

/* Rows per table in a read reply; the reply says how many there are in all. */
#define SITE_TABLE_ROWS 50

struct site_tables {
    struct deepwell_list staff, task_forces, scps;
};

enum deepwell_code site_tables_load(struct deepwell *dw, int64_t site_id, struct site_tables *out,
                                    struct deepwell_error *err);
void site_tables_free(struct site_tables *t);
/* Adds "staff", "task_forces", "scps" and their "*_total" to file; false when out of memory. */
bool site_tables_json(const struct site_tables *t, const struct reader *r, json_t *file);

#endif
