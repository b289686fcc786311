/*
 * test_dw_audit_seal.c - the audit log proves what it held: rows name their actor
 * inside their hash, and signed seals of the chain's head catch a shortened or
 * replaced log, a forged seal and missing seal files.  Runs on either engine
 * (dw_fixture.h); the seal files live in the fixture's directory on both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "deepwell/audit.h"
#include "deepwell/audit_seal.h"
#include "deepwell/deepwell.h"
#include "deepwell/seal.h"
#include "deepwell/store.h"
#include "dw_fixture.h"

struct fixture {
    struct dw_fixture *fx;
    struct deepwell_seal_paths paths; /* in the fixture's directory */
};

static struct deepwell *dw_of(struct fixture *f)
{
    return f->fx->dw;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct deepwell_error err = {0};
    char base[128];
    if (f == NULL || (f->fx = dw_fixture_new("test_dw_seal")) == NULL ||
        dw_fixture_open(f->fx, true, true, &err) != DW_OK)
        return -1;
    snprintf(base, sizeof(base), "%s/server.key.pem", f->fx->dir);
    if (deepwell_seal_paths_for(base, &f->paths, &err) != DW_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    dw_fixture_free(f->fx);
    free(f);
    return 0;
}

static void reopen(struct fixture *f)
{
    struct deepwell_error err = {0};
    deepwell_close(f->fx->dw);
    f->fx->dw = NULL;
    assert_int_equal(dw_fixture_open(f->fx, false, true, &err), DW_OK);
}

static int64_t log_row(struct deepwell *dw, int64_t user_id, const char *action)
{
    struct deepwell_audit_entry e = {.user_id = user_id,
                                     .client_addr = "127.0.0.1:5000",
                                     .action = action,
                                     .outcome = DW_OUTCOME_SUCCESS,
                                     .severity = DW_SEV_INFO};
    struct deepwell_error err = {0};
    int64_t id = 0;
    assert_int_equal(deepwell_audit_log(dw, &e, &id, &err), DW_OK);
    return id;
}

static int64_t add_user(struct deepwell *dw, const char *name)
{
    struct deepwell_user_new user = {.name = name,
                                     .password_hash =
                                         "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
                                     .clearance = 2,
                                     .title = "Researcher",
                                     .active = true,
                                     .personnel_active = true};
    struct deepwell_error err = {0};
    int64_t id = 0;
    assert_int_equal(deepwell_user_add(dw, &user, &id, &err), DW_OK);
    return id;
}

/* An intruder's SQL on the audit table, with its guard triggers out of the way. */
static void tamper(struct fixture *f, const char *what)
{
    char sql[512];
    if (dw_fixture_pg())
        snprintf(sql, sizeof(sql), "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change; %s",
                 what);
    else
        snprintf(sql, sizeof(sql),
                 "DROP TRIGGER IF EXISTS audit.audit_log_no_delete;"
                 "DROP TRIGGER IF EXISTS audit.audit_log_no_update; %s",
                 what);
    assert_int_equal(dw_fixture_exec(f->fx->path, sql), 0);
}

static enum deepwell_code start_sealing_gap(struct fixture *f, int rows, int interval_s,
                                            int min_gap_ms, struct deepwell_error *err)
{
    struct deepwell_seal_options opts = {
        .paths = &f->paths, .rows = rows, .interval_s = interval_s, .min_gap_ms = min_gap_ms};
    return deepwell_audit_seal_start(dw_of(f), &opts, err);
}

/* Sealing with no least gap between the seals the row count asks for. */
static enum deepwell_code start_sealing(struct fixture *f, int rows, int interval_s,
                                        struct deepwell_error *err)
{
    return start_sealing_gap(f, rows, interval_s, -1, err);
}

static enum deepwell_code verify(struct fixture *f, struct deepwell_seal_report *rep,
                                 struct deepwell_error *err)
{
    return deepwell_audit_verify_sealed(dw_of(f), f->paths.file, f->paths.pub, rep, err);
}

static int count_lines(const char *path)
{
    FILE *fp = fopen(path, "r");
    int n = 0, c;
    if (fp == NULL)
        return -1;
    while ((c = fgetc(fp)) != EOF)
        n += c == '\n';
    fclose(fp);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static char *read_file(const char *path)
{
    static char buf[8192];
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* ---- the actor's name ------------------------------------------------------------------ */

static void a_renamed_user_does_not_rewrite_history(void **state)
{
    struct fixture *f = *state;
    struct deepwell_audit_rows rows = {0};
    struct deepwell_error err = {0};
    int64_t checked = 0, bad = 0;

    int64_t id = add_user(dw_of(f), "researcher");
    log_row(dw_of(f), id, "read");
    tamper(f, "UPDATE users SET name = 'mallory' WHERE name = 'researcher'");
    log_row(dw_of(f), id, "read");

    struct deepwell_audit_query q = {.oldest_first = true, .action = "read"};
    assert_int_equal(deepwell_audit_query(dw_of(f), &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    assert_string_equal(rows.rows[0].user_name, "researcher");
    assert_string_equal(rows.rows[1].user_name, "mallory");
    deepwell_audit_rows_free(&rows);
    assert_int_equal(deepwell_audit_verify(dw_of(f), &checked, &bad, &err), DW_OK);

    /* The stored name is inside the row's hash: editing it breaks the chain there. */
    tamper(f, "UPDATE audit_log SET user_name = 'mallory' WHERE user_name = 'researcher'");
    assert_int_equal(deepwell_audit_verify(dw_of(f), &checked, &bad, &err), DW_CORRUPT);
    assert_true(bad > 0);
}

/* An independent BLAKE2b of a v1 row (audit_chain.c), as rows before schema 6 were made. */
static void v1_hash(const uint8_t prev[32], int64_t id, const char *ts, int64_t user_id,
                    uint8_t out[32])
{
    crypto_generichash_state st;
    uint8_t buf[16];
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const uint8_t *)"scipnet-audit-v1", 16);
    crypto_generichash_update(&st, prev, 32);
#define INT_FIELD(v)                                                                               \
    do {                                                                                           \
        buf[0] = 2;                                                                                \
        for (int i = 0; i < 8; i++)                                                                \
            buf[1 + i] = (uint8_t)((uint64_t)(v) >> (56 - 8 * i));                                 \
        crypto_generichash_update(&st, buf, 9);                                                    \
    } while (0)
#define TEXT_FIELD(s)                                                                              \
    do {                                                                                           \
        size_t len = strlen(s);                                                                    \
        buf[0] = 1;                                                                                \
        for (int i = 0; i < 8; i++)                                                                \
            buf[1 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));                                 \
        crypto_generichash_update(&st, buf, 9);                                                    \
        crypto_generichash_update(&st, (const uint8_t *)(s), len);                                 \
    } while (0)
    INT_FIELD(id);
    TEXT_FIELD(ts);
    INT_FIELD(user_id);
    buf[0] = 0; /* attempted_name NULL */
    crypto_generichash_update(&st, buf, 1);
    TEXT_FIELD("old");
    TEXT_FIELD("read");
    TEXT_FIELD("success");
    TEXT_FIELD("info");
    TEXT_FIELD("{}");
    INT_FIELD(0);
    crypto_generichash_final(&st, out, 32);
#undef INT_FIELD
#undef TEXT_FIELD
}

static void rows_from_before_the_name_column_still_verify(void **state)
{
    struct fixture *f = *state;
    struct deepwell_audit_rows rows = {0};
    struct deepwell_error err = {0};
    struct deepwell_audit_tip tip;
    struct deepwell_conn *conn;
    int64_t checked = 0, bad = 0;
    uint8_t hash[32];
    char prev_hex[65], hash_hex[65], sql[600];

    int64_t uid = add_user(dw_of(f), "agent");
    assert_int_equal(deepwell_pool_acquire(dw_of(f)->pool, DW_CONN_READER, &conn, &err), DW_OK);
    assert_int_equal(deepwell_audit_read_tip(conn, &tip, &err), DW_OK);
    deepwell_pool_release(dw_of(f)->pool, conn);
    v1_hash(tip.hash, tip.id + 1, "2020-01-01T00:00:00.000Z", uid, hash);
    sodium_bin2hex(prev_hex, sizeof(prev_hex), tip.hash, 32);
    sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, 32);
    const char *blob = dw_fixture_pg() ? "'\\x%s'::bytea" : "X'%s'";
    char prev_lit[80], hash_lit[80];
    snprintf(prev_lit, sizeof(prev_lit), blob, prev_hex);
    snprintf(hash_lit, sizeof(hash_lit), blob, hash_hex);
    snprintf(sql, sizeof(sql),
             "INSERT INTO audit_log (id, ts, user_id, client_addr, action, outcome, severity,"
             " details, imported, prev_hash, hash) VALUES (%lld, '2020-01-01T00:00:00.000Z', %lld,"
             " 'old', 'read', 'success', 'info', '{}', 0, %s, %s)",
             (long long)(tip.id + 1), (long long)uid, prev_lit, hash_lit);
    assert_int_equal(dw_fixture_exec(f->fx->path, sql), 0);
    log_row(dw_of(f), uid, "read"); /* a v2 row chained on it */

    assert_int_equal(deepwell_audit_verify(dw_of(f), &checked, &bad, &err), DW_OK);
    assert_int_equal(checked, tip.id + 2);
    struct deepwell_audit_query q = {.oldest_first = true, .action = "read"};
    assert_int_equal(deepwell_audit_query(dw_of(f), &q, &rows, &err), DW_OK);
    assert_int_equal(rows.count, 2);
    assert_string_equal(rows.rows[0].user_name, "agent"); /* no stored name: the current one */
    deepwell_audit_rows_free(&rows);
}

/* ---- seals ----------------------------------------------------------------------------- */

static void first_start_makes_the_key_and_seals_the_head(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};
    struct stat st;

