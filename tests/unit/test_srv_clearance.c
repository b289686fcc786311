/* test_srv_clearance.c - the access rules as a table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "server/clearance.h"
#include "server/redact.h"
#include "server/throttle.h"

static void scp_and_mtf_read_by_level(void **state)
{
    (void)state;
    for (int reader = 1; reader <= 6; reader++)
        for (int file = 1; file <= 6; file++) {
            struct reader r = {reader, 0, 0};
            int want = reader >= file ? 0 : file;
            assert_int_equal(clearance_read(&r, REF_SCP, file, 1), want);
            assert_int_equal(clearance_read(&r, REF_MTF, file, 1), want);
            assert_int_equal(clearance_read(&r, REF_USER, file, 1), want);
            assert_int_equal(clearance_title(&r, REF_SCP, file, 1), want);
            assert_int_equal(clearance_title(&r, REF_MTF, file, 1), want);
            assert_int_equal(clearance_title(&r, REF_SITE, file, 1), 0);
        }
}

static void sites_by_level_3_or_own_staff(void **state)
{
    (void)state;
    struct reader outsider = {2, 19, 0}, staff = {1, 77, 0}, senior = {3, 0, 0};
    assert_int_equal(clearance_read(&outsider, REF_SITE, 3, 77), 3);
    assert_int_equal(clearance_read(&staff, REF_SITE, 3, 77), 0);
    assert_int_equal(clearance_read(&senior, REF_SITE, 3, 77), 0);
    struct reader nosite = {2, 0, 0};
    assert_int_equal(clearance_read(&nosite, REF_SITE, 3, 0), 3);
}

/* As the original let every operative open his task force's file: members read it. */
static void mtfs_by_level_or_own_members(void **state)
{
    (void)state;
    struct reader member = {1, 0, 3}, outsider = {1, 0, 4}, none = {1, 0, 0}, staff = {1, 3, 0};
    assert_int_equal(clearance_read(&member, REF_MTF, 5, 3), 0);
    assert_int_equal(clearance_read(&outsider, REF_MTF, 5, 3), 5);
    assert_int_equal(clearance_read(&none, REF_MTF, 2, 0), 2);
    /* Its name too, in lists, search and links; not another's. */
    assert_int_equal(clearance_title(&member, REF_MTF, 5, 3), 0);
    assert_int_equal(clearance_title(&outsider, REF_MTF, 5, 3), 5);
    /* Membership opens that task force only, never an SCP, site or user of that number. */
    assert_int_equal(clearance_read(&member, REF_SCP, 5, 3), 5);
    assert_int_equal(clearance_read(&member, REF_USER, 5, 3), 5);
    assert_int_equal(clearance_read(&member, REF_SITE, 3, 3), 3);
    assert_int_equal(clearance_read(&staff, REF_MTF, 2, 3), 2); /* site 3 is not MTF-3 */
    /* A member may hand out his own task force (he can read it), not another. */
    struct grant own = {.kind = GRANT_TASK_FORCE, .found = true, .level = 5, .id = 3};
    struct grant other = {.kind = GRANT_TASK_FORCE, .found = true, .level = 5, .id = 4};
    assert_int_equal(clearance_grant(&member, "Field Agent", &own), 0);
    assert_int_equal(clearance_grant(&member, "Field Agent", &other), 2);
}

/* What a level means is told to its holders; a class's description to everyone. */
static void info_by_level(void **state)
{
    (void)state;
    for (int reader = 1; reader <= 6; reader++) {
        struct reader r = {reader, 0, 0};
        for (int level = 1; level <= 6; level++)
            assert_int_equal(clearance_info(&r, level), reader >= level ? 0 : level);
        assert_int_equal(clearance_info(&r, 0), 0);
    }
}

