/* denied.c - INSUFFICIENT CLEARANCE: the action needs a higher clearance. */
#include "art/denied.h"
#include "art/refusal.h"

#define WARN "#FF6D00"

void art_denied_notice(const struct art_denied_screen *s, struct art_notice *n)
{
    art_refusal_notice(n, "INSUFFICIENT CLEARANCE", WARN, "REQUEST REFUSED", &s->needed_clearance,
                       &s->usr_clearance);
}

void art_denied(struct canvas *c, const struct art_frame *f, const struct art_denied_screen *s)
{
    struct art_notice n;
    struct art_area a = art_frame_draw(c, f);
    art_denied_notice(s, &n);
    art_notice_draw(c, &a, &n);
}
