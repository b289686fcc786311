/*
 * import_tree.h - walking an import source folder and reading its files
 * (internal to deepwell/io/).
 *
 * Everything below the folder is opened relative to b->dirfd one name at a time,
 * never through a symbolic link: a link, a file that is not regular or one too
 * large is refused and noted (b->files_refused), and the rest is still read.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_TREE_H
#define SCIPNET_DEEPWELL_IO_IMPORT_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "deepwell/io/import_model.h"

/* Room for the source folder plus a path inside it. */
#define IMPORT_PATH_BYTES 4608

/* A folder's entry names, sorted. */
struct import_names {
    char **items;
    size_t count, cap;
};

void import_names_free(struct import_names *n);

/* DW_INTERNAL "out of memory". */
enum deepwell_code import_tree_oom(struct deepwell_error *err);

/* Adds a report line; DW_OK, or DW_INTERNAL when out of memory. */
enum deepwell_code import_tree_note(struct import_bundle *b, struct deepwell_error *err,
                                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Joins "a/b"; false (out "") when it does not fit.  Relative paths inside the
 * source cannot overflow (names are at most NAME_MAX bytes, the layout is three
 * levels deep); the source folder plus a relative path can, and is then refused.
 */
bool import_join(char *out, size_t size, const char *a, const char *b);

/* The type of rel (S_IFDIR, S_IFLNK, ...) as lstat sees it; 0 when it cannot be looked at. */
unsigned import_entry_type(const struct import_bundle *b, const char *rel);

/* Notes rel as refused when it is a symbolic link (*code says whether noting worked). */
bool import_refused_link(struct import_bundle *b, const char *rel, enum deepwell_code *code,
                         struct deepwell_error *err);

/*
 * The entries of folder rel, sorted so the import is the same on every file
 * system.  *exists is false (and DW_OK) when the folder is absent or not a
 * folder, and when it is a symbolic link (then noted as refused).
 */
/*
 * Notes every entry of the source folder itself that the layout does not read
 * ("skipped: creation_guides/: the original's authoring guides ..."), so the report
 * names everything left out.
 */
enum deepwell_code import_note_top_level(struct import_bundle *b, struct deepwell_error *err);

enum deepwell_code import_list_dir(struct import_bundle *b, const char *rel,
                                   struct import_names *out, bool *exists,
                                   struct deepwell_error *err);

/*
 * Reads rel into *out.  A file that is a link, not a regular file or too large is
 * refused: noted, *out NULL and DW_OK, so the rest of the source is still imported.
 */
enum deepwell_code import_read_rel(struct import_bundle *b, const char *rel, char **out,
                                   struct deepwell_error *err);

/* "name.md" -> "name" into out; false for anything else. */
bool import_strip_md(const char *name, char *out, size_t size);

#endif
