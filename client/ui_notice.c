/* ui_notice.c - what the server sends instead of a file: redacted, expunged, denied. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/ui_state.h"

/* One kind of ops per notice, so that a notice of another kind stacks over this one. */
static void render(struct ui *ui, void *state)
{
    struct art_frame f = ui_frame(ui, NULL, "q back  : command  ? help");
    const struct ui_screen_ops *kind = ui_top(ui);
    if (kind == &ui_redacted_ops)
        art_redacted(&ui->canvas, &f, state);
    else if (kind == &ui_denied_ops)
        art_denied(&ui->canvas, &f, state);
    else
        art_expunged(&ui->canvas, &f, state);
}

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    /* Backspace too: a link followed from a file comes back with it (client/ui_file.c). */
    bool back = k.is_key ? k.code == KEY_BACKSPACE
                         : k.code == 'q' || k.code == KEY_ESC || k.code == '\n' || k.code == ' ' ||
                               k.code == 127 || k.code == 8;
    if (!back)
        return false;
    ui_pop(ui);
    return true;
}

#define NOTICE_FLAGS (UI_SCREEN_COMMANDS | UI_SCREEN_HELP)
const struct ui_screen_ops ui_redacted_ops = UI_SCREEN_OPS(
    "redacted", NOTICE_FLAGS, sizeof(struct art_redacted_screen), render, key, NULL, NULL);
const struct ui_screen_ops ui_denied_ops = UI_SCREEN_OPS(
    "denied", NOTICE_FLAGS, sizeof(struct art_denied_screen), render, key, NULL, NULL);
const struct ui_screen_ops ui_expunged_ops = UI_SCREEN_OPS(
    "expunged", NOTICE_FLAGS, sizeof(struct art_expunged_screen), render, key, NULL, NULL);

bool ui_notice_open(struct ui *ui, const struct proto_reply *r, const char *only)
{
    union {
        struct art_redacted_screen redacted;
        struct art_denied_screen denied;
        struct art_expunged_screen expunged;
    } s;
    const struct ui_screen_ops *ops;
    int rc;
    if (only != NULL && strcmp(r->code, only) != 0)
        return false;
    if (strcmp(r->code, "redacted") == 0) {
        ops = &ui_redacted_ops;
        rc = proto_parse_redacted(r->root, &s.redacted);
    } else if (strcmp(r->code, "expunged") == 0) {
        ops = &ui_expunged_ops;
        rc = proto_parse_expunged(r->root, &s.expunged);
    } else if (strcmp(r->code, "clearance_denied") == 0) {
        ops = &ui_denied_ops;
        rc = proto_parse_denied(r->root, &s.denied);
    } else {
        return false;
    }
    if (rc != 0)
        return false; /* a reply that cannot be read leaves the screen as it was */
    void *state = ui_push(ui, ops);
    if (state != NULL)
        memcpy(state, &s, ops->state_size);
    return true;
}
