/* expunged.c - DATA EXPUNGED: no file answers to the ref. */
#include "art/expunged.h"

#define GREY "#808080"

void art_expunged_notice(const struct art_expunged_screen *s, struct art_notice *n)
{
    art_notice_init(n, "DATA EXPUNGED", ink_attrs(INK_BOLD | INK_REVERSE), ink_hex(GREY, 0));
    art_notice_add(n, ink_attrs(INK_BOLD), "FILE_REF: %s NOT FOUND", s->file_ref);
    art_notice_add(n, ink_plain(), "%s", "");
    art_notice_add(n, ink_attrs(INK_DIM), "NO RECORD EXISTS IN THE DATABASE.");
}

void art_expunged(struct canvas *c, const struct art_frame *f, const struct art_expunged_screen *s)
{
    struct art_notice n;
    struct art_area a = art_frame_draw(c, f);
    art_expunged_notice(s, &n);
    art_notice_draw(c, &a, &n);
}
