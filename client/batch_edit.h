/* batch_edit.h - `scipnet --batch` status, edit and history (batch_edit.c). */
#ifndef SCIPNET_CLIENT_BATCH_EDIT_H
#define SCIPNET_CLIENT_BATCH_EDIT_H

#include <stdbool.h>

struct session;

/* Whether verb is one of status, edit, history. */
bool batch_edit_verb(const char *verb);
/* Runs cmd[0..n) (cmd[0] a verb batch_edit_verb knows); the exit status. */
int batch_edit_run(struct session *s, char **cmd, int n);

#endif
