/* test_dw_files.c - SCP files, sites, task forces, status changes, lists and maintenance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dw_fixture.h"

static void add_site(struct deepwell *dw, int64_t id, const char *name, int level)
{
    struct deepwell_site site = {
        .id = id, .name = (char *)name, .level = level, .location = "[REDACTED], Nevada"};
    int64_t got = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_site_create(dw, &site, &got, &err), DW_OK);
    assert_int_equal(got, id);
}

static void add_mtf(struct deepwell *dw, int64_t id, const char *designation, const char *nickname,
                    int level, int64_t site_id)
{
    struct deepwell_mtf mtf = {.id = id,
                               .designation = (char *)designation,
                               .nickname = (char *)nickname,
                               .level = level,
                               .site_id = site_id,
                               .mission = "Light the way.",
                               .active = true};
    int64_t got = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_mtf_create(dw, &mtf, &got, &err), DW_OK);
    assert_int_equal(got, id);
}

static void add_scp(struct deepwell *dw, int number, const char *title, int level,
                    const char *containment)
{
    struct deepwell_scp scp = {.number = number,
                               .title = (char *)title,
                               .level = level,
                               .containment = (char *)containment};
    struct deepwell_error err;
    enum deepwell_code code = deepwell_scp_create(dw, &scp, NULL, &err);
    if (code != DW_OK)
        fprintf(stderr, "scp_create: %s\n", err.message);
    assert_int_equal(code, DW_OK);
}

static void scp_round_trip_with_sections_in_order(void **state)
{
    struct dw_fixture *f = *state;
    add_site(f->dw, 19, "Site-19", 3);
    add_mtf(f->dw, 3, "Epsilon-6", "Lamplighters", 2, 19);

    struct deepwell_section sections[] = {
        {.kind = "addendum", .title = "Addendum 002-1", .position = 3, .level = 5, .body = "Late."},
        {.kind = "containment",
         .title = "Special Containment Procedures",
         .position = 1,
         .level = 2,
         .body = "Keep the door shut."},
        {.kind = "description",
         .title = "Description",
         .position = 2,
         .level = 2,
         .body = "A room. [[level 4]]More.[[/level]]"},
    };
    struct deepwell_scp scp = {.number = 2,
                               .title = "The \"Living\" Room",
                               .level = 2,
                               .containment = "euclid",
                               .secondary = NULL,
                               .disruption = "Keneq",
                               .risk = "Warning",
                               .site_id = 19,
                               .task_force_id = 3,
                               .nsections = 3,
                               .sections = sections};
    int64_t id = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_create(f->dw, &scp, &id, &err), DW_OK);
    assert_true(id > 0);

    struct deepwell_scp got;
    assert_int_equal(deepwell_scp_get(f->dw, 2, "", &got, &err), DW_OK);
    assert_int_equal(got.id, id);
    assert_int_equal(got.number, 2);
    assert_string_equal(got.title, "The \"Living\" Room");
    assert_int_equal(got.level, 2);
    assert_string_equal(got.containment, "Euclid");
    assert_null(got.secondary);
    assert_string_equal(got.disruption, "Keneq");
    assert_string_equal(got.risk, "Warning");
    assert_string_equal(got.status, "active");
    assert_int_equal(got.site_id, 19);
    assert_string_equal(got.site_name, "Site-19");
    assert_int_equal(got.task_force_id, 3);
    assert_string_equal(got.task_force_name, "Epsilon-6 \"Lamplighters\"");
    assert_int_equal(got.task_force_level, 2); /* read with the file: no second statement */
    assert_int_equal(got.nsections, 3);
    assert_string_equal(got.sections[0].kind, "containment");
    assert_string_equal(got.sections[1].kind, "description");
    assert_string_equal(got.sections[1].body, "A room. [[level 4]]More.[[/level]]");
    assert_string_equal(got.sections[2].title, "Addendum 002-1");
    assert_int_equal(got.sections[2].level, 5);
    assert_int_equal(got.sections[2].position, 3);
    deepwell_scp_free(&got);
    assert_null(got.title);

    assert_int_equal(deepwell_scp_get(f->dw, 404, "", &got, &err), DW_NOT_FOUND);
    assert_string_equal(err.message, "no such file: SCP-404");
}