    log_row(dw_of(f), 0, "before");
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_OK);
    assert_int_equal(stat(f->paths.key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(f->paths.pub, &st), 0);
    assert_int_equal(count_lines(f->paths.file), 1);
    assert_non_null(strstr(f->paths.key, "/server.seal.key"));
    assert_int_equal(verify(f, &rep, &err), DW_OK);
    assert_int_equal(rep.sealed_id, 1);
    assert_int_equal(rep.seals, 1);
}

static void seals_every_n_rows_and_at_close(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};

    log_row(dw_of(f), 0, "before");
    assert_int_equal(start_sealing(f, 3, 3600, &err), DW_OK);
    for (int i = 0; i < 7; i++)
        log_row(dw_of(f), 0, "read");
    /* the start-up seal, then one after rows 3 and 6 of the unsealed ones */
    assert_int_equal(count_lines(f->paths.file), 3);
    reopen(f); /* close seals the seventh */
    assert_int_equal(count_lines(f->paths.file), 4);
    assert_int_equal(verify(f, &rep, &err), DW_OK);
    assert_int_equal(rep.sealed_id, 8);
    assert_int_equal(rep.rows, 8);
    assert_int_equal(rep.line, 4);
}

static void row_seals_keep_the_least_gap(void **state)
{
    struct fixture *f = *state;
    struct deepwell_error err = {0};

    assert_int_equal(start_sealing_gap(f, 2, 3600, 0, &err), DW_OK); /* the default gap, 1 s */
    for (int i = 0; i < 6; i++)
        log_row(dw_of(f), 0, "read");
    /* Three times the row count within the gap: no seal yet beyond the start-up one. */
    assert_int_equal(count_lines(f->paths.file), 1);
    for (int i = 0; i < 60 && count_lines(f->paths.file) == 1; i++) {
        struct timespec tick = {0, 50 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    assert_int_equal(count_lines(f->paths.file), 2); /* one, once the gap was over */
}

static void an_idle_log_is_sealed_after_the_interval(void **state)
{
    struct fixture *f = *state;
    struct deepwell_error err = {0};

    assert_int_equal(start_sealing(f, 1000, 1, &err), DW_OK);
    int before = count_lines(f->paths.file);
    log_row(dw_of(f), 0, "read");
    for (int i = 0; i < 60 && count_lines(f->paths.file) == before; i++) {
        struct timespec tick = {0, 50 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    assert_int_equal(count_lines(f->paths.file), before + 1);
}

/* Seals rows 1..6, closes the store (the server stops) and reopens it. */
static void seal_six_rows(struct fixture *f)
{
    struct deepwell_error err = {0};
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_OK);
    for (int i = 0; i < 5; i++)
        log_row(dw_of(f), 0, "read");
    reopen(f);
}

static void deleting_the_newest_rows_fails_verify_and_start(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};
    int64_t checked = 0, bad = 0;

    log_row(dw_of(f), 0, "before");
    seal_six_rows(f);
    tamper(f, "DELETE FROM audit_log WHERE id > 4");
    /* The chain alone still looks whole: that is the hole seals close. */
    assert_int_equal(deepwell_audit_verify(dw_of(f), &checked, &bad, &err), DW_OK);
    assert_int_equal(verify(f, &rep, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "ends at row 4, before the seal of row 6"));
    assert_non_null(strstr(err.message, f->paths.file));
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "seal of row 6"));
}

