/*
 * file_logs.h - the tables the file view shows after the body, parsed from replies: a
 * personnel file's audit rows (the read reply's "audit") and an SCP file's status changes
 * (the history reply's "statuses").  Each cell is made visible (common/vis.h).
 */
#ifndef SCIPNET_CLIENT_FILE_LOGS_H
#define SCIPNET_CLIENT_FILE_LOGS_H

#include <jansson.h>

#include "art/model.h"

/* The read reply's "audit" (time, action, outcome, details) into f->audit; none is no
 * table.  0, or -1 when out of memory. */
int file_logs_audit(const json_t *root, struct art_file *f);
/* The history reply's "statuses" (when, who, old -> new, why) into f->statuses. */
int file_logs_statuses(const json_t *root, struct art_file *f);

#endif
