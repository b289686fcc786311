/*
 * editor.h - long text edited in the user's own editor, as mutt and git do: the text
 * goes to a 0600 temporary file, $VISUAL (else $EDITOR, else vi) runs on it through
 * /bin/sh with the path as "$1" (never pasted into the command), and what it saved
 * comes back.  No curses here: the caller leaves and restores the screen around it.
 */
#ifndef SCIPNET_CLIENT_EDITOR_H
#define SCIPNET_CLIENT_EDITOR_H

#include <stddef.h>

/*
 * Edit text (NULL for none).  Returns 0 with the saved text in a new *out (one final
 * newline removed), or -1 with why in err: the editor failed or exited non-zero, or
 * the file grew past max bytes (the text is refused, never cut short).
 */
int editor_edit(const char *text, size_t max, char **out, char *err, size_t errlen);

#endif
