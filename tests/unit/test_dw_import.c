/*
 * test_dw_import.c - the importer's pure parts: URL-encoded file names, UTF-8
 * validation, and mapping the original's lookup names onto ours; and reading a
 * file only when it is a regular file within the size cap.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <valgrind/valgrind.h>
#include <cmocka.h>

#include "deepwell/io/import_map.h"
#include "deepwell/io/textfile.h"
#include "deepwell/io/urlname.h"

static void url_names_decode_to_titles(void **state)
{
    (void)state;
    char out[256];
    assert_true(urlname_decode("Addendum%20042-A%3A%20Recovery", out, sizeof(out)));
    assert_string_equal(out, "Addendum 042-A: Recovery");
    assert_true(
        urlname_decode("Addendum%20049.3%3A%2004%2F16%2F2017%20Incident", out, sizeof(out)));
    assert_string_equal(out, "Addendum 049.3: 04/16/2017 Incident");
    assert_true(urlname_decode("Report%20%5B00.023.603%5D", out, sizeof(out)));
    assert_string_equal(out, "Report [00.023.603]");
    assert_true(urlname_decode("a+b%2bc", out, sizeof(out))); /* '+' is not a space here */
    assert_string_equal(out, "a+b+c");
    assert_true(urlname_decode("%E2%96%88%E2%96%88", out, sizeof(out)));
    assert_string_equal(out, "\u2588\u2588");
}