static void create_rules(void **state)
{
    (void)state;
    struct reader l1 = {1, 0, 0}, l2 = {2, 0, 0}, l3 = {3, 0, 0}, l4 = {4, 0, 0};
    assert_int_equal(clearance_create(&l1, REF_SCP, 1), 2);
    assert_int_equal(clearance_create(&l2, REF_SCP, 2), 0);
    assert_int_equal(clearance_create(&l2, REF_SCP, 3), 3);
    assert_int_equal(clearance_create(&l4, REF_MTF, 4), 0);
    assert_int_equal(clearance_create(&l4, REF_MTF, 5), 5);
    assert_int_equal(clearance_create(&l2, REF_SITE, 1), 3);
    assert_int_equal(clearance_create(&l3, REF_SITE, 1), 0);
    assert_int_equal(clearance_create(&l2, REF_USER, 2), 0);
    assert_int_equal(clearance_create(&l2, REF_USER, 3), 3);
    assert_int_equal(clearance_create(&l1, REF_USER, 1), 2);
}

static void status_and_audit(void **state)
{
    (void)state;
    struct reader l2 = {2, 0, 0}, l3 = {3, 0, 0}, l5 = {5, 0, 0};
    assert_int_equal(clearance_set_status(&l2, 1), 3);
    assert_int_equal(clearance_set_status(&l3, 2), 0);
    assert_int_equal(clearance_set_status(&l3, 4), 4);
    /* Editing: from level 2, and never a file above the editor. */
    struct reader l1 = {1, 0, 0};
    assert_int_equal(clearance_edit(&l1, 1), 2);
    assert_int_equal(clearance_edit(&l2, 2), 0);
    assert_int_equal(clearance_edit(&l3, 4), 4);
    assert_int_equal(clearance_audit(&l3), 5);
    assert_int_equal(clearance_audit(&l5), 0);
}

static void sessions_and_revoke(void **state)
{
    (void)state;
    struct reader l4 = {4, 0, 0}, l5 = {5, 0, 0}, l6 = {6, 0, 0};
    assert_int_equal(clearance_sessions_all(&l4), 5);
    assert_int_equal(clearance_sessions_all(&l5), 0);
    assert_int_equal(clearance_revoke(&l4, true, true, 4), 0);   /* own: always */
    assert_int_equal(clearance_revoke(&l4, false, true, 1), 5);  /* another's: level 5 */
    assert_int_equal(clearance_revoke(&l5, false, true, 5), 0);  /* up to their own level */
    assert_int_equal(clearance_revoke(&l5, false, true, 6), 6);  /* above: refused ... */
    assert_int_equal(clearance_revoke(&l5, false, false, 0), 6); /* ... as a missing one */
    assert_int_equal(clearance_revoke(&l6, false, true, 6), 0);
}

static int grant(const struct reader *r, const char *title, enum clearance_grant_kind kind,
                 bool found, int level, int64_t id)
{
    struct grant g = {.kind = kind, .found = found, .level = level, .id = id};
    return clearance_grant(r, title, &g);
}

/* The filed case: a level-2 at SITE-19 may not put anyone on SITE-77 (level 3). */
static void grant_site_only_when_readable(void **state)
{
    (void)state;
    struct reader researcher = {2, 19, 0}, agent = {3, 77, 0}, cadet = {1, 0, 0};
    assert_int_equal(grant(&researcher, "Researcher", GRANT_SITE, true, 3, 77), 3);
    assert_int_equal(grant(&researcher, "Researcher", GRANT_SITE, true, 3, 19), 0);
    assert_int_equal(grant(&agent, "Field Agent", GRANT_SITE, true, 3, 19), 0);
    assert_int_equal(grant(&cadet, "Researcher", GRANT_SITE, true, 3, 19), 2);
}

/* A missing target is refused exactly like a hidden one, whatever its level. */
static void grant_missing_looks_like_hidden(void **state)
{
    (void)state;
    enum clearance_grant_kind kinds[] = {GRANT_SITE, GRANT_TASK_FORCE, GRANT_USER};
    for (int level = 1; level <= 5; level++) {
        struct reader r = {level, 19, 0};
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            if (kinds[k] == GRANT_SITE && level >= 3)
                continue; /* every site is readable from level 3 */
            int missing = grant(&r, "Researcher", kinds[k], false, 0, 0);
            int hidden = grant(&r, "Researcher", kinds[k], true, 6, 1234);
            assert_int_equal(missing, level + 1);
            assert_int_equal(hidden, missing);
        }
        /* An SCP's existence and level are public (read: redacted vs expunged). */
        assert_int_equal(grant(&r, "Researcher", GRANT_SCP, false, 0, 0), level + 1);
    }
    struct reader o5 = {6, 0, 0};
    assert_int_equal(grant(&o5, "O5 Council Member", GRANT_USER, false, 0, 0), 6);
    assert_int_equal(grant(&o5, "O5 Council Member", GRANT_USER, true, 6, 6), 0);
}

