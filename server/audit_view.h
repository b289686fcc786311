/* audit_view.h - audit rows as a reader is shown them (audit op, personnel files). */
#ifndef SCIPNET_SERVER_AUDIT_VIEW_H
#define SCIPNET_SERVER_AUDIT_VIEW_H

#include <jansson.h>

#include "deepwell/deepwell.h"
#include "server/clearance.h"

struct request;

/* The rows as r may see them (redact_audit_row), as a JSON array; NULL when out of memory. */
json_t *audit_view_rows(struct request *req, const struct reader *r,
                        const struct deepwell_audit_rows *rows);

#endif
