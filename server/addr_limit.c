/* addr_limit.c - a counted set of client address keys (see addr_limit.h). */
#include "server/addr_limit.h"
#include "server/chains.h"

#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ADDR_BUCKETS 4096

struct addr_entry {
    struct addr_entry *next;
    uint8_t key[ADDR_KEY_BYTES];
    int count;
};

struct addr_limit {
    struct addr_entry *buckets[ADDR_BUCKETS];
    /* A keyed hash: clients choose their IPv6 /64s and must not choose our buckets. */
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
};

struct addr_limit *addr_limit_new(void)
{
    struct addr_limit *al = calloc(1, sizeof(*al));
    if (al != NULL)
        crypto_shorthash_keygen(al->hash_key);
    return al;
}

void addr_limit_free(struct addr_limit *al)
{
    if (al == NULL)
        return;
    CHAINS_FREE(al->buckets, ADDR_BUCKETS);
    free(al);
}

bool addr_limit_key(const struct sockaddr *sa, uint8_t key[ADDR_KEY_BYTES])
{
    memset(key, 0, ADDR_KEY_BYTES);
    if (sa->sa_family == AF_INET) {
        /* As ::ffff:a.b.c.d, so a dual-stack listener counts it the same way. */
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &in->sin_addr, 4);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
            memcpy(key, &in6->sin6_addr, ADDR_KEY_BYTES);
        else
            memcpy(key, &in6->sin6_addr, 8); /* the /64 */
        return true;
    }
    return false;
}

static struct addr_entry **slot_of(const struct addr_limit *al, const uint8_t key[ADDR_KEY_BYTES])
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, key, ADDR_KEY_BYTES, al->hash_key);
    uint32_t v;
    memcpy(&v, h, sizeof(v));
    struct addr_entry **p = (struct addr_entry **)&al->buckets[v % ADDR_BUCKETS];
    while (*p != NULL && memcmp((*p)->key, key, ADDR_KEY_BYTES) != 0)
        p = &(*p)->next;
    return p;
}

bool addr_limit_take(struct addr_limit *al, const uint8_t key[ADDR_KEY_BYTES], int max)
{
    struct addr_entry **p = slot_of(al, key);
    if (*p == NULL) {
        if (max < 1)
            return false;
        struct addr_entry *e = calloc(1, sizeof(*e));
        if (e == NULL)
            return false;
        memcpy(e->key, key, ADDR_KEY_BYTES);
        *p = e;
    }
    if ((*p)->count >= max)
        return false;
    (*p)->count++;
    return true;
}

void addr_limit_release(struct addr_limit *al, const uint8_t key[ADDR_KEY_BYTES])
{
    struct addr_entry **p = slot_of(al, key);
    struct addr_entry *e = *p;
    if (e == NULL)
        return;
    if (--e->count <= 0) {
        *p = e->next;
        free(e);
    }
}

int addr_limit_count(const struct addr_limit *al, const uint8_t key[ADDR_KEY_BYTES])
{
    struct addr_entry **p = slot_of(al, key);
    return *p != NULL ? (*p)->count : 0;
}
