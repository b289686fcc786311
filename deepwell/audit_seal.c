/*
 * audit_seal.c - the audit seal's keys, its line format, signing and checking, and
 * the seal file (seal.h says what a seal is and where the files live).
 *
 * A line is "scipnet-audit-seal-v1 row=ID hash=HEX ts=TIME sig=HEX".  The signature
 * covers the exact text before " sig=", and a line is accepted only when that text
 * is what this code would write for the parsed values: one seal has one spelling.
 */
#include "deepwell/audit_seal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "deepwell/pool.h"

#define SEAL_MAGIC   "scipnet-audit-seal-v1"
#define SIG_SEP      " sig="
#define KEY_HEX      (2 * crypto_sign_SEEDBYTES)
#define PUB_HEX      (2 * crypto_sign_PUBLICKEYBYTES)
#define SIG_HEX      (2 * crypto_sign_BYTES)
#define KEY_FILE_MAX 256 /* a key file is one line of hex */

struct deepwell_sealer {
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    int fd; /* the seal file, O_APPEND */
    struct deepwell_seal_paths paths;
};

/* ---- paths ---------------------------------------------------------------------------- */

enum deepwell_code deepwell_seal_paths_for(const char *base, struct deepwell_seal_paths *out,
                                           struct deepwell_error *err)
{
    static const char tls_suffix[] = ".key.pem";
    size_t len = base != NULL ? strlen(base) : 0, suffix = sizeof(tls_suffix) - 1;

    if (len == 0)
        return deepwell_error_set(err, DW_INVALID, "seal.paths", "no path to keep seals beside");
    if (len > suffix && strcmp(base + len - suffix, tls_suffix) == 0)
        len -= suffix;
    if (len + sizeof(".seal.key.pub") > DEEPWELL_SEAL_PATH_MAX)
        return deepwell_error_set(err, DW_INVALID, "seal.paths", "path too long: %s", base);
    snprintf(out->key, sizeof(out->key), "%.*s.seal.key", (int)len, base);
    snprintf(out->pub, sizeof(out->pub), "%.*s.seal.key.pub", (int)len, base);
    snprintf(out->file, sizeof(out->file), "%.*s.seals", (int)len, base);
    return DW_OK;
}

/* ---- small files ---------------------------------------------------------------------- */

/* The first line of a small file into buf (newline dropped); DW_NOT_FOUND when missing. */
static enum deepwell_code read_small(const char *path, char *buf, size_t size, mode_t *mode,
                                     struct deepwell_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return deepwell_error_set(err, errno == ENOENT ? DW_NOT_FOUND : DW_IO, "seal.read",
                                  "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    ssize_t got = fstat(fd, &st) == 0 ? read(fd, buf, size - 1) : -1;
    int saved = errno;
    close(fd);
    if (got < 0)
        return deepwell_error_set(err, DW_IO, "seal.read", "cannot read %s: %s", path,
                                  strerror(saved));
    buf[got] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    if (mode != NULL)
        *mode = st.st_mode;
    return DW_OK;
}

/* Writes text to a new file (never over an old one), synced. */
static enum deepwell_code write_new(const char *path, mode_t mode, const char *text,
                                    struct deepwell_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return deepwell_error_set(err, DW_IO, "seal.write", "cannot create %s: %s", path,
                                  strerror(errno));
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0)
        ok = false;
    if (!ok)
        return deepwell_error_set(err, DW_IO, "seal.write", "cannot write %s: %s", path,
                                  strerror(saved));
    return DW_OK;
}

static bool from_hex(const char *hex, size_t hex_len, uint8_t *out, size_t out_len)
{
    size_t bin_len = 0;
    if (strlen(hex) != hex_len || strspn(hex, "0123456789abcdef") != hex_len)
        return false;
    return sodium_hex2bin(out, out_len, hex, hex_len, NULL, &bin_len, NULL) == 0 &&
           bin_len == out_len;
}

enum deepwell_code deepwell_seal_read_pub(const char *path, uint8_t pk[crypto_sign_PUBLICKEYBYTES],
                                          struct deepwell_error *err)
{
    char text[KEY_FILE_MAX];
    enum deepwell_code code = read_small(path, text, sizeof(text), NULL, err);
    if (code != DW_OK)
        return code;
    if (!from_hex(text, PUB_HEX, pk, crypto_sign_PUBLICKEYBYTES))
        return deepwell_error_set(err, DW_CORRUPT, "seal.pub", "%s is not a seal public key", path);
    return DW_OK;
}

/* ---- keys ----------------------------------------------------------------------------- */

