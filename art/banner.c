/* banner.c - the start screen: logo, motto, connection status and the trust question. */
#include <stdio.h>
#include <string.h>

#include "art/layout.h"
#include "art/banner.h"

#define MOTTO "SCP Foundation · Secure. Contain. Protect."
#define ALARM "#C40233"

static const char *const logo[] = {
    "  ____   ____ _ ____  _   _ _____ _____ ",    " / ___| / ___(_)  _ \\| \\ | | ____|_   _|",
    " \\___ \\| |   | | |_) |  \\| |  _|   | |  ", "  ___) | |___| |  __/| |\\  | |___  | |  ",
    " |____/ \\____|_|_|   |_| \\_|_____| |_|  ",
};

int art_logo(struct canvas *c, int y, int x, int width)
{
    int rows = (int)(sizeof(logo) / sizeof(logo[0]));
    for (int i = 0; i < rows; i++)
        layout_center(c, y + i, x, width, logo[i], ink_attrs(INK_BOLD));
    return rows;
}

/* Wrap a paragraph into the area from row y; returns the rows used. */
static int paragraph(struct canvas *c, int y, int x, int width, const char *text, struct ink ink)
{
    struct rich r = {0};
    struct wrapped w = {0};
    int rows = 0;
    if (rich_append(&r, text, ink) == 0 && layout_wrap(r.g, r.len, width, &w) == 0) {
        for (size_t i = 0; i < w.count; i++, rows++) {
            int start = x + (width - w.lines[i].width) / 2;
            canvas_glyphs(c, y + rows, start, r.g + w.lines[i].start, w.lines[i].len, width);
        }
    }
    rich_free(&r);
    wrapped_free(&w);
    return rows;
}

void art_banner(struct canvas *c, const struct art_frame *f, const struct art_banner *b)
{
    struct art_area a = art_frame_draw(c, f);
    /* Short terminals drop the blank rows before the logo first. */
    int y = a.top + (a.rows >= 20 ? 1 : 0);
    y += art_logo(c, y, a.left, a.cols) + 1;
    layout_center(c, y++, a.left, a.cols, MOTTO, ink_attrs(INK_BOLD));
    layout_center(c, y++, a.left, a.cols, "SECURE CONTAINMENT INTERNET PROTOCOL NETWORK",
                  ink_attrs(INK_DIM));
    y++;
    if (b->server != NULL) {
        char line[400];
        snprintf(line, sizeof(line), "SERVER %s", b->server);
        layout_center(c, y++, a.left, a.cols, line, ink_plain());
    }
    if (b->status != NULL)
        layout_center(c, y++, a.left, a.cols, b->status,
                      b->alarm ? ink_hex(ALARM, INK_BOLD) : ink_attrs(INK_BOLD));
    y++;
    int width = a.cols > 76 ? 76 : a.cols - 2;
    if (b->detail != NULL)
        y += paragraph(c, y, a.left + (a.cols - width) / 2, width, b->detail, ink_plain()) + 1;
    if (b->question != NULL) {
        int x = layout_center(c, y, a.left, a.cols, b->question, ink_attrs(INK_BOLD));
        c->cursor_y = y;
        c->cursor_x = x + layout_text_width(b->question) + 1;
    }
}
