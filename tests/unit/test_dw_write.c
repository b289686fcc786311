/*
 * test_dw_write.c - the one write path (deepwell/write.h) as an importer uses it:
 * many rows in one transaction of its own, kept when already there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deepwell/engine.h"
#include "deepwell/write.h"
#include "dw_fixture.h"

/* What one run of the miniature importer got back. */
struct run {
    int64_t site, mtf, user, scp;
    bool site_added, mtf_added, user_added, scp_added;
};

static enum deepwell_code import_once(struct deepwell_conn *conn, void *ctx,
                                      struct deepwell_error *err)
{
    struct run *r = ctx;
    static const char op[] = "test.import";
    struct dw_stamps when = {"2019-03-01T10:00:00Z", "2020-04-02T11:00:00Z"};
    struct deepwell_site site = {.id = 19, .name = "Site-19"};
    enum deepwell_code code =
        dw_site_keep_or_insert(conn, &site, &when, &r->site, &r->site_added, op, err);
    struct deepwell_mtf mtf = {.id = 3, .designation = "Epsilon-11", .site_id = r->site};
    if (code == DW_OK)
        code = dw_mtf_keep_or_insert(conn, &mtf, &when, &r->mtf, &r->mtf_added, op, err);
    struct deepwell_user_new user = {.name = "Dr. Clef",
                                     .password_hash = "!unusable",
                                     .clearance = 4,
                                     .title = "Researcher",
                                     .site_id = r->site};
    struct dw_user_extra extra = {.id = 40, .last_login = "2020-05-05T05:05:05Z", .when = when};
    if (code == DW_OK)
        code = dw_user_keep_or_insert(conn, &user, &extra, &r->user, &r->user_added, op, err);
    if (code == DW_OK && r->site_added)
        code = dw_site_set_director(conn, r->site, r->user, NULL, op, err);
    struct deepwell_section sections[] = {
        {.kind = "containment", .title = "Procedures", .level = 2, .body = "Keep it."},
        {.kind = "description", .title = "Description", .level = 3, .body = "A thing."},
    };
    struct deepwell_scp scp = {.number = 173,
                               .title = "The Sculpture",
                               .level = 2,
                               .containment = "Euclid",
                               .site_id = r->site,
                               .nsections = 2,
                               .sections = sections};
    if (code == DW_OK)
        code = dw_scp_keep_or_insert(conn, &scp, &when, &r->scp, &r->scp_added, op, err);
    return code;
}

static void a_second_import_keeps_every_row(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    struct run first = {0}, second = {0};
    assert_int_equal(deepwell_write_tx(f->dw, import_once, &first, &err), DW_OK);
    assert_true(first.site_added && first.mtf_added && first.user_added && first.scp_added);
    assert_int_equal(first.site, 19);
    assert_int_equal(first.mtf, 3);
    assert_int_equal(first.user, 40);

    assert_int_equal(deepwell_write_tx(f->dw, import_once, &second, &err), DW_OK);
    assert_false(second.site_added || second.mtf_added || second.user_added || second.scp_added);
    assert_int_equal(second.site, first.site);
    assert_int_equal(second.mtf, first.mtf);
    assert_int_equal(second.user, first.user);
    assert_int_equal(second.scp, first.scp);

    /* What the importer gave is what the store holds: ids, times, the later director. */
    struct deepwell_user user;
    assert_int_equal(deepwell_user_find(f->dw, "Dr. Clef", 0, &user, &err), DW_OK);
    assert_int_equal(user.id, 40);
    assert_int_equal(user.site_id, 19);
    assert_string_equal(user.created_at, "2019-03-01T10:00:00Z");
    assert_string_equal(user.last_login, "2020-05-05T05:05:05Z");
    struct deepwell_site site;
    assert_int_equal(deepwell_site_get(f->dw, 19, &site, &err), DW_OK);
    assert_int_equal(site.director_id, 40);
    assert_int_equal(site.level, 3);
    deepwell_site_free(&site);
    struct deepwell_scp scp;
    assert_int_equal(deepwell_scp_get(f->dw, 173, "", &scp, &err), DW_OK);
    assert_int_equal(scp.nsections, 2);
    assert_string_equal(scp.containment, "Euclid");
    assert_string_equal(scp.sections[1].body, "A thing.");
    deepwell_scp_free(&scp);
}

struct renumber {
    int64_t site, user;
    bool site_added, user_added;
};

static enum deepwell_code import_taken_ids(struct deepwell_conn *conn, void *ctx,
                                           struct deepwell_error *err)
{
    struct renumber *r = ctx;
    struct deepwell_site site = {.id = 19, .name = "Area-12"};
    enum deepwell_code code =
        dw_site_keep_or_insert(conn, &site, NULL, &r->site, &r->site_added, "test", err);
    struct deepwell_user_new user = {.name = "Agent Lament",
                                     .password_hash = "!unusable",
                                     .clearance = 2,
                                     .title = "Field Agent"};
    struct dw_user_extra extra = {.id = 1};
    if (code == DW_OK)
        code = dw_user_keep_or_insert(conn, &user, &extra, &r->user, &r->user_added, "test", err);
    return code;
}

struct keep {
    const struct deepwell_site *site;
    int64_t id;
    bool added;
};

static enum deepwell_code keep_site(struct deepwell_conn *conn, void *ctx,
                                    struct deepwell_error *err)
{
    struct keep *k = ctx;
    return dw_site_keep_or_insert(conn, k->site, NULL, &k->id, &k->added, "test", err);
}

static void a_taken_id_is_renumbered_and_a_name_matches_in_any_case(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    struct deepwell_site nineteen = {.id = 19, .name = "Site-19"};
    assert_int_equal(deepwell_site_create(f->dw, &nineteen, NULL, &err), DW_OK);
    struct deepwell_user_new first = {
        .name = "admin", .password_hash = "!unusable", .clearance = 5, .title = "Researcher"};
    int64_t admin = 0;
    assert_int_equal(deepwell_user_add(f->dw, &first, &admin, &err), DW_OK);
    assert_int_equal(admin, 1);

    struct renumber r = {0};
    assert_int_equal(deepwell_write_tx(f->dw, import_taken_ids, &r, &err), DW_OK);
    assert_true(r.site_added && r.user_added);
    assert_int_equal(r.site, 20);
    assert_int_equal(r.user, 2);

    /* The same id with its name in another case is the same row. */
    struct deepwell_site upper = {.id = 19, .name = "SITE-19"};
    struct keep k = {.site = &upper};
    assert_int_equal(deepwell_write_tx(f->dw, keep_site, &k, &err), DW_OK);
    assert_false(k.added);
    assert_int_equal(k.id, 19);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_second_import_keeps_every_row, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_taken_id_is_renumbered_and_a_name_matches_in_any_case,
                                        dw_fixture_setup, dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
