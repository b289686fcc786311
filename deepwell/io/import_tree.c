/* import_tree.c - walking a source folder and reading its files, never through a link. */
#include "deepwell/io/import_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deepwell/io/textfile.h"
#include "deepwell/pool.h"

void import_names_free(struct import_names *n)
{
    for (size_t i = 0; i < n->count; i++)
        free(n->items[i]);
    free(n->items);
    memset(n, 0, sizeof(*n));
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum deepwell_code import_tree_oom(struct deepwell_error *err)
{
    return deepwell_error_set(err, DW_INTERNAL, "reading files", "out of memory");
}

enum deepwell_code import_tree_note(struct import_bundle *b, struct deepwell_error *err,
                                    const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    return import_note(&b->notes, "%s", line) ? DW_OK : import_tree_oom(err);
}

bool import_join(char *out, size_t size, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la + 1 + lb >= size) {
        out[0] = '\0';
        return false;
    }
    memcpy(out, a, la);
    out[la] = '/';
    memcpy(out + la + 1, b, lb + 1);
    return true;
}

static enum deepwell_code too_long(const char *rel, struct deepwell_error *err)
{
    return deepwell_error_set(err, DW_INVALID, rel, "%s: path too long", rel);
}

/*
 * Opens the folder rel (relative to the source) one name at a time, never through
 * a symbolic link: a link anywhere on the way fails (ENOTDIR or ELOOP).  Names come
 * from readdir or a checked manifest; "." and ".." are refused all the same.
 */
static int open_folder(const struct import_bundle *b, const char *rel)
{
    char buf[IMPORT_PATH_BYTES];
    size_t len = strlen(rel);
    if (len == 0 || len >= sizeof(buf)) {
        errno = len ? ENAMETOOLONG : EINVAL;
        return -1;
    }
    memcpy(buf, rel, len + 1);
    int fd = b->dirfd;
    for (char *part = buf, *next; part != NULL; part = next) {
        next = strchr(part, '/');
        if (next != NULL)
            *next++ = '\0';
        int child = -1;
        if (part[0] == '\0' || strcmp(part, ".") == 0 || strcmp(part, "..") == 0)
            errno = EINVAL;
        else
            child = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        int saved = errno;
        if (fd != b->dirfd)
            close(fd);
        errno = saved;
        if (child < 0)
            return -1;
        fd = child;
    }
    return fd;
}

/* Splits "a/b/c" into its folder "a/b" (into dir) and its last name; NULL when no folder. */
static const char *split_rel(const char *rel, char *dir, size_t size)
{
    const char *slash = strrchr(rel, '/');
    if (slash == NULL || (size_t)(slash - rel) >= size)
        return NULL;
    memcpy(dir, rel, (size_t)(slash - rel));
    dir[slash - rel] = '\0';
    return slash + 1;
}

unsigned import_entry_type(const struct import_bundle *b, const char *rel)
{
    char dir[IMPORT_PATH_BYTES];
    const char *name = split_rel(rel, dir, sizeof(dir));
    int fd = name != NULL ? open_folder(b, dir) : b->dirfd;
    if (fd < 0)
        return 0;
    struct stat st;
    int rc = fstatat(fd, name != NULL ? name : rel, &st, AT_SYMLINK_NOFOLLOW);
    if (fd != b->dirfd)
        close(fd);
    return rc == 0 ? (unsigned)(st.st_mode & S_IFMT) : 0;
}

static enum deepwell_code note_refused(struct import_bundle *b, const char *rel,
                                       enum textfile_refusal refusal, struct deepwell_error *err)
{
    char why[64];
    textfile_refusal_text(refusal, TEXTFILE_MAX_BYTES, why, sizeof(why));
    b->files_refused++;
    return import_tree_note(b, err, "refused: %s: %s", rel, why);
}

bool import_refused_link(struct import_bundle *b, const char *rel, enum deepwell_code *code,
                         struct deepwell_error *err)
{
    if (import_entry_type(b, rel) != S_IFLNK)
        return false;
    *code = note_refused(b, rel, TEXTFILE_SYMLINK, err);
    return true;
}