static void bad_scps_are_refused(void **state)
{
    struct dw_fixture *f = *state;
    add_scp(f->dw, 13, "Blue Lady Cigarettes", 1, "Safe");
    struct deepwell_scp scp = {.number = 13, .title = "Again", .level = 1, .containment = "Safe"};
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_CONFLICT);
    assert_string_equal(err.message, "SCP-013 already exists");

    scp.number = 14;
    scp.containment = "Harmless";
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_INVALID);
    assert_string_equal(err.message, "unknown containment class 'Harmless'");
    assert_false(err.from_engine); /* deepwell's own reason: a client may read it */
    scp.containment = "Safe";
    scp.risk = "Apocalyptic";
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_INVALID);
    assert_string_equal(err.message, "unknown risk class 'Apocalyptic'");
    scp.risk = NULL;
    scp.level = 7;
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_INVALID);
    assert_string_equal(err.message, "classification must be a level from 1 to 6, not 7");
    assert_false(err.from_engine);
    scp.level = 1;
    scp.site_id = 19;
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_INVALID);
    assert_string_equal(err.message, "no such site: SITE-19");
    scp.site_id = 0;
    scp.status = "misplaced";
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_INVALID);
    scp.status = NULL;
    struct deepwell_section bad[] = {{.kind = "location", .title = "x", .level = 1, .body = "y"}};
    scp.sections = bad;
    scp.nsections = 1;
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_INVALID);
    struct deepwell_section clash[] = {
        {.kind = "description", .title = "a", .position = 1, .level = 1, .body = "a"},
        {.kind = "addendum", .title = "b", .position = 1, .level = 1, .body = "b"},
    };
    scp.sections = clash;
    scp.nsections = 2;
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_INVALID);
    assert_string_equal(err.message, "two sections at position 1");

    /* The refused file left nothing behind, not even its first section. */
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM scp_files"), 1);
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM sections"), 0);
}

static void sites_and_task_forces_keep_their_ids(void **state)
{
    struct dw_fixture *f = *state;
    add_site(f->dw, 19, "Site-19", 3);
    add_site(f->dw, 77, "Site-77", 3);
    add_mtf(f->dw, 6, "Omicron-12", "Quiet Harbour", 4, 77);

    struct deepwell_site site;
    struct deepwell_error err;
    assert_int_equal(deepwell_site_get(f->dw, 77, &site, &err), DW_OK);
    assert_string_equal(site.name, "Site-77");
    assert_string_equal(site.location, "[REDACTED], Nevada");
    assert_string_equal(site.description, "");
    assert_null(site.director_name);
    assert_int_equal(site.level, 3);
    deepwell_site_free(&site);

    struct deepwell_mtf mtf;
    assert_int_equal(deepwell_mtf_get(f->dw, 6, &mtf, &err), DW_OK);
    assert_string_equal(mtf.designation, "Omicron-12");
    assert_string_equal(mtf.nickname, "Quiet Harbour");
    assert_int_equal(mtf.level, 4);
    assert_int_equal(mtf.site_id, 77);
    assert_string_equal(mtf.site_name, "Site-77");
    assert_true(mtf.active);
    deepwell_mtf_free(&mtf);

    /* Without an id the next free one is taken; a level left 0 gets the default. */
    struct deepwell_site fresh = {.name = "Area-12"};
    int64_t id = 0;
    assert_int_equal(deepwell_site_create(f->dw, &fresh, &id, &err), DW_OK);
    assert_int_equal(id, 78);
    assert_int_equal(deepwell_site_get(f->dw, 78, &site, &err), DW_OK);
    assert_int_equal(site.level, 3);
    deepwell_site_free(&site);

    struct deepwell_site dup_id = {.id = 19, .name = "Site-19b"};
    assert_int_equal(deepwell_site_create(f->dw, &dup_id, NULL, &err), DW_CONFLICT);
    assert_string_equal(err.message, "SITE-19 already exists");
    struct deepwell_site dup_name = {.name = "SITE-19"};
    assert_int_equal(deepwell_site_create(f->dw, &dup_name, NULL, &err), DW_CONFLICT);
    assert_string_equal(err.message, "site name 'SITE-19' is already taken");
    struct deepwell_site bad_director = {.name = "Site-99", .director_id = 5};
    assert_int_equal(deepwell_site_create(f->dw, &bad_director, NULL, &err), DW_INVALID);
    struct deepwell_mtf dup_mtf = {.designation = "omicron-12"};
    assert_int_equal(deepwell_mtf_create(f->dw, &dup_mtf, NULL, &err), DW_CONFLICT);
    struct deepwell_mtf bad_level = {.designation = "Nu-7", .level = 9};
    assert_int_equal(deepwell_mtf_create(f->dw, &bad_level, NULL, &err), DW_INVALID);

    assert_int_equal(deepwell_site_get(f->dw, 5, &site, &err), DW_NOT_FOUND);
    assert_int_equal(deepwell_mtf_get(f->dw, 5, &mtf, &err), DW_NOT_FOUND);
    assert_string_equal(err.message, "no such file: MTF-5");
}

