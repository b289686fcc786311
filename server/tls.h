/*
 * tls.h - the server's TLS: 1.3 only (Mozilla "modern"), a self-signed
 * ECDSA P-256 certificate beside the database when none is configured, and the
 * SHA-256 fingerprint clients pin.
 */
#ifndef SCIPNET_SERVER_TLS_H
#define SCIPNET_SERVER_TLS_H

#include <stddef.h>

typedef struct ssl_ctx_st SSL_CTX;

#define TLS_FINGERPRINT_HEX (64 + 1)
/* Room for a reason that names a path of up to 4 KiB. */
#define TLS_WHY_MAX 4400

/* Creates cert_path and key_path (key mode 0600) unless both exist.  0 or -1 (logged). */
int tls_ensure_self_signed(const char *cert_path, const char *key_path);
/*
 * 0 when key_path is a regular file no one but its owner may read, write or run
 * (like the seal key and sshd's host keys); else -1 with the reason in why.
 */
int tls_key_private(const char *key_path, char *why, size_t whylen);
/* A new server context for cert+key; NULL on error (logged), a key others may
   read (tls_key_private) included. */
SSL_CTX *tls_context_new(const char *cert_path, const char *key_path);
/* Lower-case hex SHA-256 of the context's DER certificate; 0 or -1. */
int tls_fingerprint(SSL_CTX *ctx, char out[TLS_FINGERPRINT_HEX]);

#endif
