/*
 * fuzz_search.c - search never finds, counts, orders or shows what the reader may
 * not read.
 *
 * The input is a query (its first line) and up to 6 SCP files: a byte 0x08 starts a
 * file (the next byte gives its level and its one section's level), bytes 0x01-0x07
 * start a piece of text at level 0 (unmarked) to 6, written as a [[LEVEL n]] passage,
 * and every other byte is text ('[' and ']' become spaces, so the pieces are the
 * only markup).  The files go into store A as they are.  For each reader level L,
 * store B holds the same files with every piece L may not read (its passage, its
 * section or its file above L) made of other words; a level-L reader's search must
 * give the same reply on both: code, total, and each hit's file, score and snippet.
 * Every file carries tags ("moth", and "wing" and "élan" on every second one), hidden as
 * its title is, so a query's tag:moth, tag:wing or tag:élan filters what only the reader
 * may read.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deepwell/deepwell.h"

#define FILES_MAX  6
#define PIECES_MAX 12
#define TEXT_MAX   160

struct piece {
    int level; /* 0 = unmarked */
    char text[TEXT_MAX];
};

struct file {
    int level, section_level;
    size_t npieces;
    struct piece pieces[PIECES_MAX];
};

static char dir[64], template_db[128], db[128];

static void fail(const char *what, const struct deepwell_error *err)
{
    fprintf(stderr, "fuzz_search: %s: %s (%s)\n", what, err->message, err->context);
    abort();
}

static struct deepwell *open_store(const char *path, bool create)
{
    struct deepwell_options opts = {
        .path = path, .readers = 1, .create = create, .migrate = create, .synchronous = "OFF"};
    deepwell_options_defaults(&opts);
    struct deepwell_error err;
    struct deepwell *dw = NULL;
    if (deepwell_open(&opts, &dw, &err) != DW_OK)
        fail("open", &err);
    return dw;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (in == NULL || out == NULL)
        abort();
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0)
        abort();
}

/* A fresh empty store at db (a copy of the migrated template). */
static struct deepwell *fresh_store(void)
{
    const char *sides[] = {"-wal", "-shm", ".audit-wal", ".audit-shm"};
    char a[160], b[160];
    for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
        snprintf(a, sizeof(a), "%s%s", db, sides[i]);
        unlink(a);
    }
    copy_file(template_db, db);
    snprintf(a, sizeof(a), "%s.audit", template_db);
    snprintf(b, sizeof(b), "%s.audit", db);
    copy_file(a, b);
    return open_store(db, false);
}

static void teardown(void)
{
    char cmd[96];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_search: cannot remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof(dir), "/tmp/fuzz_search.XXXXXX");
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(template_db, sizeof(template_db), "%s/template.db", dir);
    snprintf(db, sizeof(db), "%s/store.db", dir);
    atexit(teardown);
    deepwell_close(open_store(template_db, true));
    return 0;
}

/* Text of a piece a level-L reader may not read: other words, the same markup. */
static const char *hidden_for(const struct file *f, const struct piece *p, int reader)
{
    /* An empty passage is no passage at all (nothing to cut): it stays empty. */
    if (reader == 0 || p->text[0] == '\0')
        return p->text;
    int level = p->level > f->section_level ? p->level : f->section_level;
    if (level > reader || f->level > reader)
        return "zz qq";
    return p->text;
}

static void write_files(struct deepwell *dw, const struct file *files, size_t n, int reader)
{
    for (size_t i = 0; i < n; i++) {
        const struct file *f = &files[i];
        static char body[PIECES_MAX * (TEXT_MAX + 24) + 1];
        size_t len = 0;
        for (size_t j = 0; j < f->npieces; j++) {
            const struct piece *p = &f->pieces[j];
            const char *text = hidden_for(f, p, reader);
            len += (size_t)(p->level == 0 ? snprintf(body + len, sizeof(body) - len, "%s", text)
                                          : snprintf(body + len, sizeof(body) - len,
                                                     "[[LEVEL %d]]%s[[/LEVEL]]", p->level, text));
        }
        body[len] = '\0';
        struct deepwell_section section = {
            .kind = "description", .title = "Text", .level = f->section_level, .body = body};
        /* A title and the tags of a file above the reader are hidden text too. */
        bool hidden = reader != 0 && f->level > reader;
        struct deepwell_scp scp = {.number = (int)i + 1,
                                   .title = hidden ? "zz" : "Moth",
                                   .tags = hidden ? "zz qq" : (i % 2 ? "moth wing élan" : "moth"),
                                   .level = f->level,
                                   .nsections = 1,
                                   .sections = &section};
        struct deepwell_error err;
        if (deepwell_scp_create(dw, &scp, NULL, &err) != DW_OK)
            fail("scp_create", &err);
    }
}

