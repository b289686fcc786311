/* test_cli_commands.c - the SCiPNET command line and the client's arguments. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>

#include "client/commands.h"
#include "client/input.h"
#include "client/net.h"
#include "client/options.h"
#include "common/foundation.h"

static void access_in_every_spelling(void **state)
{
    (void)state;
    const char *lines[] = {"ACCESS SCP 002", "access scp-2", "ACCESS SCP-0002", "  Access  SCP  2 ",
                           "ACCESS 002"};
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        struct command c;
        commands_parse(lines[i], &c);
        assert_int_equal(c.kind, CMD_ACCESS);
        assert_string_equal(c.ref, "SCP-002");
    }
    struct command c;
    commands_parse("ACCESS SITE 19", &c);
    assert_string_equal(c.ref, "SITE-19");
    commands_parse("access mtf-3", &c);
    assert_string_equal(c.ref, "MTF-3");
    commands_parse("ACCESS SCP ../../etc", &c);
    assert_int_equal(c.kind, CMD_INVALID);
    /* A suffixed designation is its own file, in every spelling. */
    const char *suffixed[] = {"ACCESS SCP-049-ARC", "access scp-49-arc", "ACCESS SCP 049-ARC",
                              "ACCESS 049-arc"};
    for (size_t i = 0; i < sizeof(suffixed) / sizeof(suffixed[0]); i++) {
        commands_parse(suffixed[i], &c);
        assert_int_equal(c.kind, CMD_ACCESS);
        assert_string_equal(c.ref, "SCP-049-ARC");
    }
    commands_parse("ACCESS", &c);
    assert_int_equal(c.kind, CMD_INVALID);
}

/* INFO KETER, INFO LEVEL 4: the rest of the line is the topic, the server decides. */
static void info_takes_a_topic(void **state)
{
    (void)state;
    struct command c;
    commands_parse("INFO KETER", &c);
    assert_int_equal(c.kind, CMD_INFO);
    assert_string_equal(c.query, "KETER");
    commands_parse("  info   level   4 ", &c);
    assert_int_equal(c.kind, CMD_INFO);
    assert_string_equal(c.query, "level 4");
    commands_parse(":Info top secret", &c);
    assert_string_equal(c.query, "top secret");
    commands_parse("INFO", &c);
    assert_int_equal(c.kind, CMD_INVALID);
    assert_string_equal(c.error, "USAGE: INFO KETER | INFO LEVEL 4");
}

static void status_edit_and_history(void **state)
{
    (void)state;
    struct command c;
    commands_parse("STATUS SCP-002 Neutralized \"burned out, twice\"", &c);
    assert_int_equal(c.kind, CMD_STATUS);
    assert_string_equal(c.ref, "SCP-002");
    assert_string_equal(c.status, "neutralized");
    assert_string_equal(c.query, "burned out, twice");
    commands_parse("status 2 active   no quotes  here ", &c);
    assert_int_equal(c.kind, CMD_STATUS);
    assert_string_equal(c.query, "no quotes  here");
    commands_parse("STATUS SCP-002 active", &c);
    assert_int_equal(c.kind, CMD_STATUS);
    assert_string_equal(c.query, "");
    const char *bad[] = {"STATUS SCP-002",        "STATUS SCP-002 lost",
                         "STATUS SITE-19 active", "STATUS SCP-002 neutralizedneutralized",
                         "EDIT SCP-002",          "EDIT SCP-002 0",
                         "EDIT SCP-002 two",      "EDIT SCP-002 1001",
                         "EDIT MTF-3 1",          "HISTORY",
                         "HISTORY SITE-19",       "HISTORY SCP-002 2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        commands_parse(bad[i], &c);
        assert_int_equal(c.kind, CMD_INVALID);
        assert_non_null(strstr(c.error, "USAGE"));
    }
    char longer[400] = "STATUS SCP-002 active ";
    memset(longer + strlen(longer), 'x', 250);
    commands_parse(longer, &c);
    assert_int_equal(c.kind, CMD_INVALID); /* a reason is refused, never cut short */
    commands_parse("edit scp-2 3", &c);
    assert_int_equal(c.kind, CMD_EDIT);
    assert_string_equal(c.ref, "SCP-002");
    assert_int_equal(c.section, 3);
    commands_parse("EDIT SCP-002 addendum 3  Addendum 002-3: Lamp  ", &c);
    assert_int_equal(c.kind, CMD_EDIT);
    assert_int_equal(c.section, 0);
    assert_int_equal(c.level, 3);
    assert_string_equal(c.query, "Addendum 002-3: Lamp");
    const char *bad_addenda[] = {"EDIT SCP-002 ADDENDUM", "EDIT SCP-002 ADDENDUM 3",
                                 "EDIT SCP-002 ADDENDUM 7 Title", "EDIT SCP-002 ADDENDUM x Title"};
    for (size_t i = 0; i < sizeof(bad_addenda) / sizeof(bad_addenda[0]); i++) {
        commands_parse(bad_addenda[i], &c);
        assert_int_equal(c.kind, CMD_INVALID);
    }
    commands_parse("HISTORY 173", &c);
    assert_int_equal(c.kind, CMD_HISTORY);
    assert_string_equal(c.ref, "SCP-173");
}