enum deepwell_code import_list_dir(struct import_bundle *b, const char *rel,
                                   struct import_names *out, bool *exists,
                                   struct deepwell_error *err)
{
    char path[IMPORT_PATH_BYTES];
    memset(out, 0, sizeof(*out));
    *exists = false;
    if (!import_join(path, sizeof(path), b->dir, rel))
        return too_long(rel, err);
    int fd = open_folder(b, rel);
    if (fd < 0) {
        int saved = errno;
        enum deepwell_code code = DW_OK;
        if (saved == ENOTDIR || saved == ELOOP) /* a file (as if absent), or a link */
            import_refused_link(b, rel, &code, err);
        else if (saved != ENOENT)
            code = deepwell_error_set(err, DW_IO, path, "%s: cannot read folder: %s", path,
                                      strerror(saved));
        return code;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int saved = errno;
        close(fd);
        return deepwell_error_set(err, DW_IO, path, "%s: cannot read folder: %s", path,
                                  strerror(saved));
    }
    *exists = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char **slot = IMPORT_PUSH(out->items, out->count, out->cap);
        if (slot == NULL || (*slot = strdup(e->d_name)) == NULL) {
            if (slot != NULL)
                out->count--;
            closedir(d);
            import_names_free(out);
            return import_tree_oom(err);
        }
    }
    closedir(d);
    if (out->count > 1)
        qsort(out->items, out->count, sizeof(char *), compare_strings);
    return DW_OK;
}

enum deepwell_code import_read_rel(struct import_bundle *b, const char *rel, char **out,
                                   struct deepwell_error *err)
{
    char path[IMPORT_PATH_BYTES], dir[IMPORT_PATH_BYTES];
    *out = NULL;
    if (!import_join(path, sizeof(path), b->dir, rel))
        return too_long(rel, err);
    const char *name = split_rel(rel, dir, sizeof(dir));
    if (name == NULL)
        return too_long(rel, err);
    int fd = open_folder(b, dir);
    if (fd < 0 && (errno == ENOTDIR || errno == ELOOP)) /* a folder swapped for a link */
        return note_refused(b, rel, TEXTFILE_SYMLINK, err);
    if (fd < 0)
        return deepwell_error_set(err, DW_IO, path, "%s: cannot read: %s", path, strerror(errno));
    enum textfile_refusal refusal;
    enum deepwell_code code =
        textfile_read_at(fd, name, path, TEXTFILE_MAX_BYTES, out, &refusal, err);
    close(fd);
    if (code == DW_NOT_FOUND) /* listed a moment ago: gone is an error, as before */
        code = DW_IO;
    if (code == DW_OK && refusal != TEXTFILE_READ)
        code = note_refused(b, rel, refusal, err);
    return code;
}

bool import_strip_md(const char *name, char *out, size_t size)
{
    size_t len = strlen(name);
    if (len <= 3 || strcmp(name + len - 3, ".md") != 0 || len - 3 >= size)
        return false;
    memcpy(out, name, len - 3);
    out[len - 3] = '\0';
    return true;
}

/* What the original keeps beside its store that is not part of it, and why it is left. */
static const char *top_level_reason(const char *name, unsigned type)
{
    static const char *const layout[] = {
        "SCiPNET.db", "manifest.json", "credentials.json", "scps", "sites", "mtfs", "descs"};
    for (size_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++)
        if (strcmp(name, layout[i]) == 0)
            return NULL;
    if (strcmp(name, "creation_guides") == 0)
        return "the original's authoring guides, not records; not imported";
    if (strncmp(name, "SCiPNET.db-", 11) == 0)
        return "the database's journal; the database is read as it is";
    if (type == S_IFDIR)
        return "not part of the layout; nothing in it imported";
    return "not part of the layout; not imported";
}

enum deepwell_code import_note_top_level(struct import_bundle *b, struct deepwell_error *err)
{
    int fd = dup(b->dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return deepwell_error_set(err, DW_IO, b->dir, "%s: cannot read folder: %s", b->dir,
                                  strerror(errno));
    }
    rewinddir(d); /* the descriptor is shared with b->dirfd: start from the top */
    struct import_names names = {0};
    struct dirent *e;
    enum deepwell_code code = DW_OK;
    while (code == DW_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char **slot = IMPORT_PUSH(names.items, names.count, names.cap);
        if (slot == NULL || (*slot = strdup(e->d_name)) == NULL) {
            if (slot != NULL)
                names.count--;
            code = import_tree_oom(err);
        }
    }
    closedir(d);
    if (names.count > 1)
        qsort(names.items, names.count, sizeof(char *), compare_strings);
    for (size_t i = 0; i < names.count && code == DW_OK; i++) {
        unsigned type = import_entry_type(b, names.items[i]);
        const char *why = top_level_reason(names.items[i], type);
        if (why != NULL)
            code = import_tree_note(b, err, "skipped: %s%s: %s", names.items[i],
                                    type == S_IFDIR ? "/" : "", why);
    }
    import_names_free(&names);
    return code;
}
