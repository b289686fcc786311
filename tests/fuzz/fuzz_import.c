/*
 * fuzz_import.c - importing an exported deepwell folder (deepwell/io/import*.c):
 * manifest.json, credentials.json and the markdown layout, all untrusted files.
 *
 * Input: a small folder in one text.  The part before the first separator line is
 * manifest.json; each "--8<-- PATH" line starts a file at PATH (relative, letters,
 * digits and . _ % - only, no "..") holding the lines up to the next separator:
 *
 *     {"format":"scipnet-deepwell-export","version":1, ...}
 *     --8<-- scps/2/desc.md
 *     text of the description
 *
 * deepwell_import_load must succeed or fail with a message and one of its
 * documented codes.  When it succeeds the bundle is written with
 * deepwell_import_apply into a fresh copy of an empty store, which must then pass
 * deepwell_check and `deepwell audit verify` (imported audit rows keep the chain
 * whole); a failed apply must leave the store as it was (one transaction).
 */
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deepwell/deepwell.h"
#include "deepwell/io/import.h"

#define SEPARATOR "--8<-- "

static char work[64]; /* scratch: src/ and the store copy */
static char src[128];
static char template_db[128];
static char store_db[128];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_import: %s: %s\n", what, detail ? detail : "");
    abort();
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void teardown(void)
{
    remove_tree(work);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (in == NULL || out == NULL)
        die("copy", strerror(errno));
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            die("copy", "short write");
    fclose(in);
    if (fclose(out) != 0)
        die("copy", strerror(errno));
}

static struct deepwell *open_store(const char *path, bool create)
{
    struct deepwell_options o = {
        .path = path, .readers = 1, .create = create, .migrate = create, .synchronous = "OFF"};
    deepwell_options_defaults(&o);
    struct deepwell *dw = NULL;
    struct deepwell_error err;
    if (deepwell_open(&o, &dw, &err) != DW_OK)
        die("open store", err.message);
    return dw;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(work, sizeof(work), "/tmp/fuzz_import.XXXXXX");
    if (mkdtemp(work) == NULL)
        die("mkdtemp", strerror(errno));
    atexit(teardown);
    snprintf(src, sizeof(src), "%s/src", work);
    snprintf(template_db, sizeof(template_db), "%s/template.db", work);
    snprintf(store_db, sizeof(store_db), "%s/store.db", work);
    /* An empty, migrated store, copied for every import that loads. */
    deepwell_close(open_store(template_db, true));
    return 0;
}

/* A relative path made of safe names only. */
static bool safe_path(const char *p, size_t len)
{
    if (len == 0 || len > 200 || p[0] == '/')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '%' || c == '-' || c == '/';
        if (!ok || (c == '/' && i + 1 < len && p[i + 1] == '/'))
            return false;
        if (c == '.' && i + 1 < len && p[i + 1] == '.')
            return false;
    }
    return p[len - 1] != '/';
}

static void write_file(const char *rel, size_t rel_len, const char *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%.*s", src, (int)rel_len, rel);
    /* mkdir -p of the parents */
    for (char *s = path + strlen(src) + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(path, 0700) != 0 && errno != EEXIST) {
                *s = '/';
                return; /* a file is in the way: skip this one */
            }
            *s = '/';
        }
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return; /* a folder is in the way */
    fwrite(data, 1, len, f);
    fclose(f);
}

static void unpack(const char *text, size_t size)
{
    remove_tree(src);
    if (mkdir(src, 0700) != 0)
        die("mkdir", strerror(errno));
    const char *end = text + size;
    const char *sep = memmem(text, size, "\n" SEPARATOR, strlen(SEPARATOR) + 1);
    write_file("manifest.json", 13, text, (size_t)((sep ? sep : end) - text));
    while (sep != NULL) {
        const char *name = sep + 1 + strlen(SEPARATOR);
        const char *nl = memchr(name, '\n', (size_t)(end - name));
        if (nl == NULL)
            nl = end;
        const char *body = nl < end ? nl + 1 : end;
        sep = body < end ? memmem(body, (size_t)(end - body), "\n" SEPARATOR, strlen(SEPARATOR) + 1)
                         : NULL;
        const char *body_end = sep ? sep : end;
        if (safe_path(name, (size_t)(nl - name)))
            write_file(name, (size_t)(nl - name), body, (size_t)(body_end - body));
    }
}