static int64_t revision_of(struct deepwell *dw, int number)
{
    struct deepwell_scp head;
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_get_head(dw, number, "", &head, &err), DW_OK);
    assert_int_equal(head.nsections, 0);
    int64_t revision = head.revision;
    deepwell_scp_free(&head);
    return revision;
}

static void every_change_gives_a_file_a_new_revision(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_section sections[] = {
        {.kind = "containment",
         .title = "Special Containment Procedures",
         .level = 1,
         .body = "Keep it closed."},
        {.kind = "description", .title = "Description", .level = 2, .body = "A box."},
    };
    struct deepwell_scp scp = {.number = 301,
                               .title = "The Box",
                               .level = 1,
                               .containment = "Safe",
                               .nsections = 2,
                               .sections = sections};
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_OK);
    add_scp(f->dw, 302, "The Other Box", 1, "Safe");
    int64_t first = revision_of(f->dw, 301), other = revision_of(f->dw, 302);
    assert_true(first > 0);
    assert_true(other != first);

    /* Reading changes nothing. */
    struct deepwell_scp whole;
    assert_int_equal(deepwell_scp_get(f->dw, 301, "", &whole, &err), DW_OK);
    assert_int_equal(whole.revision, first);
    assert_int_equal(whole.nsections, 2);
    deepwell_scp_free(&whole);
    assert_int_equal(revision_of(f->dw, 301), first);

    /* The file's row, then each kind of change to its sections, by any writer. */
    int64_t seen = first;
    assert_int_equal(deepwell_scp_set_status(f->dw, 301, "", "neutralized", 0, NULL, NULL, &err),
                     DW_OK);
    const char *edits[] = {
        "UPDATE sections SET body = 'An open box.' WHERE position = 2 AND scp_id ="
        " (SELECT id FROM scp_files WHERE number = 301)",
        "INSERT INTO sections (scp_id, kind, title, position, clearance_level, body)"
        " SELECT id, 'addendum', 'Addendum 301-1', 3, 3, 'It was empty.' FROM scp_files"
        " WHERE number = 301",
        "DELETE FROM sections WHERE position = 3 AND scp_id ="
        " (SELECT id FROM scp_files WHERE number = 301)",
    };
    for (size_t i = 0; i <= sizeof(edits) / sizeof(edits[0]); i++) {
        if (i > 0)
            assert_int_equal(dw_fixture_exec(f->path, edits[i - 1]), 0);
        int64_t now = revision_of(f->dw, 301);
        assert_true(now > seen);
        seen = now;
    }
    /* Other files keep theirs. */
    assert_int_equal(revision_of(f->dw, 302), other);

    /* A file made again under the same number never repeats an old revision. */
    assert_int_equal(dw_fixture_exec(f->path, "DELETE FROM scp_files WHERE number = 302"), 0);
    add_scp(f->dw, 302, "The Other Box", 1, "Safe");
    assert_true(revision_of(f->dw, 302) > seen);
}

static void status_changes_are_recorded(void **state)
{
    struct dw_fixture *f = *state;
    add_scp(f->dw, 217, "The Clockwork Virus", 1, "Keter");
    struct deepwell_user_new user = {.name = "director",
                                     .password_hash = "h",
                                     .clearance = 5,
                                     .title = "Site Director",
                                     .active = true};
    int64_t director = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_user_add(f->dw, &user, &director, &err), DW_OK);

    char old[16] = "";
    assert_int_equal(
        deepwell_scp_set_status(f->dw, 217, "", "neutralized", director, "Burned out.", old, &err),
        DW_OK);
    assert_string_equal(old, "active");
    struct deepwell_scp scp;
    assert_int_equal(deepwell_scp_get(f->dw, 217, "", &scp, &err), DW_OK);
    assert_string_equal(scp.status, "neutralized");
    deepwell_scp_free(&scp);
    assert_int_equal(dw_fixture_query_int(f->path,
                                          "SELECT count(*) FROM status_history WHERE"
                                          " old_status = 'active' AND new_status = 'neutralized'"
                                          " AND reason = 'Burned out.' AND user_id IS NOT NULL"),
                     1);

    assert_int_equal(
        deepwell_scp_set_status(f->dw, 217, "", "neutralized", director, NULL, old, &err),
        DW_CONFLICT);
    assert_string_equal(err.message, "SCP-217 is already neutralized");
    assert_int_equal(deepwell_scp_set_status(f->dw, 217, "", "lost", director, NULL, old, &err),
                     DW_INVALID);
    assert_int_equal(deepwell_scp_set_status(f->dw, 404, "", "deleted", director, NULL, NULL, &err),
                     DW_NOT_FOUND);
    /* No user (0) is allowed: the admin command acts as nobody in particular. */
    assert_int_equal(deepwell_scp_set_status(f->dw, 217, "", "active", 0, NULL, NULL, &err), DW_OK);
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM status_history"), 2);
}

