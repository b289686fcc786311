/*
 * fuzz_request_store.h - fuzz_request.c's canary store: made once at start-up, then
 * copied fresh for each input that writes.  Included by fuzz_request.c only (its
 * definitions are static), so the target stays one file to compile.
 */
#ifndef SCIPNET_FUZZ_REQUEST_STORE_H
#define SCIPNET_FUZZ_REQUEST_STORE_H

#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/foundation.h"
#include "deepwell/deepwell.h"
#include "deepwell/password.h"
#include "server/server.h"
#include "server/session.h"

/* ---- the store: canary files ------------------------------------------------------ */

#define NOW_MS      1795000000000LL /* fixed, so no run depends on the clock */
#define NREADERS    7               /* levels 1..6, then site staff at level 1 */
#define CANARY_SITE 77

#define PASSWORD "fuzz-password" /* every reader's; the dictionary knows it */

static struct server srv;
static struct deepwell *ro_dw; /* the canary store, for read-only ops */
static char store_dir[64];
static char template_db[128], ro_db[128], rw_db[128];
static struct deepwell_user readers[NREADERS];
static struct deepwell_session sessions[NREADERS];

/* 43 base64url characters each; tests/fuzz/dict/fuzz_request.dict lists them. */
static const char *const tokens[NREADERS] = {
    "fuzzReader1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "fuzzReader2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "fuzzReader3xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "fuzzReader4xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "fuzzReader5xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "fuzzReader6xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "fuzzStaff1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

static void setup_fail(const char *what, const struct deepwell_error *err)
{
    fprintf(stderr, "fuzz_request: setup: %s: %s (%s)\n", what, err->message, err->context);
    exit(1);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    deepwell_close(ro_dw);
    nftw(store_dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* A section body: open text needing `level`, then a passage for each higher level. */
static char *canary_body(int level, const char *what)
{
    char *b = malloc(1024);
    int n = snprintf(b, 1024, "%s text CNRY%d.", what, level);
    for (int k = level + 1; k <= 6; k++)
        n += snprintf(b + n, 1024 - n, " [[LEVEL %d]]%s passage CNRY%d[[/LEVEL]]", k, what, k);
    snprintf(b + n, 1024 - n, " end.");
    return b;
}

static void fill_store(void)
{
    struct deepwell_error err;
    int64_t id;
    /* People: a CNRY<L> user at each level (site directors, task force leaders). */
    int64_t person[7] = {0};
    for (int L = 1; L <= 6; L++) {
        char name[32];
        snprintf(name, sizeof(name), "CNRY%d.person", L);
        struct deepwell_user_new u = {name, "!unusable", L, "Researcher", 0, 0, true, true};
        if (deepwell_user_add(srv.dw, &u, &person[L], &err) != DW_OK)
            setup_fail("user", &err);
    }
    /* The canary site: public name, marked text, directed by a level-5 person. */
    char *desc = canary_body(1, "site description");
    struct deepwell_site site = {.id = CANARY_SITE,
                                 .name = "Site-77",
                                 .level = 3,
                                 .director_id = person[5],
                                 .location = "Shore [[LEVEL 5]]CNRY5 bunker[[/LEVEL]] road",
                                 .description = desc,
                                 .dossier = "Staff only. [[LEVEL 6]]CNRY6 O5 note[[/LEVEL]]"};
    if (deepwell_site_create(srv.dw, &site, &id, &err) != DW_OK)
        setup_fail("site", &err);
    free(desc);
    /* A task force per level, its name needing that level. */
    int64_t mtf[7] = {0};
    for (int L = 1; L <= 6; L++) {
        char des[32], nick[32];
        snprintf(des, sizeof(des), "CNRY%d-%d", L, L);
        snprintf(nick, sizeof(nick), "Nick CNRY%d", L);
        char *mission = canary_body(L, "mission");
        struct deepwell_mtf m = {.designation = des,
                                 .nickname = nick,
                                 .level = L,
                                 .leader_id = person[L],
                                 .site_id = CANARY_SITE,
                                 .mission = mission,
                                 .active = true};
        if (deepwell_mtf_create(srv.dw, &m, &mtf[L], &err) != DW_OK)
            setup_fail("mtf", &err);
        free(mission);
    }
    /* SCP files 901..906 at each level, linked to a task force a level higher. */
    for (int L = 1; L <= 6; L++) {
        char title[48];
        snprintf(title, sizeof(title), "CNRY%d object", L);
        struct deepwell_section sec[3];
        char *bodies[3];
        char titles[3][48];
        static const char *const kinds[3] = {"containment", "description", "addendum"};
        for (int s = 0; s < 3; s++) {
            int lv = L + s > 6 ? 6 : L + s;
            snprintf(titles[s], sizeof(titles[s]), "CNRY%d %s", lv, kinds[s]);
            bodies[s] = canary_body(lv, kinds[s]);
            sec[s] = (struct deepwell_section){.kind = (char *)kinds[s],
                                               .title = titles[s],
                                               .position = s + 1,
                                               .level = lv,
                                               .body = bodies[s]};
        }
        struct deepwell_scp scp = {.number = 900 + L,
                                   .title = title,
                                   .level = L,
                                   .containment = "Keter",
                                   .status = "active",
                                   .site_id = CANARY_SITE,
                                   .task_force_id = mtf[L < 6 ? L + 1 : 6],
                                   .nsections = 3,
                                   .sections = sec};
        if (deepwell_scp_create(srv.dw, &scp, &id, &err) != DW_OK)
            setup_fail("scp", &err);
        for (int s = 0; s < 3; s++)
            free(bodies[s]);
    }
    /* The readers, and a session for each with a known token. */
    char hash[DEEPWELL_HASH_MAX];
    if (deepwell_password_hash(PASSWORD, &srv.pwlimits, hash) != 0) {
        fprintf(stderr, "fuzz_request: setup: cannot hash\n");
        exit(1);
    }
    for (int i = 0; i < NREADERS; i++) {
        char name[32];
        int level = i < 6 ? i + 1 : 1;
        snprintf(name, sizeof(name), i < 6 ? "reader%d" : "staff%d", level);
        struct deepwell_user_new u = {name, hash, level, "Researcher", i < 6 ? 0 : CANARY_SITE,
                                      0,    true, true};
        if (deepwell_user_add(srv.dw, &u, &id, &err) != DW_OK)
            setup_fail("reader", &err);
        if (deepwell_user_find(srv.dw, NULL, id, &readers[i], &err) != DW_OK)
            setup_fail("reader find", &err);
        uint8_t th[DEEPWELL_TOKEN_HASH_BYTES];
        session_token_hash(tokens[i], SESSION_TOKEN_LEN, th);
        if (deepwell_session_create(srv.dw, th, id, "fuzz", NOW_MS - 1000, NOW_MS + 3600 * 1000,
                                    &err) != DW_OK ||
            deepwell_session_find(srv.dw, th, &sessions[i], &err) != DW_OK)
            setup_fail("session", &err);
    }
}

static struct deepwell *open_store(const char *path, bool create)
{
    struct deepwell_options opts = {
        .path = path, .readers = 1, .create = create, .migrate = create, .synchronous = "OFF"};
    deepwell_options_defaults(&opts);
    struct deepwell_error err;
    struct deepwell *dw = NULL;
    if (deepwell_open(&opts, &dw, &err) != DW_OK)
        setup_fail("open", &err);
    return dw;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (in == NULL || out == NULL) {
        perror("fuzz_request: copy");
        exit(1);
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0) {
        perror("fuzz_request: copy");
        exit(1);
    }
}

/* Copies a closed (checkpointed) store: its file and its audit log, FILE.audit. */
static void copy_store(const char *from, const char *to)
{
    char from_audit[160], to_audit[160];
    snprintf(from_audit, sizeof(from_audit), "%s.audit", from);
    snprintf(to_audit, sizeof(to_audit), "%s.audit", to);
    copy_file(from, to);
    copy_file(from_audit, to_audit);
}

/* A fresh copy of the canary store at rw_db, with no WAL left from the last one. */
static struct deepwell *fresh_store(void)
{
    const char *sides[] = {"-wal", "-shm", ".audit-wal", ".audit-shm"};
    char side[160];
    for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
        snprintf(side, sizeof(side), "%s%s", rw_db, sides[i]);
        unlink(side);
    }
    copy_store(template_db, rw_db);
    return open_store(rw_db, false);
}

#endif
