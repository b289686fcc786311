/* browser.h - one list per kind, with search and paging. */
#ifndef SCIPNET_ART_BROWSER_H
#define SCIPNET_ART_BROWSER_H

#include <stdbool.h>

#include "art/canvas.h"
#include "art/frame.h"
#include "art/model.h"

struct art_browser {
    const char *kind; /* "scp", "site", "mtf", "user" */
    const struct art_list *list;
    int selected;      /* index into list->items */
    const char *query; /* the applied search, or NULL */
    bool searching;    /* the search line is being edited */
    const char *search_input;
    const char *message; /* an error from the last request, or NULL */
    int search_back;     /* columns left of the search input's end where its cursor is */
};
/* How many items fit on one page of a screen with this many rows. */
int art_browser_page_rows(int screen_rows);
void art_browser(struct canvas *c, const struct art_frame *f, const struct art_browser *b);
/* One item as a plain line for batch mode (malloc'd). */
char *art_list_item_plain(const struct art_list_item *item);

#endif