static void check_store(struct deepwell *dw, const char *when)
{
    struct deepwell_error err;
    struct deepwell_check_report rep;
    if (deepwell_check(dw, &rep, &err) != DW_OK)
        die("deepwell_check failed", err.message);
    if (!rep.integrity_ok)
        die("store integrity", rep.integrity_message);
    int64_t checked = 0, bad = 0;
    if (deepwell_audit_verify(dw, &checked, &bad, &err) != DW_OK) {
        fprintf(stderr, "fuzz_import: %s: audit chain broken at row %lld\n", when, (long long)bad);
        die("audit verify after import", err.message);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unpack((const char *)data, size);
    struct deepwell_import *imp = NULL;
    struct deepwell_error err;
    memset(&err, 0, sizeof(err));
    enum deepwell_code rc = deepwell_import_load(src, &imp, &err);
    bool debug = getenv("FUZZ_IMPORT_DEBUG") != NULL;
    if (debug)
        fprintf(stderr, "load: %s %s\n", deepwell_code_name(rc), rc ? err.message : "");
    if (rc != DW_OK) {
        if (imp != NULL)
            die("failed load returned a bundle", err.message);
        if (rc != DW_IO && rc != DW_INVALID && rc != DW_CORRUPT)
            die("load failed with an undocumented code", deepwell_code_name(rc));
        if (err.message[0] == '\0')
            die("load failed without a message", deepwell_code_name(rc));
        return 0;
    }

    /* A fresh empty store each time: its file and its audit log, FILE.audit. */
    char from_audit[sizeof(template_db) + 8], to_audit[sizeof(store_db) + 8];
    snprintf(from_audit, sizeof(from_audit), "%s.audit", template_db);
    snprintf(to_audit, sizeof(to_audit), "%s.audit", store_db);
    copy_file(template_db, store_db);
    copy_file(from_audit, to_audit);
    struct deepwell *dw = open_store(store_db, false);
    struct deepwell_import_report report;
    memset(&report, 0, sizeof(report));
    struct deepwell_check_report before;
    if (deepwell_check(dw, &before, &err) != DW_OK)
        die("deepwell_check before import", err.message);
    rc = deepwell_import_apply(dw, imp, &report, &err);
    if (debug)
        fprintf(stderr, "apply: %s %s (users %zu, scps %zu, sections %zu, notes %zu)\n",
                deepwell_code_name(rc), rc ? err.message : "", report.users.added,
                report.scps.added, report.sections.added, report.nnotes);
    if (rc == DW_OK) {
        check_store(dw, "after a good import");
    } else {
        if (err.message[0] == '\0')
            die("apply failed without a message", deepwell_code_name(rc));
        struct deepwell_check_report after;
        if (deepwell_check(dw, &after, &err) != DW_OK)
            die("deepwell_check after a failed import", err.message);
        if (after.users != before.users || after.scps != before.scps ||
            after.sections != before.sections || after.sites != before.sites ||
            after.task_forces != before.task_forces || after.audit_rows != before.audit_rows)
            die("a failed import wrote rows (not one transaction)", deepwell_code_name(rc));
    }
    deepwell_import_report_free(&report);
    deepwell_import_free(imp);
    deepwell_close(dw);
    /* The store's two files (the audit log is STORE.audit) and their WALs. */
    const char *sides[] = {"-wal", "-shm", "", ".audit-wal", ".audit-shm", ".audit"};
    char side[160];
    for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
        snprintf(side, sizeof(side), "%s%s", store_db, sides[i]);
        unlink(side);
    }
    return 0;
}
