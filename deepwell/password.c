/*
 * password.c - password hashing and verification.
 *
 * New hashes are argon2id strings from libsodium ("$argon2id$v=19$m=...,t=...,p=1$...").
 * Hashes imported from the original SCiPNET are werkzeug scrypt strings,
 * "scrypt:N:r:p$salt$hexhash" (or "scrypt$salt$hexhash" with werkzeug's defaults),
 * where hexhash is scrypt(password, salt text as bytes, N, r, p, 64 bytes) in hex.
 * Those still verify, but always report needs_rehash so a good login upgrades them.
 * Anything else (plaintext, empty, other schemes) is unusable and never matches.
 */
#include "deepwell/password.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#define ARGON2ID_PREFIX "$argon2id$"

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

const char *deepwell_password_policy_error(const char *password)
{
    size_t bytes = strlen(password), characters = 0;
    if (bytes > DEEPWELL_PASSWORD_MAX)
        return "the password must have at most " STRINGIFY(DEEPWELL_PASSWORD_MAX) " bytes";
    for (size_t i = 0; i < bytes; i++) /* every byte but a continuation byte starts one */
        characters += ((unsigned char)password[i] & 0xC0) != 0x80;
    if (characters < DEEPWELL_PASSWORD_MIN)
        return "the password must have at least " STRINGIFY(DEEPWELL_PASSWORD_MIN) " characters";
    return NULL;
}

/* werkzeug's key length and its defaults for a bare "scrypt" method. */
#define SCRYPT_KEY_BYTES 64
#define SCRYPT_DEFAULT_N 32768
#define SCRYPT_DEFAULT_R 8
#define SCRYPT_DEFAULT_P 1
#define SCRYPT_SALT_MAX  128
/* Bounds so an imported hash cannot make one login take minutes or gigabytes. */
#define SCRYPT_MAX_N      (1u << 20)
#define SCRYPT_MAX_R      32u
#define SCRYPT_MAX_P      16u
#define SCRYPT_MAX_MEMORY (256u * 1024 * 1024) /* 128 * N * r bytes */
#define SCRYPT_MAX_WORK   (1u << 24)           /* N * r * p */

struct scrypt_hash {
    uint64_t n;
    uint32_t r, p;
    const char *salt; /* points into the hash string */
    size_t salt_len;
    unsigned char key[SCRYPT_KEY_BYTES];
};

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ready = -1;

static void sodium_start(void)
{
    sodium_ready = sodium_init() < 0 ? -1 : 0;
}

/* libsodium must be initialised before hashing (it picks its implementations). */
static int sodium_ensure(void)
{
    pthread_once(&sodium_once, sodium_start);
    return sodium_ready;
}

