/*
 * protocol.h - protocol v1 replies parsed into the plain structs of art/model.h,
 * and requests built as JSON.  No sockets here, so every parser is unit-testable.
 */
#ifndef SCIPNET_CLIENT_PROTOCOL_H
#define SCIPNET_CLIENT_PROTOCOL_H

#include <jansson.h>
#include <stdbool.h>

#include "art/model.h"

#define PROTO_TOKEN_MAX 128
/* A list page holds at most this many items (protocol v1: limit 1-200). */
#define PROTO_LIST_ITEMS_MAX 200

/* The envelope every reply has. */
struct proto_reply {
    json_t *root; /* owned; the whole reply */
    bool ok;
    char code[32];     /* error code when !ok */
    char message[256]; /* error message when !ok */
    char screen[32];   /* screen.kind, "" when none */
    long retry_after;  /* rate_limited only, else 0 */
};

/* Parse one reply line.  Returns 0, or -1 when it is not a JSON object with "ok". */
int proto_parse_reply(const char *line, struct proto_reply *out);
void proto_reply_free(struct proto_reply *r);

/* Each returns 0, or -1 when required fields are missing or have the wrong type. */
int proto_parse_login(const json_t *root, char *token, size_t token_size, struct art_user *user,
                      struct art_login_screen *screen);
int proto_parse_whoami(const json_t *root, struct art_user *user);
int proto_parse_file(const json_t *root, struct art_file *file);
/* -1 too for more than PROTO_LIST_ITEMS_MAX items, or a negative total or offset. */
int proto_parse_list(const json_t *root, struct art_list *list);
int proto_parse_redacted(const json_t *root, struct art_redacted_screen *screen);
int proto_parse_denied(const json_t *root, struct art_denied_screen *screen);
int proto_parse_expunged(const json_t *root, struct art_expunged_screen *screen);
/* create → the new ref. */
int proto_parse_created(const json_t *root, char *ref, size_t size);

/* Shapes shared by the parsers, exposed for tests. */
int proto_parse_level(const json_t *obj, struct art_level *level);
void proto_parse_class(const json_t *obj, struct art_class *cls);
void proto_parse_link(const json_t *obj, struct art_link *link);

/* Requests: a new object with "op" set (NULL when out of memory). */
json_t *proto_request(const char *op);

/*
 * The login request's "user": an all-digit entry is the account's id, sent as a JSON
 * integer (names may not be all digits); anything else is a name.  NULL when out of memory.
 */
json_t *proto_login_user(const char *entry);

/*
 * Whether r answers the request sent with id: the same id, or a null id on an error (the
 * server could not read the request at all).  Anything else was asked for by nobody.
 */
bool proto_reply_answers(const struct proto_reply *r, long id);

/* True for the codes batch mode reports as exit 2. */
bool proto_code_is_auth(const char *code);

/* A JSON string member of o, "" when missing or not a string. */
const char *proto_str(const json_t *o, const char *key);
/* A history row's changer: a name, [REDACTED] (above the reader), or "-" when gone. */
const char *proto_changer(const json_t *by);

#endif
