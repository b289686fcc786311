/*
 * fairq.c - per-address, per-connection sub-queues, served fewest-running first.
 *
 * An address or connection exists here only while it has jobs queued or running,
 * so there are never more of them than jobs (each connection holds at most
 * CONN_MAX_INFLIGHT).  Choosing is a walk over the addresses and one address's
 * connections: hash jobs take tens of milliseconds, the walk microseconds.
 */
#include "server/fairq.h"
#include "server/workq.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fair_addr;

struct fairq_conn {
    struct fairq_conn *next;
    struct fair_addr *addr;
    uintptr_t key;
    struct job *head, *tail;
    int running;
    uint64_t served; /* f->tick when a job of it was last taken; 0 = never */
};

struct fair_addr {
    struct fair_addr *next;
    struct fairq_conn *conns;
    char name[FAIRQ_ADDR_MAX];
    int queued, running;
    uint64_t served;
};

struct fairq {
    struct fair_addr *addrs;
    int queued;
    uint64_t tick;
    /* Jobs without a source, or whose group cannot be allocated, share these. */
    struct fair_addr spare_addr;
    struct fairq_conn spare_conn;
    bool spare_listed; /* spare_addr is in addrs */
};

struct fairq *fairq_new(void)
{
    struct fairq *f = calloc(1, sizeof(*f));
    if (f != NULL) {
        f->spare_conn.addr = &f->spare_addr;
        f->spare_addr.conns = &f->spare_conn;
    }
    return f;
}

void fairq_free(struct fairq *f)
{
    free(f);
}

bool fairq_empty(const struct fairq *f)
{
    return f->queued == 0;
}

static struct fair_addr *find_addr(struct fairq *f, const char *name)
{
    for (struct fair_addr *a = f->addrs; a != NULL; a = a->next)
        if (strncmp(a->name, name, sizeof(a->name) - 1) == 0)
            return a;
    struct fair_addr *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    snprintf(a->name, sizeof(a->name), "%s", name);
    a->next = f->addrs;
    f->addrs = a;
    return a;
}

static struct fairq_conn *find_conn(struct fair_addr *a, uintptr_t key)
{
    for (struct fairq_conn *c = a->conns; c != NULL; c = c->next)
        if (c->key == key)
            return c;
    struct fairq_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->addr = a;
    c->key = key;
    c->next = a->conns;
    a->conns = c;
    return c;
}

/* The group a job goes to: its own, or the shared spare one. */
static struct fairq_conn *group_of(struct fairq *f, const struct job *job)
{
    struct fair_addr *a = job->source != NULL ? find_addr(f, job->source) : NULL;
    struct fairq_conn *c = a != NULL ? find_conn(a, job->source_conn) : NULL;
    if (c != NULL)
        return c;
    if (a != NULL && a->conns == NULL) { /* just made, and now unused */
        f->addrs = a->next;
        free(a);
    }
    if (!f->spare_listed) {
        f->spare_addr.next = f->addrs;
        f->addrs = &f->spare_addr;
        f->spare_listed = true;
    }
    return &f->spare_conn;
}

void fairq_push(struct fairq *f, struct job *job)
{
    struct fairq_conn *c = group_of(f, job);
    job->next = NULL;
    if (c->tail != NULL)
        c->tail->next = job;
    else
        c->head = job;
    c->tail = job;
    c->addr->queued++;
    f->queued++;
}

/* a before b: fewer running, then served longer ago. */
static bool ahead(int running_a, uint64_t served_a, int running_b, uint64_t served_b)
{
    return running_a != running_b ? running_a < running_b : served_a < served_b;
}

struct job *fairq_take(struct fairq *f, struct fairq_conn **conn)
{
    struct fair_addr *best = NULL;
    for (struct fair_addr *a = f->addrs; a != NULL; a = a->next)
        if (a->queued > 0 &&
            (best == NULL || ahead(a->running, a->served, best->running, best->served)))
            best = a;
    if (best == NULL)
        return NULL;
    struct fairq_conn *pick = NULL;
    for (struct fairq_conn *c = best->conns; c != NULL; c = c->next)
        if (c->head != NULL &&
            (pick == NULL || ahead(c->running, c->served, pick->running, pick->served)))
            pick = c;
    struct job *job = pick->head;
    pick->head = job->next;
    if (pick->head == NULL)
        pick->tail = NULL;
    job->next = NULL;
    pick->running++;
    best->running++;
    best->queued--;
    f->queued--;
    pick->served = best->served = ++f->tick;
    *conn = pick;
    return job;
}

/* Drops an address or connection with nothing queued or running (the spares stay). */
static void reap(struct fairq *f, struct fairq_conn *c)
{
    struct fair_addr *a = c->addr;
    if (c->head == NULL && c->running == 0 && c != &f->spare_conn) {
        struct fairq_conn **link = &a->conns;
        while (*link != c)
            link = &(*link)->next;
        *link = c->next;
        free(c);
    }
    if (a->queued == 0 && a->running == 0) {
        struct fair_addr **link = &f->addrs;
        while (*link != a)
            link = &(*link)->next;
        *link = a->next;
        if (a == &f->spare_addr)
            f->spare_listed = false;
        else
            free(a);
    }
}

void fairq_done(struct fairq *f, struct fairq_conn *conn)
{
    conn->running--;
    conn->addr->running--;
    reap(f, conn);
}
