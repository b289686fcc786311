/*
 * test_dw_import_scp_html.c - the SCP wiki's HTML turned into the document format
 * (deepwell/io/scp_html.c) and an scp-data article into a file (import_scpdata.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "deepwell/io/import_scpdata.h"
#include "deepwell/io/scp_html.h"

static char *convert(const char *html)
{
    char *out = NULL, why[160] = "";
    if (!scp_html_to_markdown(html, strlen(html), &out, why, sizeof(why)))
        fail_msg("refused: %s", why);
    return out;
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("\"%s\" not in:\n%s", part, text);
}

static void assert_lacks(const char *text, const char *part)
{
    if (strstr(text, part) != NULL)
        fail_msg("\"%s\" found in:\n%s", part, text);
}

static void formatting_becomes_markdown(void **state)
{
    (void)state;
    char *md = convert("<p>A <strong>bold</strong>, <em>italic</em> and <s>struck</s> word; "
                       "<span style=\"text-decoration: line-through;\">gone</span>.<br>Next</p>"
                       "<blockquote><p>quoted</p><p>twice</p></blockquote>"
                       "<ul><li>one</li><li>two<ol><li>inner</li></ol></li></ul><hr>"
                       "<h2>Heading</h2><p>after</p>");
    assert_contains(md, "A **bold**, *italic* and ~~struck~~ word; ~~gone~~.\\\nNext");
    assert_contains(md, "\n\n> quoted\n>\n> twice\n\n");
    assert_contains(md, "- one\n- two\n\n  1. inner");
    assert_contains(md, "\n---\n");
    assert_contains(md, "## Heading\n\nafter");
    free(md);
}

static void tables_are_gfm_with_pipes_escaped(void **state)
{
    (void)state;
    char *md = convert("<table><tr><th>Test</th><th>Result</th></tr>"
                       "<tr><td>a | b</td><td>line<br>two<p>para</p></td></tr>"
                       "<tr><td>short</td></tr></table>");
    assert_contains(md, "| Test | Result |\n| --- | --- |\n| a \\| b | line two para |\n"
                        "| short |  |\n");
    free(md);
}

static void page_text_cannot_forge_markup(void **state)
{
    (void)state;
    char *md = convert("<p>[[LEVEL 1]]open[[/LEVEL]] **not bold** <b>[[LEVEL 6]]</b></p>"
                       "<p># not a heading</p><p>1. not a list</p><p>- nor this</p>"
                       "<p>&lt;script&gt; &amp;amp; `code` [link](http://x)</p>");
    assert_lacks(md, "[[");
    assert_contains(md, "\\[\\[LEVEL 1\\]\\]open\\[\\[/LEVEL\\]\\] \\*\\*not bold\\*\\*");
    assert_contains(md, "\\# not a heading");
    assert_contains(md, "1\\. not a list");
    assert_contains(md, "\\- nor this");
    assert_contains(md, "\\<script\\> \\&amp; \\`code\\` \\[link\\](http://x)");
    free(md);
    /* the page's '[' right before an image or a note of ours (found by fuzz_scpdata) */
    md = convert("<table><tr><td>[<img alt=\"LEVEL 1]]\">[<sup class=\"footnoteref\">"
                 "<a>1</a></sup></td></tr></table><p>[<img alt=\"x\"></p>");
    assert_lacks(md, "[[");
    assert_contains(md, "| \\[ [image: LEVEL 1\\]\\]]\\[ [^1] |");
    free(md);
}

static void wiki_furniture_is_dropped(void **state)
{
    (void)state;
    char *md =
        convert("<div class=\"page-rate-widget-box\">rating: +42</div>"
                "<div class=\"scp-image-block block-right\"><img src=\"a.jpg\" alt=\"alt\">"
                "<div class=\"scp-image-caption\"><p>The item</p></div></div>"
                "<p>Body<sup class=\"footnoteref\"><a class=\"footnoteref\">2</a></sup></p>"
                "<script>alert('x')</script><style>p{}</style>"
                "<div class=\"licensebox\">Licence text</div>"
                "<div class=\"footer-wikiwalk-nav\"><p>&laquo; SCP-1 | SCP-3 &raquo;</p></div>"
                "<div class=\"footnotes-footer\"><div class=\"title\">Footnotes</div>"
                "<div class=\"footnote-footer\" id=\"footnote-2\"><a>2</a>. The note.</div></div>"
                "<img src=\"b.png\" alt=\"\">");
    assert_contains(md, "[image: The item]\n\nBody[^2]\n\n[^2]: The note.\n\n[image: untitled]");
    assert_lacks(md, "rating");
    assert_lacks(md, "alert");
    assert_lacks(md, "Licence");
    assert_lacks(md, "SCP-3");
    assert_lacks(md, "Footnotes");
    free(md);
}

