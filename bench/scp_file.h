/*
 * scp_file.h - the benchmark's file: a realistic SCP entry of about 8 KB of text.
 *
 * Sections and passages sit at several levels, so a level-3 reader gets a file the
 * server has had to cut: two sections redacted whole and inline [[LEVEL n]] passages
 * replaced by markers, as in the real site's files.
 */
#ifndef SCIPNET_BENCH_SCP_FILE_H
#define SCIPNET_BENCH_SCP_FILE_H

#include <jansson.h>
#include <stddef.h>

/* The fields of a `create` request for SCP-number (no op, id or token); NULL on OOM.
 * *text_bytes receives the total length of the section texts. */
json_t *scp_file_create_fields(int number, size_t *text_bytes);

#endif
