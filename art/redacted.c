/* redacted.c - ACCESS DENIED: the file exists but is above the reader. */
#include "art/redacted.h"
#include "art/levels.h"

#define ALARM "#C40233"

void art_redacted_notice(const struct art_redacted_screen *s, struct art_notice *n)
{
    char needed[96], mine[96];
    art_level_caps(&s->file_classification, needed, sizeof(needed));
    art_level_caps(&s->usr_clearance, mine, sizeof(mine));
    art_notice_init(n, "ACCESS DENIED", ink_hex(ALARM, INK_BOLD | INK_REVERSE),
                    ink_hex(ALARM, INK_BOLD));
    art_notice_add(n, ink_attrs(INK_BOLD), "FILE_REF: %s REDACTED", s->file_ref);
    art_notice_add(n, ink_plain(), "%s", "");
    art_notice_add(n, art_level_ink(&s->file_classification, INK_BOLD), "%s REQUIRED", needed);
    art_notice_add(n, art_level_ink(&s->usr_clearance, 0), "(YOU ARE %s)", mine);
    art_notice_add(n, ink_plain(), "%s", "");
    if (s->logged_at[0])
        art_notice_add(n, ink_attrs(INK_DIM), "ACCESS ATTEMPT LOGGED %s", s->logged_at);
    else
        art_notice_add(n, ink_attrs(INK_DIM), "ACCESS ATTEMPT LOGGED");
}

void art_redacted(struct canvas *c, const struct art_frame *f, const struct art_redacted_screen *s)
{
    struct art_notice n;
    struct art_area a = art_frame_draw(c, f);
    art_redacted_notice(s, &n);
    art_notice_draw(c, &a, &n);
}
