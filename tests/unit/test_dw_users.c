/* test_dw_users.c - personnel accounts: add, find, change, and listing them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/foundation.h"
#include "dw_fixture.h"

static int64_t add_site(struct deepwell *dw, int64_t id, const char *name)
{
    struct deepwell_site site = {.id = id, .name = (char *)name, .level = 3};
    int64_t got = 0;
    struct deepwell_error err;
    assert_int_equal(deepwell_site_create(dw, &site, &got, &err), DW_OK);
    return got;
}

static int64_t add_user(struct deepwell *dw, const char *name, int clearance, const char *title,
                        int64_t site_id)
{
    struct deepwell_user_new user = {
        .name = name,
        .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
        .clearance = clearance,
        .title = title,
        .site_id = site_id,
        .active = true,
        .personnel_active = true,
    };
    int64_t id = 0;
    struct deepwell_error err;
    enum deepwell_code code = deepwell_user_add(dw, &user, &id, &err);
    if (code != DW_OK)
        fprintf(stderr, "user_add %s: %s\n", name, err.message);
    assert_int_equal(code, DW_OK);
    assert_true(id > 0);
    return id;
}

static void add_and_find_by_name_or_id(void **state)
{
    struct dw_fixture *f = *state;
    int64_t site = add_site(f->dw, 19, "Site-19");
    assert_int_equal(site, 19);
    int64_t id = add_user(f->dw, "agent.vance", 3, "field agent", site);

    struct deepwell_user user;
    struct deepwell_error err;
    assert_int_equal(deepwell_user_find(f->dw, "Agent.VANCE", 0, &user, &err), DW_OK);
    assert_int_equal(user.id, id);
    assert_string_equal(user.name, "agent.vance");
    assert_string_equal(user.title, "Field Agent"); /* canonical spelling from the table */
    assert_int_equal(user.clearance, 3);
    assert_int_equal(user.site_id, 19);
    assert_string_equal(user.site_name, "Site-19");
    assert_int_equal(user.task_force_id, 0);
    assert_string_equal(user.task_force_name, "");
    assert_true(user.active);
    assert_true(user.personnel_active);
    assert_string_equal(user.last_login, "");
    assert_int_equal(strlen(user.created_at), 24);

    memset(&user, 0, sizeof(user));
    assert_int_equal(deepwell_user_find(f->dw, NULL, id, &user, &err), DW_OK);
    assert_string_equal(user.name, "agent.vance");

    assert_int_equal(deepwell_user_find(f->dw, "nobody", 0, &user, &err), DW_NOT_FOUND);
    assert_string_equal(err.message, "no such user: nobody");
    assert_int_equal(deepwell_user_find(f->dw, NULL, 4242, &user, &err), DW_NOT_FOUND);
}

/* Every title the vocabulary knows has its row, the Administrator's too. */
static void every_title_can_be_held(void **state)
{
    struct dw_fixture *f = *state;
    size_t count;
    const char *const *titles = foundation_titles(&count);
    for (size_t i = 0; i < count; i++) {
        char name[32];
        snprintf(name, sizeof(name), "holder%zu", i);
        int64_t id = add_user(f->dw, name, 6, titles[i], 0);
        struct deepwell_user u;
        struct deepwell_error err;
        assert_int_equal(deepwell_user_find(f->dw, NULL, id, &u, &err), DW_OK);
        assert_string_equal(u.title, titles[i]);
    }
    assert_string_equal(titles[count - 1], "Administrator");
}