static enum deepwell_code load_key(struct deepwell_sealer *s, struct deepwell_error *err)
{
    char text[KEY_FILE_MAX];
    uint8_t seed[crypto_sign_SEEDBYTES];
    mode_t mode = 0;
    enum deepwell_code code = read_small(s->paths.key, text, sizeof(text), &mode, err);
    if (code != DW_OK)
        return code;
    if ((mode & 077) != 0) {
        sodium_memzero(text, sizeof(text));
        return deepwell_error_set(err, DW_IO, "seal.key",
                                  "%s may be read by others (mode %03o): chmod 600 it",
                                  s->paths.key, (unsigned)(mode & 0777));
    }
    bool ok = from_hex(text, KEY_HEX, seed, sizeof(seed));
    sodium_memzero(text, sizeof(text));
    if (!ok)
        return deepwell_error_set(err, DW_CORRUPT, "seal.key", "%s is not a seal key",
                                  s->paths.key);
    crypto_sign_seed_keypair(s->pk, s->sk, seed);
    sodium_memzero(seed, sizeof(seed));
    return DW_OK;
}

static enum deepwell_code make_key(struct deepwell_sealer *s, struct deepwell_error *err)
{
    uint8_t seed[crypto_sign_SEEDBYTES];
    char hex[KEY_HEX + 2];

    randombytes_buf(seed, sizeof(seed));
    sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
    strcat(hex, "\n");
    enum deepwell_code code = write_new(s->paths.key, 0600, hex, err);
    sodium_memzero(hex, sizeof(hex));
    if (code == DW_OK) {
        crypto_sign_seed_keypair(s->pk, s->sk, seed);
        log_notice("audit", "made the audit seal key %s", s->paths.key);
    }
    sodium_memzero(seed, sizeof(seed));
    return code;
}

/* Writes KEY.pub when missing; refuses one that belongs to another key. */
static enum deepwell_code check_pub(struct deepwell_sealer *s, struct deepwell_error *err)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    enum deepwell_code code = deepwell_seal_read_pub(s->paths.pub, pk, err);
    if (code == DW_NOT_FOUND) {
        char hex[PUB_HEX + 2];
        sodium_bin2hex(hex, sizeof(hex), s->pk, sizeof(s->pk));
        strcat(hex, "\n");
        return write_new(s->paths.pub, 0644, hex, err);
    }
    if (code == DW_OK && sodium_memcmp(pk, s->pk, sizeof(pk)) != 0)
        code = deepwell_error_set(err, DW_CORRUPT, "seal.pub",
                                  "%s is not the public key of %s: move the wrong one aside",
                                  s->paths.pub, s->paths.key);
    return code;
}

static bool file_exists(const char *path, off_t *size)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    *size = st.st_size;
    return true;
}

/*
 * The seal file is made before the key, so "key but no seal file" never happens by
 * accident: it means the file was removed.  A key-less empty seal file is a first
 * start cut short; a key-less file with seals means the key was removed.
 */
static enum deepwell_code open_key_and_file(struct deepwell_sealer *s, struct deepwell_error *err)
{
    off_t file_size = 0, key_size = 0;
    bool have_file = file_exists(s->paths.file, &file_size);
    bool have_key = file_exists(s->paths.key, &key_size);

    if (have_key && !have_file)
        return deepwell_error_set(err, DW_CORRUPT, "seal.open",
                                  "the seal file %s is missing, but the key %s shows this server "
                                  "sealed the audit log before: restore the file",
                                  s->paths.file, s->paths.key);
    if (!have_key && have_file && file_size > 0)
        return deepwell_error_set(err, DW_CORRUPT, "seal.open",
                                  "%s holds seals but their key %s is missing: restore it",
                                  s->paths.file, s->paths.key);
    s->fd = open(s->paths.file, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (s->fd < 0)
        return deepwell_error_set(err, DW_IO, "seal.open", "cannot open %s: %s", s->paths.file,
                                  strerror(errno));
    enum deepwell_code code = have_key ? load_key(s, err) : make_key(s, err);
    return code == DW_OK ? check_pub(s, err) : code;
}

/* ---- lines ---------------------------------------------------------------------------- */

/* The signed text of a seal into buf. */
static void seal_text(const struct deepwell_seal *seal, char *buf, size_t size)
{
    char hex[2 * DEEPWELL_AUDIT_HASH_BYTES + 1];
    sodium_bin2hex(hex, sizeof(hex), seal->hash, sizeof(seal->hash));
    snprintf(buf, size, SEAL_MAGIC " row=%" PRId64 " hash=%s ts=%s", seal->id, hex, seal->ts);
}

enum deepwell_code deepwell_seal_parse(const char *line,
                                       const uint8_t pk[crypto_sign_PUBLICKEYBYTES],
                                       struct deepwell_seal *out, const char **why)
{
    char hex[2 * DEEPWELL_AUDIT_HASH_BYTES + 2], canon[DEEPWELL_SEAL_LINE_MAX];
    uint8_t sig[crypto_sign_BYTES];
    const char *sep = strstr(line, SIG_SEP);
    int used = -1;

