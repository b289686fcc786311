/* mailbox.c - a locked queue plus one event to wake the loop thread. */
#include "server/mailbox.h"

#include <event2/event.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct mailbox {
    pthread_mutex_t mu;
    struct job *head, *tail;
    struct event *wake;
    void (*deliver)(struct job *, void *);
    void *arg;
};

static void mailbox_wake(evutil_socket_t fd, short what, void *arg)
{
    struct mailbox *mb = arg;
    struct job *job = mailbox_take_all(mb);
    while (job != NULL) {
        struct job *next = job->next;
        job->next = NULL;
        mb->deliver(job, mb->arg);
        job = next;
    }
}

struct mailbox *mailbox_new(struct event_base *base, void (*deliver)(struct job *, void *),
                            void *arg)
{
    struct mailbox *mb = calloc(1, sizeof(*mb));
    if (mb == NULL)
        return NULL;
    mb->wake = event_new(base, -1, EV_PERSIST, mailbox_wake, mb);
    if (mb->wake == NULL) {
        free(mb);
        return NULL;
    }
    pthread_mutex_init(&mb->mu, NULL);
    mb->deliver = deliver;
    mb->arg = arg;
    return mb;
}

void mailbox_post(struct mailbox *mb, struct job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&mb->mu);
    /*
     * Only the post that finds the box empty wakes the loop: the rest ride on that
     * wake-up, so a batch of audit commits costs the loop one wake, not one each.
     * The loop empties the box under this lock, so no post is ever left unwoken.
     */
    bool was_empty = mb->head == NULL;
    if (mb->tail != NULL)
        mb->tail->next = job;
    else
        mb->head = job;
    mb->tail = job;
    pthread_mutex_unlock(&mb->mu);
    if (was_empty)
        event_active(mb->wake, EV_READ, 0);
}

struct job *mailbox_take_all(struct mailbox *mb)
{
    pthread_mutex_lock(&mb->mu);
    struct job *all = mb->head;
    mb->head = mb->tail = NULL;
    pthread_mutex_unlock(&mb->mu);
    return all;
}

void mailbox_free(struct mailbox *mb)
{
    if (mb == NULL)
        return;
    event_free(mb->wake);
    pthread_mutex_destroy(&mb->mu);
    free(mb);
}