static struct deepwell_list list_scps(struct deepwell *dw, const char *query, int max_level,
                                      int offset, int limit)
{
    struct deepwell_list_query q = {.kind = DW_KIND_SCP,
                                    .query = query,
                                    .title_max_level = max_level,
                                    .offset = offset,
                                    .limit = limit};
    struct deepwell_list list;
    struct deepwell_error err;
    assert_int_equal(deepwell_list(dw, &q, &list, &err), DW_OK);
    return list;
}

static void scp_list_pages_and_never_matches_hidden_titles(void **state)
{
    struct dw_fixture *f = *state;
    add_scp(f->dw, 13, "Blue Lady Cigarettes", 1, "Safe");
    add_scp(f->dw, 2, "The Living Room", 2, "Euclid");
    add_scp(f->dw, 5, "Skeleton Key", 4, "Keter");
    add_scp(f->dw, 100, "Jacob's Ladder", 5, "Keter");
    add_scp(f->dw, 50, "To The Cleverest: 50% off", 1, "Euclid");

    struct deepwell_list list = list_scps(f->dw, NULL, 6, 0, 2);
    assert_int_equal(list.total, 5);
    assert_int_equal(list.count, 2);
    assert_int_equal(list.items[0].id, 2);
    assert_string_equal(list.items[0].title, "The Living Room");
    assert_string_equal(list.items[0].extra, "Euclid");
    assert_string_equal(list.items[0].status, "active");
    assert_int_equal(list.items[0].level, 2);
    assert_int_equal(list.items[1].id, 5);
    deepwell_list_free(&list);
    list = list_scps(f->dw, NULL, 6, 4, 2);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].id, 100);
    deepwell_list_free(&list);
    list = list_scps(f->dw, NULL, 1, 10, 0); /* past the end */
    assert_int_equal(list.total, 5);
    assert_int_equal(list.count, 0);
    deepwell_list_free(&list);

    /* A level-3 reader searching "key" or "ladder" learns nothing... */
    list = list_scps(f->dw, "key", 3, 0, 50);
    assert_int_equal(list.total, 0);
    deepwell_list_free(&list);
    list = list_scps(f->dw, "LADDER", 4, 0, 50);
    assert_int_equal(list.total, 0);
    deepwell_list_free(&list);
    /* ...a level-5 reader finds it, case-insensitively. */
    list = list_scps(f->dw, "LADDER", 5, 0, 50);
    assert_int_equal(list.total, 1);
    assert_int_equal(list.items[0].id, 100);
    deepwell_list_free(&list);
    /* The number always matches, as "5", "005" or "SCP-005". */
    list = list_scps(f->dw, "005", 1, 0, 50);
    assert_int_equal(list.total, 1);
    assert_int_equal(list.items[0].id, 5);
    deepwell_list_free(&list);
    list = list_scps(f->dw, "scp-5", 1, 0, 50);
    assert_int_equal(list.total, 1);
    deepwell_list_free(&list);
    /* LIKE wildcards in the query are literal characters. */
    list = list_scps(f->dw, "50%", 6, 0, 50);
    assert_int_equal(list.total, 1);
    assert_int_equal(list.items[0].id, 50);
    deepwell_list_free(&list);
    list = list_scps(f->dw, "_", 6, 0, 50);
    assert_int_equal(list.total, 0);
    deepwell_list_free(&list);

    struct deepwell_list_query q = {.kind = DW_KIND_SCP, .offset = -1};
    struct deepwell_error err;
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_INVALID);
}

