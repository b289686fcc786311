/*
 * clearance.h - every access rule of the Foundation, in one place.
 *
 * Each check returns 0 when allowed, else the clearance level the action needs
 * (shown on the clearance_denied and redacted screens).
 */
#ifndef SCIPNET_SERVER_CLEARANCE_H
#define SCIPNET_SERVER_CLEARANCE_H

#include <stdint.h>

#include "common/foundation.h"

struct reader {
    int level;       /* the reader's clearance 1..6 */
    int64_t site_id; /* the reader's site, 0 = none */
};

/* Reading a file: SCP and MTF by level; SITE at 3+ or by its own staff; USER by clearance. */
int clearance_read(const struct reader *r, enum foundation_ref_kind kind, int file_level,
                   int64_t file_id);
/* Whether a list entry's title may be shown (site names are public). */
int clearance_title(const struct reader *r, enum foundation_ref_kind kind, int file_level);
/* Creating a file of `kind` at `level` (new user: their clearance; SITE ignores level). */
int clearance_create(const struct reader *r, enum foundation_ref_kind kind, int level);
/* Changing an SCP file's status. */
int clearance_set_status(const struct reader *r, int file_level);
/* Querying the audit log. */
int clearance_audit(const struct reader *r);
/* A section or passage at `level` inside a file the reader may open. */
int clearance_passage(const struct reader *r, int level);

#endif
