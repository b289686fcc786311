/* batch_info.h - `scipnet --batch info TOPIC...` (batch_info.c). */
#ifndef SCIPNET_CLIENT_BATCH_INFO_H
#define SCIPNET_CLIENT_BATCH_INFO_H

#include "client/options.h"
#include "client/session.h"

/* What a level or class means; the exit status (5 when the level is above the user). */
int batch_info(struct session *s, char *const *words, int n, enum client_format format);

#endif
