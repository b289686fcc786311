/*
 * test_cli_forms.c - the create forms and batch's fields: a form the user may not submit
 * is not opened, rules and assigned numbers are said before typing, long text goes to
 * $VISUAL on a private file and comes back with its paragraphs, the welcome suggests
 * only what the user may run.  No terminal and no server (requests fail at once).
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "art/welcome.h"
#include "client/editor.h"
#include "client/forms.h"
#include "client/options.h"
#include "client/ui_screen.h"
#include "client/ui_state.h"

static struct client_options opt = {.hostport = "site19.example:7019"};
static struct ui ui;
static char dir[] = "/tmp/scipnet-forms-XXXXXX";

static int setup(void **state)
{
    memset(&ui, 0, sizeof(ui));
    ui.opt = &opt;
    ui.logged_in = true;
    ui.running = false; /* no request leaves: ui_request fails at once */
    snprintf(ui.user.name, sizeof(ui.user.name), "cadet");
    ui.user.clearance.level = 1;
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

/* A script for $VISUAL that records the file's mode and what it held, then writes text. */
static void fake_editor(const char *text)
{
    char path[256], script[1024];
    snprintf(path, sizeof(path), "%s/editor.sh", dir);
    snprintf(script, sizeof(script),
             "#!/bin/sh\nstat -c %%a \"$1\" > %s/mode\ncat \"$1\" > %s/before\n"
             "printf '%s' > \"$1\"\n",
             dir, dir, text);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    chmod(path, 0700);
    setenv("VISUAL", path, 1);
}

