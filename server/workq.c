/* workq.c - worker threads for store work and password hashing. */
#include "server/workq.h"
#include "common/log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct workq {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *head, *tail;
    bool stopping;
    int nthreads;
    int nice;
    char name[16];
    pthread_t *threads;
};

static void *worker_main(void *arg)
{
    struct workq *q = arg;
    pthread_setname_np(pthread_self(), q->name); /* "store" or "hash": for top -H and perf */
    /* On Linux a thread has its own nice value: PRIO_PROCESS with its thread id. */
    if (q->nice > 0 && setpriority(PRIO_PROCESS, (id_t)gettid(), q->nice) != 0)
        log_warning("workq", "%s: cannot lower thread priority", q->name);
    for (;;) {
        pthread_mutex_lock(&q->mu);
        while (q->head == NULL && !q->stopping)
            pthread_cond_wait(&q->cv, &q->mu);
        struct job *job = q->head;
        if (job == NULL) {
            pthread_mutex_unlock(&q->mu);
            return NULL;
        }
        q->head = job->next;
        if (q->head == NULL)
            q->tail = NULL;
        pthread_mutex_unlock(&q->mu);
        job->next = NULL;
        job->run(job);
    }
}

struct workq *workq_new(int threads, const char *name, int nice)
{
    struct workq *q = calloc(1, sizeof(*q));
    if (q == NULL)
        return NULL;
    q->nice = nice;
    snprintf(q->name, sizeof(q->name), "%s", name);
    q->threads = calloc((size_t)threads, sizeof(pthread_t));
    if (q->threads == NULL) {
        free(q);
        return NULL;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&q->threads[i], NULL, worker_main, q) != 0) {
            log_error("workq", "%s: cannot start thread %d", name, i);
            workq_drain_and_free(q);
            return NULL;
        }
        q->nthreads++;
    }
    return q;
}

void workq_push(struct workq *q, struct job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&q->mu);
    if (q->tail != NULL)
        q->tail->next = job;
    else
        q->head = job;
    q->tail = job;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

void workq_drain_and_free(struct workq *q)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    for (int i = 0; i < q->nthreads; i++)
        pthread_join(q->threads[i], NULL);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q->threads);
    free(q);
}
