/*
 * test_art_look.c - the screens drawn in the original's spirit: the ACS panel of an SCP
 * file and the tables of a site file, as a reader sees them on a canvas and in batch text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/acs_panel.h"
#include "art/banner.h"
#include "art/file_view.h"
#include "art/site_tables.h"
#include "art/startup.h"
#include "art/welcome.h"
#include "client/protocol.h"

/* The canvas row holding needle, or -1. */
static int row_of(const struct canvas *c, const char *needle)
{
    for (int y = 0; y < c->rows; y++) {
        char row[1024];
        canvas_row_utf8(c, y, row, sizeof(row));
        if (strstr(row, needle) != NULL)
            return y;
    }
    return -1;
}

/* The ink of the first cell on row y showing ch. */
static struct ink ink_of(const struct canvas *c, int y, wchar_t ch)
{
    for (int x = 0; x < c->cols; x++)
        if (canvas_at(c, y, x)->ch == ch)
            return canvas_at(c, y, x)->ink;
    fail_msg("no %lc on row %d", (wint_t)ch, y);
    return ink_plain();
}

static void set_class(struct art_class *cls, const char *name, const char *colour)
{
    cls->set = true;
    snprintf(cls->name, sizeof(cls->name), "%s", name);
    snprintf(cls->colour, sizeof(cls->colour), "%s", colour);
}

static void acs_panel_shows_all_four_classes(void **state)
{
    (void)state;
    struct art_file file = {.ref = "SCP-100", .kind = "scp", .title = "The Subtracting Signal"};
    set_class(&file.containment, "Keter", "#C40233");
    set_class(&file.risk, "Danger", "#FF6D00");
    struct canvas c;
    struct art_file_view v = {.file = &file};
    struct art_frame f = {.keys = "q back"};
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    art_file_view(&c, &f, &v);
    assert_true(row_of(&c, "ANOMALY CLASSIFICATION SYSTEM") >= 0);
    int keter = row_of(&c, "CONTAINMENT ██ KETER");
    assert_true(keter >= 0);
    assert_true(row_of(&c, "SECONDARY   ·· " ART_ACS_UNSET_SECONDARY) == keter + 1);
    assert_true(row_of(&c, "DISRUPTION  ·· " ART_ACS_UNSET) == keter + 2);
    assert_true(row_of(&c, "RISK        ██ DANGER") == keter + 3);
    /* Each set class in its own colour; an unset one in none. */
    struct ink k = ink_of(&c, keter, L'█');
    assert_true(k.coloured);
    assert_int_equal(k.rgb, 0xC40233);
    assert_int_equal(ink_of(&c, keter + 3, L'█').rgb, 0xFF6D00);
    assert_false(ink_of(&c, keter + 1, L'·').coloured);
    canvas_free(&c);
    /* Batch text has the panel too; other kinds have none. */
    char *text = art_file_plain(&file, 80);
    assert_non_null(strstr(text, "DISRUPTION  ·· [DATA EXPUNGED]\n"));
    free(text);
    snprintf(file.kind, sizeof(file.kind), "mtf");
    text = art_file_plain(&file, 80);
    assert_null(strstr(text, "ANOMALY CLASSIFICATION"));
    free(text);
}

static struct art_site_row site_row(const char *ref, const char *name, const char *detail,
                                    int level)
{
    struct art_site_row r = {0};
    snprintf(r.ref, sizeof(r.ref), "%s", ref);
    snprintf(r.name, sizeof(r.name), "%s", name);
    snprintf(r.detail, sizeof(r.detail), "%s", detail);
    r.classification.level = level;
    snprintf(r.classification.colour, sizeof(r.classification.colour), "#C40233");
    return r;
}

