/* batch_staff.h - the staff verbs of `scipnet --batch`: who, revoke, passwd, audit. */
#ifndef SCIPNET_CLIENT_BATCH_STAFF_H
#define SCIPNET_CLIENT_BATCH_STAFF_H

#include <jansson.h>

#include "client/options.h"
#include "client/protocol.h"
#include "client/session.h"

/*
 * passwd's request, before connecting: the old password is the login's (the first line
 * of stdin), the new one the second line, or typed twice on the terminal.  *req NULL
 * when the command is not passwd; 0, or BATCH_ERROR after saying why on stderr.
 */
int batch_prepare_passwd(const struct client_options *opt, const char *password, json_t **req);
/* A personnel file's recent audit rows (read's "audit"), after the file: 0, or -1. */
int batch_print_file_audit(json_t *rows);
/* Runs cmd when it is a staff verb (prepared: passwd's request); -1 when it is not one. */
int batch_staff_command(struct session *s, char **cmd, int n, json_t *prepared,
                        enum client_format fmt);

#endif
