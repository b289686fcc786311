/* create_form.c - a form for a new file, with the server's verdict below it. */
#include <stdio.h>
#include <string.h>

#include "art/layout.h"
#include "art/create_form.h"

#define LABEL_W 16
#define FIELD_W 36

void art_create_form(struct canvas *c, const struct art_frame *f, const struct art_form *form)
{
    struct art_area a = art_frame_draw(c, f);
    int y = a.top + 1;
    layout_center(c, y, a.left, a.cols, form->title, ink_attrs(INK_BOLD | INK_REVERSE));
    y += 2;
    if (form->notice != NULL) {
        layout_center(c, y, a.left, a.cols, form->notice, ink_attrs(INK_DIM));
        y += 2;
    }
    int x = a.left + (a.cols > 80 ? (a.cols - 80) / 2 : 0) + 2;
    int field_w = a.cols - x - LABEL_W - 2 < FIELD_W ? a.cols - x - LABEL_W - 2 : FIELD_W;
    int cursor_y = -1, cursor_x = -1;
    for (size_t i = 0; i < form->count && y < a.top + a.rows - 3; i++, y++) {
        const struct art_form_field *fld = &form->fields[i];
        bool focused = (int)i == form->focus;
        char label[64];
        snprintf(label, sizeof(label), "%s%s", fld->label, fld->required ? "*" : "");
        layout_right(c, y, x + LABEL_W - 2, label, ink_attrs(focused ? INK_BOLD : 0));
        struct ink value_ink = ink_attrs(INK_UNDER | (focused ? INK_BOLD : 0));
        canvas_fill(c, y, x + LABEL_W, field_w, L' ', value_ink);
        char shown[512];
        if (fld->secret) {
            size_t n = strlen(fld->value ? fld->value : "");
            n = n < sizeof(shown) - 1 ? n : sizeof(shown) - 1;
            memset(shown, '*', n);
            shown[n] = '\0';
        } else {
            snprintf(shown, sizeof(shown), "%s", fld->value ? fld->value : "");
        }
        const char *visible = shown;
        while (layout_text_width(visible) >= field_w && *visible) {
            wchar_t ch;
            visible += layout_utf8_decode(visible, &ch);
        }
        int w = canvas_text(c, y, x + LABEL_W, visible, value_ink);
        if (fld->hint != NULL && a.cols - (x + LABEL_W + field_w + 1) > 4)
            canvas_text(c, y, x + LABEL_W + field_w + 1, fld->hint, ink_attrs(INK_DIM));
        if (focused) {
            cursor_y = y;
            cursor_x = x + LABEL_W + w;
        }
    }
    y++;
    bool on_submit = form->focus == (int)form->count;
    canvas_text(c, y, x + LABEL_W, "[ SUBMIT ]",
                ink_attrs(on_submit ? INK_BOLD | INK_REVERSE : INK_BOLD));
    y += 2;
    if (form->message != NULL)
        layout_center(c, y, a.left, a.cols, form->message, form->message_ink);
    c->cursor_y = cursor_y;
    c->cursor_x = cursor_x;
}