static void collapsibles_and_tabs_become_headings(void **state)
{
    (void)state;
    char *md = convert(
        "<div class=\"collapsible-block\"><div class=\"collapsible-block-folded\">"
        "<a class=\"collapsible-block-link\">+ Show Addendum 1</a></div>"
        "<div class=\"collapsible-block-unfolded\"><div class=\"collapsible-block-unfolded-link\">"
        "<a>- Hide</a></div><div class=\"collapsible-block-content\"><p>Hidden text</p></div>"
        "</div></div>"
        "<div class=\"yui-navset\"><ul class=\"yui-nav\"><li><a><em>Tab One</em></a></li>"
        "<li><a><em>Tab Two</em></a></li></ul><div class=\"yui-content\">"
        "<div><p>first</p></div><div><p>second</p></div></div></div>");
    assert_contains(md, "## Show Addendum 1\n\nHidden text\n\n## Tab One\n\nfirst\n\n"
                        "## Tab Two\n\nsecond\n");
    assert_lacks(md, "Hide");
    free(md);
}

static void broken_deep_and_huge_pages(void **state)
{
    (void)state;
    char *md = convert("<p><b>bold <i>both</p><td>stray cell<li>stray item</table></div>");
    assert_contains(md, "**bold *both*");
    assert_contains(md, "stray cell");
    free(md);

    size_t depth = 2000;
    char *deep = malloc(depth * 5 + 8);
    for (size_t i = 0; i < depth; i++)
        memcpy(deep + i * 5, "<div>", 5);
    strcpy(deep + depth * 5, "x");
    char *out = (char *)"untouched", why[160] = "";
    assert_false(scp_html_to_markdown(deep, strlen(deep), &out, why, sizeof(why)));
    assert_null(out);
    assert_contains(why, "nested deeper than");
    free(deep);

    size_t big = SCP_HTML_MAX_BYTES + 1;
    char *huge = malloc(big + 1);
    memset(huge, 'a', big);
    huge[big] = '\0';
    assert_false(scp_html_to_markdown(huge, big, &out, why, sizeof(why)));
    assert_contains(why, "more than");
    free(huge);
}

static void free_scp(struct import_scp *s)
{
    struct import_bundle b = {.dirfd = -1, .scps = malloc(sizeof(*s)), .nscps = 1};
    assert_non_null(b.scps);
    b.scps[0] = *s;
    import_bundle_free(&b);
}

static json_t *article(const char *scp, const char *html)
{
    return json_pack("{s:s, s:s, s:s, s:[s, s], s:s, s:s, s:s}", "title", scp, "scp", scp,
                     "raw_content", html, "tags", "safe", "scp", "creator", "A. Writer",
                     "created_at", "2011-02-03T04:05:06", "url", "https://example.org/x");
}

static void articles_become_files(void **state)
{
    (void)state;
    struct scpdata_levels l;
    scpdata_levels_default(&l);
    json_t *a = article("scp-4001",
                        "<p><strong>Item #:</strong> SCP-4001<br><strong>Object Class:</strong> "
                        "<s>Safe</s> Keter</p><p>A warning first.</p>"
                        "<p><strong>Special Containment Procedures:</strong> Lock it.</p>"
                        "<p><strong>Description:</strong> A box.</p><p>More.</p>"
                        "<p><strong>Addendum 4001-A:</strong> Found.</p>");
    struct import_scp s;
    char why[160];
    assert_true(scpdata_article("scp-4001", a, &l, &s, why, sizeof(why)));
    assert_int_equal(s.number, 4001);
    assert_string_equal(s.containment, "Keter");
    assert_string_equal(s.level_name, "4");
    assert_int_equal(s.nsections, 5);
    const char *kinds[] = {"addendum", "containment", "description", "addendum", "addendum"};
    const char *titles[] = {"Header", "Special Containment Procedures", "Description",
                            "Addendum 4001-A", "Source"};
    const char *bodies[] = {"A warning first.", "Lock it.", "A box.\n\nMore.", "Found.", NULL};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(s.sections[i].kind, kinds[i]);
        assert_string_equal(s.sections[i].title, titles[i]);
        if (bodies[i])
            assert_string_equal(s.sections[i].body, bodies[i]);
    }
    assert_contains(s.sections[4].body, "Source: https://example.org/x\\\nAuthor: A. Writer\\\n"
                                        "Created: 2011-02-03T04:05:06\\\nTags: safe, scp\\\n");
    free_scp(&s);
    json_decref(a);

    /* no class in the text: the tag says Safe; --levels moves Safe to 1 */
    assert_true(scpdata_levels_parse(&l, "Safe=1,*=6", why, sizeof(why)));
    a = article("SCP-4002", "<p>Free-form page.</p>");
    assert_true(scpdata_article("x", a, &l, &s, why, sizeof(why)));
    assert_string_equal(s.containment, "Safe");
    assert_string_equal(s.level_name, "1");
    assert_string_equal(s.sections[0].kind, "description");
    free_scp(&s);
    json_decref(a);
}

