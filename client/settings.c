/* settings.c - the client's settings file and environment (only the theme, for now). */
#include "client/settings.h"
#include "client/xdg.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int settings_path(char *buf, size_t size)
{
    return xdg_path(buf, size, "XDG_CONFIG_HOME", ".config", "scipnet.conf");
}

struct parse {
    struct client_settings *s;
    char error[256];
};

static int set_key(struct client_settings *s, const char *name, const char *value, char *why,
                   size_t size)
{
    if (strcmp(name, "theme") != 0) {
        snprintf(why, size, "unknown key '%s' (known: theme)", name);
        return -1;
    }
    if (art_theme_parse(value, &s->theme) != 0) {
        snprintf(why, size, "theme must be dark, light or mono, not '%.40s'", value);
        return -1;
    }
    return 0;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    (void)section; /* sections are headings for people only */
    struct parse *p = user;
    return p->error[0] == '\0' && set_key(p->s, name, value, p->error, sizeof(p->error)) == 0;
}

int settings_load(struct client_settings *s, const char *path, char *err, size_t errlen)
{
    s->theme = THEME_DARK;
    FILE *f = path != NULL ? fopen(path, "r") : NULL;
    if (f == NULL && path != NULL && errno != ENOENT && errno != ENOTDIR) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (f != NULL) {
        struct parse p = {s, ""};
        int line = ini_parse_file(f, on_key, &p);
        fclose(f);
        if (line < 0) {
            snprintf(err, errlen, "cannot read %s: out of memory", path);
            return -1;
        }
        if (line != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, line,
                     p.error[0] ? p.error : "not a key = value line");
            return -1;
        }
    }
    const char *env = getenv("SCIPNET_THEME");
    if (env != NULL && env[0] != '\0' && art_theme_parse(env, &s->theme) != 0) {
        snprintf(err, errlen, "SCIPNET_THEME must be dark, light or mono, not '%.40s'", env);
        return -1;
    }
    return 0;
}
