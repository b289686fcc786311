/* welcome.c - the greeting after login, drawn from the login reply's screen. */
#include <stdio.h>
#include <strings.h>

#include "art/layout.h"
#include "art/banner.h"
#include "art/levels.h"
#include "art/welcome.h"

/* Each rank's banner: what it is called and what its holder is reminded of. */
static const struct rank_banner {
    const char *title;
    const char *heading;
    const char *charge;
    const char *colour; /* the frame's; NULL: the clearance level's */
} rank_banners[] = {
    {"Administrator", "ADMINISTRATOR · AUTHORIZATION ACCEPTED",
     "THE FOUNDATION'S RECORDS AWAIT YOUR REVIEW", "#850005"},
    {"O5 Council Member", "O5 COUNCIL · AUTHORIZATION ACCEPTED",
     "THE COUNCIL'S RECORDS ARE OPEN TO YOUR CLEARANCE", NULL},
    {"Site Director", "SITE COMMAND · AUTHORIZATION ACCEPTED",
     "YOUR SITE'S RECORDS ARE IN YOUR CHARGE", NULL},
};

static const struct rank_banner *rank_banner(const char *title)
{
    for (size_t i = 0; title != NULL && i < sizeof(rank_banners) / sizeof(rank_banners[0]); i++)
        if (strcasecmp(title, rank_banners[i].title) == 0)
            return &rank_banners[i];
    return NULL;
}

bool art_welcome_is_command_staff(const char *title)
{
    return rank_banner(title) != NULL;
}

/* Commands a user of this level may run (docs/protocol.md "create": 2 for files, 3 for sites). */
const char *art_welcome_suggestion(int level)
{
    if (level >= 3)
        return "Type a command, e.g. LIST SCP, CREATE SITE, HELP.";
    if (level >= 2)
        return "Type a command, e.g. LIST SCP, CREATE SCP, HELP.";
    return "Type a command, e.g. LIST SCP, LIST SITE, HELP.";
}

/* Site Directors, the O5 Council and the Administrator get a framed banner of their rank. */
static void command_banner(struct canvas *c, const struct art_area *a, int y,
                           const struct art_login_screen *s, struct ink level)
{
    const struct rank_banner *rank = rank_banner(s->usr_title_name);
    char title[ART_NAME_MAX], line[400];
    layout_upper(title, sizeof(title), s->usr_title_name);
    int w = a->cols - 8 < 64 ? a->cols - 8 : 64;
    int x = a->left + (a->cols - w) / 2;
    struct ink frame = rank->colour ? ink_hex(rank->colour, INK_BOLD) : level;
    layout_double_box(c, y, x, 9, w, frame);
    layout_center(c, y + 1, x + 1, w - 2, rank->heading, ink_attrs(INK_BOLD | INK_REVERSE));
    snprintf(line, sizeof(line), "WELCOME, %s %s", title, s->usr_name);
    layout_center(c, y + 3, x + 1, w - 2, line, ink_attrs(INK_BOLD));
    layout_center(c, y + 5, x + 1, w - 2, s->usr_clearance_level_name, level);
    layout_center(c, y + 7, x + 1, w - 2, rank->charge, ink_attrs(INK_DIM));
}

void art_welcome(struct canvas *c, const struct art_frame *f, const struct art_login_screen *s)
{
    struct art_area a = art_frame_draw(c, f);
    struct ink level = art_level_ink(&s->clearance, INK_BOLD);
    bool staff = art_welcome_is_command_staff(s->usr_title_name);
    int y = a.top + (a.rows >= 20 ? 1 : 0);
    /* The logo (5 rows and a gap) only when the greeting and hints still fit below it. */
    if (a.rows >= (staff ? 10 : 3) + 2 + 6)
        y += art_logo(c, y, a.left, a.cols) + 1;
    if (staff) {
        command_banner(c, &a, y, s, level);
        y += 10;
    } else {
        char line[400];
        snprintf(line, sizeof(line), "Welcome, %s %s.", s->usr_title_name, s->usr_name);
        layout_center(c, y++, a.left, a.cols, line, ink_attrs(INK_BOLD));
        snprintf(line, sizeof(line), "Clearance: %s", s->usr_clearance_level_name);
        layout_center(c, y++, a.left, a.cols, line, level);
        y++;
    }
    layout_center(c, y++, a.left, a.cols, art_welcome_suggestion(s->clearance.level),
                  ink_attrs(INK_DIM));
    layout_center(c, y, a.left, a.cols, "Press Enter on an empty line to browse the database.",
                  ink_attrs(INK_DIM));
}