static void grant_task_force_leader_and_level_by_clearance(void **state)
{
    (void)state;
    for (int actor = 1; actor <= 6; actor++)
        for (int target = 1; target <= 6; target++) {
            struct reader r = {actor, 0, 0};
            int hidden = actor < 6 ? actor + 1 : 6;
            int want = actor >= target ? 0 : hidden;
            assert_int_equal(grant(&r, "Researcher", GRANT_TASK_FORCE, true, target, 9), want);
            assert_int_equal(grant(&r, "Researcher", GRANT_USER, true, target, 9), want);
            assert_int_equal(grant(&r, "Researcher", GRANT_CLEARANCE, true, target, 0),
                             actor >= target ? 0 : target);
        }
}

static void grant_title_by_rank(void **state)
{
    (void)state;
    struct reader l5 = {5, 19, 0}, l4 = {4, 77, 0}, l6 = {6, 0, 0};
    struct grant o5 = {.kind = GRANT_TITLE, .title = "O5 Council Member"};
    struct grant director = {.kind = GRANT_TITLE, .title = "site director"};
    struct grant agent = {.kind = GRANT_TITLE, .title = "Field Agent"};
    struct grant unknown = {.kind = GRANT_TITLE, .title = "Janitor"};
    assert_int_equal(clearance_grant(&l4, "Security Officer", &director), 5);
    assert_int_equal(clearance_grant(&l4, "Security Officer", &o5), 5);
    assert_int_equal(clearance_grant(&l4, "Security Officer", &agent), 0);
    assert_int_equal(clearance_grant(&l5, "Site Director", &director), 0);
    assert_int_equal(clearance_grant(&l5, "Site Director", &o5), 6);
    /* Rank is the title's, not the level's: a level-6 researcher is no O5. */
    assert_int_equal(clearance_grant(&l6, "Researcher", &o5), 6);
    assert_int_equal(clearance_grant(&l6, "O5 Council Member", &o5), 0);
    assert_int_equal(clearance_grant(&l6, "O5 Council Member", &unknown), 6);
    assert_int_equal(clearance_grant(&l6, NULL, &agent), 6);
}

/* The Administrator ranks above the Council: no O5 makes one, an Administrator makes any. */
static void grant_administrator_only_from_an_administrator(void **state)
{
    (void)state;
    struct reader l6 = {.level = 6};
    struct grant admin = {.kind = GRANT_TITLE, .title = "administrator"};
    struct grant o5 = {.kind = GRANT_TITLE, .title = "O5 Council Member"};
    struct grant director = {.kind = GRANT_TITLE, .title = "Site Director"};
    assert_int_equal(clearance_grant(&l6, "O5 Council Member", &admin), 6);
    assert_int_equal(clearance_grant(&l6, "Site Director", &admin), 6);
    assert_int_equal(clearance_grant(&l6, "Administrator", &admin), 0);
    assert_int_equal(clearance_grant(&l6, "Administrator", &o5), 0);
    assert_int_equal(clearance_grant(&l6, "Administrator", &director), 0);
    assert_true(foundation_title_rank("Administrator") >
                foundation_title_rank("O5 Council Member"));
}

static void grant_status_needs_level_3_and_the_file(void **state)
{
    (void)state;
    struct reader l2 = {2, 0, 0}, l3 = {3, 0, 0};
    assert_int_equal(grant(&l2, "Researcher", GRANT_SCP, true, 1, 13), 3);
    assert_int_equal(grant(&l3, "Field Agent", GRANT_SCP, true, 2, 2), 0);
    assert_int_equal(grant(&l3, "Field Agent", GRANT_SCP, true, 4, 5), 4);
}

/* USER-6 is level 6, SCP-100 level 5; every other ref names no file. */
static int fake_level(void *arg, const struct foundation_ref *ref)
{
    (void)arg;
    if (ref->kind == REF_USER && ref->number == 6)
        return 6;
    return ref->kind == REF_SCP && ref->number == 100 ? 5 : 0;
}