static void deleting_every_row_fails_verify_and_start(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};

    log_row(dw_of(f), 0, "before");
    seal_six_rows(f);
    tamper(f, "DELETE FROM audit_log");
    assert_int_equal(verify(f, &rep, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "ends at row 0"));
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_CORRUPT);
    /* and the log was not restarted behind the seal's back */
    assert_int_equal(dw_fixture_query_int(f->fx->path, "SELECT count(*) FROM audit_log"), 0);
}

static void a_rewritten_chain_fails_verify_and_start(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};

    log_row(dw_of(f), 0, "before");
    seal_six_rows(f);
    /* A new chain of the same length: whole on its own, but not the sealed one. */
    tamper(f, "DELETE FROM audit_log");
    for (int i = 0; i < 6; i++)
        log_row(dw_of(f), 0, "forged");
    assert_int_equal(verify(f, &rep, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "audit row 6 is not the row of the seal of row 6"));
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_CORRUPT);
}

/* Replaces the first occurrence of from in the seal file's line n (1-based). */
static void edit_line(const char *path, int n, const char *from, const char *to)
{
    char *text = read_file(path), out[8192] = "";
    char *line = text;
    for (int i = 1; i < n; i++)
        line = strchr(line, '\n') + 1;
    char *at = strstr(line, from);
    assert_non_null(at);
    snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    write_file(path, out);
}

