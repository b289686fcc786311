/* test_cli_protocol.c - protocol v1 replies parsed into the plain structs screens draw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client/batch.h"
#include "art/browser.h"
#include "client/protocol.h"

static struct proto_reply parse(const char *line)
{
    struct proto_reply r;
    assert_int_equal(proto_parse_reply(line, &r), 0);
    return r;
}

static void envelope_ok_and_error(void **state)
{
    (void)state;
    struct proto_reply r = parse("{\"id\":1,\"ok\":true,\"server\":\"scipnet\"}");
    assert_true(r.ok);
    assert_string_equal(r.code, "");
    proto_reply_free(&r);
    r = parse("{\"id\":2,\"ok\":false,\"error\":{\"code\":\"rate_limited\",\"message\":\"slow "
              "down\"},\"retry_after\":8}");
    assert_false(r.ok);
    assert_string_equal(r.code, "rate_limited");
    assert_string_equal(r.message, "slow down");
    assert_int_equal(r.retry_after, 8);
    proto_reply_free(&r);
}

static void malformed_replies_are_refused(void **state)
{
    (void)state;
    struct proto_reply r;
    assert_int_equal(proto_parse_reply("not json", &r), -1);
    assert_int_equal(proto_parse_reply("[1,2]", &r), -1);
    assert_int_equal(proto_parse_reply("{\"id\":1}", &r), -1);
    assert_int_equal(proto_parse_reply("{\"ok\":true,\"ok\":false}", &r), -1);
}

static const char *const file_reply =
    "{\"id\":3,\"ok\":true,\"screen\":{\"kind\":\"file\"},\"file\":{"
    "\"ref\":\"SCP-002\",\"kind\":\"scp\",\"title\":\"The Patient Lamp\","
    "\"classification\":{\"level\":2,\"name\":\"Level 2 - Restricted\",\"colour\":\"#0087BD\"},"
    "\"containment\":{\"name\":\"Euclid\",\"colour\":\"#FFD300\"},\"secondary\":null,"
    "\"disruption\":{\"name\":\"Vlam\",\"colour\":\"#0087BD\"},\"risk\":null,"
    "\"status\":\"active\",\"site\":{\"ref\":\"SITE-19\",\"name\":\"Site-19\"},"
    "\"task_force\":null,\"sections\":["
    "{\"kind\":\"containment\",\"title\":\"Special Containment Procedures\",\"level\":2,"
    "\"text\":\"Keep it dark.\"},"
    "{\"kind\":\"description\",\"title\":\"Description\",\"level\":2,\"parts\":["
    "{\"text\":\"Before \"},{\"redacted\":true,\"needed_clearance\":{\"level\":4,"
    "\"name\":\"Level 4 - Secret\",\"colour\":\"#FF6D00\"}},{\"text\":\" after.\"}]},"
    "{\"kind\":\"addendum\",\"level\":5,\"redacted\":true,\"needed_clearance\":{\"level\":5,"
    "\"name\":\"Level 5 - Top Secret\",\"colour\":\"#C40233\"}}]}}";

static void file_with_parts_and_redacted_sections(void **state)
{
    (void)state;
    struct proto_reply r = parse(file_reply);
    struct art_file f;
    assert_int_equal(proto_parse_file(r.root, &f), 0);
    assert_string_equal(f.ref, "SCP-002");
    assert_string_equal(f.title, "The Patient Lamp");
    assert_int_equal(f.classification.level, 2);
    assert_string_equal(f.classification.colour, "#0087BD");
    assert_true(f.containment.set);
    assert_string_equal(f.containment.name, "Euclid");
    assert_false(f.secondary.set);
    assert_true(f.disruption.set);
    assert_true(f.site.set);
    assert_string_equal(f.site.ref, "SITE-19");
    assert_false(f.task_force.set);
    assert_int_equal(f.nsections, 3);
    /* Plain text is one part. */
    assert_int_equal(f.sections[0].nparts, 1);
    assert_string_equal(f.sections[0].parts[0].text, "Keep it dark.");
    /* A cut passage carries only the level it needs. */
    assert_int_equal(f.sections[1].nparts, 3);
    assert_false(f.sections[1].parts[0].redacted);
    assert_true(f.sections[1].parts[1].redacted);
    assert_null(f.sections[1].parts[1].text);
    assert_int_equal(f.sections[1].parts[1].needed.level, 4);
    assert_string_equal(f.sections[1].parts[1].needed.name, "Level 4 - Secret");
    /* A whole section above the reader: no title, no text. */
    assert_true(f.sections[2].redacted);
    assert_null(f.sections[2].title);
    assert_int_equal(f.sections[2].nparts, 0);
    assert_int_equal(f.sections[2].needed.level, 5);
    assert_int_equal(art_file_addendum_count(&f), 1);
    assert_int_equal(art_file_addendum(&f, 0), 2);
    art_file_free(&f);
    proto_reply_free(&r);
}

