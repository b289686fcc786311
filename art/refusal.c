/* refusal.c - the box the two refusal screens share. */
#include "art/refusal.h"
#include "art/levels.h"

void art_refusal_notice(struct art_notice *n, const char *title, const char *colour,
                        const char *reason, const struct art_level *needed,
                        const struct art_level *mine)
{
    char needed_caps[96], mine_caps[96];
    art_level_caps(needed, needed_caps, sizeof(needed_caps));
    art_level_caps(mine, mine_caps, sizeof(mine_caps));
    art_notice_init(n, title, ink_hex(colour, INK_BOLD | INK_REVERSE), ink_hex(colour, INK_BOLD));
    art_notice_add(n, ink_attrs(INK_BOLD), "%s", reason);
    art_notice_add(n, ink_plain(), "%s", "");
    art_notice_add(n, art_level_ink(needed, INK_BOLD), "%s REQUIRED", needed_caps);
    art_notice_add(n, art_level_ink(mine, 0), "(YOU ARE %s)", mine_caps);
}
