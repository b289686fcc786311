/*
 * test_dw_search_write.c - how the write path keeps the full-text index: an unchanged
 * band keeps its row, a re-imported file's new text is indexed, and on SQLite FTS5
 * takes a transaction's rows once, at its commit, and nothing of a rolled-back one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "deepwell/engine.h"
#include "deepwell/search.h"
#include "deepwell/write.h"
#include "dw_fixture.h"

static const char SQL_FTS_CHECK[] =
    "INSERT INTO search_fts (search_fts) VALUES ('integrity-check')";

/* A level-2 file whose section holds a level-4 passage: bands 2-3 and 4-6 are kept. */
static struct deepwell_scp file(int number, const char *text, const char *hidden,
                                struct deepwell_section *section, char *body, size_t size)
{
    snprintf(body, size, "%s [[LEVEL 4]]%s[[/LEVEL]]", text, hidden);
    *section = (struct deepwell_section){
        .kind = "description", .title = "Description", .level = 2, .body = body};
    return (struct deepwell_scp){.number = number,
                                 .title = "Greenhouse",
                                 .level = 2,
                                 .containment = "Euclid",
                                 .source_url = "http://scp-wiki.example/scp",
                                 .nsections = 1,
                                 .sections = section};
}

static void add_file(struct deepwell *dw, int number, const char *text, const char *hidden)
{
    struct deepwell_section section;
    char body[256];
    struct deepwell_scp scp = file(number, text, hidden, &section, body, sizeof(body));
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_create(dw, &scp, NULL, &err), DW_OK);
}

static int64_t hits(struct deepwell *dw, const char *query, int level)
{
    struct deepwell_search_query q = {
        .query = query, .reader_level = level, .site_read_level = 3, .limit = 50};
    struct deepwell_search_result r;
    struct deepwell_error err;
    assert_int_equal(deepwell_search(dw, &q, &r, &err), DW_OK);
    int64_t total = r.total;
    deepwell_search_free(&r);
    return total;
}

static int64_t band_row(const struct dw_fixture *f, int number, int band_lo)
{
    char sql[160];
    snprintf(sql, sizeof(sql),
             "SELECT id FROM search_docs WHERE kind = 'scp' AND ref_id = %d AND band_lo = %d",
             number, band_lo);
    return dw_fixture_query_int(f->path, sql);
}

/* FTS5 holds exactly the words of search_docs' rows (SQLite; nothing to check elsewhere). */
static void expect_fts_in_step(const struct dw_fixture *f)
{
    if (!dw_fixture_pg())
        assert_int_equal(dw_fixture_exec(f->path, SQL_FTS_CHECK), SQLITE_OK);
}

static const char SQL_INSERT_LOG_SQLITE[] =
    "CREATE TABLE insert_log (id INTEGER);"
    "CREATE TRIGGER insert_log AFTER INSERT ON search_docs BEGIN"
    "  INSERT INTO insert_log VALUES (new.id); END;";
static const char SQL_INSERT_LOG_PG[] =
    "CREATE TABLE insert_log (id BIGINT);"
    "CREATE FUNCTION insert_log() RETURNS trigger LANGUAGE plpgsql AS"
    " $$BEGIN INSERT INTO insert_log VALUES (NEW.id); RETURN NEW; END$$;"
    "CREATE TRIGGER insert_log AFTER INSERT ON search_docs FOR EACH ROW"
    " EXECUTE FUNCTION insert_log();";

