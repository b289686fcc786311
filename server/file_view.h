/*
 * file_view.h - a file of any kind loaded from the store and turned into the
 * protocol's "file" object, with every text field passed through redact.c.
 */
#ifndef SCIPNET_SERVER_FILE_VIEW_H
#define SCIPNET_SERVER_FILE_VIEW_H

#include <jansson.h>

#include "common/foundation.h"
#include "deepwell/deepwell.h"
#include "server/clearance.h"
#include "server/site_tables.h"

struct file_view {
    enum foundation_ref_kind kind;
    int level; /* classification; a user's is their clearance */
    struct deepwell_scp scp;
    struct deepwell_site site;
    struct deepwell_mtf mtf;
    struct deepwell_user user;
    /* Levels of linked files, so a link never names a file whose title is above the reader. */
    int task_force_level; /* SCP and USER files */
    int person_level;     /* a site's director, a task force's leader */
    bool head_only;       /* an SCP file loaded without its sections (file_view_load_head) */
    struct site_tables site_tables; /* a site's staff, task forces and SCP files */
};

/* As file_view_load_head, from a head already read (moved out of *scp, left zeroed):
   the task force's level came with it, so no statement is needed. */
void file_view_adopt_head(struct deepwell_scp *scp, struct file_view *out);

/* DW_NOT_FOUND when there is no such file. */
enum deepwell_code file_view_load(struct deepwell *dw, const struct foundation_ref *ref,
                                  struct file_view *out, struct deepwell_error *err);
/*
 * The same without an SCP file's sections (head_only is set): enough to decide
 * clearance and to make file_view_key, not to render.  Other kinds load whole.
 */
enum deepwell_code file_view_load_head(struct deepwell *dw, const struct foundation_ref *ref,
                                       struct file_view *out, struct deepwell_error *err);
/* The "file" object for a reader already cleared for the file; NULL when out of memory
   or for a head-only view. */
json_t *file_view_json(const struct file_view *view, const struct reader *r, const char *ref);
void file_view_free(struct file_view *view);

/*
 * Every input of file_view_json for this view, reader and ref, as bytes: equal keys
 * make equal "file" objects, so the render may be reused (view_cache.h).  The file
 * and reader come first.  The sections enter by the file's id and revision, which
 * the store changes with any change to them, so a head-only view has the same key
 * as the whole file.  Only SCP files, the large and often read ones, have keys:
 * NULL for other kinds, or when out of memory.  Free with free().
 */
char *file_view_key(const struct file_view *view, const struct reader *r, const char *ref,
                    size_t *length);

#endif
