/*
 * test_cli_screens.c - the client's screen stack and how keys reach screens: pushed,
 * replaced, popped, bounded, freed; ':' and '?' only where a screen leaves them.
 * No terminal and no server: keys go straight to ui_dispatch_key, screens draw
 * into a canvas, and a request fails at once (running is false).
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "art/layout.h"
#include "client/ui_screen.h"
#include "client/ui_state.h"

/* ---- the stack alone, with counting screens ---- */

static int freed[2];

static void free_a(void *state)
{
    freed[0]++;
}

static void free_b(void *state)
{
    freed[1]++;
}

struct counter {
    int n;
};

static const struct ui_screen_ops kind_a = {
    .name = "a", .state_size = sizeof(struct counter), .free = free_a};
static const struct ui_screen_ops kind_b = {.name = "b", .free = free_b};

static void stack_replaces_the_same_kind_and_forgets_the_oldest(void **state)
{
    (void)state;
    struct ui_stack s = {0};
    memset(freed, 0, sizeof(freed));
    struct counter *a = ui_stack_push(&s, &kind_a);
    assert_non_null(a);
    assert_int_equal(a->n, 0);
    a->n = 7;
    /* a screen without state still has one to point at */
    assert_non_null(ui_stack_push(&s, &kind_b));
    assert_non_null(ui_stack_push(&s, &kind_b));
    assert_int_equal(s.depth, 2);
    assert_int_equal(freed[1], 1);
    assert_null(ui_stack_top_state(&s, &kind_a));
    /* the bound: a full stack forgets its bottom screen, and frees it */
    for (int i = 0; i < UI_STACK; i++)
        assert_non_null(ui_stack_push(&s, i % 2 ? &kind_b : &kind_a));
    assert_int_equal(s.depth, UI_STACK);
    assert_int_equal(freed[0] + freed[1], 1 + 2); /* the replaced b, the first a and b */
    assert_ptr_equal(ui_stack_top(&s)->ops, &kind_b);
    ui_stack_clear(&s);
    assert_int_equal(s.depth, 0);
    assert_int_equal(freed[0] + freed[1], 3 + UI_STACK);
    assert_null(ui_stack_top(&s));
}

static void stack_pop_keeps_the_bottom_and_reset_leaves_one(void **state)
{
    (void)state;
    struct ui_stack s = {0};
    memset(freed, 0, sizeof(freed));
    struct counter *a = ui_stack_push(&s, &kind_a);
    a->n = 3;
    ui_stack_push(&s, &kind_b);
    ui_stack_pop(&s);
    ui_stack_pop(&s);
    assert_int_equal(s.depth, 1);
    assert_int_equal(freed[1], 1);
    /* what lies below is as it was left */
    assert_ptr_equal(ui_stack_top_state(&s, &kind_a), a);
    assert_int_equal(a->n, 3);
    ui_stack_push(&s, &kind_b);
    assert_non_null(ui_stack_reset(&s, &kind_b));
    assert_int_equal(s.depth, 1);
    assert_int_equal(freed[0], 1);
    assert_int_equal(freed[1], 2);
    ui_stack_clear(&s);
}

/* ---- the real screens, driven by keys ---- */

static struct client_options opt = {.hostport = "site19.example:7019"};
static struct ui ui;

static int setup(void **state)
{
    memset(&ui, 0, sizeof(ui));
    ui.opt = &opt;
    ui.logged_in = true;
    ui.running = false; /* no request leaves: ui_request fails at once */
    snprintf(ui.user.name, sizeof(ui.user.name), "dr.bright");
    if (canvas_init(&ui.canvas, 24, 80) != 0)
        return -1;
    return ui_reset_to(&ui, &ui_welcome_ops) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    ui_stack_clear(&ui.stack);
    canvas_free(&ui.canvas);
    return 0;
}

static void type(const char *text)
{
    for (const char *p = text; *p; p++)
        ui_dispatch_key(&ui, (struct ui_key){false, (wint_t)(unsigned char)*p});
}

