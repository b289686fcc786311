/* test_srv_refusals.c - repeated login refusals become one summary row per key and window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "server/refusals.h"

#define MAX_ROWS 16

struct sink {
    struct refusal_summary rows[MAX_ROWS];
    int n;
    bool fail;
};

static bool collect(void *arg, const struct refusal_summary *s)
{
    struct sink *sink = arg;
    assert_true(sink->n < MAX_ROWS);
    sink->rows[sink->n++] = *s;
    return !sink->fail;
}

static const struct refusal_summary *row_for(struct sink *sink, const char *key)
{
    for (int i = 0; i < sink->n; i++)
        if (strcmp(sink->rows[i].key, key) == 0)
            return &sink->rows[i];
    return NULL;
}

static void first_audited_rest_counted_until_the_window_ends(void **state)
{
    (void)state;
    struct sink sink = {0};
    struct refusals *r = refusals_new(8, 1000, collect, &sink);
    assert_non_null(r);
    assert_true(refusals_note(r, "user:agent", "agent", "10.0.0.1:1", 3, 5000));
    for (int i = 1; i <= 50; i++)
        assert_false(refusals_note(r, "user:agent", "Agent", "10.0.0.2:2", 3, 5000 + i));
    assert_true(refusals_note(r, "addr:10.0.0.9", "x", "10.0.0.9:9", 0, 5100));
    /* Nothing is due before the window ends. */
    assert_int_equal(refusals_flush(r, 5999), 0);
    assert_int_equal(sink.n, 0);
    assert_int_equal(refusals_flush(r, 6000), 1);
    const struct refusal_summary *s = row_for(&sink, "user:agent");
    assert_non_null(s);
    assert_int_equal(s->count, 50);
    assert_int_equal(s->window_start_ms, 5000);
    assert_int_equal(s->last_ms, 5050);
    assert_string_equal(s->name, "Agent");
    assert_string_equal(s->client, "10.0.0.2:2");
    assert_int_equal(s->user_id, 3);
    /* A key refused once has no summary; the next window starts with an audited one. */
    assert_null(row_for(&sink, "addr:10.0.0.9"));
    assert_int_equal(refusals_flush(r, 7000), 0);
    assert_true(refusals_note(r, "user:agent", "agent", "c", 3, 7000));
    assert_false(refusals_note(r, "user:agent", "agent", "c", 3, 7001));
    refusals_free(r); /* shutdown: the open window's count is written */
    assert_int_equal(sink.n, 2);
    assert_int_equal(sink.rows[1].count, 1);
    assert_int_equal(sink.rows[1].window_start_ms, 7000);
}

static void a_refusal_after_the_window_writes_the_old_count(void **state)
{
    (void)state;
    struct sink sink = {0};
    struct refusals *r = refusals_new(8, 1000, collect, &sink);
    assert_true(refusals_note(r, "user:a", "a", "c", 0, 0));
    assert_false(refusals_note(r, "user:a", "a", "c", 0, 10));
    assert_false(refusals_note(r, "user:a", "a", "c", 0, 999));
    /* No flush ran: the next refusal closes the window itself. */
    assert_true(refusals_note(r, "user:a", "a", "c", 0, 1000));
    assert_int_equal(sink.n, 1);
    assert_int_equal(sink.rows[0].count, 2);
    assert_int_equal(sink.rows[0].last_ms, 999);
    assert_false(refusals_note(r, "user:a", "a", "c", 0, 1001));
    refusals_free(r);
    assert_int_equal(sink.n, 2);
    assert_int_equal(sink.rows[1].count, 1);
}

static void a_full_table_audits_one_by_one(void **state)
{
    (void)state;
    struct sink sink = {0};
    struct refusals *r = refusals_new(2, 1000, collect, &sink);
    assert_true(refusals_note(r, "user:a", "a", "c", 0, 0));
    assert_true(refusals_note(r, "user:b", "b", "c", 0, 0));
    /* The bound: a third key is never counted, every refusal of it is audited. */
    for (int i = 0; i < 5; i++)
        assert_true(refusals_note(r, "user:c", "c", "c", 0, i));
    assert_false(refusals_note(r, "user:a", "a", "c", 0, 5));
    /* A flush of ended windows makes room again. */
    assert_int_equal(refusals_flush(r, 1000), 1);
    assert_true(refusals_note(r, "user:c", "c", "c", 0, 1000));
    assert_false(refusals_note(r, "user:c", "c", "c", 0, 1001));
    refusals_free(r);
    assert_int_equal(sink.n, 2);
    assert_null(row_for(&sink, "user:b"));
}

static void the_thread_flushes_ended_windows(void **state)
{
    (void)state;
    struct sink sink = {0};
    struct refusals *r = refusals_new(4, 1, collect, &sink); /* 1 ms windows */
    assert_int_equal(refusals_start(r, 10), 0);
    assert_true(refusals_note(r, "user:a", "a", "c", 0, 0));
    assert_false(refusals_note(r, "user:a", "a", "c", 0, 0));
    for (int i = 0; i < 200 && __atomic_load_n(&sink.n, __ATOMIC_ACQUIRE) == 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    refusals_free(r);
    assert_int_equal(sink.n, 1);
    assert_int_equal(sink.rows[0].count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_audited_rest_counted_until_the_window_ends),
        cmocka_unit_test(a_refusal_after_the_window_writes_the_old_count),
        cmocka_unit_test(a_full_table_audits_one_by_one),
        cmocka_unit_test(the_thread_flushes_ended_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
