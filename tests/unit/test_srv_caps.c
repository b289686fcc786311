/* test_srv_caps.c - the per-address connection count and the per-session token bucket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>

#include "server/addr_limit.h"
#include "server/session_rate.h"

static void key4(const char *ip, uint8_t key[ADDR_KEY_BYTES])
{
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(1234)};
    assert_int_equal(inet_pton(AF_INET, ip, &in.sin_addr), 1);
    assert_true(addr_limit_key((struct sockaddr *)&in, key));
}

static void key6(const char *ip, uint16_t port, uint8_t key[ADDR_KEY_BYTES])
{
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    assert_int_equal(inet_pton(AF_INET6, ip, &in6.sin6_addr), 1);
    assert_true(addr_limit_key((struct sockaddr *)&in6, key));
}

static void ipv6_is_counted_per_64_and_mapped_ipv4_as_ipv4(void **state)
{
    (void)state;
    uint8_t a[ADDR_KEY_BYTES], b[ADDR_KEY_BYTES], c[ADDR_KEY_BYTES];
    key6("2001:db8:1:2::1", 1, a);
    key6("2001:db8:1:2:ffff:ffff:ffff:ffff", 2, b); /* same /64, another port */
    key6("2001:db8:1:3::1", 1, c);                  /* the next /64 */
    assert_memory_equal(a, b, ADDR_KEY_BYTES);
    assert_memory_not_equal(a, c, ADDR_KEY_BYTES);

    key4("192.0.2.7", a);
    key6("::ffff:192.0.2.7", 9, b); /* a dual-stack listener's view of the same client */
    key4("192.0.2.8", c);
    assert_memory_equal(a, b, ADDR_KEY_BYTES);
    assert_memory_not_equal(a, c, ADDR_KEY_BYTES); /* not all of IPv4 in one /64 */

    struct sockaddr un = {.sa_family = AF_UNIX};
    assert_false(addr_limit_key(&un, a));
}

static void addresses_are_capped_separately_and_slots_come_back(void **state)
{
    (void)state;
    struct addr_limit *al = addr_limit_new();
    assert_non_null(al);
    uint8_t one[ADDR_KEY_BYTES], two[ADDR_KEY_BYTES];
    key4("127.0.0.1", one);
    key4("127.0.0.2", two);
    for (int i = 0; i < 3; i++)
        assert_true(addr_limit_take(al, one, 3));
    assert_false(addr_limit_take(al, one, 3)); /* the cap */
    assert_int_equal(addr_limit_count(al, one), 3);
    assert_true(addr_limit_take(al, two, 3)); /* another address is not affected */
    addr_limit_release(al, one);
    assert_true(addr_limit_take(al, one, 3));
    for (int i = 0; i < 3; i++)
        addr_limit_release(al, one);
    assert_int_equal(addr_limit_count(al, one), 0); /* the entry is gone */
    addr_limit_release(al, one);                    /* unknown key: no effect */
    assert_int_equal(addr_limit_count(al, two), 1);
    addr_limit_free(al);
}

static void many_addresses_fill_and_empty_the_table(void **state)
{
    (void)state;
    struct addr_limit *al = addr_limit_new();
    uint8_t key[ADDR_KEY_BYTES];
    for (int i = 0; i < 20000; i++) { /* longer chains than buckets */
        memset(key, 0, sizeof(key));
        memcpy(key, &i, sizeof(i));
        assert_true(addr_limit_take(al, key, 1));
    }
    for (int i = 0; i < 20000; i++) {
        memset(key, 0, sizeof(key));
        memcpy(key, &i, sizeof(i));
        assert_int_equal(addr_limit_count(al, key), 1);
        addr_limit_release(al, key);
        assert_int_equal(addr_limit_count(al, key), 0);
    }
    addr_limit_free(al);
}

static void bucket_allows_the_burst_then_the_rate(void **state)
{
    (void)state;
    struct session_rate *sr = session_rate_new(10, 5, 100);
    assert_non_null(sr);
    int64_t retry = 0;
    for (int i = 0; i < 5; i++)
        assert_true(session_rate_take(sr, 1, 1000, &retry));
    assert_false(session_rate_take(sr, 1, 1000, &retry));
    assert_int_equal(retry, 1);
    assert_true(session_rate_take(sr, 2, 1000, &retry));  /* its own bucket */
    assert_false(session_rate_take(sr, 1, 1050, &retry)); /* half a token */
    assert_true(session_rate_take(sr, 1, 1100, &retry));  /* 10 a second */
    assert_false(session_rate_take(sr, 1, 1100, &retry));
    /* A long pause refills to the burst, no more. */
    for (int i = 0; i < 5; i++)
        assert_true(session_rate_take(sr, 1, 60000, &retry));
    assert_false(session_rate_take(sr, 1, 60000, &retry));
    session_rate_free(sr);
}

static void retry_after_counts_whole_seconds(void **state)
{
    (void)state;
    struct session_rate *sr = session_rate_new(1, 1, 10);
    int64_t retry = 0;
    assert_true(session_rate_take(sr, 7, 0, &retry));
    assert_false(session_rate_take(sr, 7, 0, &retry));
    assert_int_equal(retry, 1);
    assert_false(session_rate_take(sr, 7, 999, &retry));
    assert_int_equal(retry, 1);
    assert_true(session_rate_take(sr, 7, 1000, &retry));
    session_rate_free(sr);
}

static void a_full_table_drops_refilled_buckets_and_else_refuses(void **state)
{
    (void)state;
    struct session_rate *sr = session_rate_new(1, 2, 3);
    int64_t retry = 0;
    for (int64_t s = 1; s <= 3; s++)
        assert_true(session_rate_take(sr, s, 0, &retry));
    /* Three buckets in use: a fourth session is refused, not given a fresh bucket. */
    assert_false(session_rate_take(sr, 4, 0, &retry));
    assert_int_equal(retry, 1);
    /* Once they refill they are as good as gone, and make room. */
    assert_true(session_rate_take(sr, 4, 5000, &retry));
    assert_true(session_rate_take(sr, 5, 5000, &retry));
    session_rate_free(sr);
    assert_null(session_rate_new(0, 1, 1));
    assert_null(session_rate_new(1, 0, 1));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ipv6_is_counted_per_64_and_mapped_ipv4_as_ipv4),
        cmocka_unit_test(addresses_are_capped_separately_and_slots_come_back),
        cmocka_unit_test(many_addresses_fill_and_empty_the_table),
        cmocka_unit_test(bucket_allows_the_burst_then_the_rate),
        cmocka_unit_test(retry_after_counts_whole_seconds),
        cmocka_unit_test(a_full_table_drops_refilled_buckets_and_else_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
