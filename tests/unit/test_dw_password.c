/* test_dw_password.c - argon2id hashing, werkzeug scrypt hashes, unusable hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "deepwell/password.h"

/* Small limits keep the tests fast; the code paths are the same. */
static const struct deepwell_pwhash_limits fast = {crypto_pwhash_OPSLIMIT_MIN,
                                                   crypto_pwhash_MEMLIMIT_MIN};
static const struct deepwell_pwhash_limits fast_more_ops = {crypto_pwhash_OPSLIMIT_MIN + 1,
                                                            crypto_pwhash_MEMLIMIT_MIN};

/*
 * Made with Python's hashlib (an independent scrypt), in werkzeug's format:
 *   hashlib.scrypt(b'correct horse', salt=b'Zq3vT9aLp0mWx7Rb', n=1024, r=8, p=1, dklen=64)
 *   hashlib.scrypt('pässwörd'.encode(), salt=b'aB3dE6gH9jK2mN5p', n=2048, r=4, p=2, dklen=64)
 */
static const char python_vector[] =
    "scrypt:1024:8:1$Zq3vT9aLp0mWx7Rb$"
    "03b110f1bba3b73a97125c31f864dfb1814734686e935bfc0562284dc5fd0165"
    "29dbd5fe30436ec12bf86f483fb320a47eea980ae7414c39cdc809aa9f049feb";
static const char python_vector_utf8[] =
    "scrypt:2048:4:2$aB3dE6gH9jK2mN5p$"
    "4dbd1971c5e2c7c7b916f47262e9cf0e69cb70c17507c587748860371aafbb5d"
    "94b1a393512a8583e148e6a2a3bc457b22b609708ac17d5332e1f0d471a92225";

static void argon2id_round_trip(void **state)
{
    (void)state;
    char hash[DEEPWELL_HASH_MAX];
    bool rehash = true;

    assert_int_equal(deepwell_password_hash("agent-pass", &fast, hash), 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(deepwell_password_hash_usable(hash));
    assert_int_equal(deepwell_password_verify(hash, "agent-pass", &fast, &rehash), DW_PW_OK);
    assert_false(rehash);
}

static void wrong_password_mismatches(void **state)
{
    (void)state;
    char hash[DEEPWELL_HASH_MAX];
    bool rehash = false;

    assert_int_equal(deepwell_password_hash("agent-pass", &fast, hash), 0);
    assert_int_equal(deepwell_password_verify(hash, "agent-pasS", &fast, &rehash), DW_PW_MISMATCH);
    assert_int_equal(deepwell_password_verify(hash, "", &fast, &rehash), DW_PW_MISMATCH);
}

static void changed_limits_need_rehash(void **state)
{
    (void)state;
    char hash[DEEPWELL_HASH_MAX];
    bool rehash = false;

    assert_int_equal(deepwell_password_hash("o5-pass", &fast, hash), 0);
    assert_int_equal(deepwell_password_verify(hash, "o5-pass", &fast_more_ops, &rehash), DW_PW_OK);
    assert_true(rehash);
}

static void two_hashes_of_one_password_differ(void **state)
{
    (void)state;
    char a[DEEPWELL_HASH_MAX], b[DEEPWELL_HASH_MAX];

    assert_int_equal(deepwell_password_hash("same", &fast, a), 0);
    assert_int_equal(deepwell_password_hash("same", &fast, b), 0);
    assert_string_not_equal(a, b); /* random salts */
}

static void empty_password_is_not_hashed(void **state)
{
    (void)state;
    char hash[DEEPWELL_HASH_MAX];

    assert_int_equal(deepwell_password_hash("", &fast, hash), -1);
    assert_int_equal(deepwell_password_hash(NULL, &fast, hash), -1);
}

static void werkzeug_scrypt_from_python_verifies(void **state)
{
    (void)state;
    bool rehash = false;

    assert_true(deepwell_password_hash_usable(python_vector));
    assert_int_equal(deepwell_password_verify(python_vector, "correct horse", &fast, &rehash),
                     DW_PW_OK);
    assert_true(rehash); /* scrypt hashes are always upgraded */
    assert_int_equal(deepwell_password_verify(python_vector, "correct horsE", &fast, &rehash),
                     DW_PW_MISMATCH);
    assert_int_equal(
        deepwell_password_verify(python_vector_utf8, "p\xc3\xa4ssw\xc3\xb6rd", &fast, &rehash),
        DW_PW_OK);
}

/* The same format built here with libsodium, including werkzeug's bare "scrypt" method. */
static void werkzeug_scrypt_built_with_libsodium_verifies(void **state)
{
    (void)state;
    const char *salt = "saltSALTsalt1234";
    unsigned char key[64];
    char hex[129], hash[256];
    bool rehash = false;

    assert_int_equal(crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)"pw", 2,
                                                           (const uint8_t *)salt, strlen(salt),
                                                           32768, 8, 1, key, sizeof(key)),
                     0);
    sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
    snprintf(hash, sizeof(hash), "scrypt:32768:8:1$%s$%s", salt, hex);
    assert_int_equal(deepwell_password_verify(hash, "pw", &fast, &rehash), DW_PW_OK);
    assert_true(rehash);
    snprintf(hash, sizeof(hash), "scrypt$%s$%s", salt, hex); /* werkzeug's defaults */
    assert_int_equal(deepwell_password_verify(hash, "pw", &fast, &rehash), DW_PW_OK);
}

