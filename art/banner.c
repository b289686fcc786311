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

/* Wrap a paragraph into the area from row y (drawn when draw is set); returns the rows. */
static int paragraph(struct canvas *c, int y, int x, int width, const char *text, struct ink ink,
                     bool draw)
{
    struct rich r = {0};
    struct wrapped w = {0};
    int rows = 0;
    if (rich_append(&r, text, ink) == 0 && layout_wrap(r.g, r.len, width, &w) == 0) {
        for (size_t i = 0; i < w.count; i++, rows++) {
            int start = x + (width - w.lines[i].width) / 2;
            if (draw)
                canvas_glyphs(c, y + rows, start, r.g + w.lines[i].start, w.lines[i].len, width);
        }
    }
    rich_free(&r);
    wrapped_free(&w);
    return rows;
}

/* "SERVER host:port · STATUS" on one centred line, the status in its own ink. */
static void server_line(struct canvas *c, int y, const struct art_area *a,
                        const struct art_banner *b)
{
    char server[400] = "";
    if (b->server != NULL)
        snprintf(server, sizeof(server), "SERVER %s%s", b->server, b->status ? " · " : "");
    const char *status = b->status ? b->status : "";
    int w = layout_text_width(server) + layout_text_width(status);
    int x = a->left + (w < a->cols ? (a->cols - w) / 2 : 0);
    x += canvas_text_fit(c, y, x, server, ink_plain(), a->left + a->cols - x);
    canvas_text_fit(c, y, x, status, b->alarm ? ink_hex(ALARM, INK_BOLD) : ink_attrs(INK_BOLD),
                    a->left + a->cols - x);
}

void art_banner(struct canvas *c, const struct art_frame *f, const struct art_banner *b)
{
    struct art_area a = art_frame_draw(c, f);
    int width = a.cols > 76 ? 76 : a.cols - 2;
    int px = a.left + (a.cols - width) / 2;
    /* What must show: motto, server and status, the steps, the trust question.  The logo
     * and then the warning come when there is room left for them. */
    bool server = b->server != NULL || b->status != NULL;
    int need = 2 + (server ? 3 : 0);
    if (b->steps != NULL)
        need += ART_STARTUP_STEPS;
    if (b->detail != NULL)
        need += 1 + paragraph(c, 0, px, width, b->detail, ink_plain(), false);
    if (b->question != NULL)
        need += 2;
    bool with_logo = need + 6 <= a.rows;
    bool warning = need + (with_logo ? 6 : 0) + ART_WARNING_ROWS <= a.rows;
    int used = need + (with_logo ? 6 : 0) + (warning ? ART_WARNING_ROWS : 0);
    int y = a.top + (used < a.rows);
    if (with_logo)
        y += art_logo(c, y, a.left, a.cols) + 1;
    layout_center(c, y++, a.left, a.cols, MOTTO, ink_attrs(INK_BOLD));
    layout_center(c, y++, a.left, a.cols, "SECURE CONTAINMENT INTERNET PROTOCOL NETWORK",
                  ink_attrs(INK_DIM));
    if (server) {
        server_line(c, ++y, &a, b);
        y += 2;
    }
    if (b->steps != NULL) {
        int sw = width > 72 ? 72 : width;
        y += art_startup_draw(c, y, a.left + (a.cols - sw) / 2, sw, b->steps);
    }
    if (b->detail != NULL)
        y += 1 + paragraph(c, y + 1, px, width, b->detail, ink_plain(), true);
    if (b->question != NULL) {
        int x = layout_center(c, ++y, a.left, a.cols, b->question, ink_attrs(INK_BOLD));
        c->cursor_y = y;
        c->cursor_x = x + layout_text_width(b->question) + 1;
    }
    if (warning) {
        int ww = width > 64 ? 64 : width;
        art_classified_warning(c, a.top + a.rows - ART_WARNING_ROWS, a.left + (a.cols - ww) / 2,
                               ww);
    }
}
