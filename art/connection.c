/* connection.c - the connection broke, the server failed or its identity was refused. */
#include "art/connection.h"
#include "art/notice.h"

#define ALARM "#C40233"

void art_connection(struct canvas *c, const struct art_frame *f, const struct art_connection *s)
{
    struct art_notice n;
    struct art_area a = art_frame_draw(c, f);
    struct ink title =
        s->alarm ? ink_hex(ALARM, INK_BOLD | INK_REVERSE) : ink_attrs(INK_BOLD | INK_REVERSE);
    art_notice_init(&n, s->title, title, s->alarm ? ink_hex(ALARM, INK_BOLD) : ink_plain());
    if (s->server)
        art_notice_add(&n, ink_attrs(INK_BOLD), "SERVER %s", s->server);
    art_notice_add(&n, ink_plain(), "%s", "");
    if (s->message)
        art_notice_add(&n, ink_plain(), "%s", s->message);
    if (s->choices) {
        art_notice_add(&n, ink_plain(), "%s", "");
        art_notice_add(&n, ink_attrs(INK_BOLD), "%s", s->choices);
    }
    art_notice_draw(c, &a, &n);
}
