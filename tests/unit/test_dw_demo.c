/*
 * test_dw_demo.c - the demo deepwell matches docs/demo.md and seeding is idempotent.
 * Runs on either engine (dw_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "common/markup.h"
#include "deepwell/deepwell.h"
#include "deepwell/io/demo.h"
#include "deepwell/password.h"
#include "dw_fixture.h"

static const struct deepwell_pwhash_limits fast = {crypto_pwhash_OPSLIMIT_MIN,
                                                   crypto_pwhash_MEMLIMIT_MIN};

struct fixture {
    struct dw_fixture *fx; /* the directory or schema, removed by teardown */
    const char *path;
    struct deepwell *dw;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct deepwell_options opts = {0};
    struct deepwell_error err = {0};

    if (f == NULL || (f->fx = dw_fixture_new("test_dw_demo")) == NULL)
        return -1;
    f->path = f->fx->path;
    opts.path = f->path;
    opts.create = true;
    opts.migrate = true;
    if (deepwell_open(&opts, &f->dw, &err) != DW_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return -1;
    }
    if (deepwell_demo_seed(f->dw, &fast, &err) != DW_OK) {
        fprintf(stderr, "seed: %s (%s)\n", err.message, err.context);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    f->fx->dw = f->dw; /* closed by dw_fixture_free */
    dw_fixture_free(f->fx);
    free(f);
    return 0;
}

