/*
 * addr_limit.h - open connections per client address, so one address cannot take
 * every slot of max_connections while another still needs one.
 *
 * An IPv4 address is one key; an IPv6 address is keyed by its /64 (one subscriber's
 * network, which hands out addresses freely), an IPv4-mapped IPv6 address by its
 * IPv4 address.  The table holds one entry per key with connections open, so it is
 * bounded by max_connections.  Loop thread only.
 */
#ifndef SCIPNET_SERVER_ADDR_LIMIT_H
#define SCIPNET_SERVER_ADDR_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define ADDR_KEY_BYTES 16

struct sockaddr;
struct addr_limit;

struct addr_limit *addr_limit_new(void);
void addr_limit_free(struct addr_limit *al);
/* The key of a peer address; false for a family other than IPv4 and IPv6. */
bool addr_limit_key(const struct sockaddr *sa, uint8_t key[ADDR_KEY_BYTES]);
/* Counts one more connection for key unless max are open already (false: refuse). */
bool addr_limit_take(struct addr_limit *al, const uint8_t key[ADDR_KEY_BYTES], int max);
void addr_limit_release(struct addr_limit *al, const uint8_t key[ADDR_KEY_BYTES]);
/* Connections open for key. */
int addr_limit_count(const struct addr_limit *al, const uint8_t key[ADDR_KEY_BYTES]);

#endif
