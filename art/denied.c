/* denied.c - INSUFFICIENT CLEARANCE: the action needs a higher clearance. */
#include "art/denied.h"
#include "art/levels.h"

#define WARN "#FF6D00"

void art_denied_notice(const struct art_denied_screen *s, struct art_notice *n)
{
    char needed[96], mine[96];
    art_level_caps(&s->needed_clearance, needed, sizeof(needed));
    art_level_caps(&s->usr_clearance, mine, sizeof(mine));
    art_notice_init(n, "INSUFFICIENT CLEARANCE", ink_hex(WARN, INK_BOLD | INK_REVERSE),
                    ink_hex(WARN, INK_BOLD));
    art_notice_add(n, ink_attrs(INK_BOLD), "REQUEST REFUSED");
    art_notice_add(n, ink_plain(), "%s", "");
    art_notice_add(n, art_level_ink(&s->needed_clearance, INK_BOLD), "%s REQUIRED", needed);
    art_notice_add(n, art_level_ink(&s->usr_clearance, 0), "(YOU ARE %s)", mine);
}

void art_denied(struct canvas *c, const struct art_frame *f, const struct art_denied_screen *s)
{
    struct art_notice n;
    struct art_area a = art_frame_draw(c, f);
    art_denied_notice(s, &n);
    art_notice_draw(c, &a, &n);
}
