/*
 * import_source.h - reading the original SCiPNET's tables (internal to deepwell/io/).
 *
 * The original's columns differ between versions: a table's columns are read
 * first and only names from fixed candidate lists (never the file's strings) are
 * put into a query.  Values are read leniently and checked (UTF-8, times).
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_SOURCE_H
#define SCIPNET_DEEPWELL_IO_IMPORT_SOURCE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "deepwell/io/import_model.h"

/* A value wanted from a table and the column names it has had across versions. */
struct wanted {
    const char *const *candidates;
};

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The source database (read-only) and the bundle it is read into. */
struct source {
    sqlite3 *db;
    const char *path;
    struct import_bundle *b;
};

/* DW_CORRUPT for a file that is not (or no longer) SQLite, DW_IO otherwise. */
enum deepwell_code src_failure(struct source *src, int rc, const char *what,
                               struct deepwell_error *err);
/* Finalizes stmt and reports rc. */
enum deepwell_code src_step_failure(struct source *src, sqlite3_stmt *stmt, int rc,
                                    const char *table, struct deepwell_error *err);

/* The candidate name of a table the database has (*found), or NULL. */
enum deepwell_code src_find_table(struct source *src, const char *const *candidates,
                                  const char **found, struct deepwell_error *err);

/*
 * Prepares "SELECT id, a, b, ... FROM table ORDER BY id" from whitelisted names;
 * a value the table lacks is selected as NULL.  Column 0 is always the row id.
 */
enum deepwell_code src_select_rows(struct source *src, const char *table,
                                   const char *const *id_candidates, const struct wanted *want,
                                   size_t nwant, sqlite3_stmt **out, struct deepwell_error *err);

/* Text of column i (NULL for SQL NULL), checked to be UTF-8 without NUL bytes. */
enum deepwell_code src_text_at(struct source *src, sqlite3_stmt *stmt, int i, const char *table,
                               int64_t row, char **out, struct deepwell_error *err);
/* Integer of column i: integers, or text holding one.  False for NULL or anything else. */
bool src_int_at(sqlite3_stmt *stmt, int i, int64_t *out);
/* SQLAlchemy Booleans are 0/1; older rows may hold "true"/"false". */
bool src_bool_at(sqlite3_stmt *stmt, int i, bool fallback);
/* A row id; 0 when the column holds none. */
int64_t src_id_at(sqlite3_stmt *stmt, int i);
/* A normalised time, or NULL (noted) when the source's time cannot be read. */
enum deepwell_code src_time_at(struct source *src, sqlite3_stmt *stmt, int i, const char *table,
                               int64_t row, char **out, struct deepwell_error *err);

#endif