static void site_and_user_fields(void **state)
{
    (void)state;
    struct proto_reply r =
        parse("{\"ok\":true,\"file\":{\"ref\":\"SITE-19\",\"kind\":\"site\",\"title\":\"Site-19\","
              "\"classification\":{\"level\":3},\"location\":\"Somewhere\","
              "\"director\":{\"ref\":\"USER-5\",\"name\":\"director\"},\"sections\":[]}}");
    struct art_file f;
    assert_int_equal(proto_parse_file(r.root, &f), 0);
    /* A level without name or colour is filled from the shared vocabulary. */
    assert_string_equal(f.classification.name, "Level 3 - Confidential");
    assert_string_equal(f.classification.colour, "#FFD300");
    assert_int_equal(f.nfields, 2);
    assert_string_equal(f.fields[0].label, "Location");
    assert_string_equal(f.fields[1].value, "director (USER-5)");
    art_file_free(&f);
    proto_reply_free(&r);
}

static void list_items_without_title(void **state)
{
    (void)state;
    struct proto_reply r =
        parse("{\"ok\":true,\"kind\":\"scp\",\"total\":9,\"offset\":0,\"items\":["
              "{\"ref\":\"SCP-002\",\"title\":\"The Patient Lamp\",\"classification\":{\"level\":2,"
              "\"name\":\"Level 2 - Restricted\",\"colour\":\"#0087BD\"},\"accessible\":true,"
              "\"containment\":{\"name\":\"Euclid\",\"colour\":\"#FFD300\"},\"status\":\"active\"},"
              "{\"ref\":\"SCP-100\",\"classification\":{\"level\":5,\"name\":\"Level 5 - Top "
              "Secret\",\"colour\":\"#C40233\"},\"accessible\":false,\"containment\":{\"name\":"
              "\"Keter\",\"colour\":\"#C40233\"},\"status\":\"active\"}]}");
    struct art_list l;
    assert_int_equal(proto_parse_list(r.root, &l), 0);
    assert_string_equal(l.kind, "scp");
    assert_int_equal(l.total, 9);
    assert_int_equal(l.count, 2);
    assert_true(l.items[0].accessible);
    assert_string_equal(l.items[0].title, "The Patient Lamp");
    assert_false(l.items[1].accessible);
    assert_null(l.items[1].title);
    assert_int_equal(l.items[1].classification.level, 5);
    assert_string_equal(l.items[1].containment.name, "Keter");
    char *line = art_list_item_plain(&l.items[1]);
    assert_non_null(strstr(line, "[ACCESS RESTRICTED]"));
    free(line);
    art_list_free(&l);
    proto_reply_free(&r);
}

/* A hostile server's list: too many items or a negative count is refused, not drawn. */
static void list_bounds(void **state)
{
    (void)state;
    char line[16384];
    size_t off = (size_t)snprintf(line, sizeof(line), "{\"ok\":true,\"total\":%d,\"items\":[",
                                  PROTO_LIST_ITEMS_MAX + 1);
    for (int i = 0; i <= PROTO_LIST_ITEMS_MAX; i++)
        off += (size_t)snprintf(line + off, sizeof(line) - off, "%s{\"ref\":\"SCP-%03d\"}",
                                i ? "," : "", i + 1);
    snprintf(line + off, sizeof(line) - off, "]}");
    struct proto_reply r = parse(line);
    struct art_list l;
    assert_int_equal(proto_parse_list(r.root, &l), -1);
    proto_reply_free(&r);
    r = parse("{\"ok\":true,\"total\":-5,\"items\":[]}");
    assert_int_equal(proto_parse_list(r.root, &l), -1);
    proto_reply_free(&r);
    r = parse("{\"ok\":true,\"total\":4611686018427387904,\"items\":[{\"ref\":\"SCP-001\"}]}");
    assert_int_equal(proto_parse_list(r.root, &l), 0);
    assert_true(l.total == 4611686018427387904L);
    assert_int_equal(l.count, 1);
    art_list_free(&l);
    proto_reply_free(&r);
}