static void bad_url_names_are_refused(void **state)
{
    (void)state;
    char out[256], tiny[4];
    const char *bad[] = {"50%", "%2", "%G0", "x%zz", "%00", "%FF%FE", "%C0%AF", "%ED%A0%80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(urlname_decode(bad[i], out, sizeof(out)));
    assert_false(urlname_decode("abcdef", tiny, sizeof(tiny)));
}

static void url_names_round_trip(void **state)
{
    (void)state;
    const char *titles[] = {"Addendum 042-A: Recovery", "a/b\\c?d*e", "100% [REDACTED]",
                            "\u2588 Ünïcødé ~_.-", ".."};
    for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
        char encoded[512], decoded[512];
        assert_true(urlname_encode(titles[i], encoded, sizeof(encoded)));
        assert_null(strchr(encoded, '/'));
        assert_true(urlname_decode(encoded, decoded, sizeof(decoded)));
        assert_string_equal(decoded, titles[i]);
    }
    char encoded[64];
    assert_true(urlname_encode("Addendum 042-A: Recovery", encoded, sizeof(encoded)));
    assert_string_equal(encoded, "Addendum%20042-A%3A%20Recovery");
    assert_false(urlname_encode("too long for this", encoded, 8));
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(textfile_utf8_valid("", 0));
    assert_true(textfile_utf8_valid("plain [DATA EXPUNGED]", 21));
    assert_true(textfile_utf8_valid("\u2588\u2588\u2588", 9));
    assert_true(textfile_utf8_valid("\xF0\x9F\x94\x92", 4)); /* U+1F512 */
    assert_false(textfile_utf8_valid("\xFF", 1));
    assert_false(textfile_utf8_valid("a\0b", 3));             /* NUL */
    assert_false(textfile_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(textfile_utf8_valid("\xE0\x80\xAF", 3));     /* overlong */
    assert_false(textfile_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(textfile_utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(textfile_utf8_valid("\xE2\x96", 2));         /* cut short */
    assert_false(textfile_utf8_valid("\x96", 1));             /* lone continuation */
}

/* Reads name under dirfd with the given cap; returns the refusal, *out the text. */
static enum textfile_refusal read_capped(int dirfd, const char *name, size_t cap, char **out)
{
    struct deepwell_error err;
    enum textfile_refusal refusal = TEXTFILE_READ;
    *out = NULL;
    assert_int_equal(textfile_read_at(dirfd, name, name, cap, out, &refusal, &err), DW_OK);
    assert_true((*out == NULL) == (refusal != TEXTFILE_READ));
    return refusal;
}

/* This process's "rchar" from /proc/self/io; *len is what reading it took. */
static unsigned long long bytes_read_so_far(size_t *len)
{
    char buf[1024];
    int fd = open("/proc/self/io", O_RDONLY);
    assert_true(fd >= 0);
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    assert_true(n > 0);
    buf[n] = '\0';
    *len = (size_t)n;
    unsigned long long rchar = 0;
    assert_int_equal(sscanf(buf, "rchar: %llu", &rchar), 1);
    return rchar;
}

static void files_are_read_up_to_the_cap(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_dw_import.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dirfd >= 0);
    snprintf(path, sizeof(path), "%s/ten.md", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("0123456789", f);
    fclose(f);
    char *text;
    assert_int_equal(read_capped(dirfd, "ten.md", 10, &text), TEXTFILE_READ);
    assert_string_equal(text, "0123456789");
    free(text);
    assert_int_equal(read_capped(dirfd, "ten.md", 9, &text), TEXTFILE_TOO_LARGE);
    /* /proc files say they are empty and are not: the size at open is no bound. */
    int proc = open("/proc/self", O_RDONLY | O_DIRECTORY);
    assert_true(proc >= 0);
    struct stat st;
    assert_int_equal(fstatat(proc, "status", &st, 0), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(read_capped(proc, "status", 16, &text), TEXTFILE_TOO_LARGE);
    assert_int_equal(read_capped(proc, "status", 1u << 20, &text), TEXTFILE_READ);
    assert_true(strlen(text) > 16);
    free(text);
    /*
     * And no more than cap + 1 bytes are read to find out (rchar counts read() bytes).
     * Under valgrind the count also holds valgrind's own reads, so only the result
     * is checked there.
     */
    size_t before_len, after_len;
    unsigned long long before = bytes_read_so_far(&before_len);
    assert_int_equal(read_capped(proc, "smaps", 64, &text), TEXTFILE_TOO_LARGE);
    unsigned long long after = bytes_read_so_far(&after_len);
    if (!RUNNING_ON_VALGRIND)
        assert_true(after - before - before_len <= 65);
    close(proc);
    unlink(path);
    close(dirfd);
    rmdir(dir);
}

static void links_fifos_and_devices_are_never_read(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_dw_import.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dirfd >= 0);
    assert_int_equal(symlinkat("/etc/hostname", dirfd, "link.md"), 0);
    assert_int_equal(mkfifoat(dirfd, "fifo.md", 0600), 0);
    assert_int_equal(mkdirat(dirfd, "folder.md", 0700), 0);
    char *text;
    assert_int_equal(read_capped(dirfd, "link.md", 1u << 20, &text), TEXTFILE_SYMLINK);
    /* Nobody writes to the FIFO: opening it for reading would block for ever. */
    assert_int_equal(read_capped(dirfd, "fifo.md", 1u << 20, &text), TEXTFILE_FIFO);
    assert_int_equal(read_capped(dirfd, "folder.md", 1u << 20, &text), TEXTFILE_FOLDER);
    int dev = open("/dev", O_RDONLY | O_DIRECTORY);
    assert_true(dev >= 0);
    assert_int_equal(read_capped(dev, "zero", 1u << 20, &text), TEXTFILE_DEVICE);
    close(dev);
    struct deepwell_error err;
    enum textfile_refusal refusal;
    assert_int_equal(textfile_read_at(dirfd, "absent.md", "absent.md", 10, &text, &refusal, &err),
                     DW_NOT_FOUND);
    char why[64];
    textfile_refusal_text(TEXTFILE_SYMLINK, 10, why, sizeof(why));
    assert_string_equal(why, "symbolic link; not followed");
    textfile_refusal_text(TEXTFILE_TOO_LARGE, 10, why, sizeof(why));
    assert_string_equal(why, "larger than 10 bytes; not read");
    const char *names[] = {"link.md", "fifo.md"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/folder.md", dir);
    rmdir(path);
    close(dirfd);
    rmdir(dir);
}

static void clearance_names_map_by_name_or_number(void **state)
{
    (void)state;
    assert_int_equal(import_level_from_name("Level 1"), 1);
    assert_int_equal(import_level_from_name("Unrestricted"), 1);
    assert_int_equal(import_level_from_name("1 - Unrestricted"), 1);
    assert_int_equal(import_level_from_name("Level 2 - Restricted"), 2);
    assert_int_equal(import_level_from_name("restricted"), 2);
    assert_int_equal(import_level_from_name("  CONFIDENTIAL "), 3);
    assert_int_equal(import_level_from_name("4"), 4);
    assert_int_equal(import_level_from_name("L4"), 4);
    assert_int_equal(import_level_from_name("LEVEL_5"), 5);
    assert_int_equal(import_level_from_name("Top Secret"), 5);
    assert_int_equal(import_level_from_name("Level 6 - Cosmic Top Secret"), 6);
    assert_int_equal(import_level_from_name("cosmic-top-secret"), 6);
    assert_int_equal(import_level_from_name("Clearance Level 3"), 3);
}

static void unknown_or_contradictory_levels_are_refused(void **state)
{
    (void)state;
    assert_int_equal(import_level_from_name(NULL), 0);
    assert_int_equal(import_level_from_name(""), 0);
    assert_int_equal(import_level_from_name("Level 0"), 0);
    assert_int_equal(import_level_from_name("Level 7"), 0);
    assert_int_equal(import_level_from_name("Level 2 - Secret"), 0);
    assert_int_equal(import_level_from_name("Thaumiel"), 0);
    assert_int_equal(import_level_from_name("Level 1 2"), 0);
    assert_int_equal(import_level_from_name("#9 (no such row)"), 0);
}

static void titles_and_classes_map_ignoring_case(void **state)
{
    (void)state;
    assert_string_equal(import_title_canonical("field agent"), "Field Agent");
    assert_string_equal(import_title_canonical(" O5 COUNCIL MEMBER "), "O5 Council Member");
    assert_null(import_title_canonical("Janitor"));
    assert_null(import_title_canonical(NULL));
    assert_string_equal(import_class_canonical(FOUNDATION_CONTAINMENT, "EUCLID"), "Euclid");
    assert_string_equal(import_class_canonical(FOUNDATION_SECONDARY, "apollyon "), "Apollyon");
    assert_string_equal(import_class_canonical(FOUNDATION_DISRUPTION, "vlam"), "Vlam");
    assert_string_equal(import_class_canonical(FOUNDATION_RISK, "Danger"), "Danger");
    assert_null(import_class_canonical(FOUNDATION_CONTAINMENT, "Apollyon"));
    assert_null(import_class_canonical(FOUNDATION_RISK, "#3 (no such row)"));
}

/* The original spells the ACS classes with their rank: "Level 1 - Dark" … "Level 5 - Critical". */
static void ranked_acs_class_names_map(void **state)
{
    (void)state;
    const char *disruption[] = {"Dark", "Vlam", "Keneq", "Ekhi", "Amida"};
    const char *risk[] = {"Notice", "Caution", "Warning", "Danger", "Critical"};
    for (int i = 0; i < 5; i++) {
        char name[64];
        snprintf(name, sizeof(name), "Level %d - %s", i + 1, disruption[i]);
        assert_string_equal(import_class_canonical(FOUNDATION_DISRUPTION, name), disruption[i]);
        snprintf(name, sizeof(name), " level %d - %s ", i + 1, risk[i]);
        assert_string_equal(import_class_canonical(FOUNDATION_RISK, name), risk[i]);
    }
    assert_string_equal(import_class_canonical(FOUNDATION_DISRUPTION, "LEVEL 3-KENEQ"), "Keneq");
    /* A rank and a name that disagree, or a name of another kind, match nothing. */
    assert_null(import_class_canonical(FOUNDATION_DISRUPTION, "Level 2 - Dark"));
    assert_null(import_class_canonical(FOUNDATION_RISK, "Level 1 - Dark"));
    assert_null(import_class_canonical(FOUNDATION_RISK, "Level 1 -"));
    assert_null(import_class_canonical(FOUNDATION_RISK, "Level 10 - Notice"));
    /* Only the ACS classes are ranked: containment names stay exact. */
    assert_null(import_class_canonical(FOUNDATION_CONTAINMENT, "Level 1 - Safe"));
}

static void scp_numbers_and_folder_numbers(void **state)
{
    (void)state;
    int64_t n;
    assert_int_equal(import_scp_number_from_name("SCP-049"), 49);
    assert_int_equal(import_scp_number_from_name("scp 173"), 173);
    assert_int_equal(import_scp_number_from_name("SCP-3000-J"), 3000);
    assert_int_equal(import_scp_number_from_name("The Plague Doctor"), 0);
    assert_int_equal(import_scp_number_from_name("SCP-12a"), 0);
    assert_int_equal(import_scp_number_from_name("SCP-"), 0);
    assert_true(import_parse_number("049", &n));
    assert_int_equal(n, 49);
    assert_false(import_parse_number("0", &n));
    assert_false(import_parse_number("-1", &n));
    assert_false(import_parse_number("12x", &n));
    assert_false(import_parse_number("1234567890", &n));
    assert_false(import_parse_number("", &n));
}

static void original_times_become_protocol_times(void **state)
{
    (void)state;
    char out[32];
    assert_true(import_normalize_time("2024-01-02 03:04:05.123456", out));
    assert_string_equal(out, "2024-01-02T03:04:05.123Z");
    assert_true(import_normalize_time("2024-01-02 03:04:05", out));
    assert_string_equal(out, "2024-01-02T03:04:05.000Z");
    assert_true(import_normalize_time("2024-01-02T03:04:05.5Z", out));
    assert_string_equal(out, "2024-01-02T03:04:05.500Z");
    assert_true(import_normalize_time("2024-01-02", out));
    assert_string_equal(out, "2024-01-02T00:00:00.000Z");
    assert_true(import_normalize_time("2024-01-02 03:04:05+00:00", out));
    assert_string_equal(out, "2024-01-02T03:04:05.000Z");
    assert_false(import_normalize_time("2024-01-02 03:04:05+02:00", out));
    assert_false(import_normalize_time("yesterday", out));
    assert_false(import_normalize_time("2024-13-02", out));
    assert_false(import_normalize_time(NULL, out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_names_decode_to_titles),
        cmocka_unit_test(bad_url_names_are_refused),
        cmocka_unit_test(url_names_round_trip),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(files_are_read_up_to_the_cap),
        cmocka_unit_test(links_fifos_and_devices_are_never_read),
        cmocka_unit_test(clearance_names_map_by_name_or_number),
        cmocka_unit_test(unknown_or_contradictory_levels_are_refused),
        cmocka_unit_test(titles_and_classes_map_ignoring_case),
        cmocka_unit_test(ranked_acs_class_names_map),
        cmocka_unit_test(scp_numbers_and_folder_numbers),
        cmocka_unit_test(original_times_become_protocol_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