static void a_forged_or_edited_seal_is_refused(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};

    log_row(dw_of(f), 0, "before");
    seal_six_rows(f);
    assert_int_equal(verify(f, &rep, &err), DW_OK);
    /* Rows were removed and the newest seal edited to match: its signature fails. */
    tamper(f, "DELETE FROM audit_log WHERE id > 4");
    edit_line(f->paths.file, 2, "row=6", "row=4");
    assert_int_equal(verify(f, &rep, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "line 2: its signature does not match"));
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "signature does not match"));
}

static void seals_of_another_key_are_refused(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char hex[2 * crypto_sign_PUBLICKEYBYTES + 2];

    log_row(dw_of(f), 0, "before");
    seal_six_rows(f);
    crypto_sign_keypair(pk, sk);
    sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
    strcat(hex, "\n");
    write_file(f->paths.pub, hex);
    assert_int_equal(verify(f, &rep, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "line 1: its signature does not match"));
    /* and the server will not sign with a key whose .pub is another's */
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "is not the public key of"));
}

static void reordered_or_overlong_lines_are_refused(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};
    char first[1024], second[1024];

    log_row(dw_of(f), 0, "before");
    seal_six_rows(f);
    /* two good lines swapped: each signature holds, the order does not */
    char *text = read_file(f->paths.file);
    char *nl = strchr(text, '\n');
    snprintf(first, sizeof(first), "%.*s", (int)(nl - text + 1), text);
    snprintf(second, sizeof(second), "%s", nl + 1);
    char swapped[2048];
    snprintf(swapped, sizeof(swapped), "%s%s", second, first);
    write_file(f->paths.file, swapped);
    assert_int_equal(verify(f, &rep, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "line 2: its row is before the previous seal's"));

    /* a line longer than any seal stops the reader at the bound */
    char longline[DEEPWELL_SEAL_LINE_MAX + 16];
    memset(longline, 'a', sizeof(longline) - 2);
    longline[sizeof(longline) - 2] = '\n';
    longline[sizeof(longline) - 1] = '\0';
    write_file(f->paths.file, longline);
    assert_int_equal(verify(f, &rep, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "line 1: it is too long"));
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_CORRUPT);
}