static void an_unchanged_band_keeps_its_row(void **state)
{
    struct dw_fixture *f = *state;
    add_file(f->dw, 300, "Orchids grow here.", "The zebrafish hides.");
    add_file(f->dw, 301, "Ferns grow there.", "Nothing hides.");
    int64_t low = band_row(f, 300, 2), high = band_row(f, 300, 4);
    assert_true(low > 0 && high > 0);
    /* A row's id is its band and file (search.h): a log of inserts tells kept from rewritten. */
    assert_int_equal(
        dw_fixture_exec(f->path, dw_fixture_pg() ? SQL_INSERT_LOG_PG : SQL_INSERT_LOG_SQLITE), 0);

    /* Only the level-4 passage changes: the bands below it read the same. */
    struct deepwell_scp got;
    struct deepwell_error err;
    assert_int_equal(deepwell_scp_get_head(f->dw, 300, "", &got, &err), DW_OK);
    struct deepwell_scp_edit e = {.number = 300,
                                  .base_revision = got.revision,
                                  .reason = "new finding",
                                  .kind = DW_EDIT_SECTION,
                                  .section = 1,
                                  .body =
                                      "Orchids grow here. [[LEVEL 4]]The axolotl hides.[[/LEVEL]]",
                                  .change_level = 4,
                                  .summary = "section 1"};
    deepwell_scp_free(&got);
    assert_int_equal(deepwell_scp_edit(f->dw, &e, NULL, &err), DW_OK);

    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM insert_log WHERE id = %lld", (long long)low);
    assert_int_equal(dw_fixture_query_int(f->path, sql), 0);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM insert_log WHERE id = %lld", (long long)high);
    assert_int_equal(dw_fixture_query_int(f->path, sql), 1);
    assert_int_equal(hits(f->dw, "orchids", 2), 1);
    assert_int_equal(hits(f->dw, "axolotl", 2), 0);
    assert_int_equal(hits(f->dw, "axolotl", 4), 1);
    assert_int_equal(hits(f->dw, "zebrafish", 4), 0);
    expect_fts_in_step(f);
}

struct batch {
    int first, count;
    const char *text;
    bool fail;  /* end with an error: the transaction rolls back */
    bool twice; /* index each file again with other words, in the same transaction */
};

static enum deepwell_code write_batch(struct deepwell_conn *conn, void *ctx,
                                      struct deepwell_error *err)
{
    const struct batch *b = ctx;
    enum deepwell_code code = DW_OK;
    for (int i = 0; i < b->count && code == DW_OK; i++) {
        struct deepwell_section section;
        size_t size = strlen(b->text) + 256;
        char *body = malloc(size);
        assert_non_null(body);
        struct deepwell_scp scp = file(b->first + i, b->text, "Kept below.", &section, body, size);
        code = dw_scp_insert(conn, &scp, NULL, NULL, "test", err);
        if (code == DW_OK && b->twice) {
            scp = file(b->first + i, "Lichen instead.", "Kept below.", &section, body, size);
            code = dw_search_index_scp(conn, &scp, "test", err);
        }
        free(body);
    }
    if (code == DW_OK && b->fail)
        code = deepwell_error_set(err, DW_INVALID, "test", "changed my mind");
    return code;
}

static void a_transaction_reaches_fts5_once_at_commit(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    /* 40 files of 3,000 words: 2.4 MB of text in their bands, more than 1 MB of FTS5 words. */
    enum { WORDS = 3000 };
    char *text = malloc(WORDS * 16 + 32);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, "Moss covers it.");
    for (int i = 0; i < WORDS; i++)
        len += (size_t)sprintf(text + len, " spore%d", i);
    struct batch b = {.first = 400, .count = 40, .text = text};
    assert_int_equal(deepwell_write_tx(f->dw, write_batch, &b, &err), DW_OK);
    free(text);
    assert_int_equal(hits(f->dw, "moss", 2), 40);
    assert_int_equal(hits(f->dw, "spore2999", 2), 40);
    /* One segment: FTS5 wrote the words once, at COMMIT, not once per row nor per MB. */
    if (!dw_fixture_pg())
        assert_int_equal(
            dw_fixture_query_int(f->path, "SELECT count(DISTINCT segid) FROM search_fts_idx"), 1);
    expect_fts_in_step(f);
}

static void optimize_merges_the_index_into_one_piece(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    struct batch b = {.first = 600, .count = 3, .text = "Peat bogs."};
    assert_int_equal(deepwell_write_tx(f->dw, write_batch, &b, &err), DW_OK);
    b = (struct batch){.first = 700, .count = 3, .text = "Peat moss."};
    assert_int_equal(deepwell_write_tx(f->dw, write_batch, &b, &err), DW_OK);
    const char *segments = "SELECT count(DISTINCT segid) FROM search_fts_idx";
    if (!dw_fixture_pg())
        assert_true(dw_fixture_query_int(f->path, segments) >= 2);
    assert_int_equal(deepwell_search_optimize(f->dw, &err), DW_OK);
    if (!dw_fixture_pg())
        assert_int_equal(dw_fixture_query_int(f->path, segments), 1);
    assert_int_equal(hits(f->dw, "peat", 2), 6);
    assert_int_equal(hits(f->dw, "moss", 2), 3);
    /* Again: nothing left to merge. */
    assert_int_equal(deepwell_search_optimize(f->dw, &err), DW_OK);
    expect_fts_in_step(f);
}

