/* op_hello.c - "hello": who the server is and which protocol it speaks. */
#include "server/ops.h"
#include "server/request.h"

#define SERVER_VERSION   "0.1.0"
#define PROTOCOL_VERSION 1

void op_hello(struct request *req)
{
    request_ok(req, json_pack("{s:s, s:s, s:i}", "server", "scipnet", "version", SERVER_VERSION,
                              "protocol", PROTOCOL_VERSION));
}
