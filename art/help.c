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
    "EVERYWHERE",
    "  :                   the command line (at the SCiPNET> prompt too)",
    "  ?                   this help",
    "  q, Esc              back out, to where you were; Esc clears a line",
    "  Ctrl-C              quit",
    "",
    "THE COMMAND LINE",
    "  Up, Down            earlier commands (kept between runs in",
    "                      $XDG_STATE_HOME/scipnet/history, never a password)",
    "  Tab                 complete a command, a kind or a file reference",
    "  Enter               run it; an empty line at SCiPNET> opens LIST SCP",
    "",
    "EDITING A LINE (command line, search, find, login)",
    "  Left, Right         move the cursor",
    "  Home, End           start, end of the line (also Ctrl-A, Ctrl-E)",
    "  Backspace, Delete   delete before, at the cursor (also Ctrl-D)",
    "  Ctrl-U, Ctrl-K      delete to the start, to the end of the line",
    "  Ctrl-W              delete the word before the cursor",
    "",
    "LISTS",
    "  Tab, Shift-Tab, 1-4 switch list: SCP, SITE, MTF, USER",
    "  j, k, Up, Down      move; past the top or bottom: the previous, next page",
    "  g, G, Home, End     first, last row",
    "  n, p, Space, b      next, previous page (also PgDn, PgUp, Ctrl-F, Ctrl-B)",
    "  /                   search the files' text (words, \"phrase\", prefix*)",
    "  f                   filter the list by title",
    "  r                   refresh",
    "  Enter               open",
    "",
    "A FILE AND THIS HELP (as in less)",
    "  j, k, Up, Down      scroll a line",
    "  Space, b            a page down, up (also f, PgDn, PgUp, Ctrl-F, Ctrl-B)",
    "  d, u                half a page down, up",
    "  g, G, Home, End     the top, the end",
    "  /, n, N             find text (any case); the next, the previous match",
    "  a                   the file's addenda (j, k choose, Enter or 1-9 opens)",
    "  q                   back: the addenda, the file before, the list",
    "",
    "A CREATE FORM (every key types, : and ? too)",
    "  Tab, Down           the next field (Up, Shift-Tab: the one before)",
    "  Enter               the next field; on SUBMIT, send the file",
    "  Ctrl-O, F4          edit a long field in $VISUAL or $EDITOR",
    "  Backspace           delete the last character",
    "  Esc                 back, nothing sent",
    "",
    "LOGIN",
    "  Tab, Up, Down       the other field, the name, the password",
    "  Enter               next field, log in",
    "  Esc                 clear the field",
    "",
    "CONNECTION",
    "  r                   reconnect after a lost connection",
    "  q                   quit",
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

int art_help_count(void)
{
    return (int)(sizeof(help_lines) / sizeof(help_lines[0]));
}

int art_help(struct canvas *c, const struct art_frame *f, int scroll)
{
    struct art_area a = art_frame_draw(c, f);
    int n = (int)(sizeof(help_lines) / sizeof(help_lines[0]));
    int y = a.top + 1;
    layout_center(c, y, a.left, a.cols, "SCiPNET HELP", ink_attrs(INK_BOLD | INK_REVERSE));
    y += 2;
    int x = a.left + (a.cols > 80 ? (a.cols - 80) / 2 : 0) + 1;
    int page = a.top + a.rows - y;
    if (page < 1)
        page = 1;
    if (scroll > n - page)
        scroll = n - page;
    if (scroll < 0)
        scroll = 0;
    for (int i = scroll; i < n && y < a.top + a.rows; i++, y++) {
        bool heading = help_lines[i][0] != ' ' && help_lines[i][0] != '\0';
        canvas_text_fit(c, y, x, help_lines[i], ink_attrs(heading ? INK_BOLD : 0), a.cols - x - 1);
    }
    return page;
}
