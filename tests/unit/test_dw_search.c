/*
 * test_dw_search.c - full-text search: ranked hits, the query syntax, and the rule
 * that nothing a reader may not read finds, counts, orders or shows anything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deepwell/search.h"
#include "dw_fixture.h"

static void add_file(struct deepwell *dw, int number, const char *title, int level,
                     const char *containment, int section_level, const char *body)
{
    struct deepwell_section sections[] = {
        {.kind = "description",
         .title = "Description",
         .level = section_level,
         .body = (char *)body},
    };
    struct deepwell_scp scp = {.number = number,
                               .title = (char *)title,
                               .level = level,
                               .containment = (char *)containment,
                               .nsections = 1,
                               .sections = sections};
    struct deepwell_error err;
    enum deepwell_code code = deepwell_scp_create(dw, &scp, NULL, &err);
    if (code != DW_OK)
        fprintf(stderr, "scp_create: %s (%s)\n", err.message, err.context);
    assert_int_equal(code, DW_OK);
}

static enum deepwell_code search(struct deepwell *dw, const char *query, int level, int offset,
                                 int limit, struct deepwell_search_result *out,
                                 struct deepwell_error *err)
{
    struct deepwell_search_query q = {.query = query,
                                      .reader_level = level,
                                      .site_read_level = 3,
                                      .offset = offset,
                                      .limit = limit};
    enum deepwell_code code = deepwell_search(dw, &q, out, err);
    if (code != DW_OK && code != DW_INVALID)
        fprintf(stderr, "search '%s': %s (%s)\n", query, err->message, err->context);
    return code;
}

/* Total hits of query for a reader of level. */
static int64_t hits(struct deepwell *dw, const char *query, int level)
{
    struct deepwell_search_result r;
    struct deepwell_error err;
    assert_int_equal(search(dw, query, level, 0, 50, &r, &err), DW_OK);
    int64_t total = r.total;
    deepwell_search_free(&r);
    return total;
}

static void expect_hits(struct deepwell *dw, const char *query, int level, int64_t want)
{
    int64_t got = hits(dw, query, level);
    if (got != want)
        fail_msg("'%s' at level %d: %lld hits, not %lld", query, level, (long long)got,
                 (long long)want);
}

static void hidden_words_find_nothing_below_their_level(void **state)
{
    struct dw_fixture *f = *state;
    add_file(f->dw, 100, "The Glass Garden", 2, "Euclid", 2,
             "A greenhouse of **glass** orchids. [[LEVEL 4]]The zebrafish in the pond is the "
             "real anomaly.[[/LEVEL]] Staff water it daily.");
    add_file(f->dw, 101, "The Quiet Room", 5, "Keter", 5, "The zebrafish sleeps here.");

    expect_hits(f->dw, "zebrafish", 2, 0);
    expect_hits(f->dw, "zebrafish", 3, 0);
    expect_hits(f->dw, "zebrafish", 4, 1);
    expect_hits(f->dw, "zebrafish", 5, 2);
    /* A phrase across the cut does not join the words either side of it. */
    expect_hits(f->dw, "\"orchids staff\"", 2, 0);

    struct deepwell_search_result r;
    struct deepwell_error err;
    assert_int_equal(search(f->dw, "orchids", 2, 0, 50, &r, &err), DW_OK);
    assert_int_equal(r.total, 1);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.items[0].kind, DW_KIND_SCP);
    assert_int_equal(r.items[0].id, 100);
    assert_string_equal(r.items[0].title, "The Glass Garden");
    assert_string_equal(r.items[0].klass, "euclid");
    assert_non_null(strstr(r.items[0].snippet, "**orchids**"));
    assert_null(strstr(r.items[0].snippet, "zebrafish"));
    assert_null(strstr(r.items[0].snippet, "anomaly"));
    assert_true(r.items[0].score > 0);
    deepwell_search_free(&r);

    /* The level-4 reader's snippet holds the passage. */
    assert_int_equal(search(f->dw, "zebrafish", 4, 0, 50, &r, &err), DW_OK);
    assert_int_equal(r.count, 1);
    assert_non_null(strstr(r.items[0].snippet, "**zebrafish**"));
    deepwell_search_free(&r);
}

