/*
 * import_map.h - mapping the original SCiPNET's values onto ours (internal to deepwell/io/).
 *
 * The original keeps levels, titles and classes in lookup tables whose ids and
 * spellings differ between installations, so values are matched by name, never
 * by number.  Pure functions: no store, no I/O.
 */
#ifndef SCIPNET_DEEPWELL_IO_IMPORT_MAP_H
#define SCIPNET_DEEPWELL_IO_IMPORT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/foundation.h"

/*
 * The clearance level 1..6 a name stands for, or 0 when it is unknown or
 * contradicts itself.  Accepts "3", "Level 3", "L3", "Confidential",
 * "Level 3 - Confidential", "3 - confidential", "LEVEL_3"; refuses "Level 7",
 * "Level 2 - Secret" and names it does not know.
 */
int import_level_from_name(const char *name);

/* Canonical class name for a name in any case with surrounding blanks, or NULL; disruption
   and risk classes also as the original spells them ("Level 1 - Dark", "Level 5 - Critical"). */
const char *import_class_canonical(enum foundation_class_kind kind, const char *name);

/* Canonical title ("field agent " -> "Field Agent"), or NULL. */
const char *import_title_canonical(const char *name);

/* A positive decimal number, digits only (leading zeros allowed, at most 9 digits). */
bool import_parse_number(const char *text, int64_t *out);

/* The number in "SCP-123" / "scp 049" / "SCP-123-J", or 0 when the name is not like that. */
int64_t import_scp_number_from_name(const char *name);

/*
 * Normalises a stored time ("2024-01-02 03:04:05.123456", "2024-01-02T03:04:05Z",
 * "2024-01-02") to the protocol's "2024-01-02T03:04:05.123Z".  Times without a
 * zone are taken as UTC (the original stores naive UTC).  False when unparseable.
 */
bool import_normalize_time(const char *in, char out[32]);

#endif
