/* xdg.h - where the client keeps its files: the XDG base directories, or $HOME's defaults. */
#ifndef SCIPNET_CLIENT_XDG_H
#define SCIPNET_CLIENT_XDG_H

#include <stddef.h>

/* Writes "$<env>/scipnet/<name>" when <env> is an absolute path, else
 * "$HOME/<home_dir>/scipnet/<name>" (home_dir such as ".config").  Returns 0, or -1 when
 * neither is set or the path does not fit in size bytes. */
int xdg_path(char *buf, size_t size, const char *env, const char *home_dir, const char *name);

#endif