/* The same files, with the level-5 text of one store different from the other's. */
static void fill(struct deepwell *dw, const char *hidden)
{
    char body[512];
    snprintf(body, sizeof(body),
             "The keter vault holds a statue. [[LEVEL 5]]%s[[/LEVEL]] It moves when unseen.",
             hidden);
    add_file(dw, 173, "The Sculpture", 2, "Euclid", 2, body);
    add_file(dw, 174, "The Doll", 2, "Safe", 2, "A statue that moves. Keter? No: a statue.");
    snprintf(body, sizeof(body), "Statue notes. [[LEVEL 6]]%s statue statue[[/LEVEL]]", hidden);
    add_file(dw, 175, "The Plinth", 3, "Keter", 3, body);
    add_file(dw, 176, "The Vault", 5, "Keter", 5, "statue statue statue keter");
}

static void expect_same(struct deepwell *a, struct deepwell *b, const char *query, int level)
{
    struct deepwell_search_result ra, rb;
    struct deepwell_error err;
    assert_int_equal(search(a, query, level, 0, 50, &ra, &err), DW_OK);
    assert_int_equal(search(b, query, level, 0, 50, &rb, &err), DW_OK);
    assert_int_equal(ra.total, rb.total);
    assert_int_equal(ra.count, rb.count);
    for (size_t i = 0; i < ra.count; i++) {
        assert_int_equal(ra.items[i].id, rb.items[i].id);
        assert_string_equal(ra.items[i].snippet, rb.items[i].snippet);
        assert_true(ra.items[i].score == rb.items[i].score);
    }
    deepwell_search_free(&ra);
    deepwell_search_free(&rb);
}

static void hidden_text_changes_no_total_order_score_or_snippet(void **state)
{
    struct dw_fixture *f = *state;
    struct dw_fixture *other = dw_fixture_new("test_dw_search");
    assert_non_null(other);
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(other, true, true, &err), DW_OK);
    fill(f->dw, "keter keter statue statue statue vault obsidian");
    fill(other->dw, "nothing here");

    const char *queries[] = {"statue", "keter", "statue keter", "stat*", "vault", "\"a statue\""};
    for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++)
        for (int level = 1; level <= 4; level++)
            expect_same(f->dw, other->dw, queries[q], level);
    /* ... while a level-5 reader does see the difference. */
    expect_hits(f->dw, "obsidian", 5, 1);
    expect_hits(other->dw, "obsidian", 5, 0);
    dw_fixture_free(other);
}

/* Equal scores keep one order whatever bands hidden passages make (search.h: row ids). */
static void hidden_passages_do_not_reorder_equal_scores(void **state)
{
    struct dw_fixture *f = *state;
    struct dw_fixture *other = dw_fixture_new("test_dw_search");
    assert_non_null(other);
    struct deepwell_error err;
    assert_int_equal(dw_fixture_open(other, true, true, &err), DW_OK);
    for (int n = 1; n <= 3; n++) {
        add_file(f->dw, n, "Cog", 1, "Safe", 1,
                 n == 2 ? "A brass cog. [[LEVEL 5]]It sings.[[/LEVEL]]" : "A brass cog.");
        add_file(other->dw, n, "Cog", 1, "Safe", 1, "A brass cog.");
    }
    /* (A reader sees that a passage was cut, as read shows it: only the order is compared.) */
    struct deepwell *stores[] = {f->dw, other->dw};
    for (int level = 1; level <= 4; level++)
        for (size_t k = 0; k < 2; k++) {
            struct deepwell_search_result r;
            assert_int_equal(search(stores[k], "cog", level, 0, 50, &r, &err), DW_OK);
            assert_int_equal(r.count, 3);
            for (size_t i = 0; i < r.count; i++)
                assert_int_equal(r.items[i].id, (int64_t)i + 1);
            deepwell_search_free(&r);
        }
    dw_fixture_free(other);
}

