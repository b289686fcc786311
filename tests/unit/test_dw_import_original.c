/*
 * test_dw_import_original.c - the original's deepwell folder as the original spells it,
 * imported into a store (SQLite, or PostgreSQL with SCIPNET_TEST_DW_ENGINE=pg): its ranked
 * ACS classes ("Level 2 - Vlam") and their descriptions, its site 0, its task forces at
 * the original's access, and a report naming what was left out (issue 19, section 2).
 * The descriptions are read back as the info op reads them (deepwell_info_get).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deepwell/io/import.h"
#include "dw_fixture.h"

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    /* Make each folder on the way. */
    for (char *p = strchr(path + strlen(dir) + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char original_sql[] =
    "CREATE TABLE clearance_levels (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO clearance_levels VALUES (1, 'Unrestricted'), (2, 'Restricted'),"
    "  (3, 'Confidential'), (4, 'Secret'), (5, 'Top Secret'), (6, 'Cosmic Top Secret');"
    "CREATE TABLE titles (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO titles VALUES (1, 'Mobile Task Force Operative');"
    "CREATE TABLE containment_classes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO containment_classes VALUES (1, 'Safe'), (2, 'Euclid'), (3, 'Keter');"
    "CREATE TABLE secondary_classes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO secondary_classes VALUES (0, 'None');"
    "CREATE TABLE disruption_classes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO disruption_classes VALUES (1, 'Level 1 - Dark'), (2, 'Level 2 - Vlam'),"
    "  (3, 'Level 3 - Keneq'), (4, 'Level 4 - Ekhi'), (5, 'Level 5 - Amida');"
    "CREATE TABLE risk_classes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO risk_classes VALUES (1, 'Level 1 - Notice'), (2, 'Level 2 - Caution'),"
    "  (3, 'Level 3 - Warning'), (4, 'Level 4 - Danger'), (5, 'Level 5 - Critical');"
    "CREATE TABLE sites (id INTEGER PRIMARY KEY, name TEXT NOT NULL, director INTEGER);"
    "INSERT INTO sites VALUES (0, 'NULL-Site-0', NULL), (19, 'Site-19', NULL);"
    "CREATE TABLE mtfs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, nickname TEXT NOT NULL,"
    "  leader INTEGER, active BOOLEAN);"
    "INSERT INTO mtfs VALUES (6, 'Epsilon-6', 'Village Idiots', 1, 1);"
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, password TEXT NOT NULL,"
    "  clearance_level_id INTEGER NOT NULL, title_id INTEGER NOT NULL, site_id INTEGER NOT NULL,"
    "  mtf_id INTEGER, override_phrase TEXT);"
    "INSERT INTO users VALUES (1, 'operative', 'plain', 1, 1, 0, 6, 'open sesame');"
    "CREATE TABLE scps (id INTEGER PRIMARY KEY, classification_level_id INTEGER NOT NULL,"
    "  containment_class_id INTEGER NOT NULL, secondary_class_id INTEGER,"
    "  disruption_class_id INTEGER, risk_class_id INTEGER, site_responsible_id INTEGER NOT NULL,"
    "  assigned_task_force_id INTEGER, status TEXT);"
    "INSERT INTO scps VALUES (49, 3, 2, 0, 2, 5, 0, 6, 'active');";

/* The folder: SCiPNET.db, descs/, sites/0, mtfs/6, scps/49 and creation_guides/. */
static void make_original(const char *dir)
{
    char db_path[1024];
    snprintf(db_path, sizeof(db_path), "%s/SCiPNET.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, original_sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    write_file(dir, "descs/disruption_classes/2.md", "Vlam: noticeable.\n");
    write_file(dir, "descs/risk_classes/5.md", "Critical: act now.\n");
    write_file(dir, "descs/containment_classes/3.md", "Keter: hard.\n");
    write_file(dir, "sites/0/desc.md", "Nowhere in particular.\n");
    write_file(dir, "mtfs/6/mission.md", "Walk into it.\n");
    write_file(dir, "scps/49/cps.md", "Keep it in.\n");
    write_file(dir, "scps/49/descs/main.md", "The Plague Doctor.\n");
    write_file(dir, "creation_guides/clearance_lvl_guide.md", "How to pick a level.\n");
    write_file(dir, "deepwell_plan.sql", "-- a plan\n");
}

static bool has_note(const struct deepwell_import_report *r, const char *text)
{
    for (size_t i = 0; i < r->nnotes; i++)
        if (strstr(r->notes[i], text) != NULL)
            return true;
    return false;
}

static void import_original(struct dw_fixture *f, struct deepwell_import_report *report)
{
    char src[128];
    snprintf(src, sizeof(src), "%s/original", f->dir);
    if (mkdir(src, 0755) == 0) /* made once: a second run imports the same folder */
        make_original(src);
    struct deepwell_import *imp;
    struct deepwell_error err;
    assert_int_equal(deepwell_import_load(src, &imp, &err), DW_OK);
    enum deepwell_code rc = deepwell_import_apply(f->dw, imp, report, &err);
    deepwell_import_free(imp);
    assert_int_equal(rc, DW_OK);
}

static void ranked_classes_and_their_descriptions_are_kept(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_import_report r;
    import_original(f, &r);
    assert_int_equal(r.descriptions.added, 3);
    assert_int_equal(r.descriptions.refused, 0);
    assert_false(has_note(&r, "unknown disruption"));
    assert_false(has_note(&r, "unknown risk"));
    assert_false(has_note(&r, "unknown secondary")); /* (0, 'None') is no class */

    struct deepwell_scp scp;
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_get(f->dw, 49, "", &scp, &err), DW_OK);
    assert_string_equal(scp.disruption, "Vlam");
    assert_string_equal(scp.risk, "Critical");
    assert_null(scp.secondary);
    assert_int_equal(scp.nsections, 2);
    assert_string_equal(scp.sections[1].kind, "description");
    assert_string_equal(scp.sections[1].body, "The Plague Doctor.\n");
    deepwell_scp_free(&scp);

    struct deepwell_info info;
    assert_int_equal(deepwell_info_get(f->dw, DW_INFO_DISRUPTION, 2, &info, &err), DW_OK);
    assert_string_equal(info.name, "Vlam");
    assert_string_equal(info.colour, "#0087BD");
    assert_string_equal(info.description, "Vlam: noticeable.\n");
    deepwell_info_free(&info);
    assert_int_equal(deepwell_info_get(f->dw, DW_INFO_RISK, 5, &info, &err), DW_OK);
    assert_string_equal(info.description, "Critical: act now.\n");
    deepwell_info_free(&info);
    assert_int_equal(deepwell_info_get(f->dw, DW_INFO_LEVEL, 4, &info, &err), DW_OK);
    assert_string_equal(info.name, "Level 4 - Secret");
    assert_string_equal(info.description, "");
    deepwell_info_free(&info);
    assert_int_equal(deepwell_info_get(f->dw, DW_INFO_CONTAINMENT, 99, &info, &err), DW_NOT_FOUND);
    deepwell_import_report_free(&r);
}

static void site_zero_and_task_forces_keep_their_people(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_import_report r;
    import_original(f, &r);
    assert_int_equal(r.sites.added, 2);
    assert_true(has_note(&r, "renumbered: sites row 0: 'NULL-Site-0' is SITE-"));

    /* SCP-049 and the operative were at site 0: they are at its new site. */
    struct deepwell_scp scp;
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_get(f->dw, 49, "", &scp, &err), DW_OK);
    int64_t site0 = scp.site_id;
    assert_true(site0 > 0 && site0 != 19);
    assert_int_equal(scp.task_force_id, 6);
    deepwell_scp_free(&scp);
    struct deepwell_site site;
    assert_int_equal(deepwell_site_get(f->dw, site0, &site, &err), DW_OK);
    assert_string_equal(site.name, "NULL-Site-0");
    assert_string_equal(site.description, "Nowhere in particular.\n");
    deepwell_site_free(&site);

    /* The task force: level 1, as every user could open it; its leader kept. */
    struct deepwell_mtf mtf;
    assert_int_equal(deepwell_mtf_get(f->dw, 6, &mtf, &err), DW_OK);
    assert_int_equal(mtf.level, 1);
    assert_int_equal(mtf.leader_id, 1);
    deepwell_mtf_free(&mtf);
    struct deepwell_user u;
    assert_int_equal(deepwell_user_find(f->dw, "operative", 0, &u, &err), DW_OK);
    assert_int_equal(u.site_id, site0);
    assert_int_equal(u.task_force_id, 6);

    /* A second run adds nothing, site 0 included. */
    struct deepwell_import_report again;
    import_original(f, &again);
    assert_int_equal(again.sites.added, 0);
    assert_int_equal(again.sites.existing, 2);
    deepwell_import_report_free(&again);
    deepwell_import_report_free(&r);
}

static void the_report_names_what_it_left_out(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_import_report r;
    import_original(f, &r);
    assert_true(has_note(&r, "skipped: creation_guides/: the original's authoring guides"));
    assert_true(has_note(&r, "skipped: deepwell_plan.sql: not part of the layout"));
    assert_true(has_note(&r, "skipped: users row 1: override phrase not imported"));
    for (size_t i = 0; i < r.nnotes; i++) {
        assert_null(strstr(r.notes[i], "open sesame")); /* never the phrase itself */
        assert_null(strstr(r.notes[i], "skipped: SCiPNET.db"));
        assert_null(strstr(r.notes[i], "skipped: descs"));
    }
    deepwell_import_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ranked_classes_and_their_descriptions_are_kept,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(site_zero_and_task_forces_keep_their_people,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(the_report_names_what_it_left_out, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
