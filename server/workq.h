/*
 * workq.h - a fixed pool of threads running jobs off a queue.
 *
 * The server has two: one for store work and one, smaller, for password hashing,
 * so a burst of logins can neither stall reads nor use unbounded memory.
 */
#ifndef SCIPNET_SERVER_WORKQ_H
#define SCIPNET_SERVER_WORKQ_H

struct job {
    struct job *next;
    void (*run)(struct job *job);
};

struct workq;

/* nice > 0 runs the threads at that lower priority (setpriority on each thread). */
struct workq *workq_new(int threads, const char *name, int nice);
void workq_push(struct workq *q, struct job *job);
/* Runs every queued job to the end, then joins the threads and frees the pool. */
void workq_drain_and_free(struct workq *q);

#endif
