/* frame.c - the top bar, the status or command line and the help line. */
#include "art/frame.h"

#include <stdio.h>
#include <string.h>

#include "art/layout.h"

#define BAR_TITLE " SCiPNET │ SCP Foundation"
#define KEYS_MAX  512

/* The user at the right of the bar, cut with '…' rather than dropped; returns where it starts. */
static int draw_user(struct canvas *c, const struct art_frame *f, int used)
{
    /* The user's level colour on the reversed bar keeps the bar readable in mono. */
    struct ink user = f->user_ink;
    user.attrs |= INK_REVERSE | INK_BOLD;
    int w = layout_text_width(f->user) + 2;
    int room = c->cols - used - 1;
    if (w > room)
        w = room;
    if (w < 4)
        return c->cols;
    int x = c->cols - w;
    canvas_fill(c, 0, x, w, L' ', user);
    canvas_text_fit(c, 0, x + 1, f->user, user, w - 2);
    return x;
}

/* The key list on one row; when it is too wide, whole keys go from the middle and "…"
 * marks where.  The last key and "? help" stay: the way out and the way to every key. */
static void draw_keys(struct canvas *c, const char *keys)
{
    struct ink dim = ink_attrs(INK_DIM);
    int width = c->cols - 2;
    const char *last = NULL;
    for (const char *p = strstr(keys, "  "); p != NULL; p = strstr(p + 2, "  "))
        last = p;
    if (layout_text_width(keys) <= width || last == NULL || strlen(keys) >= KEYS_MAX) {
        canvas_text_fit(c, c->rows - 1, 1, keys, dim, width);
        return;
    }
    const char *help = strstr(keys, "  ? help  "); /* before the last key, if anywhere */
    const char *stop = help != NULL ? help : last;
    char tail[KEYS_MAX + 8], line[2 * KEYS_MAX + 8] = "";
    snprintf(tail, sizeof(tail), "%s%s", help != NULL ? "  ? help" : "", last);
    int tail_w = layout_text_width(tail) + 3; /* "  …" before it */
    size_t keep = 0;
    for (const char *p = strstr(keys, "  "); p != NULL && p <= stop; p = strstr(p + 2, "  ")) {
        memcpy(line, keys, (size_t)(p - keys));
        line[p - keys] = '\0';
        if (layout_text_width(line) + tail_w > width)
            break;
        keep = (size_t)(p - keys);
    }
    memcpy(line, keys, keep);
    snprintf(line + keep, sizeof(line) - keep, "%s…%s", keep ? "  " : "", tail);
    canvas_text_fit(c, c->rows - 1, 1, line, dim, width);
}

struct art_area art_frame_draw(struct canvas *c, const struct art_frame *f)
{
    struct ink bar = ink_attrs(INK_REVERSE | INK_BOLD);
    canvas_clear(c);
    canvas_fill(c, 0, 0, c->cols, L' ', bar);
    int used = canvas_text_fit(c, 0, 0, BAR_TITLE, bar, c->cols);
    int user_x = f->user != NULL ? draw_user(c, f, used) : c->cols;
    /* The location fills what the user left, cut if it must be, dropped below 4 columns. */
    int gap = user_x - used - 4;
    if (f->location != NULL && gap >= 4) {
        canvas_text(c, 0, used, " │ ", bar);
        canvas_text_fit(c, 0, used + 3, f->location, bar, gap);
    }
    if (f->keys != NULL)
        draw_keys(c, f->keys);
    int help_row = c->rows - 1, line_row = help_row - 1;
    if (f->prompt != NULL) {
        struct ink prompt = ink_attrs(INK_BOLD);
        int x = canvas_text(c, line_row, 0, f->prompt, prompt);
        layout_input(c, line_row, x, c->cols - x, f->input, f->input_back, ink_plain());
    }
    /* With a prompt open the status line moves up a row, above it. */
    int status_row = f->prompt != NULL ? line_row - 1 : line_row;
    if (f->status != NULL)
        canvas_text_fit(c, status_row, 1, f->status, f->status_ink, c->cols - 2);
    struct art_area a = {1, 0, status_row - 1, c->cols};
    if (a.rows < 1)
        a.rows = 1;
    return a;
}

bool art_too_small(const struct canvas *c)
{
    return c->cols < ART_MIN_COLS || c->rows < ART_MIN_ROWS;
}

void art_too_small_draw(struct canvas *c)
{
    char line[96];
    snprintf(line, sizeof(line), "WINDOW TOO SMALL (%dx%d): SCiPNET NEEDS %dx%d", c->cols, c->rows,
             ART_MIN_COLS, ART_MIN_ROWS);
    canvas_clear(c);
    canvas_text_fit(c, c->rows / 2, 0, line, ink_attrs(INK_BOLD | INK_REVERSE), c->cols);
}
