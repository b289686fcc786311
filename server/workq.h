/*
 * workq.h - a fixed pool of threads running jobs off a queue.
 *
 * The server has two: one for store work and one, smaller, for password hashing,
 * so a burst of logins can neither stall reads nor use unbounded memory.  The hash
 * pool's queue is fair across clients (workq_new_fair, fairq.h), the store's is FIFO.
 *
 * A pool may keep its spare threads on standby (standby_us > 0): while one thread
 * works through the queue the others stay asleep, and one joins in only when every
 * working thread has been on its current job standby_us.  Short jobs (an SQLite
 * read takes tens of microseconds) then cost no thread wake-ups and compete less
 * for the cores with the event loop, while a slow job (a locked store, a long
 * export) holds the others back by at most about standby_us.
 */
#ifndef SCIPNET_SERVER_WORKQ_H
#define SCIPNET_SERVER_WORKQ_H

#include <stdint.h>

struct job {
    struct job *next;
    void (*run)(struct job *job);
    /* Read by a fair pool's push only (fairq.h): the client's address and connection. */
    const char *source; /* NULL: no client in particular */
    uintptr_t source_conn;
};

struct workq;

/*
 * nice > 0 runs the threads at that lower priority (setpriority on each thread).
 * standby_us: see above; 0 wakes a thread for every job while one is asleep.
 */
struct workq *workq_new(int threads, const char *name, int nice, int standby_us);
/* A pool without standby whose queue is fair across job sources (fairq.h): the hash pool. */
struct workq *workq_new_fair(int threads, const char *name, int nice);
void workq_push(struct workq *q, struct job *job);
/* Runs every queued job to the end, then joins the threads and frees the pool. */
void workq_drain_and_free(struct workq *q);

#endif
