/* redacted.c - ACCESS DENIED: the file exists but is above the reader. */
#include <stdio.h>

#include "art/redacted.h"
#include "art/refusal.h"

#define ALARM "#C40233"

void art_redacted_notice(const struct art_redacted_screen *s, struct art_notice *n)
{
    char reason[ART_NOTICE_TEXT];
    snprintf(reason, sizeof(reason), "FILE_REF: %s REDACTED", s->file_ref);
    art_refusal_notice(n, "ACCESS DENIED", ALARM, reason, &s->file_classification,
                       &s->usr_clearance);
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
