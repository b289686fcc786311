/* create_form.c - a form for a new file, with the server's verdict below it. */
#include <stdio.h>
#include <string.h>

#include "art/layout.h"
#include "art/create_form.h"

#define LABEL_W   16
#define FIELD_W   36
#define FIELD_MIN 16 /* narrower, and the hints give way (cut with …) instead */
#define HINT_MIN  4

static void draw_field(struct canvas *c, int y, int x, int field_w, int hint_w,
                       const struct art_form_field *fld, bool focused, int *cursor_x)
{
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
    if (focused) {
        /* Where the user types, as on every typed line: the cursor inside the text. */
        *cursor_x = layout_input(c, y, x + LABEL_W, field_w, shown, fld->back, value_ink);
    } else {
        /* The end of a long value, as it was left. */
        const char *visible = shown;
        while (layout_text_width(visible) >= field_w && *visible) {
            wchar_t ch;
            visible += layout_utf8_decode(visible, &ch);
        }
        canvas_text(c, y, x + LABEL_W, visible, value_ink);
    }
    if (fld->hint != NULL && hint_w >= HINT_MIN)
        canvas_text_fit(c, y, x + LABEL_W + field_w + 1, fld->hint, ink_attrs(INK_DIM), hint_w);
}

void art_create_form(struct canvas *c, const struct art_frame *f, const struct art_form *form)
{
    struct art_area a = art_frame_draw(c, f);
    int count = (int)form->count;
    /* Blank lines between the parts only when everything fits with them. */
    int need = 2 + (form->notice ? 2 : 0) + count + 4; /* title, notice, fields, SUBMIT, message */
    bool roomy = a.rows >= need + 1;
    int y = a.top + (roomy ? 1 : 0);
    layout_center(c, y, a.left, a.cols, form->title, ink_attrs(INK_BOLD | INK_REVERSE));
    y += roomy ? 2 : 1;
    if (form->notice != NULL) {
        canvas_text_fit(c, y,
                        a.left + 1 +
                            (a.cols - 2 > layout_text_width(form->notice)
                                 ? (a.cols - 2 - layout_text_width(form->notice)) / 2
                                 : 0),
                        form->notice, ink_attrs(INK_DIM), a.cols - 2);
        y += roomy ? 2 : 1;
    }
    int x = a.left + (a.cols > 80 ? (a.cols - 80) / 2 : 0) + 2;
    int room = a.left + a.cols - (x + LABEL_W) - 1; /* for the field, a space and its hint */
    int hint_max = 0;
    for (int i = 0; i < count; i++)
        if (form->fields[i].hint != NULL && layout_text_width(form->fields[i].hint) > hint_max)
            hint_max = layout_text_width(form->fields[i].hint);
    int field_w = room - hint_max - 1;
    field_w = field_w > FIELD_W ? FIELD_W : field_w < FIELD_MIN ? FIELD_MIN : field_w;
    field_w = field_w > room ? room : field_w;
    int hint_w = room - field_w - 1;
    /* As many fields as fit, scrolled so the focused one is always among them. */
    int below = roomy ? 4 : 2; /* SUBMIT and the message */
    int visible = a.top + a.rows - below - y;
    visible = visible < 1 ? 1 : visible;
    int first = form->focus < count && form->focus >= visible ? form->focus - visible + 1 : 0;
    if (form->focus == count && count > visible)
        first = count - visible;
    int cursor_y = -1, cursor_x = -1;
    for (int i = first; i < count && i < first + visible; i++, y++) {
        bool focused = i == form->focus;
        draw_field(c, y, x, field_w, hint_w, &form->fields[i], focused, &cursor_x);
        if (focused)
            cursor_y = y;
    }
    if (first > 0 || first + visible < count) {
        char more[32];
        snprintf(more, sizeof(more), "%d-%d of %d", first + 1,
                 first + visible < count ? first + visible : count, count);
        canvas_text_fit(c, y, x, more, ink_attrs(INK_DIM), LABEL_W - 2);
    }
    y += roomy ? 1 : 0;
    bool on_submit = form->focus == count;
    canvas_text(c, y, x + LABEL_W, "[ SUBMIT ]",
                ink_attrs(on_submit ? INK_BOLD | INK_REVERSE : INK_BOLD));
    y += roomy ? 2 : 1;
    if (form->message != NULL)
        canvas_text_fit(c, y,
                        a.left + (a.cols > layout_text_width(form->message)
                                      ? (a.cols - layout_text_width(form->message)) / 2
                                      : 0),
                        form->message, form->message_ink, a.cols);
    c->cursor_y = cursor_y;
    c->cursor_x = cursor_x;
}