static char *slurp(const char *name)
{
    static char buf[4096];
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void a_form_the_user_may_not_submit_is_not_opened(void **state)
{
    (void)state;
    type("CREATE SITE\r");
    assert_ptr_equal(ui_top(&ui), &ui_welcome_ops);
    assert_string_equal(ui.status, "CREATE SITE FILE NEEDS CLEARANCE LEVEL 3; YOU ARE LEVEL 1");
    assert_true(ui.status_alarm);
    type("CREATE SCP\r"); /* files need level 2 */
    assert_ptr_equal(ui_top(&ui), &ui_welcome_ops);
    ui.user.clearance.level = 2;
    type("CREATE SITE\r");
    assert_ptr_equal(ui_top(&ui), &ui_welcome_ops);
    type("CREATE SCP\r");
    assert_ptr_equal(ui_top(&ui), &ui_create_ops);
    type("\x1b");
    ui.user.clearance.level = 3;
    type("CREATE SITE\r");
    assert_ptr_equal(ui_top(&ui), &ui_create_ops);
}

static void rules_and_assigned_numbers_are_said_before_typing(void **state)
{
    (void)state;
    ui.user.clearance.level = 3;
    type("CREATE USER\r");
    assert_true(shows("Password: 8 characters or more. USER-n is assigned."));
    type("\x1b");
    type("CREATE SITE\r");
    assert_true(shows("Site numbers are assigned: type a name, get SITE-n."));
    type("\x1b");
    type("CREATE SCP\r");
    assert_true(shows("SCP-n takes the number you type."));
    /* A required field is named in the form's own capitals, before any request. */
    for (int i = 0; i < 10; i++)
        type("\t");
    type("\n");
    assert_true(shows("NUMBER IS REQUIRED"));
}

static void long_text_goes_to_the_editor_and_back(void **state)
{
    (void)state;
    ui.user.clearance.level = 2;
    fake_editor("First paragraph.\\n\\nSecond paragraph.\\n");
    type("CREATE SCP\r");
    for (int i = 0; i < 9; i++) /* to the Description */
        type("\t");
    type("Draft");
    assert_true(shows("Draft"));
    type("\x0f"); /* Ctrl-O */
    assert_string_equal(slurp("mode"), "600\n");
    assert_string_equal(slurp("before"), "Draft");
    assert_true(shows("First paragraph. (+2 lines)"));
    /* the editor's text is what the request would carry */
    const struct form_kind *k = form_kind_find("scp");
    const char *values[FORM_FIELDS] = {"173", "Statue", "3", "Euclid"};
    values[9] = "First paragraph.\n\nSecond paragraph.";
    json_t *req = form_request(k, values);
    json_t *sec = json_array_get(json_object_get(req, "sections"), 0);
    assert_string_equal(json_string_value(json_object_get(sec, "text")), values[9]);
    assert_int_equal(json_integer_value(json_object_get(sec, "level")), 3);
    assert_int_equal(json_integer_value(json_object_get(req, "number")), 173);
    json_decref(req);
}

/* A number field is sent as a number only when it is one, by the one strict parser. */
static void number_fields_are_numbers_only_when_strictly_numeric(void **state)
{
    (void)state;
    const struct form_kind *k = form_kind_find("scp");
    static const struct {
        const char *typed;
        bool numeric;
    } cases[] = {{"173", true},
                 {"-4", true},
                 {"+173", false},
                 {" 173", false},
                 {"173 ", false},
                 {"0x1f", false},
                 {"99999999999999999999", false}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *values[FORM_FIELDS] = {cases[i].typed, "Statue", "3", "Euclid"};
        json_t *req = form_request(k, values);
        assert_non_null(req);
        json_t *number = json_object_get(req, "number");
        assert_int_equal(json_is_integer(number), cases[i].numeric);
        assert_int_equal(json_is_string(number), !cases[i].numeric);
        json_decref(req);
    }
}

/* The Number field takes a suffixed designation, read by the one ref parser. */
static void a_suffixed_number_goes_as_number_and_suffix(void **state)
{
    (void)state;
    const struct form_kind *k = form_kind_find("scp");
    static const struct {
        const char *typed;
        int64_t number; /* -1: sent as typed, a string */
        const char *suffix;
    } cases[] = {{"049-ARC", 49, "ARC"},    {"SCP-049-ARC", 49, "ARC"}, {"scp-49-arc", 49, "ARC"},
                 {"000-ex", 0, "EX"},       {"SCP-173", 173, NULL},     {"173", 173, NULL},
                 {"049-", -1, NULL},        {"049-A1", -1, NULL},       {"SITE-19", -1, NULL},
                 {"49-ABCDEFGHI", -1, NULL}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *values[FORM_FIELDS] = {cases[i].typed, "Doctor", "3", "Euclid"};
        json_t *req = form_request(k, values);
        assert_non_null(req);
        json_t *number = json_object_get(req, "number");
        json_t *suffix = json_object_get(req, "suffix");
        if (cases[i].number < 0) {
            assert_string_equal(json_string_value(number), cases[i].typed);
        } else {
            assert_true(json_is_integer(number));
            assert_int_equal(json_integer_value(number), cases[i].number);
        }
        if (cases[i].suffix != NULL)
            assert_string_equal(json_string_value(suffix), cases[i].suffix);
        else
            assert_null(suffix);
        json_decref(req);
    }
}

/* At 60x20 and 40x12 the focused field is always drawn, and no hint is cut without a mark. */
static void a_small_window_scrolls_the_fields_to_the_focus(void **state)
{
    (void)state;
    ui.user.clearance.level = 2;
    type("CREATE SCP\r");
    canvas_free(&ui.canvas);
    assert_int_equal(canvas_init(&ui.canvas, 20, 60), 0);
    assert_true(shows("SCP-n takes the number you type."));
    assert_true(shows("1-6, at most yours"));
    assert_true(shows("Safe, Euclid, Keter…"));
    for (int i = 0; i < 9; i++)
        type("\t");
    assert_true(shows("Description"));
    assert_true(shows("[ SUBMIT ]"));
    canvas_free(&ui.canvas);
    assert_int_equal(canvas_init(&ui.canvas, 12, 40), 0);
    assert_true(shows("Description"));
    assert_false(shows("Number*"));
    type("\t"); /* SUBMIT, then round to the first field */
    assert_true(shows("[ SUBMIT ]"));
    type("\t");
    assert_true(shows("Number*"));
    assert_false(shows("Description"));
}

static void the_editor_failing_or_overflowing_changes_nothing(void **state)
{
    (void)state;
    char err[256], *out = NULL;
    setenv("VISUAL", "false", 1);
    assert_int_equal(editor_edit("kept", 100, &out, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "failed"));
    assert_null(out);
    fake_editor("0123456789ABCDEF");
    assert_int_equal(editor_edit(NULL, 8, &out, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than 8 bytes"));
    assert_int_equal(editor_edit(NULL, 16, &out, err, sizeof(err)), 0);
    assert_string_equal(out, "0123456789ABCDEF");
    free(out);
    /* the path goes as "$1": a directory with a space or a quote is no command */
    char odd[300];
    snprintf(odd, sizeof(odd), "%s/it's a dir", dir);
    assert_int_equal(mkdir(odd, 0700), 0);
    setenv("TMPDIR", odd, 1);
    assert_int_equal(editor_edit("x", 16, &out, err, sizeof(err)), 0);
    free(out);
    unsetenv("TMPDIR");
    rmdir(odd);
}

static void the_welcome_suggests_only_what_the_user_may_run(void **state)
{
    (void)state;
    for (int level = 1; level <= 6; level++) {
        const char *s = art_welcome_suggestion(level);
        assert_null(strstr(s, "ACCESS SCP 002")); /* a level 1 cadet cannot read it */
        assert_true((strstr(s, "CREATE") != NULL) == (level >= 2));
        assert_true((strstr(s, "CREATE SITE") != NULL) == (level >= 3));
    }
}

static void batch_fields_come_from_the_same_table(void **state)
{
    (void)state;
    char names[256], why[160];
    form_field_names(form_kind_find("site"), names, sizeof(names));
    assert_string_equal(names, "name* location description dossier director");
    assert_null(form_kind_find("bogus"));
    assert_null(form_field_find(form_kind_find("scp"), "bogus"));
    assert_int_equal(form_field_find(form_kind_find("user"), "password")->type, FORM_SECRET);
    assert_null(form_refusal(form_kind_find("user"), 2, why, sizeof(why)));
    assert_non_null(form_refusal(form_kind_find("user"), 1, why, sizeof(why)));
}

static void batch_options_format_and_version(void **state)
{
    (void)state;
    struct client_options o;
    char err[256];
    char *json[] = {"scipnet", "--batch", "--format", "json", "h:1", "health", NULL};
    assert_int_equal(options_parse(6, json, &o, err, sizeof(err)), 0);
    assert_int_equal(o.format, FORMAT_JSON);
    char *tsv[] = {"scipnet", "--batch", "--format", "tsv", "h:1", "health", NULL};
    assert_int_equal(options_parse(6, tsv, &o, err, sizeof(err)), 0);
    assert_int_equal(o.format, FORMAT_TSV);
    char *plain[] = {"scipnet", "--batch", "h:1", "health", NULL};
    assert_int_equal(options_parse(4, plain, &o, err, sizeof(err)), 0);
    assert_int_equal(o.format, FORMAT_TEXT);
    char *xml[] = {"scipnet", "--batch", "--format", "xml", "h:1", "health", NULL};
    assert_int_equal(options_parse(6, xml, &o, err, sizeof(err)), -1);
    assert_string_equal(err, "--format is text, tsv, json or markdown");
    char *md[] = {"scipnet", "--batch", "--format", "markdown", "h:1", "read", "SCP-1", NULL};
    assert_int_equal(options_parse(7, md, &o, err, sizeof(err)), 0);
    assert_int_equal(o.format, FORMAT_MARKDOWN);
    char *md_list[] = {"scipnet", "--batch", "--format", "markdown", "h:1", "list", "scp", NULL};
    assert_int_equal(options_parse(7, md_list, &o, err, sizeof(err)), -1);
    assert_string_equal(err, "--format markdown is for read");
    char *none[] = {"scipnet", "--batch", "--format", NULL};
    assert_int_equal(options_parse(3, none, &o, err, sizeof(err)), -1);
    char *interactive[] = {"scipnet", "--format", "json", "h:1", NULL};
    assert_int_equal(options_parse(4, interactive, &o, err, sizeof(err)), -1);
    assert_string_equal(err, "--format is for batch mode");
    char *version[] = {"scipnet", "--version", NULL};
    assert_int_equal(options_parse(2, version, &o, err, sizeof(err)), 0);
    assert_true(o.version);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
#define FORM_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        FORM_TEST(a_form_the_user_may_not_submit_is_not_opened),
        FORM_TEST(rules_and_assigned_numbers_are_said_before_typing),
        FORM_TEST(long_text_goes_to_the_editor_and_back),
        FORM_TEST(a_small_window_scrolls_the_fields_to_the_focus),
        cmocka_unit_test(the_editor_failing_or_overflowing_changes_nothing),
        cmocka_unit_test(the_welcome_suggests_only_what_the_user_may_run),
        cmocka_unit_test(batch_fields_come_from_the_same_table),
        cmocka_unit_test(number_fields_are_numbers_only_when_strictly_numeric),
        cmocka_unit_test(a_suffixed_number_goes_as_number_and_suffix),
        cmocka_unit_test(batch_options_format_and_version),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