static void bad_users_are_refused(void **state)
{
    struct dw_fixture *f = *state;
    add_user(f->dw, "researcher", 2, "Researcher", 0);
    struct deepwell_user_new user = {
        .name = "RESEARCHER", .password_hash = "x", .clearance = 2, .title = "Researcher"};
    struct deepwell_error err;
    assert_int_equal(deepwell_user_add(f->dw, &user, NULL, &err), DW_CONFLICT);
    assert_string_equal(err.message, "user name 'RESEARCHER' is already taken");

    user.name = "janitor";
    user.title = "Janitor";
    assert_int_equal(deepwell_user_add(f->dw, &user, NULL, &err), DW_INVALID);
    assert_string_equal(err.message, "unknown title 'Janitor'");

    user.title = "Researcher";
    user.clearance = 7;
    assert_int_equal(deepwell_user_add(f->dw, &user, NULL, &err), DW_INVALID);
    user.clearance = 0;
    assert_int_equal(deepwell_user_add(f->dw, &user, NULL, &err), DW_INVALID);

    user.clearance = 2;
    user.site_id = 77;
    assert_int_equal(deepwell_user_add(f->dw, &user, NULL, &err), DW_INVALID);
    assert_string_equal(err.message, "no such site: SITE-77");
    user.site_id = 0;
    user.task_force_id = 6;
    assert_int_equal(deepwell_user_add(f->dw, &user, NULL, &err), DW_INVALID);
    assert_string_equal(err.message, "no such task force: MTF-6");

    user.task_force_id = 0;
    user.name = "";
    assert_int_equal(deepwell_user_add(f->dw, &user, NULL, &err), DW_INVALID);
    user.name = "janitor";
    user.password_hash = NULL;
    assert_int_equal(deepwell_user_add(f->dw, &user, NULL, &err), DW_INVALID);

    /* None of the refused rows were written. */
    assert_int_equal(dw_fixture_query_int(f->path, "SELECT count(*) FROM users"), 1);
}

static void start_session(struct deepwell *dw, int64_t user_id, uint8_t tag)
{
    uint8_t hash[DEEPWELL_TOKEN_HASH_BYTES];
    memset(hash, tag, sizeof(hash));
    struct deepwell_error err;
    assert_int_equal(deepwell_session_create(dw, hash, user_id, "127.0.0.1:1", 1000, 100000, &err),
                     DW_OK);
}

static int64_t live_sessions(struct deepwell *dw)
{
    int64_t count = -1;
    struct deepwell_error err;
    assert_int_equal(deepwell_session_count_live(dw, 2000, 0, &count, &err), DW_OK);
    return count;
}

static void changing_clearance_ends_sessions(void **state)
{
    struct dw_fixture *f = *state;
    int64_t vance = add_user(f->dw, "vance", 3, "Field Agent", 0);
    int64_t other = add_user(f->dw, "other", 2, "Researcher", 0);
    start_session(f->dw, vance, 1);
    start_session(f->dw, vance, 2);
    start_session(f->dw, other, 3);
    assert_int_equal(live_sessions(f->dw), 3);

    struct deepwell_error err;
    assert_int_equal(deepwell_user_set_clearance(f->dw, vance, 4, &err), DW_OK);
    assert_int_equal(live_sessions(f->dw), 1);
    struct deepwell_user user;
    assert_int_equal(deepwell_user_find(f->dw, NULL, vance, &user, &err), DW_OK);
    assert_int_equal(user.clearance, 4);

    assert_int_equal(deepwell_user_set_clearance(f->dw, vance, 9, &err), DW_INVALID);
    assert_int_equal(deepwell_user_set_clearance(f->dw, 999, 2, &err), DW_NOT_FOUND);
    assert_string_equal(err.message, "no such user: USER-999");
}

static void disabling_ends_sessions_and_enabling_does_not_revive_them(void **state)
{
    struct dw_fixture *f = *state;
    int64_t vance = add_user(f->dw, "vance", 3, "Field Agent", 0);
    start_session(f->dw, vance, 1);
    struct deepwell_error err;
    assert_int_equal(deepwell_user_set_active(f->dw, vance, false, &err), DW_OK);
    assert_int_equal(live_sessions(f->dw), 0);
    struct deepwell_user user;
    assert_int_equal(deepwell_user_find(f->dw, "vance", 0, &user, &err), DW_OK);
    assert_false(user.active);

    assert_int_equal(deepwell_user_set_active(f->dw, vance, true, &err), DW_OK);
    assert_int_equal(live_sessions(f->dw), 0);
    assert_int_equal(deepwell_user_find(f->dw, "vance", 0, &user, &err), DW_OK);
    assert_true(user.active);
    assert_int_equal(deepwell_user_set_active(f->dw, 999, true, &err), DW_NOT_FOUND);
}

