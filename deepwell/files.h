/*
 * files.h - reading an SCP file's row and sections on a connection (internal to
 * deepwell/): the store's reads (files.c) and the write path's rewrite (files_write.c)
 * read a file the same way.
 */
#ifndef SCIPNET_DEEPWELL_FILES_H
#define SCIPNET_DEEPWELL_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "deepwell/deepwell.h"
#include "deepwell/pool.h"
#include "deepwell/query.h"
#include "deepwell/write.h"

/* An SCP file's row without its sections (20 columns, read by dw_scp_read_row_at); a
   WHERE on f follows. */
#define SQL_SCP_HEAD_SELECT                                                                        \
    "SELECT f.id, f.number, f.title, f.clearance_level, cc.name, sc.name, dc.name, rc.name,"       \
    " f.status, f.site_id, s.name, f.task_force_id, " SQL_TF_NAME ", f.revision,"                  \
    " f.source_url, f.source_author, f.source_created_at, f.tags, f.suffix, tf.clearance_level"    \
    " FROM scp_files f"                                                                            \
    " LEFT JOIN containment_classes cc ON cc.id = f.containment_class_id"                          \
    " LEFT JOIN secondary_classes sc ON sc.id = f.secondary_class_id"                              \
    " LEFT JOIN disruption_classes dc ON dc.id = f.disruption_class_id"                            \
    " LEFT JOIN risk_classes rc ON rc.id = f.risk_class_id"                                        \
    " LEFT JOIN sites s ON s.id = f.site_id"                                                       \
    " LEFT JOIN task_forces tf ON tf.id = f.task_force_id"

/* The SQL_SCP_HEAD_SELECT columns from column c into out (zeroed by the caller); false
   when out of memory (what was copied is freed by deepwell_scp_free). */
bool dw_scp_read_row_at(struct dw_stmt *stmt, int c, struct deepwell_scp *out);

/* The file's designation as users write it ("SCP-173", "SCP-049-ARC"); suffix may be NULL. */
void dw_scp_ref_text(int number, const char *suffix, char *buf, size_t size);

/* Whether suffix ("" or NULL for none) is one a designation may end in ("J", "ARC"). */
bool dw_scp_suffix_valid(const char *suffix);

/* The file number-suffix (DW_NOT_FOUND when none), its sections too when asked. */
enum deepwell_code dw_scp_read(struct deepwell_conn *conn, int number, const char *suffix,
                               bool with_sections, struct deepwell_scp *out, const char *op,
                               struct deepwell_error *err);

/* Rewrites row id as scp (site and task force kept), its sections replaced. */
enum deepwell_code dw_scp_rewrite(struct deepwell_conn *conn, const struct deepwell_scp *scp,
                                  int64_t id, const struct dw_stamps *when, const char *op,
                                  struct deepwell_error *err);

#endif
