/* ui_help.c - the commands and keys, scrolled. */
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "client/ui_state.h"

struct help {
    int scroll;
};

void ui_help_open(struct ui *ui)
{
    ui_push(ui, &ui_help_ops); /* zeroed: from the top */
}

static void render(struct ui *ui, void *state)
{
    struct help *h = state;
    struct art_frame f = ui_frame(ui, "HELP", "Up/Down scroll  q back");
    art_help(&ui->canvas, &f, h->scroll);
}

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct help *h = state;
    if (k.is_key && k.code == KEY_DOWN)
        h->scroll++;
    else if (k.is_key && k.code == KEY_UP && h->scroll > 0)
        h->scroll--;
    else if (!k.is_key && (k.code == 'q' || k.code == KEY_ESC || k.code == '\n'))
        ui_pop(ui);
    else
        return k.is_key;
    return true;
}

/* No UI_SCREEN_HELP: '?' on the help changes nothing. */
const struct ui_screen_ops ui_help_ops =
    UI_SCREEN_OPS("help", UI_SCREEN_COMMANDS, sizeof(struct help), render, key, NULL, NULL);
