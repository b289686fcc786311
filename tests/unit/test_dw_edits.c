/* test_dw_edits.c - editing SCP files against a base revision, and the file's history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dw_fixture.h"

static int64_t add_user(struct deepwell *dw, const char *name, int clearance)
{
    struct deepwell_user_new user = {.name = name,
                                     .password_hash = "h",
                                     .clearance = clearance,
                                     .title = "Researcher",
                                     .active = true};
    int64_t id = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_user_add(dw, &user, &id, &err), DW_OK);
    return id;
}

static int64_t add_file(struct deepwell *dw)
{
    struct deepwell_section sections[] = {
        {.kind = "containment", .title = "Containment", .level = 2, .body = "Keep it shut."},
        {.kind = "description", .title = "Description", .level = 4, .body = "A room."},
    };
    struct deepwell_scp scp = {.number = 2,
                               .title = "The Living Room",
                               .level = 2,
                               .containment = "Euclid",
                               .nsections = 2,
                               .sections = sections};
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_create(dw, &scp, NULL, &err), DW_OK);
    struct deepwell_scp got;
    assert_int_equal(deepwell_scp_get_head(dw, 2, "", &got, &err), DW_OK);
    int64_t revision = got.revision;
    deepwell_scp_free(&got);
    return revision;
}

static void an_edit_is_a_new_revision_and_a_stale_one_conflicts(void **state)
{
    struct dw_fixture *f = *state;
    int64_t editor = add_user(f->dw, "editor", 4);
    int64_t base = add_file(f->dw);

    struct deepwell_scp_edit e = {.number = 2,
                                  .base_revision = base,
                                  .user_id = editor,
                                  .reason = "clearer",
                                  .kind = DW_EDIT_SECTION,
                                  .section = 1,
                                  .body = "Keep it shut. Always.",
                                  .change_level = 2,
                                  .summary = "section 1"};
    int64_t revision = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_edit(f->dw, &e, &revision, &err), DW_OK);
    assert_true(revision > base);

    struct deepwell_scp got;
    assert_int_equal(deepwell_scp_get(f->dw, 2, "", &got, &err), DW_OK);
    assert_int_equal(got.revision, revision);
    assert_string_equal(got.sections[0].body, "Keep it shut. Always.");
    assert_string_equal(got.sections[1].body, "A room.");
    deepwell_scp_free(&got);

    /* A second editor who read the same revision: refused, nothing written. */
    e.body = "Open it.";
    assert_int_equal(deepwell_scp_edit(f->dw, &e, NULL, &err), DW_CONFLICT);
    assert_non_null(strstr(err.message, "SCP-002 changed since revision"));
    assert_int_equal(deepwell_scp_get(f->dw, 2, "", &got, &err), DW_OK);
    assert_string_equal(got.sections[0].body, "Keep it shut. Always.");
    deepwell_scp_free(&got);

    /* Fields and an addendum, each on the revision before it. */
    struct deepwell_scp_edit fields = {.number = 2,
                                       .base_revision = revision,
                                       .user_id = editor,
                                       .reason = "reclassified",
                                       .kind = DW_EDIT_FIELDS,
                                       .title = "The Dead Room",
                                       .containment = "Keter",
                                       .change_level = 2,
                                       .summary = "title, containment"};
    assert_int_equal(deepwell_scp_edit(f->dw, &fields, &revision, &err), DW_OK);
    struct deepwell_scp_edit addendum = {.number = 2,
                                         .base_revision = revision,
                                         .user_id = editor,
                                         .reason = "incident",
                                         .kind = DW_EDIT_ADDENDUM,
                                         .title = "Addendum 002-1",
                                         .level = 4,
                                         .body = "It moved.",
                                         .change_level = 4,
                                         .summary = "addendum 3"};
    assert_int_equal(deepwell_scp_edit(f->dw, &addendum, &revision, &err), DW_OK);
    assert_int_equal(deepwell_scp_get(f->dw, 2, "", &got, &err), DW_OK);
    assert_string_equal(got.title, "The Dead Room");
    assert_string_equal(got.containment, "Keter");
    assert_int_equal(got.nsections, 3);
    assert_string_equal(got.sections[2].kind, "addendum");
    assert_int_equal(got.sections[2].position, 3);
    assert_int_equal(got.sections[2].level, 4);
    deepwell_scp_free(&got);

    /* The search index follows the text. */
    assert_int_equal(
        dw_fixture_query_int(f->path, "SELECT count(*) FROM search_docs WHERE body LIKE '%moved%'"),
        1);

    /* No such section, no such file. */
    e.base_revision = revision;
    e.section = 9;
    assert_int_equal(deepwell_scp_edit(f->dw, &e, NULL, &err), DW_INVALID);
    e.number = 404;
    assert_int_equal(deepwell_scp_edit(f->dw, &e, NULL, &err), DW_NOT_FOUND);
}

static void history_lists_edits_by_level_and_status_changes(void **state)
{
    struct dw_fixture *f = *state;
    int64_t editor = add_user(f->dw, "editor", 4);
    int64_t revision = add_file(f->dw);
    struct deepwell_error err;
    for (int i = 0; i < 3; i++) {
        struct deepwell_scp_edit e = {.number = 2,
                                      .base_revision = revision,
                                      .user_id = editor,
                                      .reason = i == 1 ? "secret" : "open",
                                      .kind = DW_EDIT_SECTION,
                                      .section = i == 1 ? 2 : 1,
                                      .body = i == 1 ? "A room, larger." : "Keep it shut!",
                                      .change_level = i == 1 ? 4 : 2,
                                      .summary = i == 1 ? "section 2" : "section 1"};
        assert_int_equal(deepwell_scp_edit(f->dw, &e, &revision, &err), DW_OK);
    }
    char old[16];
    assert_int_equal(
        deepwell_scp_set_status(f->dw, 2, "", "neutralized", editor, "gone", old, &err), DW_OK);

    struct deepwell_file_history h;
    assert_int_equal(deepwell_scp_history(f->dw, 2, "", 2, 10, &h, &err), DW_OK);
    assert_int_equal(h.nedits, 2); /* the level-4 edit is left out */
    assert_false(h.more_edits);
    assert_string_equal(h.edits[0].summary, "section 1");
    assert_string_equal(h.edits[0].user_name, "editor");
    assert_int_equal(h.edits[0].user_clearance, 4);
    assert_string_equal(h.edits[0].reason, "open");
    assert_true(h.edits[0].revision > h.edits[1].revision);
    assert_int_equal(h.nstatuses, 1);
    assert_string_equal(h.statuses[0].old_status, "active");
    assert_string_equal(h.statuses[0].new_status, "neutralized");
    assert_string_equal(h.statuses[0].reason, "gone");
    assert_true(h.revision > revision); /* the status change made one too */
    deepwell_file_history_free(&h);

    /* The page cap: the newest only, and a flag that there is more. */
    assert_int_equal(deepwell_scp_history(f->dw, 2, "", 6, 2, &h, &err), DW_OK);
    assert_int_equal(h.nedits, 2);
    assert_true(h.more_edits);
    assert_string_equal(h.edits[1].summary, "section 2");
    deepwell_file_history_free(&h);

    assert_int_equal(deepwell_scp_history(f->dw, 404, "", 6, 2, &h, &err), DW_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_edit_is_a_new_revision_and_a_stale_one_conflicts,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(history_lists_edits_by_level_and_status_changes,
                                        dw_fixture_setup, dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
