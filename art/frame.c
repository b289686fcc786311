/* frame.c - the top bar, the status or command line and the help line. */
#include "art/frame.h"

#include "art/layout.h"

#define BAR_TITLE " SCiPNET │ SCP Foundation"

struct art_area art_frame_draw(struct canvas *c, const struct art_frame *f)
{
    struct ink bar = ink_attrs(INK_REVERSE | INK_BOLD);
    canvas_clear(c);
    canvas_fill(c, 0, 0, c->cols, L' ', bar);
    int used = canvas_text(c, 0, 0, BAR_TITLE, bar);
    if (f->location != NULL && c->cols >= 60) {
        canvas_text(c, 0, used, " │ ", bar);
        canvas_text(c, 0, used + 3, f->location, bar);
    }
    if (f->user != NULL) {
        /* The user's level colour on the reversed bar keeps the bar readable in mono. */
        struct ink user = f->user_ink;
        user.attrs |= INK_REVERSE | INK_BOLD;
        int w = layout_text_width(f->user) + 2;
        int x = c->cols - w;
        if (x > used + 2) {
            canvas_fill(c, 0, x, w, L' ', user);
            canvas_text(c, 0, x + 1, f->user, user);
        }
    }
    int help_row = c->rows - 1, line_row = c->rows - 2;
    if (f->keys != NULL)
        canvas_text(c, help_row, 1, f->keys, ink_attrs(INK_DIM));
    if (f->prompt != NULL) {
        struct ink prompt = ink_attrs(INK_BOLD);
        int x = canvas_text(c, line_row, 0, f->prompt, prompt);
        const char *input = f->input ? f->input : "";
        /* Long input scrolls left so the end stays visible next to the cursor. */
        int room = c->cols - x - 1;
        while (layout_text_width(input) > room && *input) {
            wchar_t ch;
            input += layout_utf8_decode(input, &ch);
        }
        int w = canvas_text(c, line_row, x, input, ink_plain());
        c->cursor_y = line_row;
        c->cursor_x = x + w;
    }
    /* With a prompt open the status line moves up a row, above it. */
    int status_row = f->prompt != NULL ? line_row - 1 : line_row;
    if (f->status != NULL)
        canvas_text(c, status_row, 1, f->status, f->status_ink);
    struct art_area a = {1, 0, status_row - 1, c->cols};
    if (a.rows < 1)
        a.rows = 1;
    return a;
}