static void ranks_by_the_matched_words(void **state)
{
    struct dw_fixture *f = *state;
    add_file(f->dw, 1, "Once", 1, "Safe", 1, "One mention of the lantern, among many other words.");
    add_file(f->dw, 2, "Thrice", 1, "Safe", 1, "Lantern, lantern, lantern.");
    struct deepwell_search_result r;
    struct deepwell_error err;
    assert_int_equal(search(f->dw, "lantern", 1, 0, 50, &r, &err), DW_OK);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.items[0].id, 2);
    assert_int_equal(r.items[1].id, 1);
    assert_true(r.items[0].score > r.items[1].score);
    deepwell_search_free(&r);
}

static void phrases_prefixes_and_filters(void **state)
{
    struct dw_fixture *f = *state;
    add_file(f->dw, 49, "Plague Doctor", 2, "Euclid", 2, "He seeks the Pestilence and a cure.");
    add_file(f->dw, 96, "The Shy Guy", 4, "Euclid", 4, "The pestilence of his face.");
    add_file(f->dw, 682, "Hard-to-Destroy Reptile", 4, "Keter", 4, "A cure for nothing.");

    expect_hits(f->dw, "\"the pestilence\"", 4, 2);
    expect_hits(f->dw, "\"pestilence the\"", 4, 0);
    expect_hits(f->dw, "pest*", 4, 2);
    expect_hits(f->dw, "PESTILENCE", 4, 2);
    expect_hits(f->dw, "cure kind:scp", 4, 2);
    expect_hits(f->dw, "cure kind:site", 4, 0);
    expect_hits(f->dw, "cure class:keter", 4, 1);
    expect_hits(f->dw, "cure class:KETER level:4", 4, 1);
    expect_hits(f->dw, "cure level:2", 4, 1);
    /* The ref and the title are part of the text. */
    expect_hits(f->dw, "scp-682", 4, 1);
    expect_hits(f->dw, "reptile", 4, 1);
    expect_hits(f->dw, "reptile", 3, 0);
    /* Query text never reaches the engine's syntax. */
    expect_hits(f->dw, "cure OR NOT pestilence", 4, 0);
    expect_hits(f->dw, "cure) | (pestilence & !xy*", 4, 0);
}

static void add_tagged(struct deepwell *dw, int number, int level, const char *tags)
{
    struct deepwell_section sections[] = {
        {.kind = "description", .title = "Description", .level = level, .body = "A cure."},
    };
    struct deepwell_scp scp = {.number = number,
                               .title = "Tagged",
                               .level = level,
                               .containment = "Safe",
                               .tags = (char *)tags,
                               .nsections = 1,
                               .sections = sections};
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_create(dw, &scp, NULL, &err), DW_OK);
}

static void tags_filter_what_the_reader_may_read(void **state)
{
    struct dw_fixture *f = *state;
    add_tagged(f->dw, 682, 4, "reptile keter-class alive");
    add_tagged(f->dw, 999, 2, "Reptile  humanoid");
    add_tagged(f->dw, 100, 2, NULL);

    expect_hits(f->dw, "cure", 4, 3);
    expect_hits(f->dw, "cure tag:reptile", 4, 2);
    expect_hits(f->dw, "cure tag:REPTILE", 4, 2);
    /* A level-2 reader cannot read SCP-682, so its tags find nothing for them. */
    expect_hits(f->dw, "cure tag:reptile", 2, 1);
    expect_hits(f->dw, "cure tag:alive", 2, 0);
    expect_hits(f->dw, "cure tag:reptile tag:alive", 4, 1);
    expect_hits(f->dw, "cure tag:alive tag:reptile", 4, 1);
    expect_hits(f->dw, "cure tag:keter-class", 4, 1);
    expect_hits(f->dw, "cure tag:humanoid tag:alive", 4, 0);
    /* A tag matches whole, and is not text: its word alone finds nothing. */
    expect_hits(f->dw, "cure tag:rep", 4, 0);
    expect_hits(f->dw, "alive", 4, 0);
    expect_hits(f->dw, "cure tag:reptile kind:site", 4, 0);

    /* 300 tags: the index keeps the first that fit its 512 bytes (t000 .. t101), whole. */
    char many[300 * 5 + 1];
    for (int i = 0; i < 300; i++)
        snprintf(many + i * 5, sizeof(many) - (size_t)i * 5, "t%03d ", i);
    add_tagged(f->dw, 7, 2, many);
    expect_hits(f->dw, "cure kind:scp level:2", 2, 3);
    expect_hits(f->dw, "cure tag:t000", 2, 1);
    expect_hits(f->dw, "cure tag:t101", 2, 1);
    expect_hits(f->dw, "cure tag:t102", 2, 0);
    expect_hits(f->dw, "cure tag:t299", 2, 0);
    expect_hits(f->dw, "cure tag:t", 2, 0);
}

