/* xdg.c - one place that builds the paths of the client's history, settings and pins. */
#include "client/xdg.h"

#include <stdio.h>
#include <stdlib.h>

int xdg_path(char *buf, size_t size, const char *env, const char *home_dir, const char *name)
{
    const char *xdg = getenv(env);
    const char *home = getenv("HOME");
    int n;
    /* A relative XDG_* is invalid by the spec: fall back to $HOME as if unset. */
    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(buf, size, "%s/scipnet/%s", xdg, name);
    else if (home != NULL && home[0] != '\0')
        n = snprintf(buf, size, "%s/%s/scipnet/%s", home, home_dir, name);
    else
        return -1;
    return (n < 0 || (size_t)n >= size) ? -1 : 0;
}
