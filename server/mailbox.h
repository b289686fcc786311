/*
 * mailbox.h - hands finished jobs from any thread back to the event loop.
 *
 * Workers and the store's audit thread post; the loop thread wakes through a
 * persistent event made active from the posting thread (evthread_use_pthreads).
 */
#ifndef SCIPNET_SERVER_MAILBOX_H
#define SCIPNET_SERVER_MAILBOX_H

#include "server/workq.h"

struct event_base;
struct mailbox;

/* deliver(job, arg) runs on the loop thread for every posted job, in posting order. */
struct mailbox *mailbox_new(struct event_base *base, void (*deliver)(struct job *, void *),
                            void *arg);
void mailbox_post(struct mailbox *mb, struct job *job);
/* Hands back whatever is still queued (after the loop stopped), for freeing. */
struct job *mailbox_take_all(struct mailbox *mb);
void mailbox_free(struct mailbox *mb);

#endif