/* EDIT SCP-002 CLASS KETER and the other fields: the value as typed, NONE clearing a class. */
static void edit_a_field(void **state)
{
    (void)state;
    struct command c;
    commands_parse("edit scp-2 class KETER ", &c);
    assert_int_equal(c.kind, CMD_FIELD);
    assert_string_equal(c.ref, "SCP-002");
    assert_string_equal(c.field, "containment");
    assert_string_equal(c.query, "KETER");
    commands_parse("EDIT SCP-002 TITLE  The Patient Lamp, Lit  ", &c);
    assert_int_equal(c.kind, CMD_FIELD);
    assert_string_equal(c.field, "title");
    assert_string_equal(c.query, "The Patient Lamp, Lit");
    commands_parse("EDIT SCP-002 RISK none", &c);
    assert_string_equal(c.field, "risk");
    assert_string_equal(c.query, ""); /* cleared */
    commands_parse("EDIT SCP-002 SECONDARY -", &c);
    assert_string_equal(c.field, "secondary");
    assert_string_equal(c.query, "");
    commands_parse("EDIT SCP-002 TITLE None", &c);
    assert_string_equal(c.query, "None"); /* a title is never cleared */
    commands_parse("EDIT SCP-002 LEVEL 4", &c);
    assert_int_equal(c.kind, CMD_FIELD);
    assert_string_equal(c.field, "level");
    assert_string_equal(c.query, "4");
    const char *bad[] = {"EDIT SCP-002 LEVEL 7", "EDIT SCP-002 LEVEL two", "EDIT SCP-002 LEVEL 3 4",
                         "EDIT SITE-19 CLASS KETER", "EDIT SCP-002 CLASS"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        commands_parse(bad[i], &c);
        assert_int_equal(c.kind, CMD_INVALID);
        assert_non_null(strstr(c.error, "USAGE"));
    }
    char longer[400] = "EDIT SCP-002 TITLE ";
    memset(longer + strlen(longer), 'x', 250);
    commands_parse(longer, &c);
    assert_int_equal(c.kind, CMD_INVALID); /* refused, never cut short */
}

static void list_create_and_the_rest(void **state)
{
    (void)state;
    struct command c;
    commands_parse("LIST SCP", &c);
    assert_int_equal(c.kind, CMD_LIST);
    assert_string_equal(c.what, "scp");
    assert_string_equal(c.query, "");
    commands_parse("list sites lamp post", &c);
    assert_string_equal(c.what, "site");
    assert_string_equal(c.query, "lamp post");
    commands_parse("CREATE SCP", &c);
    assert_int_equal(c.kind, CMD_CREATE);
    assert_string_equal(c.what, "scp");
    commands_parse("CREATE TEAPOT", &c);
    assert_int_equal(c.kind, CMD_INVALID);
    commands_parse("LOGOUT", &c);
    assert_int_equal(c.kind, CMD_LOGOUT);
    commands_parse("help", &c);
    assert_int_equal(c.kind, CMD_HELP);
    commands_parse("CLEAR", &c);
    assert_int_equal(c.kind, CMD_CLEAR);
    commands_parse("", &c);
    assert_int_equal(c.kind, CMD_NONE);
    commands_parse("DANCE", &c);
    assert_int_equal(c.kind, CMD_INVALID);
    assert_non_null(strstr(c.error, "UNKNOWN COMMAND"));
}

