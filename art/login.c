/* login.c - the login form and the login-failed screen. */
#include <stdio.h>
#include <string.h>

#include "art/layout.h"
#include "art/banner.h"
#include "art/login.h"

#define ALARM   "#C40233"
#define FIELD_W 32
#define LABEL_W 12
#define FORM_W  (LABEL_W + FIELD_W + 8)

static void field(struct canvas *c, int y, int x, const char *label, const char *value,
                  bool focused, int cursor_back)
{
    struct ink label_ink = ink_attrs(focused ? INK_BOLD : 0);
    struct ink value_ink = ink_attrs(INK_UNDER | (focused ? INK_BOLD : 0));
    canvas_text(c, y, x, label, label_ink);
    canvas_fill(c, y, x + LABEL_W, FIELD_W, L' ', value_ink);
    /* Show the end of a long value: that is where typing happens. */
    while (layout_text_width(value) >= FIELD_W) {
        wchar_t ch;
        value += layout_utf8_decode(value, &ch);
    }
    int w = canvas_text(c, y, x + LABEL_W, value, value_ink);
    if (focused) {
        c->cursor_y = y;
        c->cursor_x = x + LABEL_W + (w > cursor_back ? w - cursor_back : 0);
    }
}

void art_login(struct canvas *c, const struct art_frame *f, const struct art_login_form *l)
{
    struct art_area a = art_frame_draw(c, f);
    int y = a.top + (a.rows >= 20 ? 1 : 0);
    y += art_logo(c, y, a.left, a.cols);
    layout_center(c, y++, a.left, a.cols, "SCP Foundation · Secure. Contain. Protect.",
                  ink_attrs(INK_BOLD));
    if (l->server != NULL) {
        char line[512];
        snprintf(line, sizeof(line), "SERVER %s%s%s", l->server, l->status ? " · " : "",
                 l->status ? l->status : "");
        layout_center(c, y, a.left, a.cols, line, ink_attrs(INK_DIM));
    }
    y++;
    int box_w = FORM_W < a.cols ? FORM_W : a.cols;
    int x = a.left + (a.cols - box_w) / 2;
    layout_box(c, y, x, 7, box_w, ink_plain());
    layout_center(c, y + 1, x + 1, box_w - 2, "IDENTIFICATION REQUIRED", ink_attrs(INK_BOLD));
    char stars[FIELD_W + 1];
    size_t n = l->password_len < FIELD_W - 1 ? l->password_len : FIELD_W - 1;
    memset(stars, '*', n);
    stars[n] = '\0';
    /* Draw the unfocused field first so the cursor ends in the focused one. */
    if (l->focus == 0) {
        field(c, y + 4, x + 3, "PASSWORD", stars, false, 0);
        field(c, y + 3, x + 3, "NAME OR ID", l->name, true, l->cursor_back);
    } else {
        field(c, y + 3, x + 3, "NAME OR ID", l->name, false, 0);
        field(c, y + 4, x + 3, "PASSWORD", stars, true, l->cursor_back);
    }
    y += 8;
    int bottom = a.top + a.rows;
    if (l->message != NULL && y < bottom)
        layout_center(c, y++, a.left, a.cols, l->message, ink_hex(ALARM, INK_BOLD));
    if (l->detail != NULL && y < bottom)
        layout_center(c, y++, a.left, a.cols, l->detail, ink_attrs(INK_BOLD));
    /* The hint below, a line each, after a blank line when there is room for it. */
    int hint_lines = 0;
    for (const char *h = l->hint; h != NULL && *h; h++)
        hint_lines += *h == '\n' || h[1] == '\0';
    if (y + 1 + hint_lines <= bottom)
        y++;
    for (const char *h = l->hint; h != NULL && *h && y < bottom; y++) {
        size_t len = strcspn(h, "\n");
        char line[256];
        snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1),
                 h);
        layout_center(c, y, a.left, a.cols, line, ink_attrs(INK_DIM));
        h += len + (h[len] == '\n');
    }
}

void art_login_failed_notice(const char *reason, int attempts_left, struct art_notice *n)
{
    art_notice_init(n, "IDENTIFICATION / AUTHENTICATION INVALID",
                    ink_hex(ALARM, INK_BOLD | INK_REVERSE), ink_hex(ALARM, INK_BOLD));
    if (reason != NULL && reason[0])
        art_notice_add(n, ink_attrs(INK_BOLD), "%s", reason);
    art_notice_add(n, ink_plain(), "%s", "");
    if (attempts_left > 0)
        art_notice_add(n, ink_plain(), "%d ATTEMPT%s REMAINING", attempts_left,
                       attempts_left == 1 ? "" : "S");
}

void art_login_failed(struct canvas *c, const struct art_frame *f, const char *reason,
                      int attempts_left)
{
    struct art_notice n;
    struct art_area a = art_frame_draw(c, f);
    art_login_failed_notice(reason, attempts_left, &n);
    art_notice_draw(c, &a, &n);
}
