/* levels.h - how clearance levels read and look on every screen */
#ifndef SCIPNET_ART_LEVELS_H
#define SCIPNET_ART_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "art/canvas.h"
#include "art/model.h"

/* "CLEARANCE LEVEL 4 - SECRET" from a level, for the denial screens. */
void art_level_caps(const struct art_level *level, char *buf, size_t size);
/* The ink of a level's colour (plain when it has none). */
struct ink art_level_ink(const struct art_level *level, uint8_t attrs);

#endif
