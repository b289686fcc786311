/* dispatch.c - request validation and the op table. */
#include "server/dispatch.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/session.h"
#include "server/utf8.h"

#include <string.h>

static const struct op op_table[] = {
    {"hello", op_hello, OP_INLINE, false},
    /* store work first; the password check moves itself to the hash workers */
    {"login", op_login, OP_STORE, false},
    {"logout", op_logout, OP_STORE, true},
    {"whoami", op_whoami, OP_STORE, true},
    {"list", op_list, OP_STORE, true},
    {"search", op_search, OP_STORE, true},
    {"read", op_read, OP_STORE, true},
    /* creating a user hashes a password: see dispatch_pool */
    {"create", op_create, OP_HASH, true},
    {"set_status", op_set_status, OP_STORE, true},
    {"audit", op_audit, OP_STORE, true},
    {"health", op_health, OP_STORE, false},
};

const struct op *dispatch_find(const char *name)
{
    for (size_t i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++)
        if (strcmp(op_table[i].name, name) == 0)
            return &op_table[i];
    return NULL;
}

static bool is_scalar(const json_t *v)
{
    return !json_is_object(v) && !json_is_array(v);
}

json_t *dispatch_parse(const char *line, size_t length, struct parsed_request *out)
{
    memset(out, 0, sizeof(*out));
    if (memchr(line, '\0', length) != NULL)
        return reply_error(NULL, "bad_request", "NUL byte in request");
    if (!utf8_valid(line, length))
        return reply_error(NULL, "bad_request", "request is not valid UTF-8");

    json_error_t jerr;
    json_t *root = json_loadb(line, length, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return reply_error(NULL, "bad_request", "malformed JSON");
    if (!json_is_object(root)) {
        json_decref(root);
        return reply_error(NULL, "bad_request", "request must be a JSON object");
    }

    json_t *id = json_object_get(root, "id");
    if (id != NULL && !is_scalar(id)) {
        json_decref(root);
        return reply_error(NULL, "bad_request", "id must be a scalar");
    }
    json_t *reply_id = id ? id : json_null();

    json_t *op = json_object_get(root, "op");
    const char *why = NULL;
    if (op == NULL)
        why = "missing op";
    else if (!json_is_string(op))
        why = "op must be a string";
    if (why != NULL) {
        json_t *reply = reply_error(reply_id, "bad_request", why);
        json_decref(root);
        return reply;
    }
    const struct op *found = dispatch_find(json_string_value(op));
    if (found == NULL) {
        json_t *reply = reply_error(reply_id, "unknown_op", "unknown op");
        json_decref(root);
        return reply;
    }
    json_t *token = json_object_get(root, "token");
    if (token != NULL && !json_is_string(token)) {
        json_t *reply = reply_error(reply_id, "bad_request", "token must be a string");
        json_decref(root);
        return reply;
    }

    out->op = found;
    out->id = json_incref(reply_id);
    out->args = root;
    return NULL;
}

enum op_pool dispatch_pool(const struct parsed_request *parsed)
{
    if (parsed->op->run == op_create) {
        const char *kind = json_string_value(json_object_get(parsed->args, "kind"));
        if (kind == NULL || strcmp(kind, "user") != 0)
            return OP_STORE;
    }
    return parsed->op->pool;
}

void dispatch_run(struct request *req)
{
    if (req->op->needs_token && !session_require(req))
        return;
    req->op->run(req);
}
