/* batch_format.h - the output helpers of `scipnet --batch` (batch_format.c). */
#ifndef SCIPNET_CLIENT_BATCH_FORMAT_H
#define SCIPNET_CLIENT_BATCH_FORMAT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/vis.h"

/* A line being built; every print is then one vis_fprintf of it. */
struct batch_line {
    char *text;
    size_t len;
    bool failed;
};

void batch_line_add(struct batch_line *l, const char *s, size_t n);
void batch_line_str(struct batch_line *l, const char *s);
/* The line as the result; NULL (and nothing kept) when out of memory. */
char *batch_line_done(struct batch_line *l);
/* Print a built line and its newline with vis flags; the line is freed.  BATCH_OK or
 * BATCH_ERROR. */
int batch_print_line(char *text, unsigned flags);
/* --format json: the server's reply without its request id, every non-ASCII byte escaped. */
int batch_print_json(json_t *root);
/* --format tsv: one row of n fields, each escaped. */
int batch_print_tsv(const char *const *fields, size_t n);

#endif
