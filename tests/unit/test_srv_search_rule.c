/*
 * test_srv_search_rule.c - the store's search rule (deepwell/search.h: DW_SEARCH_RULE)
 * finds exactly the files server/clearance.c lets a reader read: every kind, every
 * file level, every reader level, readers with and without a site.  Personnel files
 * too (their level: the user's clearance).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dw_fixture.h"
#include "server/clearance.h"

#define LEVELS 6

static const char TEXT[] = "A beacon. [[LEVEL 6]]secret[[/LEVEL]]";

static void fill(struct deepwell *dw)
{
    struct deepwell_error err;
    for (int level = 1; level <= LEVELS; level++) {
        struct deepwell_site site = {
            .id = level, .name = "Site", .level = level, .description = (char *)TEXT};
        char name[32];
        snprintf(name, sizeof(name), "Site-%d", level);
        site.name = name;
        int64_t id;
        assert_int_equal(deepwell_site_create(dw, &site, &id, &err), DW_OK);
        struct deepwell_mtf mtf = {
            .id = level, .designation = name, .level = level, .mission = (char *)TEXT};
        snprintf(name, sizeof(name), "Tau-%d", level);
        assert_int_equal(deepwell_mtf_create(dw, &mtf, &id, &err), DW_OK);
        struct deepwell_section section = {
            .kind = "description", .title = "D", .level = level, .body = (char *)TEXT};
        struct deepwell_scp scp = {.number = level,
                                   .title = "Beacon",
                                   .level = level,
                                   .nsections = 1,
                                   .sections = &section};
        assert_int_equal(deepwell_scp_create(dw, &scp, NULL, &err), DW_OK);
        /* A personnel file at the user's clearance: USER-1 .. USER-6. */
        snprintf(name, sizeof(name), "beacon-%d", level);
        struct deepwell_user_new user = {.name = name,
                                         .password_hash = "x",
                                         .clearance = level,
                                         .title = "Researcher",
                                         .active = true,
                                         .personnel_active = true};
        assert_int_equal(deepwell_user_add(dw, &user, &id, &err), DW_OK);
        assert_int_equal(id, level);
    }
}

static const enum foundation_ref_kind ref_kinds[] = {[DW_KIND_SCP] = REF_SCP,
                                                     [DW_KIND_SITE] = REF_SITE,
                                                     [DW_KIND_MTF] = REF_MTF,
                                                     [DW_KIND_USER] = REF_USER};

static void store_and_clearance_agree(void **state)
{
    struct dw_fixture *f = *state;
    fill(f->dw);
    for (int level = 1; level <= LEVELS; level++) {
        for (int64_t site = 0; site <= LEVELS; site++) {
            struct reader r = {level, site, 0};
            bool found[DW_KIND_USER + 1][LEVELS + 1] = {{false}};
            struct deepwell_search_query q = {.query = "beacon",
                                              .reader_level = level,
                                              .reader_site_id = site,
                                              .site_read_level = clearance_site_read_level(),
                                              .limit = DEEPWELL_SEARCH_LIMIT_MAX};
            struct deepwell_search_result res;
            struct deepwell_error err;
            assert_int_equal(deepwell_search(f->dw, &q, &res, &err), DW_OK);
            assert_int_equal(res.total, (int64_t)res.count);
            for (size_t i = 0; i < res.count; i++) {
                assert_true(res.items[i].kind <= DW_KIND_USER);
                assert_true(res.items[i].id >= 1 && res.items[i].id <= LEVELS);
                assert_false(found[res.items[i].kind][res.items[i].id]);
                found[res.items[i].kind][res.items[i].id] = true;
                /* Only the reader's band: the level-6 passage shows to level 6 alone. */
                if (res.items[i].kind != DW_KIND_USER)
                    assert_true((strstr(res.items[i].snippet, "secret") != NULL) == (level == 6));
            }
            deepwell_search_free(&res);
            for (int kind = DW_KIND_SCP; kind <= DW_KIND_USER; kind++)
                for (int id = 1; id <= LEVELS; id++) {
                    bool allowed = clearance_read(&r, ref_kinds[kind], id, id) == 0;
                    if (found[kind][id] != allowed)
                        fail_msg("reader %d (site %d), kind %d file %d: store %d, clearance %d",
                                 level, (int)site, kind, id, found[kind][id], allowed);
                }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(store_and_clearance_agree, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
