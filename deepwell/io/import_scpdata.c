/* import_scpdata.c - the SCP wiki's scp-data dump (content_*.json) read into a bundle. */
#include "deepwell/io/import_scpdata.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/foundation.h"
#include "deepwell/io/import_map.h"
#include "deepwell/pool.h"

/* A content file larger than this is refused (the real dump's largest are ~100 MB). */
#define DUMP_FILE_MAX (1024u * 1024u * 1024u)
/* Pages are converted by this many threads at most (no more than the CPUs). */
#define CONVERT_THREADS_MAX 4

/* ---- the dump ----------------------------------------------------------------------------- */

/* A designation one article of the dump claimed: number and suffix, as the store keys files. */
struct claim {
    int64_t number;
    char suffix[FOUNDATION_REF_SUFFIX_MAX + 1];
    char *name, *file;
};

struct reading {
    struct import_bundle *b;
    const struct scpdata_levels *l;
    struct claim *claims;
    size_t nclaims, capclaims;
    bool oom;
};

static void note(struct reading *r, const char *fmt, const char *a, const char *b, const char *c)
{
    if (!import_note(&r->b->notes, fmt, a, b, c))
        r->oom = true;
}

/* One article converted by a worker: its page, and what became of it. */
struct job {
    const char *name;
    char own_name[32]; /* "item 7" for an array entry without a link */
    json_t *a;
    bool ok;
    struct import_scp scp;
    char why[160];
};

struct workers {
    struct job *jobs;
    size_t n;
    atomic_size_t next;
    const struct scpdata_levels *l;
};

/* Pages are independent: libxml2 parses separate documents in parallel, and the
 * JSON is only read (json_object_get takes no reference). */
static void *convert_worker(void *arg)
{
    struct workers *w = arg;
    for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < w->n;) {
        struct job *j = &w->jobs[i];
        j->ok = scpdata_article(j->name, j->a, w->l, &j->scp, j->why, sizeof(j->why));
    }
    return NULL;
}

static void convert_all(struct workers *w)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = cpus < 1                     ? 1
                      : cpus > CONVERT_THREADS_MAX ? CONVERT_THREADS_MAX
                                                   : (size_t)cpus;
    pthread_t threads[CONVERT_THREADS_MAX];
    size_t started = 0;
    for (; started + 1 < nthreads && started + 1 < w->n; started++)
        if (pthread_create(&threads[started], NULL, convert_worker, w) != 0)
            break; /* fewer helpers: this thread still does the rest */
    convert_worker(w);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}

static void place_article(struct reading *r, const char *file, struct job *j)
{
    const char *name = j->name, *why = j->why;
    char shown[48];
    struct import_scp scp = j->scp;
    r->b->articles_read++;
    if (!j->ok) {
        r->b->articles_refused++;
        note(r, "refused: %s (%s): %s", name, file, why);
        return;
    }
    struct foundation_ref ref = {.kind = REF_SCP, .number = scp.number};
    memcpy(ref.suffix, scp.suffix, sizeof(ref.suffix));
    foundation_ref_format(&ref, shown, sizeof(shown));
    for (size_t i = 0; i < r->nclaims; i++)
        if (r->claims[i].number == scp.number && strcmp(r->claims[i].suffix, scp.suffix) == 0) {
            r->b->articles_refused++;
            char other[600];
            snprintf(other, sizeof(other), "%s, also claimed by %s (%s); not imported", shown,
                     r->claims[i].name, r->claims[i].file);
            note(r, "refused: %s (%s): designation %s", name, file, other);
            scpdata_scp_clear(&scp);
            return;
        }
    struct claim *c = IMPORT_PUSH(r->claims, r->nclaims, r->capclaims);
    struct import_scp *slot = c ? IMPORT_PUSH(r->b->scps, r->b->nscps, r->b->capscps) : NULL;
    if (slot == NULL) {
        r->oom = true;
        scpdata_scp_clear(&scp);
        return;
    }
    *slot = scp;
    c->number = scp.number;
    memcpy(c->suffix, scp.suffix, sizeof(c->suffix));
    c->name = strdup(name);
    c->file = strdup(file);
    r->oom |= c->name == NULL || c->file == NULL;
}