static void site_tables_show_hidden_rows_as_redacted(void **state)
{
    (void)state;
    struct art_site_row staff[] = {
        site_row("USER-2", "researcher", "Researcher", 2),
        site_row("USER-5", "[REDACTED]", "", 5),
        site_row("USER-9", "An.Exceedingly.Long.Name.That.Does.Not.Fit.In.Its.Column",
                 "Containment Specialist", 1),
    };
    struct art_site_row scps[] = {site_row("SCP-3900", "[REDACTED]", "", 4)};
    struct art_file file = {.ref = "SITE-19", .kind = "site", .title = "Site-19"};
    file.staff = (struct art_site_table){staff, 3, 3};
    file.scps = (struct art_site_table){scps, 1, 8}; /* the server sent 1 of 8 */
    char *text = art_file_plain(&file, 80);
    assert_non_null(strstr(text, "STATIONED PERSONNEL (3)\n"));
    assert_non_null(strstr(text, "  USER-2      researcher                        Researcher\n"));
    assert_non_null(
        strstr(text, "  USER-5      [REDACTED]                        LEVEL 5 REQUIRED\n"));
    /* A long name is cut to its column, so the detail column stays in line. */
    assert_non_null(
        strstr(text, "  USER-9      An.Exceedingly.Long.Name.That.Do… Containment Specialist\n"));
    assert_non_null(strstr(text, "TASK FORCES (0)\n  None on record.\n"));
    assert_non_null(strstr(text, "SCP FILES (8)\n  SCP-3900    [REDACTED]"));
    assert_non_null(strstr(text, "  … and 7 more\n"));
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char buf[512];
        snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
        assert_true(layout_text_width(buf) <= 80);
        line += n + (end != NULL);
    }
    free(text);
    /* On screen the hidden name is drawn reversed, like a cut passage. */
    struct canvas c;
    struct art_file_view v = {.file = &file};
    struct art_frame f = {.keys = "q back"};
    assert_int_equal(canvas_init(&c, 40, 80), 0);
    art_file_view(&c, &f, &v);
    int y = row_of(&c, "USER-5");
    assert_true(y >= 0);
    assert_true(ink_of(&c, y, L'[').attrs & INK_REVERSE);
    canvas_free(&c);
}

/* The client keeps at most ART_SITE_ROWS_MAX rows of a table, whatever the server sends. */
static void parsed_site_tables_are_bounded(void **state)
{
    (void)state;
    json_t *staff = json_array();
    for (int i = 1; i <= ART_SITE_ROWS_MAX + 10; i++) {
        char ref[32];
        snprintf(ref, sizeof(ref), "USER-%d", i);
        json_array_append_new(staff,
                              json_pack("{s:s, s:s, s:{s:i}, s:n}", "ref", ref, "name",
                                        "[REDACTED]", "classification", "level", 4, "detail"));
    }
    json_t *root = json_pack("{s:{s:s, s:s, s:s, s:o, s:i, s:[], s:[{s:s, s:s, s:n, s:s}]}}",
                             "file", "ref", "SITE-19", "kind", "site", "title", "Site-19", "staff",
                             staff, "staff_total", 75, "task_forces", "scps", "ref", "SCP-002",
                             "name", "The Patient Lamp", "classification", "detail", "Euclid");
    assert_non_null(root);
    struct art_file f;
    assert_int_equal(proto_parse_file(root, &f), 0);
    assert_int_equal(f.staff.count, ART_SITE_ROWS_MAX);
    assert_int_equal(f.staff.total, 75);
    assert_string_equal(f.staff.rows[0].name, "[REDACTED]");
    assert_int_equal(f.staff.rows[0].classification.level, 4);
    assert_int_equal(f.task_forces.count, 0);
    assert_int_equal(f.scps.count, 1);
    assert_int_equal(f.scps.total, 1); /* no total sent: the rows are all there are */
    assert_string_equal(f.scps.rows[0].detail, "Euclid");
    art_file_free(&f);
    json_decref(root);
}

static char *dump(const struct canvas *c)
{
    for (int y = 0; y < c->rows; y++) {
        char row[1024];
        canvas_row_utf8(c, y, row, sizeof(row));
        assert_true(layout_text_width(row) <= c->cols);
    }
    char *text = canvas_dump(c);
    assert_non_null(text);
    return text;
}

