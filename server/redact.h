/*
 * redact.h - cutting classified text before it leaves the server.
 *
 * Every text field of every file goes through here.  A cut passage becomes
 * {"redacted":true,"needed_clearance":{level}}: nothing of its text or length.
 */
#ifndef SCIPNET_SERVER_REDACT_H
#define SCIPNET_SERVER_REDACT_H

#include <jansson.h>

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

#endif
