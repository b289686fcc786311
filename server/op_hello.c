/* op_hello.c - "hello": who the server is and which protocol it speaks. */
#include "common/version.h"
#include "server/ops.h"
#include "server/request.h"

static void op_hello(struct request *req)
{
    request_ok(req, json_pack("{s:s, s:s, s:i}", "server", "scipnet", "version", SCIPNET_VERSION,
                              "protocol", SCIPNET_PROTOCOL));
}

const struct op op_hello_entry = {
    .name = "hello",
    .stages = {{OP_INLINE, op_hello}},
};
