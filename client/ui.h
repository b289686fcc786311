/*
 * ui.h - the interactive client: a terminal session with ncursesw.  Every screen it
 * shows is drawn by art/ from a server reply; the client decides nothing about access.
 */
#ifndef SCIPNET_CLIENT_UI_H
#define SCIPNET_CLIENT_UI_H

#include "client/options.h"

/* Run until the person quits.  Returns the process exit status. */
int ui_run(const struct client_options *opt);

#endif