/* Wiki tags in any script are found by tag:, folded as ASCII tags are, on both engines. */
static void non_ascii_tags_are_found_by_tag(void **state)
{
    struct dw_fixture *f = *state;
    add_tagged(f->dw, 3000, 2, "élan эксперимент 日本 alive");
    add_tagged(f->dw, 3001, 2, "Élan-Vital ΣΦΑΙΡΑ");
    add_tagged(f->dw, 3002, 5, "élan секретно");

    expect_hits(f->dw, "cure tag:élan", 2, 1);
    expect_hits(f->dw, "cure tag:ÉLAN", 2, 1);
    expect_hits(f->dw, "cure tag:élan", 5, 2);
    expect_hits(f->dw, "cure tag:эксперимент", 2, 1);
    expect_hits(f->dw, "cure tag:ЭКСПЕРИМЕНТ", 2, 1);
    expect_hits(f->dw, "cure tag:日本", 2, 1);
    expect_hits(f->dw, "cure tag:élanvital", 2, 1);
    expect_hits(f->dw, "cure tag:σφαιρα", 2, 1);
    expect_hits(f->dw, "cure tag:日本 tag:alive tag:élan", 2, 1);
    /* Whole tags only: not their ASCII letters, a part, or another script's look-alike. */
    expect_hits(f->dw, "cure tag:lan", 5, 0);
    expect_hits(f->dw, "cure tag:élanv", 5, 0);
    expect_hits(f->dw, "cure tag:日", 5, 0);
    expect_hits(f->dw, "cure tag:elan", 5, 0);
    /* An ASCII tag as before; a tag of a file above the reader finds nothing for them. */
    expect_hits(f->dw, "cure tag:ALIVE", 2, 1);
    expect_hits(f->dw, "cure tag:секретно", 4, 0);
    expect_hits(f->dw, "cure tag:секретно", 5, 1);
    expect_hits(f->dw, "секретно", 5, 0);

    /* The token never equals an ASCII tag's: "~" and hex, lower case, the same both sides. */
    char tags[640];
    dw_search_tags("Élan élan elan \xff\xfe\xc3 a\xc3", tags, sizeof(tags));
    assert_string_equal(tags, " elan  ~61c3  ~c3a96c616e  ~fffec3 ");
    struct dw_search_parsed parsed;
    struct deepwell_error err;
    assert_int_equal(dw_search_parse("x tag:\xff\xfe\xc3 tag:ÉLAN", &parsed, &err), DW_OK);
    assert_string_equal(parsed.tags, "~c3a96c616e ~fffec3 ");
    char meta[1536];
    dw_search_meta("scp", 1, 1, "", tags, 1, 2, meta, sizeof(meta));
    assert_string_equal(meta, "kscp lv1 tgelan tu61c3 tuc3a96c616e tufffec3");
    /* A long tag: its first 48 bytes, so one tag: filter of any length fits. */
    char longtag[] = "ддддддддддддддддддддддддддддддддддддддддддддддддддддддд";
    assert_int_equal(
        dw_search_parse("x tag:ДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДД", &parsed, &err),
        DW_OK);
    dw_search_tags(longtag, tags, sizeof(tags));
    assert_int_equal(strlen(parsed.tags), 1 + 96 + 1);
    assert_int_equal(strncmp(tags + 1, parsed.tags, 97), 0);
    assert_int_equal(
        dw_search_parse(
            "x tag:ДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДД tag:ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ",
            &parsed, &err),
        DW_INVALID);
    assert_non_null(strstr(err.message, "tag: filters too long"));
}

