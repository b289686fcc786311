/*
 * import.h - bringing a deepwell folder into the store: the original SCiPNET's
 * (SCiPNET.db plus markdown files) or one written by `deepwell export`
 * (manifest.json plus the same markdown layout).  See docs/import.md.
 *
 * Two steps, so a bad source never touches (or even creates) the store:
 * deepwell_import_load reads and checks the whole source into memory, then
 * deepwell_import_apply writes it in ONE transaction on the writer connection:
 * on any error nothing is written.  Rows already in the store (users by name, SCP
 * files by number, sites and task forces by id and name) are skipped, so running
 * an import twice adds nothing the second time.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_H
#define SCIPNET_DEEPWELL_IO_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "deepwell/deepwell.h"

struct deepwell_import;

/* Password hash stored for accounts whose imported password cannot be used. */
#define DEEPWELL_IMPORT_UNUSABLE_HASH "!unusable"

struct deepwell_import_count {
    size_t added;    /* new rows */
    size_t existing; /* already in the store: skipped */
    size_t updated;  /* already there but changed in the source: brought up to date */
    size_t refused;  /* rows that could not be imported (reported in notes) */
};

struct deepwell_import_report {
    bool from_manifest; /* the source was an export (manifest.json), not SCiPNET.db */
    struct deepwell_import_count users, sites, task_forces, scps, sections, descriptions,
        audit_rows;
    size_t accounts_disabled;
    size_t files_refused;        /* links, FIFOs, devices, too large: not read (named in notes) */
    bool audit_already_imported; /* history from this source was there before: skipped */
    bool from_scp_data;          /* the SCP wiki's scp-data dump */
    size_t articles_read, articles_refused; /* its articles; the refused are named in notes */
    /* One line each: "<what>: <where>: <why>", e.g. "skipped: scps/abc: not a number". */
    char **notes;
    size_t nnotes;
};

/*
 * Reads source_dir: manifest.json when present, else SCiPNET.db, plus the
 * markdown files.  Errors (one clear message each): DW_IO for a missing
 * SCiPNET.db or an unreadable file or folder, DW_CORRUPT for a file that is not
 * SQLite, DW_INVALID for a database that is not the original's schema, a file or
 * text that is not UTF-8, or a malformed manifest.
 */
enum deepwell_code deepwell_import_load(const char *source_dir, struct deepwell_import **out,
                                        struct deepwell_error *err);

/*
 * Reads the SCP wiki's scp-data dump: every content_*.json in items_dir (see
 * docs/import.md).  levels is a --levels mapping ("Keter=5,*=3") or NULL for the
 * defaults.  An article that cannot be placed is refused and named in the report;
 * DW_INVALID only for a folder without content_*.json or a malformed mapping.
 */
enum deepwell_code deepwell_import_load_scp_data(const char *items_dir, const char *levels,
                                                 struct deepwell_import **out,
                                                 struct deepwell_error *err);

/* Writes a loaded source into the store in one transaction; fills *report. */
enum deepwell_code deepwell_import_apply(struct deepwell *dw, struct deepwell_import *imp,
                                         struct deepwell_import_report *report,
                                         struct deepwell_error *err);

void deepwell_import_free(struct deepwell_import *imp);
void deepwell_import_report_free(struct deepwell_import_report *report);

#endif
