/* site_tables.h - a site file's staff, task forces and SCP files as three tables. */
#ifndef SCIPNET_ART_SITE_TABLES_H
#define SCIPNET_ART_SITE_TABLES_H

#include "art/layout.h"
#include "art/model.h"

/* Columns of a row: the ref, the name; the detail follows (rows stay within 74 columns). */
#define ART_SITE_REF_COLS    12
#define ART_SITE_NAME_COLS   34
#define ART_SITE_DETAIL_COLS 26

/* Appends the three tables to r; a hidden row keeps its ref and shows [REDACTED]. */
int art_site_tables(struct rich *r, const struct art_file *f);

#endif
