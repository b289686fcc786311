/*
 * audit_seal_check.c - the audit log against its seals: the server's check at
 * start-up, and `deepwell audit verify` (seal.h).
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "deepwell/audit_seal.h"
#include "deepwell/pool.h"
#include "deepwell/store.h"

/* "row 42 sealed at TIME in FILE": how an error names the seal it failed against. */
static void describe(const struct deepwell_seal *seal, const char *file, char *buf, size_t size)
{
    snprintf(buf, size, "the seal of row %lld at %s in %s", (long long)seal->id, seal->ts, file);
}

/* DW_CORRUPT when the log ends before the seal's row or holds another hash there. */
static enum deepwell_code compare(const struct deepwell_seal *seal, const char *file,
                                  int64_t last_id, bool found,
                                  const uint8_t hash[DEEPWELL_AUDIT_HASH_BYTES],
                                  struct deepwell_error *err)
{
    char what[DEEPWELL_SEAL_PATH_MAX + 96];
    describe(seal, file, what, sizeof(what));
    if (last_id < seal->id)
        return deepwell_error_set(err, DW_CORRUPT, "audit.seal",
                                  "the audit log ends at row %lld, before %s: rows were removed",
                                  (long long)last_id, what);
    if (seal->id > 0 && (!found || sodium_memcmp(hash, seal->hash, DEEPWELL_AUDIT_HASH_BYTES) != 0))
        return deepwell_error_set(err, DW_CORRUPT, "audit.seal",
                                  "audit row %lld is not the row of %s: the log was rewritten",
                                  (long long)seal->id, what);
    return DW_OK;
}

enum deepwell_code deepwell_audit_seal_start(struct deepwell *dw,
                                             const struct deepwell_seal_options *opts,
                                             struct deepwell_error *err)
{
    struct deepwell_sealer *sealer = NULL;
    struct deepwell_seal newest;
    struct deepwell_audit_tip tip;
    uint8_t hash[DEEPWELL_AUDIT_HASH_BYTES];
    bool have_newest = false, found = false;

    enum deepwell_code code =
        deepwell_sealer_open(opts->paths, &sealer, &newest, &have_newest, err);
    if (code != DW_OK)
        return code;
    /* Rows queued before now are in the log first, so the seal covers them. */
    code = deepwell_audit_flush(dw, err);
    if (code == DW_OK)
        code = deepwell_audit_row_hash(dw, have_newest ? newest.id : 0, &tip, &found, hash, err);
    if (code == DW_OK && have_newest)
        code = compare(&newest, opts->paths->file, tip.id, found, hash, err);
    /* A seal at start-up: the log as this server found it. */
    if (code == DW_OK && (!have_newest || newest.id != tip.id))
        code = deepwell_sealer_seal(sealer, &tip, err);
    if (code != DW_OK) {
        deepwell_sealer_free(sealer);
        return code;
    }
    int rows = opts->rows > 0 ? opts->rows : DEEPWELL_SEAL_ROWS;
    int interval_s = opts->interval_s > 0 ? opts->interval_s : DEEPWELL_SEAL_INTERVAL_S;
    int gap_ms = opts->min_gap_ms == 0  ? DEEPWELL_SEAL_MIN_GAP_MS
                 : opts->min_gap_ms > 0 ? opts->min_gap_ms
                                        : 0;
    log_notice("audit", "sealing the audit log in %s every %d rows (at most every %d ms) or %d s",
               opts->paths->file, rows, gap_ms, interval_s);
    deepwell_audit_attach_sealer(dw, sealer, rows, interval_s, gap_ms, &tip);
    return DW_OK;
}

/* ---- verify --------------------------------------------------------------------------- */

/* Checks every line's signature and order; the newest seal and its line into rep. */
static enum deepwell_code read_seals(const char *path, const uint8_t pk[crypto_sign_PUBLICKEYBYTES],
                                     struct deepwell_seal *newest, struct deepwell_seal_report *rep,
                                     struct deepwell_error *err)
{
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return deepwell_error_set(err, DW_IO, "audit.seal", "cannot open the seal file %s: %s",
                                  path, strerror(errno));
    char line[DEEPWELL_SEAL_LINE_MAX];
    enum deepwell_code code = DW_OK;
    int64_t number = 0;
    int got;

    while (code == DW_OK && (got = deepwell_seal_next_line(f, line)) != 0) {
        struct deepwell_seal seal;
        const char *why = "it is too long, or cut off without its newline";
        number++;
        if (got > 0 && deepwell_seal_parse(line, pk, &seal, &why) == DW_OK) {
            if (rep->seals == 0 || seal.id >= newest->id) {
                *newest = seal;
                rep->seals++;
                rep->line = number;
                continue;
            }
            why = "its row is before the previous seal's (lines reordered or edited)";
        }
        code = deepwell_error_set(err, DW_CORRUPT, "audit.seal", "%s line %lld: %s", path,
                                  (long long)number, why);
    }
    if (code == DW_OK && ferror(f))
        code = deepwell_error_set(err, DW_IO, "audit.seal", "cannot read %s", path);
    fclose(f);
    if (code == DW_OK && rep->seals == 0)
        code = deepwell_error_set(err, DW_CORRUPT, "audit.seal", "%s holds no seal", path);
    return code;
}

enum deepwell_code deepwell_audit_verify_sealed(struct deepwell *dw, const char *seal_file,
                                                const char *pub_file,
                                                struct deepwell_seal_report *rep,
                                                struct deepwell_error *err)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    struct deepwell_seal newest = {0};

    memset(rep, 0, sizeof(*rep));
    if (sodium_init() < 0)
        return deepwell_error_set(err, DW_INTERNAL, "audit.seal", "libsodium failed to start");
    enum deepwell_code code = deepwell_seal_read_pub(pub_file, pk, err);
    if (code == DW_NOT_FOUND)
        code = deepwell_error_set(err, DW_IO, "audit.seal", "no public key %s", pub_file);
    if (code != DW_OK)
        return code;
    sodium_bin2hex(rep->key_id, sizeof(rep->key_id), pk, (sizeof(rep->key_id) - 1) / 2);
    code = read_seals(seal_file, pk, &newest, rep, err);
    if (code != DW_OK)
        return code;
    rep->sealed_id = newest.id;
    snprintf(rep->sealed_ts, sizeof(rep->sealed_ts), "%s", newest.ts);

    struct deepwell_audit_walk walk = {.probe_id = newest.id};
    code = deepwell_audit_walk(dw, &walk, err);
    rep->rows = walk.rows;
    rep->bad_id = walk.bad_id;
    if (code == DW_OK)
        code = compare(&newest, seal_file, walk.last_id, walk.probe_found, walk.probe_hash, err);
    return code;
}
