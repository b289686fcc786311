/* test_srv_view_cache.c - a cached render is reused only for the very same inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "server/file_view.h"
#include "server/view_cache.h"

static struct deepwell_section sections[2];

/* A small SCP file view, all on static storage (nothing to free). */
static struct file_view scp_view(void)
{
    static char kind0[] = "description", title0[] = "Description", body0[] = "plain";
    static char kind1[] = "addendum", title1[] = "Addendum", body1[] = "a[[LEVEL 5]]b[[/LEVEL]]";
    static char title[] = "The Sun", keter[] = "Keter", active[] = "active";
    sections[0] = (struct deepwell_section){1, kind0, title0, 1, 2, body0};
    sections[1] = (struct deepwell_section){2, kind1, title1, 2, 3, body1};
    struct file_view v;
    memset(&v, 0, sizeof(v));
    v.kind = REF_SCP;
    v.level = 2;
    v.scp.id = 41;
    v.scp.number = 900;
    v.scp.revision = 7;
    v.scp.title = title;
    v.scp.level = 2;
    v.scp.containment = keter;
    v.scp.status = active;
    v.scp.nsections = 2;
    v.scp.sections = sections;
    v.task_force_level = FOUNDATION_LEVEL_MAX;
    return v;
}

static char *key_of(const struct file_view *v, int level, int64_t site, size_t *n)
{
    struct reader r = {level, site, 0};
    char *key = file_view_key(v, &r, "SCP-900", n);
    assert_non_null(key);
    return key;
}

static bool same_key(const struct file_view *a, const struct file_view *b, int level_b)
{
    size_t na, nb;
    char *ka = key_of(a, 3, 0, &na), *kb = key_of(b, level_b, 0, &nb);
    bool same = na == nb && memcmp(ka, kb, na) == 0;
    free(ka);
    free(kb);
    return same;
}

static void equal_inputs_make_equal_keys(void **state)
{
    (void)state;
    struct file_view a = scp_view(), b = scp_view();
    assert_true(same_key(&a, &b, 3));
}

static void every_input_changes_the_key(void **state)
{
    (void)state;
    struct file_view a = scp_view(), b = scp_view();
    assert_false(same_key(&a, &b, 4)); /* the reader's clearance */

    static char other_status[] = "neutralized", empty[] = "";
    b.scp.revision = 8; /* the store's mark of any change to the file or its sections */
    assert_false(same_key(&a, &b, 3));
    b = scp_view();
    b.scp.id = 42; /* another file under the number, made after a deletion */
    assert_false(same_key(&a, &b, 3));
    b = scp_view();
    b.scp.status = other_status;
    assert_false(same_key(&a, &b, 3));
    b = scp_view();
    b.scp.secondary = empty; /* "" is not NULL */
    assert_false(same_key(&a, &b, 3));
    b = scp_view();
    b.task_force_level = 3; /* a linked file's level decides whether its name shows */
    assert_false(same_key(&a, &b, 3));
}

static void head_only_view_has_the_whole_files_key(void **state)
{
    (void)state;
    /* The sections enter by revision: a view loaded without them finds the render
       made from the whole file of the same revision. */
    struct file_view whole = scp_view(), head = scp_view();
    head.scp.nsections = 0;
    head.scp.sections = NULL;
    head.head_only = true;
    assert_true(same_key(&whole, &head, 3));
    /* ...but is never rendered itself. */
    struct reader r = {3, 0, 0};
    assert_null(file_view_json(&head, &r, "SCP-900"));
    json_t *file = file_view_json(&whole, &r, "SCP-900");
    assert_non_null(file);
    json_decref(file);
}

static void other_kinds_have_no_key(void **state)
{
    (void)state;
    struct file_view v;
    memset(&v, 0, sizeof(v));
    v.kind = REF_SITE;
    struct reader r = {3, 0, 0};
    size_t n = 0;
    assert_null(file_view_key(&v, &r, "SITE-19", &n));
}

static void cache_hits_only_the_exact_key(void **state)
{
    (void)state;
    struct view_cache *cache = view_cache_new();
    assert_non_null(cache);
    size_t n = 0;
    assert_null(view_cache_get(cache, "k1", 2, &n));
    view_cache_put(cache, "k1", 2, "text one", 8);
    char *got = view_cache_get(cache, "k1", 2, &n);
    assert_non_null(got);
    assert_int_equal(n, 8);
    assert_memory_equal(got, "text one", 8);
    free(got);
    assert_null(view_cache_get(cache, "k1x", 3, &n));
    assert_null(view_cache_get(cache, "k", 1, &n));
    view_cache_put(cache, "k1", 2, "text two", 8); /* replaced, never both */
    got = view_cache_get(cache, "k1", 2, &n);
    assert_memory_equal(got, "text two", 8);
    free(got);
    view_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_inputs_make_equal_keys),
        cmocka_unit_test(every_input_changes_the_key),
        cmocka_unit_test(head_only_view_has_the_whole_files_key),
        cmocka_unit_test(other_kinds_have_no_key),
        cmocka_unit_test(cache_hits_only_the_exact_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
