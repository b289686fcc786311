/*
 * test_dw_suffix.c - suffixed designations in the store: SCP-049 and SCP-049-ARC are
 * two files for every read, write, status change, list and search.  Either engine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dw_fixture.h"

static void add(struct deepwell *dw, int number, const char *suffix, const char *title,
                const char *body)
{
    struct deepwell_section section = {
        .kind = "description", .title = "Description", .level = 2, .body = (char *)body};
    struct deepwell_scp scp = {.number = number,
                               .title = (char *)title,
                               .level = 2,
                               .containment = "Euclid",
                               .nsections = 1,
                               .sections = &section};
    snprintf(scp.suffix, sizeof(scp.suffix), "%s", suffix);
    struct deepwell_error err;
    enum deepwell_code code = deepwell_scp_create(dw, &scp, NULL, &err);
    if (code != DW_OK)
        fprintf(stderr, "scp_create: %s\n", err.message);
    assert_int_equal(code, DW_OK);
}

static void read_body(struct deepwell *dw, int number, const char *suffix, const char *body)
{
    struct deepwell_scp got;
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_get(dw, number, suffix, &got, &err), DW_OK);
    assert_int_equal(got.number, number);
    assert_string_equal(got.suffix, suffix);
    assert_int_equal(got.nsections, 1);
    assert_string_equal(got.sections[0].body, body);
    deepwell_scp_free(&got);
}

static void suffixed_files_are_files_of_their_own(void **state)
{
    struct dw_fixture *f = *state;
    add(f->dw, 49, "", "Plague Doctor", "The doctor.");
    add(f->dw, 49, "ARC", "Plague Doctor (archived)", "The archived doctor.");
    add(f->dw, 0, "EX", "Explained Zero", "Nothing at all.");
    add(f->dw, 1, "J", "A Joke", "Ha.");
    read_body(f->dw, 49, "", "The doctor.");
    read_body(f->dw, 49, "ARC", "The archived doctor.");
    read_body(f->dw, 0, "EX", "Nothing at all.");
    read_body(f->dw, 1, "J", "Ha.");

    struct deepwell_scp got;
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_get(f->dw, 1, "", &got, &err), DW_NOT_FOUND);
    assert_string_equal(err.message, "no such file: SCP-001");
    assert_int_equal(deepwell_scp_get_head(f->dw, 49, "J", &got, &err), DW_NOT_FOUND);
    assert_string_equal(err.message, "no such file: SCP-049-J");
    assert_int_equal(deepwell_scp_get_head(f->dw, 49, "ARC", &got, &err), DW_OK);
    assert_string_equal(got.title, "Plague Doctor (archived)");
    deepwell_scp_free(&got);

    /* One designation, one file: a second SCP-049-ARC is a conflict that names it. */
    struct deepwell_scp again = {.number = 49, .suffix = "ARC", .title = "x", .level = 2};
    assert_int_equal(deepwell_scp_create(f->dw, &again, NULL, &err), DW_CONFLICT);
    assert_string_equal(err.message, "SCP-049-ARC already exists");
}

static void malformed_suffixes_are_refused(void **state)
{
    struct dw_fixture *f = *state;
    static const char *const bad[] = {"arc", "A1", "-J", "AB\x01", "J J"};
    struct deepwell_error err;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct deepwell_scp scp = {.number = 49, .title = "x", .level = 2};
        snprintf(scp.suffix, sizeof(scp.suffix), "%s", bad[i]);
        assert_int_equal(deepwell_scp_create(f->dw, &scp, NULL, &err), DW_INVALID);
        assert_non_null(strstr(err.message, "suffix"));
    }
    struct deepwell_scp zero = {.number = 0, .title = "x", .level = 2};
    assert_int_equal(deepwell_scp_create(f->dw, &zero, NULL, &err), DW_INVALID);
}

