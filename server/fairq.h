/*
 * fairq.h - a job queue that is fair across the clients that fill it.
 *
 * Jobs are grouped by client address, and within an address by connection.  The
 * next job comes from the address with the fewest jobs at the workers (ties: the
 * one served least recently; a group with nothing queued or running is forgotten,
 * so it comes back as new), and within it from the connection chosen the same way;
 * a connection's own jobs keep their order.  So a client that floods the queue
 * holds the workers only while nobody else waits: a job from any other address
 * goes to the next worker that comes free.
 *
 * No locking: workq.c calls it with its mutex held.
 */
#ifndef SCIPNET_SERVER_FAIRQ_H
#define SCIPNET_SERVER_FAIRQ_H

#include <stdbool.h>

struct job;
struct fairq;
struct fairq_conn; /* whose job a worker is running, until fairq_done */

#define FAIRQ_ADDR_MAX 48 /* longer addresses are cut (an IPv6 text is at most 45) */

struct fairq *fairq_new(void);
/* Frees the queue; it must be empty with no job at the workers. */
void fairq_free(struct fairq *f);
/* Queues job under job->source / job->source_conn (NULL source: one shared group). */
void fairq_push(struct fairq *f, struct job *job);
/* The next job by the rule above and, in *conn, what to hand to fairq_done; NULL if empty. */
struct job *fairq_take(struct fairq *f, struct fairq_conn **conn);
/* The job taken with conn has finished (it may be freed already: it is not touched). */
void fairq_done(struct fairq *f, struct fairq_conn *conn);
bool fairq_empty(const struct fairq *f);

#endif
