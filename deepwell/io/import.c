/* import.c - loading an import source into memory (import_write.c writes it). */
#include "deepwell/io/import.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deepwell/io/import_files.h"
#include "deepwell/io/import_manifest.h"
#include "deepwell/io/import_model.h"
#include "deepwell/io/import_original.h"
#include "deepwell/io/import_scpdata.h"
#include "deepwell/io/import_write.h"
#include "deepwell/pool.h"
#include "deepwell/io/textfile.h"

struct deepwell_import {
    struct import_bundle b;
};

/* ---- loading ----------------------------------------------------------------------- */

/*
 * Checks the index file name of the source without following a link; DW_NOT_FOUND
 * when absent.  The source itself must be a regular file: a link could name any
 * file this user can read, and a FIFO would block the import.
 */
static enum deepwell_code check_index_file(const struct import_bundle *b, const char *name,
                                           struct deepwell_error *err)
{
    char shown[sizeof(b->dir) + 32], why[64];
    snprintf(shown, sizeof(shown), "%s/%s", b->dir, name);
    struct stat st;
    if (fstatat(b->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return DW_NOT_FOUND;
        return deepwell_error_set(err, DW_IO, "import", "%s: cannot read: %s", shown,
                                  strerror(errno));
    }
    enum textfile_refusal refusal = textfile_refusal_of(st.st_mode);
    if (refusal == TEXTFILE_READ)
        return DW_OK;
    textfile_refusal_text(refusal, TEXTFILE_MAX_BYTES, why, sizeof(why));
    return deepwell_error_set(err, DW_INVALID, "import", "%s: %s", shown, why);
}

static enum deepwell_code load_source(struct import_bundle *b, const char *source_dir,
                                      const char *real, struct deepwell_error *err)
{
    char db[sizeof(b->dir) + 32];
    snprintf(db, sizeof(db), "%s/SCiPNET.db", source_dir);
    enum deepwell_code code = check_index_file(b, "manifest.json", err);
    if (code == DW_OK) {
        b->from_manifest = true;
        return import_manifest_read(b, err);
    }
    if (code != DW_NOT_FOUND)
        return code;
    code = check_index_file(b, "SCiPNET.db", err);
    if (code == DW_NOT_FOUND)
        return deepwell_error_set(err, DW_IO, "import",
                                  "%s: no SCiPNET.db (and no manifest.json): not a deepwell folder",
                                  source_dir);
    if (code != DW_OK)
        return code;
    if (access(db, R_OK) != 0)
        return deepwell_error_set(err, DW_IO, "import", "%s: cannot read: %s", db, strerror(errno));
    /* Imported history records where it came from, so a second run can skip it. */
    snprintf(b->source_key, sizeof(b->source_key), "%s/SCiPNET.db", real);
    return import_original_read(b, db, err);
}

/* The scp-data reader, or the deepwell folder's (manifest.json, else SCiPNET.db). */
static enum deepwell_code load_any(struct import_bundle *b, const char *source_dir,
                                   const char *real, const struct scpdata_levels *levels,
                                   struct deepwell_error *err)
{
    if (levels != NULL) {
        b->from_scp_data = true;
        return import_scpdata_read(b, levels, err);
    }
    enum deepwell_code code = load_source(b, source_dir, real, err);
    return code == DW_OK ? import_files_attach(b, err) : code;
}

static enum deepwell_code load(const char *source_dir, const struct scpdata_levels *levels,
                               struct deepwell_import **out, struct deepwell_error *err)
{
    *out = NULL;
    if (strlen(source_dir) + 64 > sizeof(((struct import_bundle *)0)->dir))
        return deepwell_error_set(err, DW_INVALID, "import", "%s: path too long", source_dir);
    /* The folder named is opened once (following a link there is the caller's choice);
     * everything below it is opened relative to it, never through a link. */
    int dirfd = open(source_dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
    if (dirfd < 0 && errno == ENOTDIR)
        return deepwell_error_set(err, DW_IO, "import", "%s: not a folder", source_dir);
    if (dirfd < 0)
        return deepwell_error_set(err, DW_IO, "import", "%s: %s", source_dir, strerror(errno));
    struct deepwell_import *imp = calloc(1, sizeof(*imp));
    if (imp == NULL) {
        close(dirfd);
        return deepwell_error_set(err, DW_INTERNAL, "import", "out of memory");
    }
    struct import_bundle *b = &imp->b;
    char real[PATH_MAX];
    if (realpath(source_dir, real) == NULL)
        snprintf(real, sizeof(real), "%s", source_dir);
    snprintf(b->dir, sizeof(b->dir), "%s", source_dir);
    b->dirfd = dirfd;
    enum deepwell_code code = load_any(b, source_dir, real, levels, err);
    close(dirfd);
    b->dirfd = -1;
    if (code != DW_OK) {
        deepwell_import_free(imp);
        return code;
    }
    *out = imp;
    return DW_OK;
}

enum deepwell_code deepwell_import_load(const char *source_dir, struct deepwell_import **out,
                                        struct deepwell_error *err)
{
    return load(source_dir, NULL, out, err);
}

enum deepwell_code deepwell_import_load_scp_data(const char *items_dir, const char *levels,
                                                 struct deepwell_import **out,
                                                 struct deepwell_error *err)
{
    struct scpdata_levels l;
    char why[160];
    *out = NULL;
    scpdata_levels_default(&l);
    if (levels != NULL && !scpdata_levels_parse(&l, levels, why, sizeof(why)))
        return deepwell_error_set(err, DW_INVALID, "import", "%s", why);
    return load(items_dir, &l, out, err);
}

void deepwell_import_free(struct deepwell_import *imp)
{
    if (imp == NULL)
        return;
    import_bundle_free(&imp->b);
    free(imp);
}

void deepwell_import_report_free(struct deepwell_import_report *report)
{
    for (size_t i = 0; i < report->nnotes; i++)
        free(report->notes[i]);
    free(report->notes);
    memset(report, 0, sizeof(*report));
}

enum deepwell_code deepwell_import_apply(struct deepwell *dw, struct deepwell_import *imp,
                                         struct deepwell_import_report *report,
                                         struct deepwell_error *err)
{
    size_t read = imp->b.articles_read, refused = imp->b.articles_refused;
    bool scp_data = imp->b.from_scp_data;
    enum deepwell_code code = import_write(dw, &imp->b, report, err);
    if (code == DW_OK) {
        report->from_scp_data = scp_data;
        report->articles_read = read;
        report->articles_refused = refused;
    }
    return code;
}