static void press(wint_t code)
{
    ui_dispatch_key(&ui, (struct ui_key){true, code});
}

/* Draw the top screen as the loop would (without painting the terminal). */
static bool shows(const char *text)
{
    const struct ui_screen *top = ui_stack_top(&ui.stack);
    canvas_clear(&ui.canvas);
    top->ops->render(&ui, top->state);
    char *dump = canvas_dump(&ui.canvas);
    bool found = dump != NULL && strstr(dump, text) != NULL;
    free(dump);
    return found;
}

static void help_opens_scrolls_and_goes_back(void **state)
{
    (void)state;
    type("?"); /* at the welcome prompt: HELP */
    assert_ptr_equal(ui_top(&ui), &ui_help_ops);
    assert_true(shows("HELP"));
    press(KEY_DOWN);
    press(KEY_DOWN);
    void *help = ui_top_state(&ui, &ui_help_ops);
    type("?"); /* already there: nothing changes, not even the scroll */
    assert_ptr_equal(ui_top_state(&ui, &ui_help_ops), help);
    assert_int_equal(*(int *)help, 2);
    type("q");
    assert_ptr_equal(ui_top(&ui), &ui_welcome_ops);
    assert_int_equal(ui.stack.depth, 1);
}

static void command_line_opens_where_a_screen_leaves_colon(void **state)
{
    (void)state;
    type("LIST SITE lamp\r");
    /* nothing answered, but the browser is there, with its kind and query */
    assert_ptr_equal(ui_top(&ui), &ui_browser_ops);
    assert_true(shows("SITE REGISTRY"));
    type(":");
    assert_true(ui.cmdline);
    type("HELP\r");
    assert_false(ui.cmdline);
    assert_ptr_equal(ui_top(&ui), &ui_help_ops);
    type("q");
    /* the browser's filter takes every key, ':' and '?' too */
    type("f");
    type(":?");
    assert_false(ui.cmdline);
    assert_ptr_equal(ui_top(&ui), &ui_browser_ops);
    type("\x1b");
    /* so does the text search '/' opens; Esc before searching goes back */
    type("/");
    assert_ptr_equal(ui_top(&ui), &ui_search_ops);
    type(":?");
    assert_false(ui.cmdline);
    assert_ptr_equal(ui_top(&ui), &ui_search_ops);
    assert_true(shows("SEARCH: :?"));
    type("\x1b");
    assert_ptr_equal(ui_top(&ui), &ui_browser_ops);
    type("?");
    assert_ptr_equal(ui_top(&ui), &ui_help_ops);
}

static void a_form_takes_every_key(void **state)
{
    (void)state;
    ui.user.clearance.level = 2; /* the least that may create a user */
    type("CREATE USER\r");
    assert_ptr_equal(ui_top(&ui), &ui_create_ops);
    type("a:b?");
    assert_false(ui.cmdline);
    assert_ptr_equal(ui_top(&ui), &ui_create_ops);
    assert_true(shows("a:b?"));
    type("\x1b");
    assert_ptr_equal(ui_top(&ui), &ui_welcome_ops);
}

/* How many columns right of where text starts on the cursor's row the cursor is drawn. */
static int cursor_in(const char *text)
{
    const struct ui_screen *top = ui_stack_top(&ui.stack);
    canvas_clear(&ui.canvas);
    top->ops->render(&ui, top->state);
    char row[1024];
    assert_true(ui.canvas.cursor_y >= 0);
    canvas_row_utf8(&ui.canvas, ui.canvas.cursor_y, row, sizeof(row));
    char *at = strstr(row, text);
    assert_non_null(at);
    *at = '\0';
    return ui.canvas.cursor_x - layout_text_width(row);
}