static void unusable_hashes_never_match(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "cadet-pass", /* plaintext */
        "pbkdf2:sha256:600000$abc$def", "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
        "$2b$12$abcdefghijklmnopqrstuu",
        /* scrypt with bad costs, a bad salt or a bad key */
        "scrypt:1000:8:1$salt$00",    /* N not a power of two */
        "scrypt:2097152:8:1$salt$00", /* N too large */
        "scrypt:1024:64:1$salt$00",   /* r too large */
        "scrypt:1024:8:17$salt$00",   /* p too large */
        "scrypt:1024:8$salt$00",      /* p missing */
        "scrypt:-1024:8:1$salt$00",
        "scrypt:1024:8:1$$03b110f1bba3b73a97125c31f864dfb1814734686e935bfc0562284dc5fd0165"
        "29dbd5fe30436ec12bf86f483fb320a47eea980ae7414c39cdc809aa9f049feb", /* empty salt */
        "scrypt:1024:8:1$Zq3vT9aLp0mWx7Rb$03b110f1",                        /* short key */
        "scrypt:1024:8:1$Zq3vT9aLp0mWx7Rb$zzb110f1bba3b73a97125c31f864dfb1814734686e935bfc0562284d"
        "c5fd016529dbd5fe30436ec12bf86f483fb320a47eea980ae7414c39cdc809aa9f049feb", /* not hex */
    };
    bool rehash = false;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(deepwell_password_hash_usable(bad[i]));
        assert_int_equal(deepwell_password_verify(bad[i], "cadet-pass", &fast, &rehash),
                         DW_PW_UNUSABLE);
        assert_true(rehash);
    }
    assert_false(deepwell_password_hash_usable(NULL));
    assert_int_equal(deepwell_password_verify(NULL, "x", &fast, &rehash), DW_PW_UNUSABLE);
}

static void dummy_verify_runs_at_any_limits(void **state)
{
    (void)state;
    /* Nothing to assert but that it neither crashes nor leaks, and copes with new limits. */
    deepwell_password_dummy_verify("guess", &fast);
    deepwell_password_dummy_verify("guess", &fast);
    deepwell_password_dummy_verify("guess", &fast_more_ops);
    deepwell_password_dummy_verify(NULL, &fast);
}

static void default_limits_are_interactive(void **state)
{
    (void)state;
    struct deepwell_pwhash_limits limits;

    deepwell_pwhash_limits_default(&limits);
    assert_int_equal(limits.opslimit, 2);
    assert_int_equal(limits.memlimit, 64u * 1024 * 1024);
}

/* A stored hash may not name a cost that would pin a hash worker: it is unusable. */
static void overpriced_argon2id_hash_is_unusable(void **state)
{
    (void)state;
    static const char *overpriced[] = {
        "$argon2id$v=19$m=4194304,t=1000,p=1$c29tZXNhbHRzb21lc2FsdA$"
        "RdescudvJCsgt3ub+b+dWRWJTmaaJObGvqcVxOUzGuk",
        "$argon2id$v=19$m=65536,t=99999,p=1$c29tZXNhbHRzb21lc2FsdA$"
        "RdescudvJCsgt3ub+b+dWRWJTmaaJObGvqcVxOUzGuk",
        "$argon2id$v=19$m=65536,t=2,p=64$c29tZXNhbHRzb21lc2FsdA$"
        "RdescudvJCsgt3ub+b+dWRWJTmaaJObGvqcVxOUzGuk",
    };
    bool rehash = false;
    for (size_t i = 0; i < sizeof(overpriced) / sizeof(overpriced[0]); i++) {
        assert_int_equal(deepwell_password_verify(overpriced[i], "pw", &fast, &rehash),
                         DW_PW_UNUSABLE);
        assert_false(deepwell_password_hash_usable(overpriced[i]));
    }
    /* A hash at ordinary limits stays usable. */
    char hash[DEEPWELL_HASH_MAX];
    assert_int_equal(deepwell_password_hash("pw", &fast, hash), 0);
    assert_true(deepwell_password_hash_usable(hash));
}

static void one_policy_counts_characters_and_bytes(void **state)
{
    (void)state;
    char buf[DEEPWELL_PASSWORD_MAX + 2];
    assert_string_equal(deepwell_password_policy_error(""),
                        "the password must have at least 8 characters");
    assert_non_null(deepwell_password_policy_error("1234567"));
    assert_null(deepwell_password_policy_error("12345678"));
    /* Five two-byte letters are ten bytes but five characters: too short. */
    assert_non_null(deepwell_password_policy_error("\u00e9\u00e9\u00e9\u00e9\u00e9"));
    assert_null(deepwell_password_policy_error("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"));
    memset(buf, 'x', DEEPWELL_PASSWORD_MAX);
    buf[DEEPWELL_PASSWORD_MAX] = '\0';
    assert_null(deepwell_password_policy_error(buf));
    buf[DEEPWELL_PASSWORD_MAX] = 'x';
    buf[DEEPWELL_PASSWORD_MAX + 1] = '\0';
    assert_string_equal(deepwell_password_policy_error(buf),
                        "the password must have at most 1024 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(argon2id_round_trip),
        cmocka_unit_test(one_policy_counts_characters_and_bytes),
        cmocka_unit_test(wrong_password_mismatches),
        cmocka_unit_test(changed_limits_need_rehash),
        cmocka_unit_test(two_hashes_of_one_password_differ),
        cmocka_unit_test(empty_password_is_not_hashed),
        cmocka_unit_test(werkzeug_scrypt_from_python_verifies),
        cmocka_unit_test(werkzeug_scrypt_built_with_libsodium_verifies),
        cmocka_unit_test(unusable_hashes_never_match),
        cmocka_unit_test(dummy_verify_runs_at_any_limits),
        cmocka_unit_test(default_limits_are_interactive),
        cmocka_unit_test(overpriced_argon2id_hash_is_unusable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
