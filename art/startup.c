/* startup.c - the connection steps with their real timings, and the access warning. */
#include "art/startup.h"
#include "art/layout.h"

#include <stdio.h>

#define OK_GREEN   "#009F6B"
#define ALARM      "#C40233"
#define LABEL_COL  7  /* after "[ OK ] " */
#define DETAIL_COL 24 /* after the label */
#define TIME_COLS  10

static const char *const labels[ART_STARTUP_STEPS] = {
    "TCP CONNECTION", "TLS HANDSHAKE", "FINGERPRINT", "PROTOCOL HELLO", "SESSION",
};

const char *art_startup_label(int i)
{
    return i >= 0 && i < ART_STARTUP_STEPS ? labels[i] : "";
}

void art_startup_duration(long long us, char *buf, size_t size)
{
    if (us < 10000)
        snprintf(buf, size, "%lld.%lld ms", us / 1000, us % 1000 / 100);
    else if (us < 1000000)
        snprintf(buf, size, "%lld ms", us / 1000);
    else
        snprintf(buf, size, "%lld.%02lld s", us / 1000000, us % 1000000 / 10000);
}

static void draw_step(struct canvas *c, int y, int x, int width, int i, const struct art_step *s)
{
    static const char *const tags[] = {"[    ]", "[ .. ]", "[ OK ]"};
    struct ink tag = s->state == ART_STEP_DONE      ? ink_hex(OK_GREEN, INK_BOLD)
                     : s->state == ART_STEP_RUNNING ? ink_attrs(INK_BOLD | INK_REVERSE)
                                                    : ink_attrs(INK_DIM);
    canvas_text(c, y, x, tags[s->state], tag);
    struct ink label = s->state == ART_STEP_WAITING ? ink_attrs(INK_DIM) : ink_attrs(INK_BOLD);
    canvas_text_fit(c, y, x + LABEL_COL, labels[i], label, DETAIL_COL - LABEL_COL - 1);
    char time[32] = "";
    if (s->state == ART_STEP_DONE)
        art_startup_duration(s->us, time, sizeof(time));
    else if (s->state == ART_STEP_RUNNING)
        snprintf(time, sizeof(time), "…");
    int detail_w = width - DETAIL_COL - TIME_COLS - 1;
    if (s->detail[0] && detail_w > 0)
        canvas_text_fit(c, y, x + DETAIL_COL, s->detail, ink_attrs(INK_DIM), detail_w);
    layout_right(c, y, x + width, time, ink_attrs(INK_BOLD));
}

int art_startup_draw(struct canvas *c, int y, int x, int width, const struct art_startup *s)
{
    for (int i = 0; i < ART_STARTUP_STEPS; i++)
        draw_step(c, y + i, x, width, i, &s->steps[i]);
    return ART_STARTUP_STEPS;
}

int art_classified_warning(struct canvas *c, int y, int x, int width)
{
    struct ink alarm = ink_hex(ALARM, INK_BOLD);
    layout_box(c, y, x, ART_WARNING_ROWS, width, alarm);
    layout_center(c, y + 1, x + 1, width - 2,
                  "WARNING · CLASSIFIED SYSTEM · AUTHORIZED PERSONNEL ONLY",
                  ink_hex(ALARM, INK_BOLD | INK_REVERSE));
    layout_center(c, y + 2, x + 1, width - 2, "Every request is written to a sealed audit log.",
                  ink_plain());
    layout_center(c, y + 3, x + 1, width - 2, "Reads above your clearance are refused and logged.",
                  ink_plain());
    return ART_WARNING_ROWS;
}