/* A form's fields edit as every typed line does, with the cursor drawn inside the text. */
static void a_form_field_edits_like_a_line(void **state)
{
    (void)state;
    ui.user.clearance.level = 2;
    type("CREATE USER\r");
    assert_ptr_equal(ui_top(&ui), &ui_create_ops);
    type("agent vance");
    press(KEY_LEFT);
    press(KEY_LEFT);
    type("X");
    assert_true(shows("agent vanXce"));
    assert_int_equal(cursor_in("agent vanXce"), (int)strlen("agent vanX"));
    type("\x01"); /* Ctrl-A */
    type("dr.");
    assert_int_equal(cursor_in("dr.agent vanXce"), 3);
    press(KEY_DC); /* Delete */
    assert_true(shows("dr.gent vanXce"));
    type("\x05"); /* Ctrl-E */
    type("\x17"); /* Ctrl-W */
    assert_true(shows("dr.gent "));
    assert_false(shows("vanXce"));
    press(KEY_HOME);
    press(KEY_RIGHT);
    type("\x0b"); /* Ctrl-K */
    assert_false(shows("dr.gent"));
    assert_int_equal(cursor_in("d "), 1);
    type("\x15"); /* Ctrl-U */
    type("clef");
    press(KEY_END);
    assert_int_equal(cursor_in("clef"), 4);
    /* The password field shows stars, the cursor among them. */
    type("\t");
    type("secret");
    press(KEY_LEFT);
    assert_int_equal(cursor_in("******"), 5);
    type("\x1b");
    assert_ptr_equal(ui_top(&ui), &ui_welcome_ops);
}

/* Back goes to the screen as it was left, even when another of its kind was opened. */
static void back_returns_to_the_screen_as_it_was(void **state)
{
    (void)state;
    type("LIST MTF\r");
    press(KEY_DOWN);
    type("?");
    type(":LIST USER\r"); /* from the help: a second browser above it */
    assert_true(shows("PERSONNEL"));
    assert_int_equal(ui.stack.depth, 4);
    type("q");
    type("q");
    assert_ptr_equal(ui_top(&ui), &ui_browser_ops);
    assert_true(shows("MOBILE TASK FORCES"));
}

static int again_calls;
static char again_arg[64];
static void *again_asker;

static void again(struct ui *u, void *asker, const char *arg)
{
    again_calls++;
    again_asker = asker;
    snprintf(again_arg, sizeof(again_arg), "%s", arg);
}

static void a_lost_connection_does_the_request_again(void **state)
{
    (void)state;
    again_calls = 0;
    type("HELP\r");
    void *help = ui_top_state(&ui, &ui_help_ops);
    ui_connection_open(&ui, "CONNECTION LOST", "connection refused", false, again, "SCP-173");
    assert_true(shows("CONNECTION LOST"));
    type("?:"); /* neither help nor the command line over a lost connection */
    assert_false(ui.cmdline);
    assert_ptr_equal(ui_top(&ui), &ui_connection_ops);
    assert_null(ui_untrusted_message(&ui));
    type("r");
    assert_int_equal(again_calls, 1);
    assert_string_equal(again_arg, "SCP-173");
    /* the screen that asked is back on top, and is handed to again */
    assert_ptr_equal(ui_top_state(&ui, &ui_help_ops), help);
    assert_ptr_equal(again_asker, help);
}

static void an_untrusted_server_only_lets_you_quit(void **state)
{
    (void)state;
    again_calls = 0;
    ui.running = true;
    ui_connection_open(&ui, "SERVER NOT TRUSTED", "fingerprint refused", true, again, NULL);
    type("r");
    assert_int_equal(again_calls, 0);
    assert_string_equal(ui_untrusted_message(&ui), "fingerprint refused");
    type("q");
    assert_false(ui.running);
    assert_int_equal(ui.exit_code, 1);
}

/* ':' works at the welcome prompt too: ":HELP" is HELP, not an unknown command. */
static void a_colon_at_the_welcome_prompt(void **state)
{
    (void)state;
    type(":HELP\r");
    assert_ptr_equal(ui_top(&ui), &ui_help_ops);
    assert_false(shows("UNKNOWN COMMAND"));
}

