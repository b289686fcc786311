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

/* The file's designation as users write it ("SCP-173"). */
void dw_scp_ref_text(int number, char *buf, size_t size);

/* The file numbered number (DW_NOT_FOUND when none), its sections too when asked. */
enum deepwell_code dw_scp_read(struct deepwell_conn *conn, int number, bool with_sections,
                               struct deepwell_scp *out, const char *op,
                               struct deepwell_error *err);

#endif