/* Only the reply to our own id is ours; a null id only on an error (unreadable request). */
/* A file must name itself: an empty or overlong ref is not a file this client shows. */
static void file_needs_a_ref(void **state)
{
    (void)state;
    struct art_file f;
    struct proto_reply r = parse("{\"ok\":true,\"file\":{\"ref\":\"\",\"sections\":[]}}");
    assert_int_equal(proto_parse_file(r.root, &f), -1);
    proto_reply_free(&r);
    r = parse("{\"ok\":true,\"file\":{\"ref\":\"SCP-0000000000000000000000000000001\"}}");
    assert_int_equal(proto_parse_file(r.root, &f), -1);
    proto_reply_free(&r);
    r = parse("{\"ok\":true,\"total\":2,\"items\":[{\"ref\":\"\"},{\"ref\":\"SCP-001\"}]}");
    struct art_list l;
    assert_int_equal(proto_parse_list(r.root, &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].ref, "SCP-001");
    art_list_free(&l);
    proto_reply_free(&r);
}

static void reply_ids(void **state)
{
    (void)state;
    struct proto_reply r = parse("{\"id\":7,\"ok\":true}");
    assert_true(proto_reply_answers(&r, 7));
    assert_false(proto_reply_answers(&r, 8));
    proto_reply_free(&r);
    r = parse("{\"id\":null,\"ok\":false,\"error\":{\"code\":\"too_large\"}}");
    assert_true(proto_reply_answers(&r, 7));
    proto_reply_free(&r);
    r = parse("{\"id\":null,\"ok\":true}");
    assert_false(proto_reply_answers(&r, 7));
    proto_reply_free(&r);
    r = parse("{\"ok\":true}");
    assert_false(proto_reply_answers(&r, 7));
    proto_reply_free(&r);
    r = parse("{\"id\":\"7\",\"ok\":true}");
    assert_false(proto_reply_answers(&r, 7));
    proto_reply_free(&r);
}

static void error_screens(void **state)
{
    (void)state;
    struct proto_reply r = parse(
        "{\"id\":4,\"ok\":false,\"error\":{\"code\":\"redacted\",\"message\":\"no\"},"
        "\"screen\":{\"kind\":\"redacted\",\"file_ref\":\"SCP-005\",\"file_classification\":"
        "{\"level\":4,\"name\":\"Level 4 - Secret\",\"colour\":\"#FF6D00\"},\"usr_clearance\":"
        "{\"level\":1,\"name\":\"Level 1 - Unrestricted\",\"colour\":\"#009F6B\"},"
        "\"logged_at\":\"2026-11-22T15:30:01.123Z\"}}");
    assert_string_equal(r.screen, "redacted");
    struct art_redacted_screen red;
    assert_int_equal(proto_parse_redacted(r.root, &red), 0);
    assert_string_equal(red.file_ref, "SCP-005");
    assert_int_equal(red.file_classification.level, 4);
    assert_int_equal(red.usr_clearance.level, 1);
    assert_string_equal(red.logged_at, "2026-11-22T15:30:01.123Z");
    struct art_expunged_screen exp;
    assert_int_equal(proto_parse_expunged(r.root, &exp), -1); /* another screen */
    proto_reply_free(&r);

    r = parse("{\"ok\":false,\"error\":{\"code\":\"expunged\",\"message\":\"\"},"
              "\"screen\":{\"kind\":\"expunged\",\"file_ref\":\"SCP-404\"}}");
    assert_int_equal(proto_parse_expunged(r.root, &exp), 0);
    assert_string_equal(exp.file_ref, "SCP-404");
    proto_reply_free(&r);

    r = parse("{\"ok\":false,\"error\":{\"code\":\"clearance_denied\",\"message\":\"\"},"
              "\"screen\":{\"kind\":\"clearance_denied\",\"needed_clearance\":{\"level\":2},"
              "\"usr_clearance\":{\"level\":1}}}");
    struct art_denied_screen den;
    assert_int_equal(proto_parse_denied(r.root, &den), 0);
    assert_int_equal(den.needed_clearance.level, 2);
    assert_string_equal(den.needed_clearance.name, "Level 2 - Restricted");
    assert_int_equal(den.usr_clearance.level, 1);
    proto_reply_free(&r);
}