static void status_changes_name_one_file(void **state)
{
    struct dw_fixture *f = *state;
    add(f->dw, 49, "", "Plague Doctor", "The doctor.");
    add(f->dw, 49, "ARC", "Plague Doctor (archived)", "The archived doctor.");
    char old[16];
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_set_status(f->dw, 49, "ARC", "neutralized", 0, NULL, old, &err),
                     DW_OK);
    assert_string_equal(old, "active");
    assert_int_equal(deepwell_scp_set_status(f->dw, 49, "ARC", "neutralized", 0, NULL, old, &err),
                     DW_CONFLICT);
    assert_string_equal(err.message, "SCP-049-ARC is already neutralized");
    assert_int_equal(deepwell_scp_set_status(f->dw, 49, "KO", "deleted", 0, NULL, NULL, &err),
                     DW_NOT_FOUND);
    assert_string_equal(err.message, "no such file: SCP-049-KO");
    struct deepwell_scp got;
    assert_int_equal(deepwell_scp_get_head(f->dw, 49, "", &got, &err), DW_OK);
    assert_string_equal(got.status, "active");
    deepwell_scp_free(&got);
    assert_int_equal(deepwell_scp_get_head(f->dw, 49, "ARC", &got, &err), DW_OK);
    assert_string_equal(got.status, "neutralized");
    deepwell_scp_free(&got);
}

static void lists_and_search_show_the_suffix(void **state)
{
    struct dw_fixture *f = *state;
    /* Made out of order: the list is by number, then suffix. */
    add(f->dw, 49, "ARC", "Plague Doctor (archived)", "The archived plague doctor.");
    add(f->dw, 173, "J", "The Joke Sculpture", "Blink.");
    add(f->dw, 49, "", "Plague Doctor", "The plague doctor.");
    struct deepwell_list_query q = {.kind = DW_KIND_SCP, .title_max_level = 6, .limit = 10};
    struct deepwell_list list;
    struct deepwell_error err;
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.count, 3);
    assert_int_equal(list.items[0].id, 49);
    assert_string_equal(list.items[0].suffix, "");
    assert_int_equal(list.items[1].id, 49);
    assert_string_equal(list.items[1].suffix, "ARC");
    assert_int_equal(list.items[2].id, 173);
    assert_string_equal(list.items[2].suffix, "J");
    deepwell_list_free(&list);

    /* A number names every file of it; a suffixed ref names that file alone. */
    static const struct {
        const char *query;
        int count;
        const char *first_suffix;
    } named[] = {{"49", 2, ""},         {"SCP-049-ARC", 1, "ARC"}, {"scp-49-arc", 1, "ARC"},
                 {"SCP-173-J", 1, "J"}, {"SCP-049-J", 0, NULL},    {"SCP-173-ARC", 0, NULL}};
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        q.query = named[i].query;
        assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
        assert_int_equal(list.total, named[i].count);
        assert_int_equal(list.count, named[i].count);
        if (named[i].first_suffix != NULL)
            assert_string_equal(list.items[0].suffix, named[i].first_suffix);
        deepwell_list_free(&list);
    }
    q.query = NULL;

    struct deepwell_search_query sq = {
        .query = "plague", .reader_level = 2, .site_read_level = 3, .limit = 10};
    struct deepwell_search_result found;
    assert_int_equal(deepwell_search(f->dw, &sq, &found, &err), DW_OK);
    assert_int_equal(found.total, 2);
    assert_int_equal(found.items[0].id, 49);
    assert_int_equal(found.items[1].id, 49);
    assert_string_not_equal(found.items[0].suffix, found.items[1].suffix);
    deepwell_search_free(&found);
    sq.query = "archived";
    assert_int_equal(deepwell_search(f->dw, &sq, &found, &err), DW_OK);
    assert_int_equal(found.total, 1);
    assert_string_equal(found.items[0].suffix, "ARC");
    deepwell_search_free(&found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(suffixed_files_are_files_of_their_own, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(malformed_suffixes_are_refused, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(status_changes_name_one_file, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(lists_and_search_show_the_suffix, dw_fixture_setup,
                                        dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