/* SQLite keeps bytes that are not UTF-8 (PostgreSQL refuses them): they are indexed too. */
static void tags_that_are_not_utf8_are_indexed(void **state)
{
    DW_FIXTURE_SQLITE_ONLY();
    struct dw_fixture *f = *state;
    add_tagged(f->dw, 3003, 2, "\xff\xfeodd\xc3 plain");
    expect_hits(f->dw, "cure tag:plain", 2, 1);
    expect_hits(f->dw, "cure tag:\xff\xfeodd\xc3", 2, 1);
    expect_hits(f->dw, "cure tag:odd", 2, 0);
}

/* A personnel file is found as a reader who may read it sees it (server/file_view.c). */
static void personnel_files_by_what_each_reader_sees(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    struct deepwell_mtf mtf = {.designation = "Nu-7", .nickname = "Hammer Down", .level = 5};
    int64_t tf = 0, id = 0;
    assert_int_equal(deepwell_mtf_create(f->dw, &mtf, &tf, &err), DW_OK);
    struct deepwell_user_new user = {.name = "Okonkwo",
                                     .password_hash = "x",
                                     .clearance = 4,
                                     .title = "Researcher",
                                     .task_force_id = tf,
                                     .active = true,
                                     .personnel_active = true};
    assert_int_equal(deepwell_user_add(f->dw, &user, &id, &err), DW_OK);

    expect_hits(f->dw, "okonkwo", 3, 0);
    expect_hits(f->dw, "okonkwo kind:user", 4, 1);
    expect_hits(f->dw, "okonkwo researcher", 4, 1);
    /* The task force's name shows from its own level only. */
    expect_hits(f->dw, "okonkwo hammer", 4, 0);
    expect_hits(f->dw, "okonkwo hammer", 5, 1);
    struct deepwell_search_result r;
    assert_int_equal(search(f->dw, "okonkwo", 4, 0, 50, &r, &err), DW_OK);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.items[0].kind, DW_KIND_USER);
    assert_int_equal(r.items[0].id, id);
    assert_null(strstr(r.items[0].snippet, "Hammer"));
    deepwell_search_free(&r);

    /* The file's level is the user's clearance: the index follows it. */
    assert_int_equal(deepwell_user_set_clearance(f->dw, id, 2, &err), DW_OK);
    expect_hits(f->dw, "okonkwo", 2, 1);
    expect_hits(f->dw, "okonkwo", 1, 0);
}

static void expect_invalid(struct deepwell *dw, const char *query, const char *message)
{
    struct deepwell_search_result r;
    struct deepwell_error err;
    assert_int_equal(search(dw, query, 6, 0, 10, &r, &err), DW_INVALID);
    if (strstr(err.message, message) == NULL)
        fail_msg("'%s': '%s' does not say '%s'", query, err.message, message);
    assert_false(err.from_engine);
}

static void bad_queries_are_refused_with_a_reason(void **state)
{
    struct dw_fixture *f = *state;
    expect_invalid(f->dw, "", "at least one word");
    expect_invalid(f->dw, "  -- ", "at least one word");
    expect_invalid(f->dw, "kind:scp", "at least one word");
    expect_invalid(f->dw, "\"open phrase", "closing");
    expect_invalid(f->dw, "a*b", "'*' may only end a word");
    expect_invalid(f->dw, "a*", "at least 2 letters");
    expect_invalid(f->dw, "x kind:planet", "kind: must be");
    expect_invalid(f->dw, "x level:9", "level: must be 1 to 6");
    expect_invalid(f->dw, "x color:red", "unknown filter 'color:'");
    expect_invalid(f->dw, "x tag:--", "no letter or digit");
    expect_invalid(f->dw, "x tag:a tag:b tag:c tag:d tag:e tag:f tag:g tag:h tag:i",
                   "too many tag:");
    char long_query[DEEPWELL_SEARCH_QUERY_MAX + 2];
    memset(long_query, 'a', sizeof(long_query) - 1);
    long_query[sizeof(long_query) - 1] = '\0';
    expect_invalid(f->dw, long_query, "longer than 200");
    expect_invalid(f->dw, "a b c d e f g h i j k l m n o p q", "more than 16 terms");

    struct deepwell_search_result r;
    struct deepwell_error err;
    assert_int_equal(search(f->dw, "x", 6, 0, DEEPWELL_SEARCH_LIMIT_MAX + 1, &r, &err), DW_INVALID);
    assert_int_equal(search(f->dw, "x", 6, -1, 10, &r, &err), DW_INVALID);
    /* The heap of best hits is offset + limit long: the offset has a ceiling here too. */
    assert_int_equal(search(f->dw, "x", 6, DEEPWELL_SEARCH_OFFSET_MAX + 1, 10, &r, &err),
                     DW_INVALID);
    assert_int_equal(search(f->dw, "x", 6, DEEPWELL_SEARCH_OFFSET_MAX, 10, &r, &err), DW_OK);
    deepwell_search_free(&r);
    assert_int_equal(search(f->dw, "x", 0, 0, 10, &r, &err), DW_INVALID);
}