void deepwell_pwhash_limits_default(struct deepwell_pwhash_limits *limits)
{
    limits->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    limits->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

int deepwell_password_hash(const char *password, const struct deepwell_pwhash_limits *limits,
                           char out[DEEPWELL_HASH_MAX])
{
    char hash[crypto_pwhash_STRBYTES];

    if (password == NULL || password[0] == '\0' || sodium_ensure() != 0)
        return -1;
    if (crypto_pwhash_str_alg(hash, password, strlen(password), limits->opslimit, limits->memlimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return -1;
    _Static_assert(crypto_pwhash_STRBYTES <= DEEPWELL_HASH_MAX, "argon2 string fits");
    memcpy(out, hash, sizeof(hash));
    return 0;
}

/* ---- argon2id ----------------------------------------------------------------------- */

/*
 * A stored hash names its own cost, and verify pays it before knowing the password:
 * an imported "m=4194304,t=1000" would let anyone pin a hash worker and 4 GiB per
 * login attempt.  Costs above these ceilings (or four times the configured limits,
 * whichever is higher) make the hash unusable instead.
 */
#define ARGON2_CEILING_MEMORY_KIB 262144ULL /* 256 MiB */
#define ARGON2_CEILING_PASSES     16ULL
#define ARGON2_CEILING_LANES      8ULL

static bool parse_bounded_uint(const char **p, uint64_t max, uint64_t *out);

/* Reads "$v=19$m=M,t=T,p=P$" after the algorithm name; false when a cost is too high. */
static bool argon2id_cost_acceptable(const char *hash, const struct deepwell_pwhash_limits *limits)
{
    uint64_t max_kib = 4 * (uint64_t)(limits->memlimit / 1024);
    uint64_t max_passes = 4 * (uint64_t)limits->opslimit;
    uint64_t memory_kib, passes, lanes;
    const char *p = hash + strlen(ARGON2ID_PREFIX);

    if (max_kib < ARGON2_CEILING_MEMORY_KIB)
        max_kib = ARGON2_CEILING_MEMORY_KIB;
    if (max_passes < ARGON2_CEILING_PASSES)
        max_passes = ARGON2_CEILING_PASSES;
    if (strncmp(p, "v=19$m=", 7) != 0)
        return false;
    p += 7;
    if (!parse_bounded_uint(&p, max_kib, &memory_kib) || strncmp(p, ",t=", 3) != 0)
        return false;
    p += 3;
    if (!parse_bounded_uint(&p, max_passes, &passes) || strncmp(p, ",p=", 3) != 0)
        return false;
    p += 3;
    return parse_bounded_uint(&p, ARGON2_CEILING_LANES, &lanes) && *p == '$';
}

/* An argon2id string libsodium can parse: 0 = at these limits, 1 = other limits, -1 = not. */
static int argon2id_check(const char *hash, const struct deepwell_pwhash_limits *limits)
{
    if (strncmp(hash, ARGON2ID_PREFIX, strlen(ARGON2ID_PREFIX)) != 0)
        return -1;
    if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
        return -1;
    if (!argon2id_cost_acceptable(hash, limits))
        return -1;
    return crypto_pwhash_str_needs_rehash(hash, limits->opslimit, limits->memlimit);
}

/* ---- werkzeug scrypt ---------------------------------------------------------------- */

/* Reads decimal digits (no sign, no spaces) up to a bound; advances *p. */
static bool parse_bounded_uint(const char **p, uint64_t max, uint64_t *out)
{
    const char *s = *p;
    uint64_t value = 0;

    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        value = value * 10 + (uint64_t)(*s - '0');
        if (value > max)
            return false;
    }
    *p = s;
    *out = value;
    return true;
}

/* "scrypt:N:r:p" or bare "scrypt", ending at the first '$'; *p is left on that '$'. */
static bool parse_scrypt_method(const char **p, struct scrypt_hash *out)
{
    const char *s = *p + strlen("scrypt");
    uint64_t r = SCRYPT_DEFAULT_R, par = SCRYPT_DEFAULT_P;

    out->n = SCRYPT_DEFAULT_N;
    if (*s == ':') {
        s++;
        if (!parse_bounded_uint(&s, SCRYPT_MAX_N, &out->n) || *s++ != ':' ||
            !parse_bounded_uint(&s, SCRYPT_MAX_R, &r) || *s++ != ':' ||
            !parse_bounded_uint(&s, SCRYPT_MAX_P, &par))
            return false;
    }
    if (*s != '$')
        return false;
    out->r = (uint32_t)r;
    out->p = (uint32_t)par;
    *p = s;
    return true;
}

static bool scrypt_cost_sane(const struct scrypt_hash *h)
{
    bool power_of_two = h->n >= 2 && (h->n & (h->n - 1)) == 0;

    return power_of_two && h->r >= 1 && h->p >= 1 && 128ull * h->n * h->r <= SCRYPT_MAX_MEMORY &&
           h->n * h->r * h->p <= SCRYPT_MAX_WORK;
}

static bool parse_scrypt(const char *hash, struct scrypt_hash *out)
{
    const char *s = hash;
    const char *salt_end, *hex, *hex_end = NULL;
    size_t key_len = 0;

    if (strncmp(hash, "scrypt", strlen("scrypt")) != 0 || !parse_scrypt_method(&s, out))
        return false;
    if (!scrypt_cost_sane(out))
        return false;
    out->salt = s + 1;
    salt_end = strchr(out->salt, '$');
    if (salt_end == NULL || salt_end == out->salt)
        return false;
    out->salt_len = (size_t)(salt_end - out->salt);
    if (out->salt_len > SCRYPT_SALT_MAX)
        return false;
    hex = salt_end + 1;
    if (strlen(hex) != 2 * SCRYPT_KEY_BYTES)
        return false;
    if (sodium_hex2bin(out->key, sizeof(out->key), hex, strlen(hex), NULL, &key_len, &hex_end) !=
            0 ||
        key_len != SCRYPT_KEY_BYTES || *hex_end != '\0')
        return false;
    return true;
}

static enum deepwell_pw_result scrypt_verify(const struct scrypt_hash *h, const char *password)
{
    unsigned char key[SCRYPT_KEY_BYTES];
    enum deepwell_pw_result result;

    if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)password, strlen(password),
                                              (const uint8_t *)h->salt, h->salt_len, h->n, h->r,
                                              h->p, key, sizeof(key)) != 0)
        return DW_PW_UNUSABLE; /* out of memory, or parameters libsodium refuses */
    result = sodium_memcmp(key, h->key, sizeof(key)) == 0 ? DW_PW_OK : DW_PW_MISMATCH;
    sodium_memzero(key, sizeof(key));
    return result;
}

