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
#include "deepwell/write.h"

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