static void pages_through_the_hits(void **state)
{
    struct dw_fixture *f = *state;
    for (int i = 1; i <= 12; i++)
        add_file(f->dw, i, "Cog", 1, "Safe", 1, "A brass cog.");
    struct deepwell_search_result r;
    struct deepwell_error err;
    int64_t seen = 0;
    for (int offset = 0; offset < 12; offset += 5) {
        assert_int_equal(search(f->dw, "cog", 1, offset, 5, &r, &err), DW_OK);
        assert_int_equal(r.total, 12);
        assert_int_equal(r.count, offset + 5 <= 12 ? 5 : 2);
        for (size_t i = 0; i < r.count; i++)
            assert_int_equal(r.items[i].id, ++seen); /* equal scores: by number */
        deepwell_search_free(&r);
    }
    assert_int_equal(search(f->dw, "cog", 1, 100, 5, &r, &err), DW_OK);
    assert_int_equal(r.total, 12);
    assert_int_equal(r.count, 0);
    deepwell_search_free(&r);
}

/* Every level a band holds sees exactly its text; none sees two rows of a file. */
static void bands_hold_what_each_level_sees(void **state)
{
    (void)state;
    struct deepwell_section sections[] = {
        {.title = "Low", .level = 2, .body = "a [[LEVEL 4]]b [[LEVEL 6]]c[[/LEVEL]][[/LEVEL]] d"},
        {.title = "High", .level = 5, .body = "e [[LEVEL 3]]f[[/LEVEL]]"},
        {.title = "Bad", .level = 1, .body = "g [[LEVEL 2]]h"},
    };
    struct dw_search_band *bands;
    size_t n;
    assert_int_equal(dw_search_bands("SCP-1 T", sections, 3, &bands, &n), 0);
    int los[] = {1, 2, 4, 5, 6};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(bands[i].lo, los[i]);
        assert_int_equal(bands[i].hi, i + 1 < n ? los[i + 1] : 7);
    }
    assert_string_equal(bands[0].text, "SCP-1 T\n\nBad\ng " DW_SEARCH_CUT);
    assert_string_equal(bands[1].text,
                        "SCP-1 T\n\nLow\na " DW_SEARCH_CUT " d\n\nBad\ng " DW_SEARCH_CUT);
    assert_string_equal(bands[2].text,
                        "SCP-1 T\n\nLow\na b " DW_SEARCH_CUT " d\n\nBad\ng " DW_SEARCH_CUT);
    assert_string_equal(bands[3].text, "SCP-1 T\n\nLow\na b " DW_SEARCH_CUT
                                       " d\n\nHigh\ne f\n\nBad\ng " DW_SEARCH_CUT);
    /* Malformed markup is cut at 6 from the bad marker on, as redact.c cuts it. */
    assert_non_null(strstr(bands[4].text, "SCP-1 T\n\nLow\na b c d\n\nHigh\ne f\n\nBad\ng "));
    dw_search_bands_free(bands, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hidden_words_find_nothing_below_their_level,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(hidden_passages_do_not_reorder_equal_scores,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(hidden_text_changes_no_total_order_score_or_snippet,
                                        dw_fixture_setup, dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(ranks_by_the_matched_words, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(phrases_prefixes_and_filters, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(tags_filter_what_the_reader_may_read, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(non_ascii_tags_are_found_by_tag, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(tags_that_are_not_utf8_are_indexed, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(personnel_files_by_what_each_reader_sees, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(bad_queries_are_refused_with_a_reason, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(pages_through_the_hits, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test(bands_hold_what_each_level_sees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
