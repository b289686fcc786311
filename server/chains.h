/* chains.h - the chained buckets of the server's small hash tables (addr_limit.c,
 * session_rate.c): an array of singly linked lists of malloc'd entries, each with `next`. */
#ifndef SCIPNET_SERVER_CHAINS_H
#define SCIPNET_SERVER_CHAINS_H

#include <stddef.h>
#include <stdlib.h>

/* Frees every entry of the n chains and leaves each chain empty.  A macro, as queue.h's
 * are, so that each table keeps its own entry type. */
#define CHAINS_FREE(chains, n)                                                                     \
    do {                                                                                           \
        for (size_t chain_i_ = 0; chain_i_ < (size_t)(n); chain_i_++)                              \
            while ((chains)[chain_i_] != NULL) {                                                   \
                void *chain_next_ = (chains)[chain_i_]->next;                                      \
                free((chains)[chain_i_]);                                                          \
                (chains)[chain_i_] = chain_next_;                                                  \
            }                                                                                      \
    } while (0)

#endif
