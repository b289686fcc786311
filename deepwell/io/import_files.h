/*
 * import_files.h - attaching a source folder's markdown files to a bundle
 * (internal to deepwell/io/).
 *
 * Layout (the original's, and what export writes):
 *   scps/<n>/cps.md, scps/<n>/desc.md, scps/<n>/addenda/<URL-encoded title>.md
 *   sites/<id>/{desc,loc,dossier}.md, mtfs/<id>/mission.md
 *   descs/<lookup table>/<id>.md
 * A folder without a row becomes a new row made from its files alone; a file the
 * layout does not know is skipped.  Both are noted in the bundle's report.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_FILES_H
#define SCIPNET_DEEPWELL_IO_IMPORT_FILES_H

#include "deepwell/io/import_model.h"

/* Level given to SCP files made from files alone: the highest, until someone reviews them. */
#define IMPORT_ORPHAN_SCP_LEVEL 6

/*
 * Reads every file of the layout under b->dir.  Sections a manifest listed (with
 * a file and no body yet) get their body; other files become new sections.  Fails
 * (and the import with it) on a file or folder that cannot be read or is not UTF-8.
 */
enum deepwell_code import_files_attach(struct import_bundle *b, struct deepwell_error *err);

#endif