/* Up brings back earlier lines, Tab completes, the cursor edits inside the line. */
static void the_command_line_has_history_completion_and_a_cursor(void **state)
{
    (void)state;
    type("LIST SITE\r");
    type("q");
    type("HELP\r");
    type("q");
    press(KEY_UP);
    assert_string_equal(ui.cmd.text, "HELP");
    press(KEY_UP);
    assert_string_equal(ui.cmd.text, "LIST SITE");
    press(KEY_DOWN);
    press(KEY_DOWN);
    assert_string_equal(ui.cmd.text, "");
    type("li\tm\t");
    assert_string_equal(ui.cmd.text, "LIST MTF ");
    press(KEY_HOME);
    type("\x05"); /* Ctrl-E */
    press(KEY_LEFT);
    press(KEY_LEFT);
    type("x");
    assert_string_equal(ui.cmd.text, "LIST MTxF ");
    assert_true(shows("SCiPNET> LIST MTxF"));
    /* the cursor is drawn where the next character goes, not at the end */
    canvas_clear(&ui.canvas);
    ui_render_canvas(&ui);
    assert_int_equal(ui.canvas.cursor_x, (int)strlen("SCiPNET> LIST MTx"));
    type("\x15"); /* Ctrl-U */
    assert_string_equal(ui.cmd.text, "F ");
    /* on another screen ':' opens the same line, with the same history */
    type("\x1b");
    type("\r");
    assert_ptr_equal(ui_top(&ui), &ui_browser_ops);
    type(":");
    press(KEY_UP);
    assert_string_equal(ui.cmd.text, "HELP");
}

/* A file reads like less: j/k, Space/b, d/u, g/G, Ctrl-F/Ctrl-B. */
static void a_file_scrolls_with_the_keys_of_less(void **state)
{
    (void)state;
    char text[8000] = "";
    for (int i = 1; i <= 200; i++) {
        char line[48];
        snprintf(line, sizeof(line), "- Line %d of the description.\\n", i); /* one a line */
        strcat(text, line);
    }
    char json[9000];
    snprintf(json, sizeof(json),
             "{\"ok\":true,\"file\":{\"ref\":\"SCP-173\",\"kind\":\"scp\",\"title\":\"The "
             "Sculpture\",\"classification\":{\"level\":1},\"sections\":[{\"kind\":"
             "\"description\",\"title\":\"Description\",\"level\":1,\"text\":\"%s\"}]}}",
             text);
    struct proto_reply r;
    assert_int_equal(proto_parse_reply(json, &r), 0);
    struct art_file f;
    assert_int_equal(proto_parse_file(r.root, &f), 0);
    proto_reply_free(&r);
    ui_file_show(&ui, &f);
    assert_true(shows("Line 1 of"));
    struct art_file_view *v = ui_file_view(&ui);
    int page = v->page;
    assert_true(page > 4);
    type("j");
    type("j");
    assert_int_equal(v->scroll, 2);
    type("k");
    assert_int_equal(v->scroll, 1);
    type(" ");
    assert_int_equal(v->scroll, 1 + page - 1);
    type("b");
    assert_int_equal(v->scroll, 1);
    type("d");
    assert_int_equal(v->scroll, 1 + (page - 1) / 2);
    type("u");
    assert_int_equal(v->scroll, 1);
    type("\x06"); /* Ctrl-F */
    assert_int_equal(v->scroll, page);
    type("\x02"); /* Ctrl-B */
    assert_int_equal(v->scroll, 1);
    type("G");
    assert_int_equal(v->scroll, v->max_scroll);
    assert_true(shows("Line 200 of"));
    type("g");
    assert_int_equal(v->scroll, 0);
    /* '/' finds from the line on top, n and N go on and back, in any case */
    type("/LINE 15");
    assert_true(shows("/LINE 15"));
    type("\r");
    assert_true(shows("Line 15 of"));
    int first = v->scroll;
    assert_true(first > 0);
    type("n");
    assert_true(shows("Line 150 of"));
    assert_int_equal(v->scroll, first + 135);
    type("N");
    assert_true(shows("SCP-173")); /* drawn: the find is done as the view is laid out */
    assert_int_equal(v->scroll, first);
    type("/no such words\r");
    assert_true(shows("SCP-173"));
    assert_int_equal(v->scroll, first);
    assert_true(shows("NOT FOUND: no such words"));
    type("/abc\x1b"); /* Esc gives up: nothing is looked for */
    assert_true(shows("j/k Space/b"));
    type("g");
    /* the help is read the same way, and lists these keys */
    type("j?");
    assert_ptr_equal(ui_top(&ui), &ui_help_ops);
    assert_false(shows("half a page down, up"));
    /* some pages on (the list of commands grows): the keys of a file */
    for (int i = 0; i < 8 && !shows("half a page down, up"); i++)
        type(" ");
    assert_true(shows("half a page down, up"));
    type("G");
    assert_true(shows("reconnect after a lost connection"));
    type("g");
    assert_true(shows("SCiPNET HELP"));
    type("q");
    assert_int_equal(ui_file_view(&ui)->scroll, 1);
}

