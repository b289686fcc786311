/* help.c - the keys and the SCiPNET commands. */
#include "art/layout.h"
#include "art/help.h"

#include <string.h>

static const char *const help_lines[] = {
    "COMMANDS (type : then the command, or type at the SCiPNET> prompt)",
    "  ACCESS SCP 002      open a file (also ACCESS SCP-002, ACCESS SITE 19,",
    "                      ACCESS MTF 3, ACCESS USER 2)",
    "  LIST SCP [QUERY]    browse files of a kind: SCP, SITE, MTF, USER",
    "  CREATE SCP          a form for a new file: SCP, SITE, MTF, USER",
    "  INFO KETER          what a class or clearance level means (also",
    "                      INFO LEVEL 4, INFO TOP SECRET, INFO VLAM)",
    "  CLEAR               back to the welcome prompt",
    "  HELP                this screen",
    "  LOGOUT              end the session",
    "  QUIT                leave SCiPNET",
    "",
    "THE STAFF'S TOOLS (each as your clearance allows)",
    "  STATUS SCP-002 NEUTRALIZED \"WHY\"",
    "                      change a file's status (ACTIVE, NEUTRALIZED,",
    "                      EXPLAINED, DELETED)",
    "  EDIT SCP-002 2      edit section 2 in $VISUAL or $EDITOR, then say why",
    "  EDIT SCP-002 ADDENDUM 3 TITLE",
    "                      write a new level-3 addendum the same way",
    "  EDIT SCP-002 CLASS KETER",
    "                      change TITLE, CLASS, SECONDARY, DISRUPTION, RISK or",
    "                      LEVEL, then say why (NONE clears a class)",
    "  HISTORY SCP-002     who changed the file, when, what and why (h in a file)",
    "  WHO [USER]          who is online (level 5: everyone up to your level);",
    "                      K ends the selected session",
    "  REVOKE ID | USER    end a session, or every session of a user",
    "  AUDIT [FILTERS]     the audit log (level 5): USER= ACTION= OUTCOME=",
    "                      SINCE= UNTIL=; f changes the filter, n/p page",
    "  PASSWD              change your password (asked for, never shown)",
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
    "EDITING A LINE (command line, search, find, login, create form)",
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
    "  Tab, Shift-Tab      the next, the previous ref in the text (SCP-049)",
    "  Enter               open the chosen ref",
    "  q, Backspace        back: the addenda, the file before, the list",
    "",
    "A CREATE FORM (every key types, : and ? too)",
    "  Tab, Down           the next field (Up, Shift-Tab: the one before)",
    "  Enter               the next field; on SUBMIT, send the file",
    "  Ctrl-O, F4          edit a long field in $VISUAL or $EDITOR",
    "  Left, Right         move the cursor in the field",
    "  Home, End           start, end of the field (also Ctrl-A, Ctrl-E)",
    "  Backspace, Delete   delete before, at the cursor (also Ctrl-D)",
    "  Ctrl-U, Ctrl-K      delete to the start, to the end of the field",
    "  Ctrl-W              delete the word before the cursor",
    "                      (a long field is typed at its end: Ctrl-O edits it)",
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

/* Entries' descriptions start here; a wrapped one goes on under it, a heading under col 2. */
#define HELP_DESC_COL 22
#define HELP_ROW_MAX  128 /* bytes of one drawn row: help lines are ASCII and under 80 */

static int hang_of(const char *line)
{
    return line[0] == ' ' ? HELP_DESC_COL : 2;
}

/* How many bytes of s fit in room columns, broken at the last space that lets them. */
static size_t piece(const char *s, int room)
{
    size_t n = strlen(s);
    if (room < 1 || n <= (size_t)room)
        return n;
    size_t cut = (size_t)room;
    while (cut > 0 && s[cut] != ' ')
        cut--;
    return cut > 0 ? cut : (size_t)room;
}

/* Where the rows go: the rows before skip are counted only, drawing stops at bottom. */
struct help_pen {
    struct canvas *c; /* NULL: count only */
    int x, y, bottom, skip, width, rows;
};

static void emit(struct help_pen *p, int indent, const char *s, size_t n, struct ink ink)
{
    if (p->c != NULL && p->rows >= p->skip && p->y < p->bottom) {
        char row[HELP_ROW_MAX];
        if (n >= sizeof(row))
            n = sizeof(row) - 1;
        memcpy(row, s, n);
        row[n] = '\0';
        canvas_text_fit(p->c, p->y, p->x + indent, row, ink, p->width - indent);
        p->y++;
    }
    p->rows++;
}

/* One help line as rows: whole when it fits (or no room to wrap), else wrapped under its hang. */
static void help_line(struct help_pen *p, const char *line)
{
    bool heading = line[0] != ' ' && line[0] != '\0';
    struct ink ink = ink_attrs(heading ? INK_BOLD : 0);
    int hang = hang_of(line);
    if (layout_text_width(line) <= p->width || p->width - hang < 12) {
        emit(p, 0, line, strlen(line), ink);
        return;
    }
    size_t n = piece(line, p->width);
    emit(p, 0, line, n, ink);
    for (const char *rest = line + n;;) {
        while (*rest == ' ')
            rest++;
        if (*rest == '\0')
            return;
        n = piece(rest, p->width - hang);
        emit(p, hang, rest, n, ink);
        rest += n;
    }
}

/* The rows of every help line from the pen's skip on; returns how many there are in all. */
static int help_rows(struct help_pen *p)
{
    for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]); i++)
        help_line(p, help_lines[i]);
    return p->rows;
}

int art_help(struct canvas *c, const struct art_frame *f, int scroll, int *rows)
{
    struct art_area a = art_frame_draw(c, f);
    int y = a.top + 1;
    layout_center(c, y, a.left, a.cols, "SCiPNET HELP", ink_attrs(INK_BOLD | INK_REVERSE));
    y += 2;
    int x = a.left + (a.cols > 80 ? (a.cols - 80) / 2 : 0) + 1;
    int page = a.top + a.rows - y;
    if (page < 1)
        page = 1;
    struct help_pen count = {.width = a.cols - x - 1};
    int n = help_rows(&count);
    if (scroll > n - page)
        scroll = n - page;
    if (scroll < 0)
        scroll = 0;
    struct help_pen draw = {c, x, y, a.top + a.rows, scroll, a.cols - x - 1, 0};
    help_rows(&draw);
    if (rows != NULL)
        *rows = n;
    return page;
}
