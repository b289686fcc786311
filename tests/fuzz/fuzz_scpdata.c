/*
 * fuzz_scpdata.c - the SCP wiki's dump (deepwell/io/import_scpdata.c, scpdata_*.c, scp_html.c):
 * untrusted JSON articles and the untrusted HTML inside them.
 *
 * Input: when it starts with '{', one scp-data article as JSON (scpdata_article);
 * otherwise a page of HTML (scp_html_to_markdown).  Checks:
 *  - conversion either succeeds or refuses with a reason, never both or neither;
 *  - no output ever holds "[[", and the markup parser finds no passage in it:
 *    page text cannot forge a [[LEVEL n]] passage (markup_max_level is 0);
 *  - an accepted article has a number in range, a level 1..6, sections of the
 *    three kinds with a title and a body each, the last one its Source;
 *  - output is at most a bounded multiple of the input (no blow-up).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/markup.h"
#include "deepwell/io/import_scpdata.h"
#include "deepwell/io/scp_html.h"

static void die(const char *what)
{
    fprintf(stderr, "fuzz_scpdata: %s\n", what);
    abort();
}

static void check_text(const char *text)
{
    if (strstr(text, "[[") != NULL)
        die("converted text holds \"[[\"");
    if (markup_max_level(text, strlen(text)) != 0)
        die("converted text holds a passage");
}

static void check_html(const char *data, size_t size)
{
    char *md = NULL, why[160] = "";
    bool ok = scp_html_to_markdown(data, size, &md, why, sizeof(why));
    if (ok != (md != NULL) || (!ok && why[0] == '\0'))
        die("refusal without a reason, or output with a refusal");
    if (!ok)
        return;
    check_text(md);
    /* Each input byte yields a bounded amount: escapes, prefixes, table pipes. */
    if (strlen(md) > 64 * size + 4096)
        die("output out of proportion to the page");
    free(md);
}

static void check_article(const char *data, size_t size)
{
    json_t *a = json_loadb(data, size, 0, NULL);
    if (a == NULL)
        return;
    struct scpdata_levels l;
    scpdata_levels_default(&l);
    struct import_scp s;
    char why[160] = "";
    if (!scpdata_article("fuzz", a, &l, &s, why, sizeof(why))) {
        if (why[0] == '\0')
            die("article refused without a reason");
        json_decref(a);
        return;
    }
    /* SCP-000 only with a suffix (SCP-000-EX); a suffix the ref grammar gave back. */
    if (s.number < (s.suffix[0] ? 0 : 1) || s.number > 999999999)
        die("number out of range");
    for (const char *p = s.suffix; *p != '\0'; p++)
        if (*p < 'A' || *p > 'Z')
            die("suffix not upper-case letters");
    if (s.level_name == NULL || s.level_name[0] < '1' || s.level_name[0] > '6' ||
        s.level_name[1] != '\0')
        die("level out of range");
    if (s.nsections == 0 || strcmp(s.sections[s.nsections - 1].title, "Source") != 0)
        die("no Source section last");
    for (size_t i = 0; i < s.nsections; i++) {
        const struct import_section *sec = &s.sections[i];
        if (sec->kind == NULL || sec->title == NULL || sec->body == NULL)
            die("section without kind, title or body");
        if (strcmp(sec->kind, "containment") != 0 && strcmp(sec->kind, "description") != 0 &&
            strcmp(sec->kind, "addendum") != 0)
            die("section of an unknown kind");
        check_text(sec->body);
        check_text(sec->title);
    }
    struct import_bundle b = {.dirfd = -1, .scps = malloc(sizeof(s)), .nscps = 1};
    if (b.scps == NULL)
        die("out of memory");
    b.scps[0] = s;
    import_bundle_free(&b);
    json_decref(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0 && data[0] == '{')
        check_article((const char *)data, size);
    else
        check_html((const char *)data, size);
    return 0;
}
