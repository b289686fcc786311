/* ui_help.c - the commands and keys, scrolled. */
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "client/ui_state.h"

struct help {
    int scroll;
    int page; /* lines shown, from the last drawing */
};

void ui_help_open(struct ui *ui)
{
    ui_push(ui, &ui_help_ops); /* zeroed: from the top */
}

static void render(struct ui *ui, void *state)
{
    struct help *h = state;
    struct art_frame f = ui_frame(ui, "HELP", "j/k Space/b g/G scroll  q back");
    int rows = 0;
    h->page = art_help(&ui->canvas, &f, h->scroll, &rows);
    /* Scrolled past the end: the last page, so Up moves at once. */
    int last = rows - h->page;
    if (h->scroll > last)
        h->scroll = last > 0 ? last : 0;
}

#define CTRL(c) ((c)&0x1f)

/* The keys of less; drawing keeps the scroll within the lines. */
static bool scroll_key(struct help *h, struct ui_key k)
{
    int page = h->page > 1 ? h->page - 1 : 1;
    int half = page / 2 > 1 ? page / 2 : 1;
    if (k.is_key) {
        switch (k.code) {
        case KEY_UP:
            h->scroll -= h->scroll > 0;
            return true;
        case KEY_DOWN:
            h->scroll++;
            return true;
        case KEY_PPAGE:
            h->scroll -= page;
            return true;
        case KEY_NPAGE:
            h->scroll += page;
            return true;
        case KEY_HOME:
            h->scroll = 0;
            return true;
        case KEY_END:
            h->scroll = 1 << 20;
            return true;
        default:
            return true;
        }
    }
    switch (k.code) {
    case 'k':
    case 'y':
        h->scroll -= h->scroll > 0;
        return true;
    case 'j':
    case 'e':
        h->scroll++;
        return true;
    case 'b':
    case CTRL('B'):
        h->scroll -= page;
        return true;
    case ' ':
    case 'f':
    case CTRL('F'):
        h->scroll += page;
        return true;
    case 'u':
    case CTRL('U'):
        h->scroll -= half;
        return true;
    case 'd':
    case CTRL('D'):
        h->scroll += half;
        return true;
    case 'g':
    case '<':
        h->scroll = 0;
        return true;
    case 'G':
    case '>':
        h->scroll = 1 << 20;
        return true;
    default:
        return false;
    }
}

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct help *h = state;
    if (!k.is_key && (k.code == 'q' || k.code == KEY_ESC || k.code == '\n')) {
        ui_pop(ui);
        return true;
    }
    bool used = scroll_key(h, k);
    if (h->scroll < 0)
        h->scroll = 0;
    return used;
}

/* No UI_SCREEN_HELP: '?' on the help changes nothing. */
const struct ui_screen_ops ui_help_ops =
    UI_SCREEN_OPS("help", UI_SCREEN_COMMANDS, sizeof(struct help), render, key, NULL, NULL);
