/* ui_notice.c - what the server sends instead of a file: redacted, expunged, denied. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/ui_state.h"

static void render_redacted(struct ui *ui, void *state)
{
    struct art_frame f = ui_frame(ui, NULL, "q back  : command  ? help");
    art_redacted(&ui->canvas, &f, state);
}

static void render_denied(struct ui *ui, void *state)
{
    struct art_frame f = ui_frame(ui, NULL, "q back  : command  ? help");
    art_denied(&ui->canvas, &f, state);
}

static void render_expunged(struct ui *ui, void *state)
{
    struct art_frame f = ui_frame(ui, NULL, "q back  : command  ? help");
    art_expunged(&ui->canvas, &f, state);
}

static bool notice_key(struct ui *ui, void *state, struct ui_key k)
{
    if (k.is_key || (k.code != 'q' && k.code != KEY_ESC && k.code != '\n' && k.code != ' '))
        return false;
    ui_pop(ui);
    return true;
}

#define NOTICE_FLAGS (UI_SCREEN_COMMANDS | UI_SCREEN_HELP)

const struct ui_screen_ops ui_redacted_ops = {
    .name = "redacted",
    .flags = NOTICE_FLAGS,
    .state_size = sizeof(struct art_redacted_screen),
    .render = render_redacted,
    .key = notice_key,
};

const struct ui_screen_ops ui_denied_ops = {
    .name = "denied",
    .flags = NOTICE_FLAGS,
    .state_size = sizeof(struct art_denied_screen),
    .render = render_denied,
    .key = notice_key,
};

const struct ui_screen_ops ui_expunged_ops = {
    .name = "expunged",
    .flags = NOTICE_FLAGS,
    .state_size = sizeof(struct art_expunged_screen),
    .render = render_expunged,
    .key = notice_key,
};

bool ui_notice_open(struct ui *ui, const struct proto_reply *r, const char *only)
{
    if (only != NULL && strcmp(r->code, only) != 0)
        return false;
    /* Parsed before the push: a reply that cannot be read leaves the screen as it was. */
    if (strcmp(r->code, "redacted") == 0) {
        struct art_redacted_screen s, *p;
        if (proto_parse_redacted(r->root, &s) != 0)
            return false;
        if ((p = ui_push(ui, &ui_redacted_ops)) != NULL)
            *p = s;
    } else if (strcmp(r->code, "expunged") == 0) {
        struct art_expunged_screen s, *p;
        if (proto_parse_expunged(r->root, &s) != 0)
            return false;
        if ((p = ui_push(ui, &ui_expunged_ops)) != NULL)
            *p = s;
    } else if (strcmp(r->code, "clearance_denied") == 0) {
        struct art_denied_screen s, *p;
        if (proto_parse_denied(r->root, &s) != 0)
            return false;
        if ((p = ui_push(ui, &ui_denied_ops)) != NULL)
            *p = s;
    } else {
        return false;
    }
    return true;
}