static void missing_seal_files_are_refused(void **state)
{
    struct fixture *f = *state;
    struct deepwell_seal_report rep;
    struct deepwell_error err = {0};

    log_row(dw_of(f), 0, "before");
    seal_six_rows(f);
    char moved[DEEPWELL_SEAL_PATH_MAX + 8];
    snprintf(moved, sizeof(moved), "%s.old", f->paths.file);
    assert_int_equal(rename(f->paths.file, moved), 0);
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "is missing"));
    assert_int_equal(verify(f, &rep, &err), DW_IO);

    /* the seal file without its key */
    assert_int_equal(rename(moved, f->paths.file), 0);
    snprintf(moved, sizeof(moved), "%s.old", f->paths.key);
    assert_int_equal(rename(f->paths.key, moved), 0);
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_CORRUPT);
    assert_non_null(strstr(err.message, "key"));

    /* a key others may read */
    assert_int_equal(rename(moved, f->paths.key), 0);
    assert_int_equal(chmod(f->paths.key, 0644), 0);
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_IO);
    assert_non_null(strstr(err.message, "chmod 600"));
    assert_int_equal(chmod(f->paths.key, 0600), 0);
    assert_int_equal(start_sealing(f, 0, 0, &err), DW_OK);
}

static void paths_sit_beside_the_tls_key_or_store(void **state)
{
    struct deepwell_seal_paths p;
    struct deepwell_error err = {0};
    (void)state;
    assert_int_equal(deepwell_seal_paths_for("/srv/deepwell.db.key.pem", &p, &err), DW_OK);
    assert_string_equal(p.key, "/srv/deepwell.db.seal.key");
    assert_string_equal(p.pub, "/srv/deepwell.db.seal.key.pub");
    assert_string_equal(p.file, "/srv/deepwell.db.seals");
    assert_int_equal(deepwell_seal_paths_for("/srv/deepwell.db", &p, &err), DW_OK);
    assert_string_equal(p.file, "/srv/deepwell.db.seals");
    assert_int_equal(deepwell_seal_paths_for("/etc/tls.key", &p, &err), DW_OK);
    assert_string_equal(p.key, "/etc/tls.key.seal.key");
    assert_int_equal(deepwell_seal_paths_for("", &p, &err), DW_INVALID);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_renamed_user_does_not_rewrite_history),
        T(rows_from_before_the_name_column_still_verify),
        T(first_start_makes_the_key_and_seals_the_head),
        T(seals_every_n_rows_and_at_close),
        T(row_seals_keep_the_least_gap),
        T(an_idle_log_is_sealed_after_the_interval),
        T(deleting_the_newest_rows_fails_verify_and_start),
        T(deleting_every_row_fails_verify_and_start),
        T(a_rewritten_chain_fails_verify_and_start),
        T(a_forged_or_edited_seal_is_refused),
        T(seals_of_another_key_are_refused),
        T(reordered_or_overlong_lines_are_refused),
        T(missing_seal_files_are_refused),
        cmocka_unit_test(paths_sit_beside_the_tls_key_or_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
