/* file_view.h - a file's header bar and its sections, addenda one by one. */
#ifndef SCIPNET_ART_FILE_VIEW_H
#define SCIPNET_ART_FILE_VIEW_H

#include "art/canvas.h"
#include "art/frame.h"
#include "art/layout.h"
#include "art/model.h"

enum art_file_mode { ART_FILE_BODY, ART_FILE_ADDENDA, ART_FILE_ADDENDUM };
struct art_file_view {
    const struct art_file *file;
    enum art_file_mode mode;
    int scroll;     /* first body line shown (BODY and ADDENDUM) */
    int selected;   /* addendum picked in the list (ADDENDA); shown in ADDENDUM */
    int max_scroll; /* set by art_file_view: the last useful scroll */
    int page;       /* set by art_file_view: body lines on screen */
    /* Set by art_file_view: the text width of the last draw and the first character shown,
     * so after a resize the same text stays at the top (as less does). */
    int wrap_width;
    size_t top_glyph; /* counted by art_file_text_at */
    const char *find; /* text to find (any case), or NULL */
    int find_dir;     /* set by the caller: 1 next, -1 previous, 2 from the top line; done: 0 */
    bool found;       /* set by art_file_view after a find: the scroll moved to a match */
    int match;        /* set by art_file_view: the line of the last match */
    /* Refs in the text, then the header's SITE and TASK FORCE, are links
     * (art/file_links.c): Tab and Shift-Tab choose one. */
    int link;                   /* the chosen link, 1-based; 0 none */
    int link_step;              /* set by the caller: 1 next, -1 previous; done: 0 */
    char link_ref[ART_REF_MAX]; /* set by art_file_view: the chosen link's ref, or "" */
    /* Set by the caller to keep the text rendered between draws, for one width, mode and
     * addendum (a long file is not parsed again on every key); art_file_view_free then
     * frees it.  Without keep, every draw renders the text and keeps nothing. */
    bool keep;
    struct art_file_render *cache;
    unsigned renders; /* set by art_file_view: how many times it rendered the text */
};

/* Body text is never wider than this, however wide the window: lines stay readable. */
#define ART_TEXT_MAX 100
void art_file_view(struct canvas *c, const struct art_frame *f, struct art_file_view *v);
/* Frees what keep kept (and renders afresh at the next draw); v stays usable. */
void art_file_view_free(struct art_file_view *v);
/* The whole file (every section and addendum) as plain text wrapped to width (malloc'd). */
char *art_file_plain(const struct art_file *file, int width);
/* "██████████ [LEVEL 4 REQUIRED]": how a cut passage reads. */
int art_redaction(struct rich *r, const struct art_level *needed);
struct doc_links;
/* Moves to the link v->link_step asks for among the text's links, then the header's (always
 * in sight), scrolls it into sight and sets v->link_ref.  Nothing is drawn here. */
void art_file_links(const struct wrapped *w, struct art_file_view *v, const struct doc_links *links,
                    const struct doc_links *header);
/* Adds a link to l, within the room it has (the header's two); false when full. */
bool art_file_link_add(struct doc_links *l, size_t start, size_t end, const char *ref);
/* The text characters before glyph at: no spaces, line ends or INK_DECOR glyphs, so the
 * count is the same at any width; art_file_find_text gives the line holding character n. */
size_t art_file_text_at(const struct rich *r, size_t at);
int art_file_find_text(const struct rich *r, const struct wrapped *w, size_t n);

#endif