static void password_and_login_time_are_stored(void **state)
{
    struct dw_fixture *f = *state;
    int64_t vance = add_user(f->dw, "vance", 3, "Field Agent", 0);
    struct deepwell_error err;
    assert_int_equal(deepwell_user_set_password(f->dw, vance, "$argon2id$new", &err), DW_OK);
    assert_int_equal(deepwell_user_set_password(f->dw, vance, "", &err), DW_INVALID);
    assert_int_equal(deepwell_user_set_password(f->dw, 999, "$argon2id$new", &err), DW_NOT_FOUND);
    /* 2026-11-22T15:30:01.123Z */
    assert_int_equal(deepwell_user_record_login(f->dw, vance, INT64_C(1795361401123), &err), DW_OK);
    assert_int_equal(deepwell_user_record_login(f->dw, 999, 0, &err), DW_NOT_FOUND);

    struct deepwell_user user;
    assert_int_equal(deepwell_user_find(f->dw, NULL, vance, &user, &err), DW_OK);
    assert_string_equal(user.password_hash, "$argon2id$new");
    assert_string_equal(user.last_login, "2026-11-22T15:30:01.123Z");
}

static void users_list_pages_and_hides_names_above_the_reader(void **state)
{
    struct dw_fixture *f = *state;
    add_site(f->dw, 19, "Site-19");
    add_user(f->dw, "cadet", 1, "Containment Specialist", 19);
    add_user(f->dw, "researcher", 2, "Researcher", 19);
    add_user(f->dw, "agent", 3, "Field Agent", 0);
    add_user(f->dw, "officer", 4, "Security Officer", 0);
    int64_t director = add_user(f->dw, "director", 5, "Site Director", 19);

    struct deepwell_list list;
    struct deepwell_error err;
    struct deepwell_list_query q = {.kind = DW_KIND_USER, .title_max_level = 6, .limit = 2};
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 5);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].title, "cadet");
    assert_string_equal(list.items[0].extra, "Containment Specialist");
    assert_int_equal(list.items[0].level, 1);
    assert_int_equal(list.items[0].site_id, 19);
    deepwell_list_free(&list);

    q.offset = 4;
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 5);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].title, "director");
    deepwell_list_free(&list);

    /* "dir" would find the director's name, but a level-3 reader may not see it... */
    q = (struct deepwell_list_query){
        .kind = DW_KIND_USER, .query = "dir", .title_max_level = 3, .limit = 50};
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 0);
    assert_int_equal(list.count, 0);
    deepwell_list_free(&list);
    /* ...though the ref still names the row. */
    char ref[32];
    snprintf(ref, sizeof(ref), "USER-%lld", (long long)director);
    q.query = ref;
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 1);
    assert_int_equal(list.items[0].id, director);
    deepwell_list_free(&list);
    q.query = "AGE";
    assert_int_equal(deepwell_list(f->dw, &q, &list, &err), DW_OK);
    assert_int_equal(list.total, 1);
    assert_string_equal(list.items[0].title, "agent");
    deepwell_list_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(add_and_find_by_name_or_id, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(every_title_can_be_held, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(bad_users_are_refused, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(changing_clearance_ends_sessions, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(disabling_ends_sessions_and_enabling_does_not_revive_them,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(password_and_login_time_are_stored, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(users_list_pages_and_hides_names_above_the_reader,
                                        dw_fixture_setup, dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
