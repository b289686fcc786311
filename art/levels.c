/* levels.c - how clearance levels read and look on every screen. */
#include <stdio.h>

#include "art/layout.h"
#include "art/levels.h"

void art_level_caps(const struct art_level *level, char *buf, size_t size)
{
    char upper[ART_LEVEL_MAX];
    if (level->name[0] != '\0')
        layout_upper(upper, sizeof(upper), level->name);
    else
        snprintf(upper, sizeof(upper), "LEVEL %d", level->level);
    snprintf(buf, size, "CLEARANCE %s", upper);
}

struct ink art_level_ink(const struct art_level *level, uint8_t attrs)
{
    return ink_hex(level->colour[0] ? level->colour : NULL, attrs);
}