static void small_writes_leave_few_segments(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    /* Twelve one-file transactions: each leaves a segment, and commits merge them. */
    for (int i = 0; i < 12; i++) {
        struct batch b = {.first = 800 + i, .count = 1, .text = "Reed beds."};
        assert_int_equal(deepwell_write_tx(f->dw, write_batch, &b, &err), DW_OK);
    }
    if (!dw_fixture_pg())
        assert_true(
            dw_fixture_query_int(f->path, "SELECT count(DISTINCT segid) FROM search_fts_idx") <= 4);
    assert_int_equal(hits(f->dw, "reed", 2), 12);
    expect_fts_in_step(f);
}

static void a_rolled_back_write_leaves_no_words(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    struct batch b = {.first = 500, .count = 3, .text = "Mould spreads.", .fail = true};
    assert_int_equal(deepwell_write_tx(f->dw, write_batch, &b, &err), DW_INVALID);
    assert_int_equal(hits(f->dw, "mould", 2), 0);

    /*
     * Rows added and replaced within one transaction (two bands a file: the one below
     * the file's level is not kept): the last words count.
     */
    b = (struct batch){.first = 500, .count = 3, .text = "Mould spreads.", .twice = true};
    assert_int_equal(deepwell_write_tx(f->dw, write_batch, &b, &err), DW_OK);
    assert_int_equal(hits(f->dw, "mould", 2), 0);
    assert_int_equal(hits(f->dw, "lichen", 2), 3);
    assert_int_equal(
        dw_fixture_query_int(
            f->path, "SELECT count(*) FROM search_docs WHERE kind = 'scp' AND ref_id >= 500"),
        6);
    expect_fts_in_step(f);
}

struct reimport {
    const char *text;
    bool changed;
};

static enum deepwell_code reimport_body(struct deepwell_conn *conn, void *ctx,
                                        struct deepwell_error *err)
{
    struct reimport *r = ctx;
    struct deepwell_section section;
    char body[256];
    struct deepwell_scp scp =
        file(600, r->text, "The zebrafish hides.", &section, body, sizeof(body));
    int64_t id;
    return dw_scp_update_or_keep(conn, &scp, NULL, &id, &r->changed, "test", err);
}

static void a_reimported_file_is_indexed_as_it_now_reads(void **state)
{
    struct dw_fixture *f = *state;
    struct deepwell_error err;
    add_file(f->dw, 600, "Orchids grow here.", "The zebrafish hides.");
    add_file(f->dw, 601, "Ferns grow there.", "Nothing hides.");

    struct reimport r = {.text = "Cacti grow here."};
    assert_int_equal(deepwell_write_tx(f->dw, reimport_body, &r, &err), DW_OK);
    assert_true(r.changed);
    assert_int_equal(hits(f->dw, "cacti", 2), 1);
    assert_int_equal(hits(f->dw, "orchids", 2), 0);
    assert_int_equal(hits(f->dw, "zebrafish", 4), 1);

    /* The same text again changes nothing, the index included. */
    int64_t low = band_row(f, 600, 2), high = band_row(f, 600, 4);
    assert_int_equal(deepwell_write_tx(f->dw, reimport_body, &r, &err), DW_OK);
    assert_false(r.changed);
    assert_int_equal(band_row(f, 600, 2), low);
    assert_int_equal(band_row(f, 600, 4), high);
    expect_fts_in_step(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_unchanged_band_keeps_its_row, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_transaction_reaches_fts5_once_at_commit, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(optimize_merges_the_index_into_one_piece, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(small_writes_leave_few_segments, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_rolled_back_write_leaves_no_words, dw_fixture_setup,
                                        dw_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_reimported_file_is_indexed_as_it_now_reads,
                                        dw_fixture_setup, dw_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