    memset(out, 0, sizeof(*out));
    *why = "it is not a seal line";
    if (sep == NULL || !from_hex(sep + strlen(SIG_SEP), SIG_HEX, sig, sizeof(sig)))
        return DW_CORRUPT;
    size_t text_len = (size_t)(sep - line);
    if (sscanf(line, SEAL_MAGIC " row=%" SCNd64 " hash=%65[0-9a-f] ts=%31[0-9TZ:.-]%n", &out->id,
               hex, out->ts, &used) != 3 ||
        used < 0 || (size_t)used != text_len || out->id < 0 ||
        !from_hex(hex, 2 * DEEPWELL_AUDIT_HASH_BYTES, out->hash, sizeof(out->hash)))
        return DW_CORRUPT;
    seal_text(out, canon, sizeof(canon));
    if (strlen(canon) != text_len || memcmp(canon, line, text_len) != 0)
        return DW_CORRUPT;
    if (crypto_sign_verify_detached(sig, (const unsigned char *)line, text_len, pk) != 0) {
        *why = "its signature does not match (a forged or edited seal, or another key's)";
        return DW_CORRUPT;
    }
    *why = NULL;
    return DW_OK;
}

int deepwell_seal_next_line(FILE *f, char *buf)
{
    if (fgets(buf, DEEPWELL_SEAL_LINE_MAX, f) == NULL)
        return 0;
    size_t len = strlen(buf);
    if (len == 0 || buf[len - 1] != '\n')
        return -1; /* too long for the buffer, or the file ends inside a line */
    buf[len - 1] = '\0';
    return 1;
}

/* The file's last line (the newest seal), read from its end; -1 when malformed. */
static int last_line(int fd, char *buf, size_t size)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    if (st.st_size == 0)
        return 0;
    off_t start = st.st_size > (off_t)(size - 1) ? st.st_size - (off_t)(size - 1) : 0;
    ssize_t got = pread(fd, buf, (size_t)(st.st_size - start), start);
    if (got <= 0 || buf[got - 1] != '\n')
        return -1;
    buf[got - 1] = '\0';
    char *nl = strrchr(buf, '\n');
    if (nl == NULL && start > 0)
        return -1; /* longer than any seal line */
    if (nl != NULL)
        memmove(buf, nl + 1, strlen(nl + 1) + 1);
    return 1;
}

enum deepwell_code deepwell_sealer_open(const struct deepwell_seal_paths *paths,
                                        struct deepwell_sealer **out, struct deepwell_seal *newest,
                                        bool *have_newest, struct deepwell_error *err)
{
    if (sodium_init() < 0)
        return deepwell_error_set(err, DW_INTERNAL, "seal.open", "libsodium failed to start");
    struct deepwell_sealer *s = sodium_malloc(sizeof(*s)); /* guarded, never swapped */
    if (s == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "seal.open", "out of memory");
    memset(s, 0, sizeof(*s));
    s->fd = -1;
    s->paths = *paths;
    enum deepwell_code code = open_key_and_file(s, err);

    *have_newest = false;
    if (code == DW_OK) {
        char line[DEEPWELL_SEAL_LINE_MAX];
        const char *why = "it is cut off or too long";
        int got = last_line(s->fd, line, sizeof(line));
        if (got > 0)
            code = deepwell_seal_parse(line, s->pk, newest, &why);
        if (got < 0 || code != DW_OK)
            code =
                deepwell_error_set(err, DW_CORRUPT, "seal.open",
                                   "the last line of %s is not a good seal: %s", paths->file, why);
        *have_newest = got > 0 && code == DW_OK;
    }
    if (code != DW_OK) {
        deepwell_sealer_free(s);
        return code;
    }
    *out = s;
    return DW_OK;
}

enum deepwell_code deepwell_sealer_seal(struct deepwell_sealer *s,
                                        const struct deepwell_audit_tip *tip,
                                        struct deepwell_error *err)
{
    struct deepwell_seal seal = {.id = tip->id};
    char line[DEEPWELL_SEAL_LINE_MAX], sig_hex[SIG_HEX + 1];
    uint8_t sig[crypto_sign_BYTES];

    memcpy(seal.hash, tip->hash, sizeof(seal.hash));
    time_format_iso_ms(time_now_ms(), seal.ts, sizeof(seal.ts));
    seal_text(&seal, line, sizeof(line));
    size_t text_len = strlen(line);
    crypto_sign_detached(sig, NULL, (const unsigned char *)line, text_len, s->sk);
    sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
    snprintf(line + text_len, sizeof(line) - text_len, SIG_SEP "%s\n", sig_hex);

    /* One write of the whole line: O_APPEND keeps it in one piece at the end. */
    size_t len = strlen(line);
    if (write(s->fd, line, len) != (ssize_t)len || fdatasync(s->fd) != 0)
        return deepwell_error_set(err, DW_IO, "seal.write", "cannot append to %s: %s",
                                  s->paths.file, strerror(errno));
    line[len - 1] = '\0';
    log_notice("audit", "seal %s", line); /* a copy away from the store's files */
    return DW_OK;
}

void deepwell_sealer_free(struct deepwell_sealer *s)
{
    if (s == NULL)
        return;
    if (s->fd >= 0)
        close(s->fd);
    sodium_free(s); /* zeroes the key */
}

const char *deepwell_sealer_file(const struct deepwell_sealer *s)
{
    return s->paths.file;
}