/* One integer from a query on a connection of the test's own. */
static int64_t count_raw(const char *path, const char *sql)
{
    if (dw_fixture_pg())
        return dw_fixture_query_int(path, sql);
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int64_t value = -1;

    assert_int_equal(dw_fixture_open_raw(path, SQLITE_OPEN_READONLY, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

static void users_match_the_table(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *name, *title, *site;
        int clearance;
    } expected[] = {
        {"cadet", "Containment Specialist", "Site-19", 1},
        {"researcher", "Researcher", "Site-19", 2},
        {"agent", "Field Agent", "Site-77", 3},
        {"officer", "Security Officer", "Site-77", 4},
        {"director", "Site Director", "Site-19", 5},
        {"o5", "O5 Council Member", "", 6},
    };
    struct deepwell_error err = {0};

    for (size_t i = 0; i < 6; i++) {
        struct deepwell_user user;
        char password[64];
        bool rehash = true;
        assert_int_equal(deepwell_user_find(f->dw, expected[i].name, 0, &user, &err), DW_OK);
        assert_int_equal(user.id, (int64_t)i + 1);
        assert_int_equal(user.clearance, expected[i].clearance);
        assert_string_equal(user.title, expected[i].title);
        assert_string_equal(user.site_name, expected[i].site);
        assert_true(user.active);
        snprintf(password, sizeof(password), "%s-pass", expected[i].name);
        assert_int_equal(deepwell_password_verify(user.password_hash, password, &fast, &rehash),
                         DW_PW_OK);
        assert_false(rehash);
        assert_int_equal(deepwell_password_verify(user.password_hash, "wrong", &fast, &rehash),
                         DW_PW_MISMATCH);
    }
}

static void sites_and_task_forces_match(void **state)
{
    struct fixture *f = *state;
    struct deepwell_error err = {0};
    struct deepwell_site site;
    struct deepwell_mtf mtf;

    assert_int_equal(deepwell_site_get(f->dw, 19, &site, &err), DW_OK);
    assert_string_equal(site.name, "Site-19");
    assert_int_equal(site.level, 3);
    assert_int_equal(site.director_id, 5);
    assert_string_equal(site.director_name, "director");
    deepwell_site_free(&site);
    assert_int_equal(deepwell_site_get(f->dw, 77, &site, &err), DW_OK);
    assert_string_equal(site.name, "Site-77");
    assert_int_equal(site.director_id, 0);
    deepwell_site_free(&site);

    assert_int_equal(deepwell_mtf_get(f->dw, 3, &mtf, &err), DW_OK);
    assert_string_equal(mtf.designation, "Epsilon-6");
    assert_string_equal(mtf.nickname, "Lamplighters");
    assert_int_equal(mtf.level, 2);
    assert_int_equal(mtf.site_id, 19);
    assert_true(mtf.active);
    deepwell_mtf_free(&mtf);
    assert_int_equal(deepwell_mtf_get(f->dw, 6, &mtf, &err), DW_OK);
    assert_string_equal(mtf.designation, "Omicron-12");
    assert_string_equal(mtf.nickname, "Quiet Harbour");
    assert_int_equal(mtf.level, 4);
    assert_int_equal(mtf.site_id, 77);
    deepwell_mtf_free(&mtf);
}

/* Passage markup parses cleanly and every passage is above its section's level. */
static void assert_markup_sound(const struct deepwell_section *s)
{
    struct markup_doc doc;

    assert_int_equal(markup_parse(s->body, strlen(s->body), &doc), 0);
    assert_int_equal(doc.malformed, 0);
    for (size_t i = 0; i < doc.count; i++)
        if (doc.segments[i].level != 0)
            assert_true(doc.segments[i].level > s->level);
    markup_free(&doc);
}

static bool has_section(const struct deepwell_scp *scp, const char *kind, int level)
{
    for (size_t i = 0; i < scp->nsections; i++)
        if (strcmp(scp->sections[i].kind, kind) == 0 && scp->sections[i].level == level)
            return true;
    return false;
}

static void files_match_the_table(void **state)
{
    struct fixture *f = *state;
    static const struct {
        int number, level;
        const char *containment, *secondary, *status;
    } expected[] = {
        {2, 2, "Euclid", NULL, "active"},        {5, 4, "Keter", NULL, "active"},
        {13, 1, "Safe", NULL, "active"},         {42, 3, "Euclid", NULL, "active"},
        {100, 5, "Keter", "Apollyon", "active"}, {217, 1, "Neutralized", NULL, "neutralized"},
    };
    struct deepwell_error err = {0};

    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        struct deepwell_scp scp;
        assert_int_equal(deepwell_scp_get(f->dw, expected[i].number, "", &scp, &err), DW_OK);
        assert_int_equal(scp.level, expected[i].level);
        assert_string_equal(scp.containment, expected[i].containment);
        if (expected[i].secondary != NULL)
            assert_string_equal(scp.secondary, expected[i].secondary);
        assert_string_equal(scp.status, expected[i].status);
        assert_non_null(scp.title);
        assert_true(has_section(&scp, "containment", scp.level));
        assert_true(has_section(&scp, "description", scp.level));
        for (size_t s = 0; s < scp.nsections; s++)
            assert_markup_sound(&scp.sections[s]);
        deepwell_scp_free(&scp);
    }
}

static void the_showcase_passages_are_there(void **state)
{
    struct fixture *f = *state;
    struct deepwell_error err = {0};
    struct deepwell_scp scp;

    assert_int_equal(deepwell_scp_get(f->dw, 2, "", &scp, &err), DW_OK);
    assert_string_equal(scp.site_name, "Site-19");
    assert_string_equal(scp.task_force_name, "Epsilon-6 \"Lamplighters\"");
    bool level4_in_description = false;
    for (size_t i = 0; i < scp.nsections; i++)
        if (strcmp(scp.sections[i].kind, "description") == 0 &&
            strstr(scp.sections[i].body, "[[LEVEL 4]]") != NULL)
            level4_in_description = true;
    assert_true(level4_in_description);
    assert_true(has_section(&scp, "addendum", 5));
    deepwell_scp_free(&scp);

    assert_int_equal(deepwell_scp_get(f->dw, 42, "", &scp, &err), DW_OK);
    assert_true(has_section(&scp, "addendum", 3));
    assert_true(has_section(&scp, "addendum", 6));
    deepwell_scp_free(&scp);

    assert_int_equal(count_raw(f->path, "SELECT count(*) FROM status_history h"
                                        " JOIN scp_files s ON s.id = h.scp_id"
                                        " WHERE s.number = 217 AND h.old_status = 'active'"
                                        " AND h.new_status = 'neutralized' AND h.reason <> ''"),
                     1);
}

static void seeding_again_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct deepwell_error err = {0};
    int64_t checked = 0, bad = 0;

    assert_int_equal(deepwell_demo_seed(f->dw, &fast, &err), DW_OK);
    assert_int_equal(deepwell_demo_seed(f->dw, NULL, &err), DW_OK);
    assert_int_equal(count_raw(f->path, "SELECT count(*) FROM users"), 6);
    assert_int_equal(count_raw(f->path, "SELECT count(*) FROM sites"), 2);
    assert_int_equal(count_raw(f->path, "SELECT count(*) FROM task_forces"), 2);
    assert_int_equal(count_raw(f->path, "SELECT count(*) FROM scp_files"), 6);
    assert_int_equal(count_raw(f->path, "SELECT count(*) FROM status_history"), 1);
    assert_int_equal(
        count_raw(f->path, "SELECT count(*) FROM audit_log WHERE action = 'demo.seed'"), 1);
    assert_int_equal(deepwell_audit_verify(f->dw, &checked, &bad, &err), DW_OK);
    assert_true(checked >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(users_match_the_table),
        cmocka_unit_test(sites_and_task_forces_match),
        cmocka_unit_test(files_match_the_table),
        cmocka_unit_test(the_showcase_passages_are_there),
        cmocka_unit_test(seeding_again_changes_nothing),
    };
    /* One seeded store for the group: seeding is the expensive part. */
    return cmocka_run_group_tests(tests, setup, teardown);
}