static void login_reply(void **state)
{
    (void)state;
    struct proto_reply r = parse(
        "{\"id\":1,\"ok\":true,\"token\":\"abcDEF_-123\",\"expires_in\":28800,\"user\":{"
        "\"id\":5,\"name\":\"director\",\"title\":\"Site Director\",\"clearance\":{\"level\":5,"
        "\"name\":\"Level 5 - Top Secret\",\"colour\":\"#C40233\"},\"site\":{\"ref\":"
        "\"SITE-19\",\"name\":\"Site-19\"}},\"screen\":{\"kind\":\"login\",\"usr_name\":"
        "\"director\",\"usr_title_name\":\"Site Director\",\"usr_clearance_level_name\":"
        "\"Level 5 - Top Secret\"}}");
    char token[PROTO_TOKEN_MAX];
    struct art_user u;
    struct art_login_screen s;
    assert_int_equal(proto_parse_login(r.root, token, sizeof(token), &u, &s), 0);
    assert_string_equal(token, "abcDEF_-123");
    assert_int_equal(u.id, 5);
    assert_int_equal(u.expires_in, 28800);
    assert_string_equal(s.usr_title_name, "Site Director");
    assert_string_equal(s.usr_clearance_level_name, "Level 5 - Top Secret");
    assert_int_equal(s.clearance.level, 5);
    proto_reply_free(&r);
    r = parse("{\"ok\":true,\"user\":{}}");
    assert_int_equal(proto_parse_login(r.root, token, sizeof(token), &u, &s), -1);
    proto_reply_free(&r);
}

static void login_user_is_an_id_when_all_digits(void **state)
{
    (void)state;
    json_t *u = proto_login_user("3");
    assert_true(json_is_integer(u));
    assert_int_equal(json_integer_value(u), 3);
    json_decref(u);
    u = proto_login_user("007");
    assert_int_equal(json_integer_value(u), 7);
    json_decref(u);
    /* Names, and ids no account can have, go as text: the server says auth_failed. */
    const char *texts[] = {"agent", "d4242", "0", "99999999999999999999", "-3", "3 ", ""};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        u = proto_login_user(texts[i]);
        assert_true(json_is_string(u));
        assert_string_equal(json_string_value(u), texts[i]);
        json_decref(u);
    }
}

static void exit_codes_for_batch(void **state)
{
    (void)state;
    assert_int_equal(batch_exit_for("auth_failed"), 2);
    assert_int_equal(batch_exit_for("rate_limited"), 2);
    assert_int_equal(batch_exit_for("account_disabled"), 2);
    assert_int_equal(batch_exit_for("unauthenticated"), 2);
    assert_int_equal(batch_exit_for("redacted"), 3);
    assert_int_equal(batch_exit_for("expunged"), 4);
    assert_int_equal(batch_exit_for("clearance_denied"), 5);
    assert_int_equal(batch_exit_for("internal"), 1);
    assert_int_equal(batch_exit_for("bad_request"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(envelope_ok_and_error),
        cmocka_unit_test(malformed_replies_are_refused),
        cmocka_unit_test(file_with_parts_and_redacted_sections),
        cmocka_unit_test(site_and_user_fields),
        cmocka_unit_test(list_items_without_title),
        cmocka_unit_test(list_bounds),
        cmocka_unit_test(reply_ids),
        cmocka_unit_test(file_needs_a_ref),
        cmocka_unit_test(error_screens),
        cmocka_unit_test(login_reply),
        cmocka_unit_test(exit_codes_for_batch),
        cmocka_unit_test(login_user_is_an_id_when_all_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
