/*
 * ops.h - the ops.  Each lives in its own op_<name>.c, which defines
 * `const struct op op_<name>_entry` (dispatch.h: name, token, audit action, stages);
 * adding an op is that file plus one X() line here.  Order is only for reading.
 */
#ifndef SCIPNET_SERVER_OPS_H
#define SCIPNET_SERVER_OPS_H

#include "server/dispatch.h"

#define SCIPNET_OPS(X)                                                                             \
    X(hello)                                                                                       \
    X(login)                                                                                       \
    X(logout)                                                                                      \
    X(whoami)                                                                                      \
    X(list)                                                                                        \
    X(search)                                                                                      \
    X(read)                                                                                        \
    X(create)                                                                                      \
    X(set_status)                                                                                  \
    X(edit)                                                                                        \
    X(history)                                                                                     \
    X(audit)                                                                                       \
    X(info)                                                                                        \
    X(sessions)                                                                                    \
    X(revoke)                                                                                      \
    X(passwd)                                                                                      \
    X(health)

#define SCIPNET_OP_DECLARE(name) extern const struct op op_##name##_entry;
SCIPNET_OPS(SCIPNET_OP_DECLARE)
#undef SCIPNET_OP_DECLARE

#endif
