/* test_dw_site_members.c - the rows a site file lists: bounded, by site, with levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dw_fixture.h"

static void add_site(struct deepwell *dw, int64_t id, const char *name)
{
    struct deepwell_site site = {.id = id, .name = (char *)name, .level = 3};
    struct deepwell_error err;
    assert_int_equal(deepwell_site_create(dw, &site, NULL, &err), DW_OK);
}

static void add_scp(struct deepwell *dw, int number, int level, int64_t site_id)
{
    char title[32];
    snprintf(title, sizeof(title), "Object %d", number);
    struct deepwell_scp scp = {.number = number,
                               .title = title,
                               .level = level,
                               .containment = "Euclid",
                               .site_id = site_id};
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_create(dw, &scp, NULL, &err), DW_OK);
}

static void only_the_sites_own_rows_up_to_the_limit(void **state)
{
    struct dw_fixture *f = *state;
    add_site(f->dw, 19, "Site-19");
    add_site(f->dw, 77, "Site-77");
    for (int n = 1; n <= 5; n++)
        add_scp(f->dw, 100 + n, n, 19);
    add_scp(f->dw, 900, 2, 77);
    add_scp(f->dw, 901, 2, 0);

    struct deepwell_list list;
    struct deepwell_error err;
    assert_int_equal(deepwell_site_members(f->dw, 19, DW_KIND_SCP, 3, &list, &err), DW_OK);
    assert_int_equal(list.total, 5);
    assert_int_equal(list.count, 3);
    assert_int_equal(list.items[0].id, 101);
    assert_int_equal(list.items[2].id, 103);
    assert_int_equal(list.items[2].level, 3);
    assert_string_equal(list.items[0].title, "Object 101");
    assert_string_equal(list.items[0].extra, "Euclid");
    deepwell_list_free(&list);

    assert_int_equal(deepwell_site_members(f->dw, 77, DW_KIND_SCP, 50, &list, &err), DW_OK);
    assert_int_equal(list.total, 1);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].id, 900);
    deepwell_list_free(&list);

    assert_int_equal(deepwell_site_members(f->dw, 77, DW_KIND_USER, 50, &list, &err), DW_OK);
    assert_int_equal(list.total, 0);
    assert_int_equal(list.count, 0);
    deepwell_list_free(&list);
}

static void limits_and_kinds_are_checked(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_list list;
    struct deepwell_error err;
    assert_int_equal(deepwell_site_members(f->dw, 19, DW_KIND_SCP, 0, &list, &err), DW_INVALID);
    assert_int_equal(
        deepwell_site_members(f->dw, 19, DW_KIND_SCP, DEEPWELL_SITE_MEMBERS_MAX + 1, &list, &err),
        DW_INVALID);
    assert_int_equal(deepwell_site_members(f->dw, 19, DW_KIND_SITE, 10, &list, &err), DW_INVALID);
    assert_int_equal(list.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(only_the_sites_own_rows_up_to_the_limit, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(limits_and_kinds_are_checked, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
