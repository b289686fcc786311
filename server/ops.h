/* ops.h - one handler per protocol op, each in its own op_<name>.c. */
#ifndef SCIPNET_SERVER_OPS_H
#define SCIPNET_SERVER_OPS_H

struct request;

void op_hello(struct request *req);
void op_login(struct request *req);
void op_logout(struct request *req);
void op_whoami(struct request *req);
void op_list(struct request *req);
void op_search(struct request *req);
void op_read(struct request *req);
void op_create(struct request *req);
void op_set_status(struct request *req);
void op_audit(struct request *req);
void op_health(struct request *req);

#endif
