/* help.c - the keys and the SCiPNET commands. */
#include "art/layout.h"
#include "art/help.h"

static const char *const help_lines[] = {
    "COMMANDS (type : then the command, or type at the SCiPNET> prompt)",
    "  ACCESS SCP 002      open a file (also ACCESS SCP-002, ACCESS SITE 19,",
    "                      ACCESS MTF 3, ACCESS USER 2)",
    "  LIST SCP [QUERY]    browse files of a kind: SCP, SITE, MTF, USER",
    "  CREATE SCP          a form for a new file: SCP, SITE, MTF, USER",
    "  CLEAR               back to the welcome prompt",
    "  HELP                this screen",
    "  LOGOUT              end the session",
    "  QUIT                leave SCiPNET",
    "",
    "KEYS",
    "  Tab, 1-4            switch list: SCP, SITE, MTF, USER",
    "  /                   search the files' text (words, \"phrase\", prefix*)",
    "  f                   filter the list by title",
    "  n, p, PgDn, PgUp    next, previous page",
    "  Up, Down, Enter     move, open",
    "  a                   a file's addenda (Enter opens one)",
    "  :                   the command line",
    "  q, Esc              back out",
    "  ?                   this help",
    "  r                   reconnect after a lost connection",
};

int art_help_widest(void)
{
    int widest = 0;
    for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]); i++) {
        int w = layout_text_width(help_lines[i]);
        widest = w > widest ? w : widest;
    }
    return widest;
}

void art_help(struct canvas *c, const struct art_frame *f, int scroll)
{
    struct art_area a = art_frame_draw(c, f);
    int n = (int)(sizeof(help_lines) / sizeof(help_lines[0]));
    int y = a.top + 1;
    layout_center(c, y, a.left, a.cols, "SCiPNET HELP", ink_attrs(INK_BOLD | INK_REVERSE));
    y += 2;
    int x = a.left + (a.cols > 80 ? (a.cols - 80) / 2 : 0) + 1;
    if (scroll < 0)
        scroll = 0;
    for (int i = scroll; i < n && y < a.top + a.rows; i++, y++) {
        bool heading = help_lines[i][0] != ' ' && help_lines[i][0] != '\0';
        canvas_text(c, y, x, help_lines[i], ink_attrs(heading ? INK_BOLD : 0));
    }
}
