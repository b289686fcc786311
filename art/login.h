/* login.h - name and password; the failure screen. */
#ifndef SCIPNET_ART_LOGIN_H
#define SCIPNET_ART_LOGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "art/canvas.h"
#include "art/frame.h"
#include "art/notice.h"

struct art_login_form {
    const char *server;
    const char *status; /* the connection, e.g. "CONNECTED · scipnet 0.1.0" */
    const char *name;
    size_t password_len; /* shown as '*' */
    int focus;           /* 0 name, 1 password */
    int cursor_back;     /* columns left of the focused value's end where the cursor is */
    const char *message; /* why the last attempt failed, or NULL */
    const char *detail;  /* what the server decided: attempts left, a countdown; or NULL */
    const char *hint;    /* e.g. the demo's logins, or NULL; lines split on '\n' */
};
void art_login(struct canvas *c, const struct art_frame *f, const struct art_login_form *l);
void art_login_failed_notice(const char *reason, int attempts_left, struct art_notice *n);
void art_login_failed(struct canvas *c, const struct art_frame *f, const char *reason,
                      int attempts_left);

#endif
