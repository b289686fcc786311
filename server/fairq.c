/*
 * fairq.c - per-address, per-connection sub-queues, served fewest-running first.
 *
 * An address or connection exists here only while it has jobs queued or running,
 * so there are never more of them than jobs (each connection holds at most
 * CONN_MAX_INFLIGHT).  A push finds its group through two hash tables keyed with
 * SipHash and a random key (addresses may be chosen by an attacker); choosing a
 * job walks the addresses and one address's connections: a hash job takes tens of
 * milliseconds, the walk microseconds even with thousands of clients.
 */
#include "server/fairq.h"
#include "server/workq.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 4096 /* per table: chains stay short up to tens of thousands of groups */

struct fair_addr;

struct fairq_conn {
    struct fairq_conn *next;  /* in its address's list */
    struct fairq_conn *hnext; /* in its hash bucket */
    struct fair_addr *addr;
    uintptr_t key;
    struct job *head, *tail;
    int running;
    uint64_t served; /* f->tick when a job of it was last taken; 0 = never */
};

struct fair_addr {
    struct fair_addr *next, *hnext;
    struct fairq_conn *conns;
    char name[FAIRQ_ADDR_MAX];
    int queued, running;
    uint64_t served;
};

struct fairq {
    struct fair_addr *addrs; /* every address with jobs queued or running */
    int queued;
    uint64_t tick;
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
    struct fair_addr *addr_table[BUCKETS];
    struct fairq_conn *conn_table[BUCKETS];
    /* Jobs without a source, or whose group cannot be allocated, share these. */
    struct fair_addr spare_addr;
    struct fairq_conn spare_conn;
    bool spare_listed; /* spare_addr is in addrs */
};

struct fairq *fairq_new(void)
{
    if (sodium_init() < 0)
        return NULL;
    struct fairq *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    randombytes_buf(f->hash_key, sizeof(f->hash_key));
    f->spare_conn.addr = &f->spare_addr;
    f->spare_addr.conns = &f->spare_conn;
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

static unsigned bucket(const struct fairq *f, const void *data, size_t length)
{
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, data, length, f->hash_key);
    uint64_t h;
    memcpy(&h, out, sizeof(h));
    return (unsigned)(h % BUCKETS);
}

static unsigned addr_bucket(const struct fairq *f, const char *name)
{
    return bucket(f, name, strnlen(name, FAIRQ_ADDR_MAX - 1));
}

static unsigned conn_bucket(const struct fairq *f, const struct fair_addr *a, uintptr_t key)
{
    uintptr_t both[2] = {(uintptr_t)a, key};
    return bucket(f, both, sizeof(both));
}

static struct fair_addr *find_addr(struct fairq *f, const char *name)
{
    unsigned b = addr_bucket(f, name);
    for (struct fair_addr *a = f->addr_table[b]; a != NULL; a = a->hnext)
        if (strncmp(a->name, name, sizeof(a->name) - 1) == 0)
            return a;
    struct fair_addr *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    snprintf(a->name, sizeof(a->name), "%s", name);
    a->hnext = f->addr_table[b];
    f->addr_table[b] = a;
    a->next = f->addrs;
    f->addrs = a;
    return a;
}

static struct fairq_conn *find_conn(struct fairq *f, struct fair_addr *a, uintptr_t key)
{
    unsigned b = conn_bucket(f, a, key);
    for (struct fairq_conn *c = f->conn_table[b]; c != NULL; c = c->hnext)
        if (c->addr == a && c->key == key)
            return c;
    struct fairq_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->addr = a;
    c->key = key;
    c->hnext = f->conn_table[b];
    f->conn_table[b] = c;
    c->next = a->conns;
    a->conns = c;
    return c;
}

static void unlink_addr(struct fairq *f, struct fair_addr *a)
{
    struct fair_addr **link = &f->addrs;
    while (*link != a)
        link = &(*link)->next;
    *link = a->next;
    if (a == &f->spare_addr) {
        f->spare_listed = false;
        return;
    }
    link = &f->addr_table[addr_bucket(f, a->name)];
    while (*link != a)
        link = &(*link)->hnext;
    *link = a->hnext;
    free(a);
}

static void unlink_conn(struct fairq *f, struct fairq_conn *c)
{
    struct fairq_conn **link = &c->addr->conns;
    while (*link != c)
        link = &(*link)->next;
    *link = c->next;
    link = &f->conn_table[conn_bucket(f, c->addr, c->key)];
    while (*link != c)
        link = &(*link)->hnext;
    *link = c->hnext;
    free(c);
}

/* The group a job goes to: its own, or the shared spare one. */
static struct fairq_conn *group_of(struct fairq *f, const struct job *job)
{
    struct fair_addr *a = job->source != NULL ? find_addr(f, job->source) : NULL;
    struct fairq_conn *c = a != NULL ? find_conn(f, a, job->source_conn) : NULL;
    if (c != NULL)
        return c;
    if (a != NULL && a->conns == NULL) /* just made, and now unused */
        unlink_addr(f, a);
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

void fairq_done(struct fairq *f, struct fairq_conn *conn)
{
    struct fair_addr *a = conn->addr;
    conn->running--;
    a->running--;
    /* Drop what has nothing queued or running (the spare pair stays allocated). */
    if (conn->head == NULL && conn->running == 0 && conn != &f->spare_conn)
        unlink_conn(f, conn);
    if (a->queued == 0 && a->running == 0)
        unlink_addr(f, a);
}