/* Titles are made plain (escapes undone): still never a "[[" (found by fuzz_scpdata). */
static void titles_cannot_forge_markup(void **state)
{
    (void)state;
    struct scpdata_levels l;
    scpdata_levels_default(&l);
    json_t *a = article("SCP-4004", "<p><strong>Description:</strong> x</p>"
                                    "<p><strong>Addendum [[LEVEL 1]]:</strong> y</p>"
                                    "<h2>[[/LEVEL]] [[[x</h2><p>z</p>");
    struct import_scp s;
    char why[160];
    assert_true(scpdata_article("x", a, &l, &s, why, sizeof(why)));
    assert_int_equal(s.nsections, 4);
    assert_string_equal(s.sections[1].title, "Addendum [LEVEL 1]]");
    assert_string_equal(s.sections[2].title, "[/LEVEL]] [x");
    for (size_t i = 0; i < s.nsections; i++) {
        assert_lacks(s.sections[i].title, "[[");
        assert_lacks(s.sections[i].body, "[[");
    }
    free_scp(&s);
    json_decref(a);
}

/* Suffixed designations are files of their own: SCP-049-ARC is not SCP-049. */
static void suffixed_designations_keep_their_suffix(void **state)
{
    (void)state;
    struct scpdata_levels l;
    scpdata_levels_default(&l);
    static const struct {
        const char *scp;
        int64_t number;
        const char *suffix;
    } cases[] = {{"SCP-049-ARC", 49, "ARC"},
                 {"scp-173-j", 173, "J"},
                 {"SCP-0000-EX", 0, "EX"},
                 {"SCP-049", 49, ""}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        json_t *a = json_pack("{s:s, s:s, s:s}", "scp", cases[i].scp, "title", "t", "raw_content",
                              "<p>text</p>");
        struct import_scp s;
        char why[160] = "";
        assert_true(scpdata_article("a", a, &l, &s, why, sizeof(why)));
        assert_int_equal(s.number, cases[i].number);
        assert_string_equal(s.suffix, cases[i].suffix);
        free_scp(&s);
        json_decref(a);
    }
}

static void bad_articles_are_refused_with_a_reason(void **state)
{
    (void)state;
    struct scpdata_levels l;
    scpdata_levels_default(&l);
    struct {
        json_t *a;
        const char *why;
    } cases[] = {
        {json_string("text"), "not a JSON object"},
        {json_pack("{s:s, s:i}", "scp", "SCP-1", "raw_content", 5), "should be text"},
        {json_pack("{s:s, s:s, s:s}", "scp", "SCP-1", "raw_content", "", "tags", "x"),
         "not a list"},
        {json_pack("{s:s}", "raw_content", "<p>x</p>"), "not an SCP article"},
        {json_pack("{s:s, s:s}", "scp", "SCP-000", "raw_content", "x"), "SCP-000 without a suffix"},
        {json_pack("{s:s, s:s}", "scp", "SCP-../1", "raw_content", "x"), "not a designation"},
        {json_pack("{s:s}", "scp", "SCP-1"), "raw_content"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct import_scp s;
        char why[160] = "";
        assert_false(scpdata_article("a", cases[i].a, &l, &s, why, sizeof(why)));
        assert_contains(why, cases[i].why);
        json_decref(cases[i].a);
    }
    char why[160];
    assert_false(scpdata_levels_parse(&l, "Keter=7", why, sizeof(why)));
    assert_false(scpdata_levels_parse(&l, "Keter", why, sizeof(why)));
    assert_false(scpdata_levels_parse(&l, "=3", why, sizeof(why)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formatting_becomes_markdown),
        cmocka_unit_test(tables_are_gfm_with_pipes_escaped),
        cmocka_unit_test(page_text_cannot_forge_markup),
        cmocka_unit_test(wiki_furniture_is_dropped),
        cmocka_unit_test(collapsibles_and_tabs_become_headings),
        cmocka_unit_test(broken_deep_and_huge_pages),
        cmocka_unit_test(articles_become_files),
        cmocka_unit_test(titles_cannot_forge_markup),
        cmocka_unit_test(bad_articles_are_refused_with_a_reason),
        cmocka_unit_test(suffixed_designations_keep_their_suffix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