/* A file opened from a file: q goes back to the first, at its scroll. */
static void back_from_a_file_to_the_file_before(void **state)
{
    (void)state;
    const char *json = "{\"ok\":true,\"file\":{\"ref\":\"%s\",\"kind\":\"scp\",\"title\":"
                       "\"x\",\"classification\":{\"level\":1},\"sections\":[]}}";
    const char *refs[] = {"SCP-002", "SCP-173"};
    for (int i = 0; i < 2; i++) {
        char line[512];
        snprintf(line, sizeof(line), json, refs[i]);
        struct proto_reply r;
        struct art_file f;
        assert_int_equal(proto_parse_reply(line, &r), 0);
        assert_int_equal(proto_parse_file(r.root, &f), 0);
        proto_reply_free(&r);
        ui_file_show(&ui, &f);
    }
    assert_int_equal(ui.stack.depth, 3);
    assert_true(shows("SCP-173"));
    type("q");
    assert_ptr_equal(ui_top(&ui), &ui_file_ops);
    assert_true(shows("SCP-002"));
    type("q");
    assert_ptr_equal(ui_top(&ui), &ui_welcome_ops);
}

/* Esc on the login screen clears the field; it never ends the program. */
static void escape_on_the_login_screen_does_not_quit(void **state)
{
    (void)state;
    ui.running = true;
    ui_login_start(&ui, NULL);
    type("dr.bright");
    press(KEY_LEFT);
    type("\x0b"); /* Ctrl-K */
    assert_true(shows("dr.brigh"));
    assert_false(shows("dr.bright"));
    type("\x1b");
    assert_true(ui.running);
    assert_ptr_equal(ui_top(&ui), &ui_login_ops);
    assert_false(shows("dr.brigh"));
    type("\x1b");
    assert_true(ui.running);
    ui.running = false;
}

int main(void)
{
    /* the screens' tests start logged in at the welcome, with no server */
#define SCREEN_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stack_replaces_the_same_kind_and_forgets_the_oldest),
        cmocka_unit_test(stack_pop_keeps_the_bottom_and_reset_leaves_one),
        SCREEN_TEST(help_opens_scrolls_and_goes_back),
        SCREEN_TEST(command_line_opens_where_a_screen_leaves_colon),
        SCREEN_TEST(a_form_takes_every_key),
        SCREEN_TEST(a_form_field_edits_like_a_line),
        SCREEN_TEST(back_returns_to_the_screen_as_it_was),
        SCREEN_TEST(a_lost_connection_does_the_request_again),
        SCREEN_TEST(an_untrusted_server_only_lets_you_quit),
        SCREEN_TEST(a_colon_at_the_welcome_prompt),
        SCREEN_TEST(the_command_line_has_history_completion_and_a_cursor),
        SCREEN_TEST(a_file_scrolls_with_the_keys_of_less),
        SCREEN_TEST(back_from_a_file_to_the_file_before),
        SCREEN_TEST(escape_on_the_login_screen_does_not_quit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
