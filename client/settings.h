/*
 * settings.h - the interactive client's own settings: `theme = dark|light|mono` in
 * $XDG_CONFIG_HOME/scipnet/scipnet.conf (~/.config/scipnet/scipnet.conf), then
 * SCIPNET_THEME.  A missing file is fine; an unknown key or bad value is an error naming
 * the file and line.
 */
#ifndef SCIPNET_CLIENT_SETTINGS_H
#define SCIPNET_CLIENT_SETTINGS_H

#include <stddef.h>

#include "art/palette.h"

struct client_settings {
    enum art_theme theme;
};

/* The path of the settings file into buf; -1 when neither XDG_CONFIG_HOME nor HOME is set. */
int settings_path(char *buf, size_t size);
/* Read path (may be absent) and the environment.  Returns 0, or -1 with a message in err. */
int settings_load(struct client_settings *s, const char *path, char *err, size_t errlen);

#endif
