/* shapes.h - the protocol's shared JSON shapes: level, class, link, user. */
#ifndef SCIPNET_SERVER_SHAPES_H
#define SCIPNET_SERVER_SHAPES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/foundation.h"
#include "deepwell/deepwell.h"

/*
 * The out-of-memory policy, for every reply: it is built whole or not at all.  A
 * jansson constructor returns NULL when out of memory, and json_object_set_new then
 * quietly leaves the field out, so builders set fields with shape_set, add up its
 * results and return NULL on any failure; request_ok turns a NULL body into
 * "internal".  (json_pack is safe as it is: a NULL "o" argument fails the pack.)
 */
/* Sets o[key] = value, stealing value; false when either is NULL or the set fails. */
bool shape_set(json_t *o, const char *key, json_t *value);

/* {"level","name","colour"}; null when out of range. */
json_t *shape_level(int level);
/* {"name","colour"} or null when name is NULL or empty. */
json_t *shape_class(enum foundation_class_kind kind, const char *name);
/* {"ref","name"} or null when id is 0. */
json_t *shape_link(enum foundation_ref_kind kind, int64_t id, const char *name);
/* The user object of login and whoami. */
json_t *shape_user(const struct deepwell_user *user);
/* ISO time string, or null for "". */
json_t *shape_time_or_null(const char *iso);

/* The screens of failed replies (docs/protocol.md). */
json_t *screen_clearance_denied(int needed, int have);
json_t *screen_redacted(const char *ref, int file_level, int have, int64_t logged_at_ms);
json_t *screen_expunged(const char *ref);

#endif