static void site_names_are_always_searchable_and_mtfs_are_not(void **state)
{
    struct dw_fixture *f = *state;
    add_site(f->dw, 19, "Site-19", 3);
    add_site(f->dw, 77, "Site-77", 5);
    add_mtf(f->dw, 3, "Epsilon-6", "Lamplighters", 2, 19);
    add_mtf(f->dw, 6, "Omicron-12", "Quiet Harbour", 4, 77);

    struct deepwell_list_query q = {
        .kind = DW_KIND_SITE, .query = "77", .title_max_level = 1, .limit = 50};
    struct deepwell_list list;
    struct deepwell_error err;
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 1); /* the name "Site-77" and the id both match */
    assert_string_equal(list.items[0].title, "Site-77");
    assert_string_equal(list.items[0].extra, "[REDACTED], Nevada");
    assert_int_equal(list.items[0].site_id, 77);
    deepwell_list_free(&list);
    q.query = "site";
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 2);
    deepwell_list_free(&list);

    q = (struct deepwell_list_query){
        .kind = DW_KIND_MTF, .query = "harbour", .title_max_level = 3, .limit = 50};
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 0);
    deepwell_list_free(&list);
    q.title_max_level = 4;
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 1);
    assert_string_equal(list.items[0].title, "Omicron-12 \"Quiet Harbour\"");
    assert_string_equal(list.items[0].extra, "1");
    assert_int_equal(list.items[0].site_id, 77);
    deepwell_list_free(&list);
    q.query = NULL;
    q.title_max_level = 1;
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 2);
    deepwell_list_free(&list);
}

/* SCP files in a backup: an SQLite copy is queried; a pg_dump archive is only recognised. */
static int64_t scps_in_backup(const char *path)
{
    if (!dw_fixture_pg())
        return dw_fixture_query_int(path, "SELECT count(*) FROM scp_files");
    char magic[6] = {0};
    FILE *fp = fopen(path, "rb");
    size_t n = fp != NULL ? fread(magic, 1, 5, fp) : 0;
    if (fp != NULL)
        fclose(fp);
    return n == 5 && strcmp(magic, "PGDMP") == 0 ? -2 : -1;
}

static void backup_check_ping_and_stats(void **state)
{
    struct dw_fixture *f = *state;
    add_site(f->dw, 19, "Site-19", 3);
    add_scp(f->dw, 13, "Blue Lady Cigarettes", 1, "Safe");
    struct deepwell_error err;
    assert_int_equal(deepwell_ping(f->dw, &err), DW_OK);

    struct deepwell_check_report report;
    assert_int_equal(deepwell_check(f->dw, &report, &err), DW_OK);
    assert_true(report.integrity_ok);
    assert_string_equal(report.integrity_message, "ok");
    assert_int_equal(report.schema_version, deepwell_schema_latest());
    assert_int_equal(report.scps, 1);
    assert_int_equal(report.sites, 1);
    assert_int_equal(report.users, 0);
    assert_int_equal(report.sections, 0);

    char backup[256];
    snprintf(backup, sizeof(backup), "%s/copy.db", f->dir);
    assert_int_equal(deepwell_backup(f->dw, backup, &err), DW_OK);
    assert_int_equal(scps_in_backup(backup), dw_fixture_pg() ? -2 : 1);
    /* Backing up again replaces the copy. */
    add_scp(f->dw, 2, "The Living Room", 2, "Euclid");
    assert_int_equal(deepwell_backup(f->dw, backup, &err), DW_OK);
    assert_int_equal(scps_in_backup(backup), dw_fixture_pg() ? -2 : 2);
    assert_int_equal(deepwell_backup(f->dw, f->path, &err), DW_INVALID);
    snprintf(backup, sizeof(backup), "%s/no/such/dir/copy.db", f->dir);
    assert_int_equal(deepwell_backup(f->dw, backup, &err), DW_IO);

    struct deepwell_pool_stats stats;
    deepwell_pool_stats(f->dw, &stats);
    assert_int_equal(stats.size, 3);
    assert_int_equal(stats.in_use, 0);
    assert_true(stats.checkouts > 5);
    assert_int_equal(stats.timeouts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(scp_round_trip_with_sections_in_order, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(bad_scps_are_refused, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(sites_and_task_forces_keep_their_ids, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(status_changes_are_recorded, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(scp_list_pages_and_never_matches_hidden_titles,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(site_names_are_always_searchable_and_mtfs_are_not,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(every_change_gives_a_file_a_new_revision, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(backup_check_ping_and_stats, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
