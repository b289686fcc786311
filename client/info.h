/*
 * info.h - the info op from the client's side: the topic typed (INFO KETER, INFO LEVEL 4,
 * `scipnet --batch info level 4`) and the reply, shown as a one-section file.
 */
#ifndef SCIPNET_CLIENT_INFO_H
#define SCIPNET_CLIENT_INFO_H

#include <jansson.h>
#include <stddef.h>

#include "art/model.h"

/* The words joined by single spaces into out ("level 4"); false when they do not fit. */
bool info_topic(char *const *words, int n, char *out, size_t size);

/* The reply's fields; NULL/0 when absent.  Borrowed from root. */
struct info_reply {
    const char *kind, *name, *colour, *description;
    int level; /* 0 for a class */
};
/* 0, or -1 when the reply is not an info reply. */
int info_reply_parse(const json_t *root, struct info_reply *out);

/* The reply as a file of one section (ref "INFO"), for the file view; 0 or -1. */
int info_reply_file(const json_t *root, struct art_file *f);

#endif
