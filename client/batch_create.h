/* batch_create.h - reading passwords and building `create` for `scipnet --batch`. */
#ifndef SCIPNET_CLIENT_BATCH_CREATE_H
#define SCIPNET_CLIENT_BATCH_CREATE_H

#include <jansson.h>
#include <stddef.h>

#include "client/options.h"

/* The first line of stdin: -1 when there is none, -2 when no password is that long. */
int batch_read_password(char *buf, size_t size);
/* A new password typed twice on the terminal (/dev/tty): 0, or -1 after saying why. */
int batch_prompt_new_password(char *buf, size_t size);
/* Everything create needs before connecting; *req NULL when the command is not create.
 * 0, or BATCH_ERROR after saying why on stderr. */
int batch_prepare_create(const struct client_options *opt, json_t **req);

struct session;
/* create KIND FIELD=VALUE...: sends req (stolen) and prints the new ref. */
int batch_create_run(struct session *s, json_t *req);

#endif
