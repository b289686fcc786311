/* import_source.c - reading the original's tables, whose columns differ between versions. */
#include "deepwell/io/import_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deepwell/io/import_map.h"
#include "deepwell/io/textfile.h"
#include "deepwell/pool.h"

#define MAX_COLUMNS 64

/* Columns of one source table, as PRAGMA table_info reports them. */
struct columns {
    char names[MAX_COLUMNS][64];
    bool pk[MAX_COLUMNS];
    size_t count;
};

enum deepwell_code src_failure(struct source *src, int rc, const char *what,
                               struct deepwell_error *err)
{
    if (rc == SQLITE_NOTADB)
        return deepwell_error_set(err, DW_CORRUPT, what, "%s: not an SQLite database", src->path);
    if (rc == SQLITE_CORRUPT)
        return deepwell_error_set(err, DW_CORRUPT, what, "%s: database is malformed", src->path);
    return deepwell_error_set(err, DW_IO, what, "%s: %s", src->path, sqlite3_errmsg(src->db));
}

enum deepwell_code src_find_table(struct source *src, const char *const *candidates,
                                  const char **found, struct deepwell_error *err)
{
    *found = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(src->db,
                                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1"
                                " COLLATE NOCASE",
                                -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return src_failure(src, rc, "reading the table list", err);
    for (size_t i = 0; candidates[i] != NULL && *found == NULL; i++) {
        sqlite3_reset(stmt);
        sqlite3_bind_text(stmt, 1, candidates[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            *found = candidates[i];
        else if (rc != SQLITE_DONE) {
            sqlite3_finalize(stmt);
            return src_failure(src, rc, "reading the table list", err);
        }
    }
    sqlite3_finalize(stmt);
    return DW_OK;
}

static enum deepwell_code read_columns(struct source *src, const char *table, struct columns *out,
                                       struct deepwell_error *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *stmt = NULL;
    int rc =
        sqlite3_prepare_v2(src->db, "SELECT name, pk FROM pragma_table_info(?1)", -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return src_failure(src, rc, "reading a table's columns", err);
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(stmt, 0);
        if (name == NULL || out->count == MAX_COLUMNS)
            continue;
        snprintf(out->names[out->count], sizeof(out->names[0]), "%s", (const char *)name);
        out->pk[out->count] = sqlite3_column_int(stmt, 1) > 0;
        out->count++;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return src_failure(src, rc, "reading a table's columns", err);
    return DW_OK;
}

/* The candidate (our constant, not the file's string) that the table has, or NULL. */
static const char *pick(const struct columns *cols, const char *const *candidates, bool want_pk)
{
    const char *fallback = NULL;
    for (size_t i = 0; candidates[i] != NULL; i++) {
        for (size_t c = 0; c < cols->count; c++) {
            if (strcasecmp(cols->names[c], candidates[i]) != 0)
                continue;
            if (!want_pk || cols->pk[c])
                return candidates[i];
            if (fallback == NULL)
                fallback = candidates[i];
        }
    }
    return fallback;
}

enum deepwell_code src_select_rows(struct source *src, const char *table,
                                   const char *const *id_candidates, const struct wanted *want,
                                   size_t nwant, sqlite3_stmt **out, struct deepwell_error *err)
{
    struct columns cols;
    enum deepwell_code code = read_columns(src, table, &cols, err);
    if (code != DW_OK)
        return code;
    const char *id = pick(&cols, id_candidates, true);
    if (id == NULL)
        id = "rowid"; /* every table the original makes has one */
    char sql[2048];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "SELECT \"%s\"", id);
    for (size_t i = 0; i < nwant; i++) {
        const char *col = pick(&cols, want[i].candidates, false);
        if (col != NULL)
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", \"%s\"", col);
        else
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", NULL");
    }
    snprintf(sql + len, sizeof(sql) - len, " FROM \"%s\" ORDER BY \"%s\"", table, id);
    int rc = sqlite3_prepare_v2(src->db, sql, -1, out, NULL);
    if (rc != SQLITE_OK)
        return src_failure(src, rc, table, err);
    return DW_OK;
}

enum deepwell_code src_text_at(struct source *src, sqlite3_stmt *stmt, int i, const char *table,
                               int64_t row, char **out, struct deepwell_error *err)
{
    *out = NULL;
    if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
        return DW_OK;
    const char *text = (const char *)sqlite3_column_text(stmt, i);
    int bytes = sqlite3_column_bytes(stmt, i);
    if (text == NULL)
        return deepwell_error_set(err, DW_INTERNAL, table, "out of memory");
    if (strlen(text) != (size_t)bytes || !textfile_utf8_valid(text, (size_t)bytes))
        return deepwell_error_set(err, DW_INVALID, table,
                                  "%s: table %s, row %lld, column %s: not valid UTF-8 text",
                                  src->path, table, (long long)row, sqlite3_column_name(stmt, i));
    *out = strdup(text);
    if (*out == NULL)
        return deepwell_error_set(err, DW_INTERNAL, table, "out of memory");
    return DW_OK;
}

bool src_int_at(sqlite3_stmt *stmt, int i, int64_t *out)
{
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        *out = sqlite3_column_int64(stmt, i);
        return true;
    case SQLITE_TEXT: {
        const char *t = (const char *)sqlite3_column_text(stmt, i);
        char *end = NULL;
        long long v = t ? strtoll(t, &end, 10) : 0;
        if (t == NULL || end == t || *end != '\0')
            return false;
        *out = v;
        return true;
    }
    default:
        return false;
    }
}

bool src_bool_at(sqlite3_stmt *stmt, int i, bool fallback)
{
    int64_t v;
    if (src_int_at(stmt, i, &v))
        return v != 0;
    if (sqlite3_column_type(stmt, i) == SQLITE_TEXT) {
        const char *t = (const char *)sqlite3_column_text(stmt, i);
        if (t && (strcasecmp(t, "true") == 0 || strcasecmp(t, "yes") == 0))
            return true;
        if (t && (strcasecmp(t, "false") == 0 || strcasecmp(t, "no") == 0))
            return false;
    }
    return fallback;
}

int64_t src_id_at(sqlite3_stmt *stmt, int i)
{
    int64_t v;
    return src_int_at(stmt, i, &v) ? v : 0;
}

enum deepwell_code src_time_at(struct source *src, sqlite3_stmt *stmt, int i, const char *table,
                               int64_t row, char **out, struct deepwell_error *err)
{
    char *raw = NULL;
    enum deepwell_code code = src_text_at(src, stmt, i, table, row, &raw, err);
    *out = NULL;
    if (code != DW_OK || raw == NULL)
        return code;
    char iso[32];
    if (import_normalize_time(raw, iso)) {
        *out = strdup(iso);
        if (*out == NULL)
            code = deepwell_error_set(err, DW_INTERNAL, table, "out of memory");
    } else if (!import_note(&src->b->notes, "unset: %s row %lld: unreadable time '%.40s'", table,
                            (long long)row, raw)) {
        code = deepwell_error_set(err, DW_INTERNAL, table, "out of memory");
    }
    free(raw);
    return code;
}

enum deepwell_code src_step_failure(struct source *src, sqlite3_stmt *stmt, int rc,
                                    const char *table, struct deepwell_error *err)
{
    sqlite3_finalize(stmt);
    return src_failure(src, rc, table, err);
}