static size_t parse_files(const uint8_t *data, size_t size, struct file *files)
{
    size_t n = 0;
    struct file *f = NULL;
    struct piece *p = NULL;
    for (size_t i = 0; i < size; i++) {
        uint8_t b = data[i];
        if (b == 0x08 && n < FILES_MAX && i + 1 < size) {
            f = &files[n++];
            memset(f, 0, sizeof(*f));
            f->level = 1 + data[i + 1] % 6;
            f->section_level = 1 + (data[i + 1] / 6) % 6;
            p = NULL;
            i++;
        } else if (b >= 0x01 && b <= 0x07 && f != NULL && f->npieces < PIECES_MAX) {
            p = &f->pieces[f->npieces++];
            p->level = b - 1 > 6 ? 6 : b - 1;
        } else if (p != NULL && b >= 0x20) {
            size_t len = strlen(p->text);
            if (len + 1 < TEXT_MAX)
                p->text[len] = b == '[' || b == ']' ? ' ' : (char)b;
        }
    }
    return n;
}

struct answer {
    enum deepwell_code code;
    struct deepwell_search_result r;
};

static void ask(struct deepwell *dw, const char *query, int reader, struct answer *out)
{
    struct deepwell_search_query q = {.query = query,
                                      .reader_level = reader,
                                      .site_read_level = 3,
                                      .limit = DEEPWELL_SEARCH_LIMIT_MAX};
    struct deepwell_error err;
    out->code = deepwell_search(dw, &q, &out->r, &err);
    if (out->code != DW_OK && out->code != DW_INVALID)
        fail("search", &err);
    if (out->code == DW_INVALID && err.from_engine)
        fail("engine error reached the user", &err); /* bad syntax must be ours */
}

static void same(const struct answer *a, const struct answer *b, int reader, const char *query)
{
    bool ok = a->code == b->code && a->r.total == b->r.total && a->r.count == b->r.count;
    for (size_t i = 0; ok && i < a->r.count; i++)
        ok = a->r.items[i].id == b->r.items[i].id && a->r.items[i].score == b->r.items[i].score &&
             strcmp(a->r.items[i].snippet, b->r.items[i].snippet) == 0;
    if (!ok) {
        fprintf(stderr, "fuzz_search: level %d, query '%s': %d/%lld hits vs %d/%lld\n", reader,
                query, a->code, (long long)a->r.total, b->code, (long long)b->r.total);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t qlen = nl != NULL ? (size_t)(nl - data) : size;
    char query[DEEPWELL_SEARCH_QUERY_MAX + 8];
    if (qlen > DEEPWELL_SEARCH_QUERY_MAX + 4 || memchr(data, '\0', qlen) != NULL)
        return 0;
    memcpy(query, data, qlen);
    query[qlen] = '\0';
    static struct file files[FILES_MAX];
    size_t n = nl != NULL ? parse_files(nl + 1, size - qlen - 1, files) : 0;

    struct deepwell *a = fresh_store();
    write_files(a, files, n, 0);
    struct answer full[7];
    for (int reader = 1; reader <= 6; reader++)
        ask(a, query, reader, &full[reader]);
    deepwell_close(a);
    for (int reader = 1; reader <= 5; reader++) {
        struct deepwell *b = fresh_store();
        write_files(b, files, n, reader);
        struct answer cut;
        ask(b, query, reader, &cut);
        same(&full[reader], &cut, reader, query);
        deepwell_search_free(&cut.r);
        deepwell_close(b);
    }
    for (int reader = 1; reader <= 6; reader++)
        deepwell_search_free(&full[reader].r);
    return 0;
}