static void each_rank_has_its_banner(void **state)
{
    (void)state;
    static const struct {
        const char *title, *heading, *welcome;
    } ranks[] = {
        {"Administrator", "ADMINISTRATOR · AUTHORIZATION ACCEPTED", "WELCOME, ADMINISTRATOR ada"},
        {"O5 Council Member", "O5 COUNCIL · AUTHORIZATION ACCEPTED",
         "WELCOME, O5 COUNCIL MEMBER ada"},
        {"site director", "SITE COMMAND · AUTHORIZATION ACCEPTED", "WELCOME, SITE DIRECTOR ada"},
    };
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    struct art_frame f = {.prompt = "SCiPNET> "};
    for (size_t i = 0; i < sizeof(ranks) / sizeof(ranks[0]); i++) {
        struct art_login_screen s = {.usr_name = "ada", .clearance = {.level = 6}};
        snprintf(s.usr_title_name, sizeof(s.usr_title_name), "%s", ranks[i].title);
        snprintf(s.usr_clearance_level_name, sizeof(s.usr_clearance_level_name),
                 "Level 6 - Cosmic Top Secret");
        assert_true(art_welcome_is_command_staff(ranks[i].title));
        art_welcome(&c, &f, &s);
        char *text = dump(&c);
        assert_non_null(strstr(text, ranks[i].heading));
        assert_non_null(strstr(text, ranks[i].welcome));
        for (size_t j = 0; j < sizeof(ranks) / sizeof(ranks[0]); j++)
            if (j != i)
                assert_null(strstr(text, ranks[j].heading));
        free(text);
        /* The Administrator's frame is drawn in its own colour, not the level's. */
        int y = row_of(&c, "╔");
        assert_true(y >= 0);
        struct ink frame = ink_of(&c, y, L'╔');
        assert_true(i == 0 ? frame.coloured && frame.rgb == 0x850005 : !frame.coloured);
    }
    assert_false(art_welcome_is_command_staff("Researcher"));
    canvas_free(&c);
}

static void durations_read_as_people_read_them(void **state)
{
    (void)state;
    char buf[32];
    art_startup_duration(345, buf, sizeof(buf));
    assert_string_equal(buf, "0.3 ms");
    art_startup_duration(12345, buf, sizeof(buf));
    assert_string_equal(buf, "12 ms");
    art_startup_duration(1523000, buf, sizeof(buf));
    assert_string_equal(buf, "1.52 s");
}

static void start_screen_shows_each_step_and_the_warning(void **state)
{
    (void)state;
    struct art_startup steps = {0};
    steps.steps[0] = (struct art_step){ART_STEP_DONE, 345, "127.0.0.1:7043"};
    steps.steps[1] = (struct art_step){ART_STEP_DONE, 12345, "TLSv1.3 TLS_AES_256_GCM_SHA384"};
    steps.steps[2] = (struct art_step){ART_STEP_RUNNING, 0, ""};
    struct art_banner b = {.server = "localhost:7043", .status = "CONNECTING…", .steps = &steps};
    struct art_frame f = {.keys = "q quit"};
    struct canvas c;
    assert_int_equal(canvas_init(&c, 24, 80), 0);
    art_banner(&c, &f, &b);
    char *text = dump(&c);
    assert_non_null(strstr(text, "SECURE CONTAINMENT INTERNET PROTOCOL NETWORK"));
    int tcp = row_of(&c, "[ OK ] TCP CONNECTION");
    assert_true(tcp >= 0);
    assert_true(row_of(&c, "127.0.0.1:7043") == tcp);
    assert_true(row_of(&c, "0.3 ms") == tcp);
    assert_true(row_of(&c, "[ OK ] TLS HANDSHAKE") == tcp + 1);
    assert_true(row_of(&c, "12 ms") == tcp + 1);
    assert_true(row_of(&c, "[ .. ] FINGERPRINT") == tcp + 2);
    assert_true(row_of(&c, "[    ] PROTOCOL HELLO") == tcp + 3);
    assert_true(row_of(&c, "[    ] SESSION") == tcp + 4);
    assert_non_null(strstr(text, "WARNING · CLASSIFIED SYSTEM · AUTHORIZED PERSONNEL ONLY"));
    assert_true(ink_of(&c, tcp, L'O').rgb == 0x009F6B);
    free(text);
    /* With the trust question as well, the steps and the question still show. */
    b.detail = "The authenticity of server localhost:7043 cannot be established. Its "
               "certificate's SHA-256 fingerprint is sha256:0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef. Compare it with the one the server's "
               "operator gives you. If you trust it, it is remembered in /home/x/known_hosts.";
    b.question = "Trust this server? (y/N)";
    art_banner(&c, &f, &b);
    text = dump(&c);
    assert_non_null(strstr(text, "[ .. ] FINGERPRINT"));
    assert_non_null(strstr(text, "Trust this server? (y/N)"));
    free(text);
    canvas_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_rank_has_its_banner),
        cmocka_unit_test(durations_read_as_people_read_them),
        cmocka_unit_test(start_screen_shows_each_step_and_the_warning),
        cmocka_unit_test(acs_panel_shows_all_four_classes),
        cmocka_unit_test(site_tables_show_hidden_rows_as_redacted),
        cmocka_unit_test(parsed_site_tables_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
