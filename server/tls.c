/* tls.c - TLS 1.3 context, self-signed certificate and fingerprint. */
#include "server/tls.h"
#include "common/log.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CERT_DAYS 3650

static void log_ssl_error(const char *what)
{
    char buf[256];
    unsigned long e = ERR_get_error();
    ERR_error_string_n(e, buf, sizeof(buf));
    log_error("tls", "%s: %s", what, e ? buf : "unknown error");
    ERR_clear_error();
}

static X509 *make_certificate(EVP_PKEY *key)
{
    X509 *cert = X509_new();
    if (cert == NULL)
        return NULL;
    ASN1_INTEGER *sn = ASN1_INTEGER_new();
    BIGNUM *bn = BN_new();
    bool ok = sn && bn && BN_rand(bn, 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
              BN_to_ASN1_INTEGER(bn, sn) && X509_set_serialNumber(cert, sn);
    BN_free(bn);
    ASN1_INTEGER_free(sn);
    ok = ok && X509_set_version(cert, 2) && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) &&
         X509_gmtime_adj(X509_getm_notAfter(cert), (long)60 * 60 * 24 * CERT_DAYS) &&
         X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    ok = ok &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"scipnet", -1,
                                    -1, 0) &&
         X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                    (const unsigned char *)"SCP Foundation", -1, -1, 0) &&
         X509_set_issuer_name(cert, name) && X509_sign(cert, key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(cert);
        return NULL;
    }
    return cert;
}

/*
 * Writes path through a temporary file renamed into place, so a server killed
 * mid-write leaves either no file or a whole one, never a truncated PEM.
 */
static int write_pem(const char *path, mode_t mode, int (*emit)(FILE *, void *), void *obj)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        log_error("tls", "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    fchmod(fd, mode);
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    int ok = emit(f, obj) && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
        log_error("tls", "cannot write %s", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int emit_key(FILE *f, void *key)
{
    return PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
}

static int emit_cert(FILE *f, void *cert)
{
    return PEM_write_X509(f, cert);
}

int tls_ensure_self_signed(const char *cert_path, const char *key_path)
{
    if (access(cert_path, F_OK) == 0 && access(key_path, F_OK) == 0)
        return 0;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == NULL) {
        log_ssl_error("generating a P-256 key");
        return -1;
    }
    X509 *cert = make_certificate(key);
    if (cert == NULL) {
        log_ssl_error("making the self-signed certificate");
        EVP_PKEY_free(key);
        return -1;
    }
    /* The key first: a certificate on disk always has its key beside it. */
    int rc = write_pem(key_path, 0600, emit_key, key);
    if (rc == 0)
        rc = write_pem(cert_path, 0644, emit_cert, cert);
    X509_free(cert);
    EVP_PKEY_free(key);
    if (rc == 0)
        log_notice("tls", "created a self-signed certificate %s", cert_path);
    return rc;
}

int tls_key_private(const char *key_path, char *why, size_t whylen)
{
    struct stat st;
    if (stat(key_path, &st) != 0) {
        snprintf(why, whylen, "cannot read the key %s: %s", key_path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "the key %s is not a regular file", key_path);
        return -1;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(why, whylen, "the key %s may be read by others (mode %03o): chmod 600 it",
                 key_path, (unsigned)(st.st_mode & 0777));
        return -1;
    }
    return 0;
}

SSL_CTX *tls_context_new(const char *cert_path, const char *key_path)
{
    char why[TLS_WHY_MAX];
    if (tls_key_private(key_path, why, sizeof(why)) < 0) {
        log_error("tls", "%s", why);
        return NULL;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        log_ssl_error("SSL_CTX_new");
        return NULL;
    }
    /* Mozilla "modern": TLS 1.3 only, OpenSSL's default 1.3 cipher suites. */
    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)) {
        log_ssl_error("restricting to TLS 1.3");
        SSL_CTX_free(ctx);
        return NULL;
    }
    /* A client closing without close_notify is an ordinary end of stream, not an error. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                 SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) {
        log_ssl_error(cert_path);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        log_ssl_error(key_path);
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

int tls_fingerprint(SSL_CTX *ctx, char out[TLS_FINGERPRINT_HEX])
{
    X509 *cert = SSL_CTX_get0_certificate(ctx);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (cert == NULL || X509_digest(cert, EVP_sha256(), md, &n) != 1 || n != 32)
        return -1;
    for (unsigned int i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return 0;
}
