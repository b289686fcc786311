/*
 * redact.h - cutting classified text before it leaves the server.
 *
 * Every text field of every file goes through here.  A cut passage becomes
 * {"redacted":true,"needed_clearance":{level}}: nothing of its text or length.
 */
#ifndef SCIPNET_SERVER_REDACT_H
#define SCIPNET_SERVER_REDACT_H

#include <jansson.h>

#include "deepwell/deepwell.h"
#include "server/clearance.h"

#define REDACT_PLACEHOLDER "[REDACTED]"

/*
 * The section object per docs/protocol.md: {"kind","title","level","text"} when all
 * readable, {"kind","title","level","parts"} when a passage is cut, and
 * {"kind","level","redacted","needed_clearance"} when the section is above the reader.
 * NULL when out of memory.
 */
json_t *redact_section(const struct reader *r, const char *kind, const char *title, int level,
                       const char *body);

/* A plain string field with cut passages replaced by REDACT_PLACEHOLDER; NULL body -> null. */
json_t *redact_string(const struct reader *r, int level, const char *body);

/*
 * The same for text of a file the reader was cleared for by another rule than its
 * level (a site's own staff): unmarked text is readable, marked passages still
 * need their level.
 */
json_t *redact_section_cleared(const struct reader *r, const char *kind, const char *title,
                               int level, const char *body);
json_t *redact_string_cleared(const struct reader *r, const char *body);

/*
 * The level of the file a ref names, for audit details: 0 when there is no such file,
 * negative when it cannot be told (the ref is then withheld).
 */
typedef int (*redact_ref_level_fn)(void *arg, const struct foundation_ref *ref);

/*
 * One audit row as the `audit` op shows it to r.  A row of a user above r (the store
 * only returns one when it names an attempted login) is shown as an unknown name's
 * row: no user_id, and the details such a row has.  A details value naming a file
 * whose title r may not see becomes REDACT_PLACEHOLDER.  NULL when out of memory.
 */
json_t *redact_audit_row(const struct reader *r, const struct deepwell_audit_row *row,
                         redact_ref_level_fn level_of, void *arg);

/* op_login.c's reason for a name that is no user; a hidden user's failed login is shown
 * to an auditor as this (redact_audit_row), so the two can never drift apart. */
#define LOGIN_REASON_UNKNOWN_USER "unknown user"

#endif