/* ---- verification ------------------------------------------------------------------- */

enum deepwell_pw_result deepwell_password_verify(const char *hash, const char *password,
                                                 const struct deepwell_pwhash_limits *limits,
                                                 bool *needs_rehash)
{
    struct scrypt_hash scrypt;
    int argon2;

    if (needs_rehash != NULL)
        *needs_rehash = true;
    if (hash == NULL || password == NULL || sodium_ensure() != 0)
        return DW_PW_UNUSABLE;

    argon2 = argon2id_check(hash, limits);
    if (argon2 >= 0) {
        if (needs_rehash != NULL)
            *needs_rehash = argon2 != 0;
        return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? DW_PW_OK
                                                                               : DW_PW_MISMATCH;
    }
    if (parse_scrypt(hash, &scrypt))
        return scrypt_verify(&scrypt, password);
    return DW_PW_UNUSABLE;
}

bool deepwell_password_hash_usable(const char *hash)
{
    struct deepwell_pwhash_limits limits;
    struct scrypt_hash scrypt;

    if (hash == NULL || sodium_ensure() != 0)
        return false;
    deepwell_pwhash_limits_default(&limits);
    return argon2id_check(hash, &limits) >= 0 || parse_scrypt(hash, &scrypt);
}

/* ---- timing equaliser --------------------------------------------------------------- */

/*
 * One dummy hash, made at the limits first asked for and remade only if the limits
 * change (they come from the configuration, so in practice never).
 */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[DEEPWELL_HASH_MAX];
static struct deepwell_pwhash_limits dummy_limits;

static bool dummy_hash_for(const struct deepwell_pwhash_limits *limits, char out[DEEPWELL_HASH_MAX])
{
    bool ok = true;

    pthread_mutex_lock(&dummy_lock);
    if (dummy_hash[0] == '\0' || dummy_limits.opslimit != limits->opslimit ||
        dummy_limits.memlimit != limits->memlimit) {
        /* The password is irrelevant: nobody can log in against this hash. */
        ok = deepwell_password_hash("scipnet-dummy-password", limits, dummy_hash) == 0;
        if (ok)
            dummy_limits = *limits;
        else
            dummy_hash[0] = '\0';
    }
    if (ok)
        memcpy(out, dummy_hash, DEEPWELL_HASH_MAX);
    pthread_mutex_unlock(&dummy_lock);
    return ok;
}

void deepwell_password_dummy_verify(const char *password,
                                    const struct deepwell_pwhash_limits *limits)
{
    char hash[DEEPWELL_HASH_MAX];

    if (password == NULL || !dummy_hash_for(limits, hash))
        return;
    /* The result is meaningless (nothing matches); only the time spent matters. */
    if (crypto_pwhash_str_verify(hash, password, strlen(password)) == 0)
        sodium_memzero(hash, sizeof(hash));
}