/* The command line knows every kind the Foundation has, in either case, one or many. */
static void every_kind_lists_and_creates(void **state)
{
    (void)state;
    for (int i = 0; i < FOUNDATION_REF_KINDS; i++) {
        const char *name = foundation_ref_kind_name((enum foundation_ref_kind)i);
        char line[64];
        struct command c;
        snprintf(line, sizeof(line), "LIST %sS", name);
        for (char *p = line; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        commands_parse(line, &c);
        assert_int_equal(c.kind, CMD_LIST);
        assert_string_equal(c.what, name);
        assert_string_equal(c.query, "");
        snprintf(line, sizeof(line), "create %s", name);
        commands_parse(line, &c);
        assert_int_equal(c.kind, CMD_CREATE);
        assert_string_equal(c.what, name);
    }
}

static void host_and_port(void **state)
{
    (void)state;
    char host[64];
    int port;
    assert_int_equal(net_parse_hostport("example.org", 7019, host, sizeof(host), &port), 0);
    assert_string_equal(host, "example.org");
    assert_int_equal(port, 7019);
    assert_int_equal(net_parse_hostport("127.0.0.1:4000", 7019, host, sizeof(host), &port), 0);
    assert_int_equal(port, 4000);
    assert_int_equal(net_parse_hostport("[::1]:9", 7019, host, sizeof(host), &port), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 9);
    assert_int_equal(net_parse_hostport("h:0", 7019, host, sizeof(host), &port), -1);
    assert_int_equal(net_parse_hostport("h:x", 7019, host, sizeof(host), &port), -1);
}

static void arguments(void **state)
{
    (void)state;
    struct client_options o;
    char err[256];
    char *a1[] = {"scipnet", NULL};
    assert_int_equal(options_parse(1, a1, &o, err, sizeof(err)), 0);
    assert_string_equal(o.hostport, "localhost:7019");
    assert_false(o.batch);
    char *a2[] = {
        "scipnet", "--batch", "--user",  "cadet", "--password-stdin", "--fingerprint", "sha256:ab",
        "h:1",     "read",    "SCP-002", NULL};
    assert_int_equal(options_parse(10, a2, &o, err, sizeof(err)), 0);
    assert_true(o.batch);
    assert_string_equal(o.user, "cadet");
    assert_string_equal(o.hostport, "h:1");
    assert_int_equal(o.ncommand, 2);
    assert_string_equal(o.command[1], "SCP-002");
    char *a3[] = {"scipnet", "--batch", "h:1", NULL};
    assert_int_equal(options_parse(3, a3, &o, err, sizeof(err)), -1);
    char *a4[] = {"scipnet", "--ca", "x", "--fingerprint", "y", NULL};
    assert_int_equal(options_parse(5, a4, &o, err, sizeof(err)), -1);
}

static void typing_utf8(void **state)
{
    (void)state;
    struct input in;
    input_clear(&in);
    assert_true(input_add(&in, L'a'));
    assert_true(input_add(&in, L'機'));
    assert_false(input_add(&in, L'\n'));
    assert_string_equal(in.text, "a機");
    input_backspace(&in);
    assert_string_equal(in.text, "a");
    input_backspace(&in);
    input_backspace(&in);
    assert_string_equal(in.text, "");
    /* The bound: the longest password anything takes fits, a byte more does not. */
    for (int i = 0; i < FOUNDATION_PASSWORD_MAX; i++)
        assert_true(input_add(&in, L'a' + i % 26));
    assert_int_equal(in.len, FOUNDATION_PASSWORD_MAX);
    assert_false(input_add(&in, L'z'));
    assert_false(input_add(&in, L'機'));
    assert_int_equal(strlen(in.text), FOUNDATION_PASSWORD_MAX);
}

/* The keys of readline, on a line with a wide character in it. */
static void editing_keys(void **state)
{
    (void)state;
    struct input in;
    input_set(&in, "ACCESS SCP 機2");
    assert_int_equal(in.pos, in.len);
    assert_true(input_edit(&in, true, KEY_LEFT));
    assert_true(input_edit(&in, true, KEY_LEFT)); /* over 機, a whole character */
    assert_true(input_edit(&in, false, '0'));
    assert_string_equal(in.text, "ACCESS SCP 0機2");
    assert_int_equal(input_tail_width(&in), 3); /* 機 is two columns */
    assert_true(input_edit(&in, true, KEY_DC));
    assert_string_equal(in.text, "ACCESS SCP 02");
    assert_true(input_edit(&in, false, 0x17)); /* Ctrl-W: "0" is the word before */
    assert_string_equal(in.text, "ACCESS SCP 2");
    assert_true(input_edit(&in, false, 0x17));
    assert_string_equal(in.text, "ACCESS 2");
    assert_true(input_edit(&in, false, 0x01)); /* Ctrl-A */
    assert_int_equal(in.pos, 0);
    assert_true(input_edit(&in, true, KEY_RIGHT));
    assert_true(input_edit(&in, false, 0x0b)); /* Ctrl-K */
    assert_string_equal(in.text, "A");
    /* what a cut leaves behind is wiped (the line may be a password) */
    assert_int_equal(in.text[2], '\0');
    assert_int_equal(in.text[5], '\0');
    assert_true(input_edit(&in, false, 0x05)); /* Ctrl-E */
    assert_true(input_edit(&in, false, 'B'));
    assert_true(input_edit(&in, true, KEY_HOME));
    assert_true(input_edit(&in, false, 'C'));
    assert_string_equal(in.text, "CAB");
    assert_true(input_edit(&in, true, KEY_END));
    assert_true(input_edit(&in, true, KEY_LEFT));
    assert_true(input_edit(&in, false, 0x15)); /* Ctrl-U: everything before the cursor */
    assert_string_equal(in.text, "B");
    assert_int_equal(in.pos, 0);
    assert_true(input_edit(&in, true, KEY_BACKSPACE)); /* nothing before: nothing goes */
    assert_string_equal(in.text, "B");
    assert_true(input_edit(&in, true, KEY_LEFT)); /* at the start: stays */
    assert_int_equal(in.pos, 0);
    /* Enter, Tab and Esc are the caller's */
    assert_false(input_edit(&in, false, '\n'));
    assert_false(input_edit(&in, false, '\t'));
    assert_false(input_edit(&in, false, 27));
    /* pasted text goes in at the cursor, as typed */
    const wchar_t *paste = L"xé機";
    for (const wchar_t *p = paste; *p; p++)
        assert_true(input_edit(&in, false, (wint_t)*p));
    assert_string_equal(in.text, "xé機B");
}

/* ':' opens the line elsewhere; typed at the welcome prompt it changes nothing. */
static void a_colon_before_a_command(void **state)
{
    (void)state;
    struct command c;
    commands_parse(":logout", &c);
    assert_int_equal(c.kind, CMD_LOGOUT);
    commands_parse("  :ACCESS SCP 002", &c);
    assert_int_equal(c.kind, CMD_ACCESS);
    assert_string_equal(c.ref, "SCP-002");
    commands_parse(":", &c);
    assert_int_equal(c.kind, CMD_NONE);
}

static void staff_commands_keep_their_words(void **state)
{
    (void)state;
    struct command c;
    commands_parse("who", &c);
    assert_int_equal(c.kind, CMD_WHO);
    assert_string_equal(c.query, "");
    commands_parse("WHO agent.vance", &c);
    assert_string_equal(c.query, "agent.vance");
    commands_parse("audit  user=cadet   outcome=failure", &c);
    assert_int_equal(c.kind, CMD_AUDIT);
    assert_string_equal(c.query, "user=cadet outcome=failure");
    commands_parse("REVOKE 41", &c);
    assert_int_equal(c.kind, CMD_REVOKE);
    assert_string_equal(c.query, "41");
    commands_parse("REVOKE", &c);
    assert_int_equal(c.kind, CMD_INVALID);
    commands_parse("passwd", &c);
    assert_int_equal(c.kind, CMD_PASSWD);
    /* A password is never taken from the command line (it would go to the history). */
    commands_parse("PASSWD hunter2", &c);
    assert_int_equal(c.kind, CMD_INVALID);
    assert_string_equal(c.query, "");
}

static void tab_completes_commands_kinds_and_refs(void **state)
{
    (void)state;
    const char *refs[] = {"SCP-002", "SCP-005", "SITE-19", "SCP-173"};
    char out[INPUT_MAX];
    assert_int_equal(commands_complete("acc", refs, 4, out, sizeof(out)), 1);
    assert_string_equal(out, "ACCESS ");
    assert_int_equal(commands_complete("L", refs, 4, out, sizeof(out)), 2); /* LIST, LOGOUT */
    assert_string_equal(out, "L");
    assert_int_equal(commands_complete("LIST s", refs, 4, out, sizeof(out)), 2);
    assert_string_equal(out, "LIST S");
    assert_int_equal(commands_complete("LIST si", refs, 4, out, sizeof(out)), 1);
    assert_string_equal(out, "LIST SITE ");
    assert_int_equal(commands_complete("create m", refs, 4, out, sizeof(out)), 1);
    assert_string_equal(out, "create MTF ");
    assert_int_equal(commands_complete("ACCESS SCP-00", refs, 4, out, sizeof(out)), 2);
    assert_string_equal(out, "ACCESS SCP-00");
    assert_int_equal(commands_complete("ACCESS SCP-1", refs, 4, out, sizeof(out)), 1);
    assert_string_equal(out, "ACCESS SCP-173 ");
    assert_int_equal(commands_complete("ACCESS SCP 00", refs, 4, out, sizeof(out)), 2);
    assert_int_equal(commands_complete("ACCESS site 1", refs, 4, out, sizeof(out)), 1);
    assert_string_equal(out, "ACCESS site 19 ");
    assert_int_equal(commands_complete("DANCE", refs, 4, out, sizeof(out)), 0);
    assert_string_equal(out, "DANCE");
    assert_int_equal(commands_complete("HELP x", refs, 4, out, sizeof(out)), 0);
    assert_int_equal(commands_complete("", refs, 4, out, sizeof(out)), 15); /* every command */
    assert_int_equal(commands_complete("in", refs, 4, out, sizeof(out)), 1);
    assert_string_equal(out, "INFO ");
    assert_int_equal(commands_complete("his", refs, 4, out, sizeof(out)), 1);
    assert_string_equal(out, "HISTORY ");
    assert_int_equal(commands_complete("ST", refs, 4, out, sizeof(out)), 1);
    assert_string_equal(out, "STATUS ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(access_in_every_spelling),
        cmocka_unit_test(list_create_and_the_rest),
        cmocka_unit_test(status_edit_and_history),
        cmocka_unit_test(edit_a_field),
        cmocka_unit_test(every_kind_lists_and_creates),
        cmocka_unit_test(host_and_port),
        cmocka_unit_test(arguments),
        cmocka_unit_test(typing_utf8),
        cmocka_unit_test(editing_keys),
        cmocka_unit_test(a_colon_before_a_command),
        cmocka_unit_test(tab_completes_commands_kinds_and_refs),
        cmocka_unit_test(info_takes_a_topic),
        cmocka_unit_test(staff_commands_keep_their_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