static enum deepwell_code read_file(struct reading *r, const char *file, struct deepwell_error *err)
{
    int fd = openat(r->b->dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > DUMP_FILE_MAX) {
        r->b->files_refused++;
        note(r, "refused: %s%s%s: not a regular file we may read, or larger than 1 GiB", file, "",
             "");
        if (fd >= 0)
            close(fd);
        return DW_OK;
    }
    char *data = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (data != NULL && got < (size_t)st.st_size) {
        ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (data == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "import", "out of memory");
    json_error_t jerr;
    json_t *root = json_loadb(data, got, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (root == NULL || (!json_is_object(root) && !json_is_array(root))) {
        char where[200];
        snprintf(where, sizeof(where), "line %d: %s", jerr.line,
                 root ? "not an object" : jerr.text);
        r->b->files_refused++;
        note(r, "refused: %s: not a scp-data file (%s)%s", file, where, "");
        json_decref(root);
        return DW_OK;
    }
    size_t count = json_is_object(root) ? json_object_size(root) : json_array_size(root);
    struct workers w = {.jobs = calloc(count ? count : 1, sizeof(struct job)), .l = r->l};
    if (w.jobs == NULL) {
        json_decref(root);
        return deepwell_error_set(err, DW_INTERNAL, "import", "out of memory");
    }
    const char *key;
    json_t *a;
    size_t i;
    if (json_is_object(root)) {
        json_object_foreach(root, key, a) w.jobs[w.n++] = (struct job){.name = key, .a = a};
    } else {
        json_array_foreach(root, i, a)
        {
            struct job *j = &w.jobs[w.n++];
            j->a = a;
            snprintf(j->own_name, sizeof(j->own_name), "item %zu", i);
            j->name = json_is_string(json_object_get(a, "link"))
                          ? json_string_value(json_object_get(a, "link"))
                          : j->own_name;
        }
    }
    convert_all(&w);
    for (i = 0; i < w.n; i++) /* in the file's order, so claims and notes never vary */
        place_article(r, file, &w.jobs[i]);
    free(w.jobs);
    json_decref(root);
    return r->oom ? deepwell_error_set(err, DW_INTERNAL, "import", "out of memory") : DW_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum deepwell_code import_scpdata_read(struct import_bundle *b, const struct scpdata_levels *l,
                                       struct deepwell_error *err)
{
    int fd = dup(b->dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return deepwell_error_set(err, DW_IO, "import", "%s: %s", b->dir, strerror(errno));
    }
    xmlInitParser(); /* once, before the converting threads use the parser */
    char **names = NULL;
    size_t n = 0, cap = 0;
    enum deepwell_code code = DW_OK;
    for (struct dirent *e; (e = readdir(d)) != NULL && code == DW_OK;) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "content_", 8) != 0 || len < 13 ||
            strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char **slot = IMPORT_PUSH(names, n, cap);
        if (slot == NULL || (*slot = strdup(e->d_name)) == NULL)
            code = deepwell_error_set(err, DW_INTERNAL, "import", "out of memory");
    }
    closedir(d);
    if (code == DW_OK && n == 0)
        code =
            deepwell_error_set(err, DW_INVALID, "import",
                               "%s: no content_*.json files: not a scp-data items folder", b->dir);
    if (n > 1)
        qsort(names, n, sizeof(*names), by_name);
    struct reading r = {.b = b, .l = l};
    for (size_t i = 0; i < n && code == DW_OK; i++)
        code = read_file(&r, names[i], err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    for (size_t i = 0; i < r.nclaims; i++) {
        free(r.claims[i].name);
        free(r.claims[i].file);
    }
    free(r.claims);
    return code;
}
