/*
 * export.h - writing the store out as a deepwell folder (see docs/import.md).
 *
 * The layout is the original SCiPNET's (markdown files per SCP file, site and task
 * force) plus manifest.json with everything the files do not say: numbers, titles,
 * levels, classes, links, users and each section's kind, title, level and position.
 * `deepwell import` reads the folder back.  Output is sorted and deterministic:
 * export -> import into a fresh store -> export gives byte-identical files.
 *
 * Password hashes are left out of manifest.json, so a folder can be shared and
 * edited safely.  with_credentials adds credentials.json (mode 0600): the hashes
 * and login state, so a move to a new store keeps everyone's logins.
 */
#ifndef SCIPNET_DEEPWELL_IO_EXPORT_H
#define SCIPNET_DEEPWELL_IO_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "deepwell/deepwell.h"

struct deepwell_export_options {
    bool with_credentials;
};

struct deepwell_export_report {
    size_t users, sites, task_forces, scps, sections, descriptions, files;
};

/*
 * Writes the folder out_dir, which must not exist or be empty.  DW_INVALID when
 * it is not empty, DW_IO when a file cannot be written (the folder is then
 * incomplete and should be removed).
 */
enum deepwell_code deepwell_export(struct deepwell *dw, const char *out_dir,
                                   const struct deepwell_export_options *opts,
                                   struct deepwell_export_report *report,
                                   struct deepwell_error *err);

#endif