static char *audit_row_text(int reader_level, int user_clearance, const char *action,
                            const char *outcome, const char *details)
{
    struct reader r = {reader_level, 0, 0};
    struct deepwell_audit_row row = {.id = 7, .user_id = 6, .user_clearance = user_clearance};
    strcpy(row.ts, "2026-12-07T21:00:00.000Z");
    strcpy(row.attempted_name, "o5");
    strcpy(row.user_name, "o5");
    strcpy(row.client_addr, "127.0.0.1:1");
    strcpy(row.action, action);
    strcpy(row.outcome, outcome);
    strcpy(row.severity, "notice");
    row.details_json = (char *)details;
    json_t *obj = redact_audit_row(&r, &row, fake_level, NULL);
    assert_non_null(obj);
    json_object_del(obj, "ts");
    json_object_del(obj, "client");
    json_object_del(obj, "severity");
    char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(obj);
    return text;
}

/* A hidden user's failed login reads as an unknown name's; refs above the reader are cut. */
static void audit_rows_through_the_clearance_rules(void **state)
{
    (void)state;
    char *hidden = audit_row_text(5, 6, "login", "failure", "{\"reason\":\"wrong password\"}");
    assert_string_equal(hidden, "{\"action\":\"login\",\"attempted_name\":\"o5\","
                                "\"details\":{\"reason\":\"unknown user\"},\"id\":7,"
                                "\"outcome\":\"failure\",\"user\":null,\"user_id\":null}");
    free(hidden);
    char *seen = audit_row_text(6, 6, "login", "failure", "{\"reason\":\"wrong password\"}");
    assert_non_null(strstr(seen, "\"wrong password\""));
    assert_non_null(strstr(seen, "\"user_id\":6"));
    assert_non_null(strstr(seen, "\"user\":\"o5\"")); /* the name only when seen */
    free(seen);
    char *other = audit_row_text(5, 6, "session.reject", "denied", "{\"reason\":\"revoked\"}");
    assert_non_null(strstr(other, "\"details\":{}"));
    free(other);
    char *cut = audit_row_text(5, 5, "read", "denied",
                               "{\"ref\":\"USER-6\",\"also\":\"SCP-100\",\"gone\":\"MTF-9\"}");
    assert_non_null(strstr(cut, "\"ref\":\"[REDACTED]\""));
    assert_non_null(strstr(cut, "\"also\":\"SCP-100\""));
    assert_non_null(strstr(cut, "\"gone\":\"MTF-9\""));
    free(cut);
    char *four = audit_row_text(4, 4, "read", "denied", "{\"also\":\"SCP-100\"}");
    assert_non_null(strstr(four, "\"also\":\"[REDACTED]\""));
    free(four);
}

static void backoff_doubles_to_the_cap(void **state)
{
    (void)state;
    assert_int_equal(throttle_backoff_s(4, 5, 2, 300), 0);
    assert_int_equal(throttle_backoff_s(5, 5, 2, 300), 2);
    assert_int_equal(throttle_backoff_s(6, 5, 2, 300), 4);
    assert_int_equal(throttle_backoff_s(8, 5, 2, 300), 16);
    assert_int_equal(throttle_backoff_s(40, 5, 2, 300), 300);
    char key[THROTTLE_KEY_MAX];
    throttle_user_key("Agent.Vance", key);
    assert_string_equal(key, "user:agent.vance");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scp_and_mtf_read_by_level),
        cmocka_unit_test(sites_by_level_3_or_own_staff),
        cmocka_unit_test(mtfs_by_level_or_own_members),
        cmocka_unit_test(info_by_level),
        cmocka_unit_test(create_rules),
        cmocka_unit_test(status_and_audit),
        cmocka_unit_test(sessions_and_revoke),
        cmocka_unit_test(grant_site_only_when_readable),
        cmocka_unit_test(grant_missing_looks_like_hidden),
        cmocka_unit_test(grant_task_force_leader_and_level_by_clearance),
        cmocka_unit_test(grant_title_by_rank),
        cmocka_unit_test(grant_administrator_only_from_an_administrator),
        cmocka_unit_test(grant_status_needs_level_3_and_the_file),
        cmocka_unit_test(audit_rows_through_the_clearance_rules),
        cmocka_unit_test(backoff_doubles_to_the_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
