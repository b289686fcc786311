/* check.c - `scipnet-server --check`: see check.h. */
#include "server/check.h"
#include "common/integer.h"
#include "common/vis.h"
#include "deepwell/deepwell.h"
#include "deepwell/seal.h"
#include "server/tls.h"

#include <errno.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the checks share: where to print, and the first failure's reason. */
struct check {
    FILE *out;
    char why[TLS_WHY_MAX + 256];
};

static int fail(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
    return -1;
}

/* "mode 600", or a warning when others may read a file holding secrets. */
static void print_mode(struct check *c, const char *label, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    unsigned mode = (unsigned)(st.st_mode & 0777);
    if ((mode & 077) != 0)
        vis_fprintf(c->out, VIS_LINE,
                    "warning: %s %s may be read by others (mode %03o): chmod 600 it\n", label, path,
                    mode);
}

static int check_listen(struct check *c, const struct scipnet_config *cfg)
{
    const char *colon = strrchr(cfg->listen, ':');
    int64_t port = 0;
    if (colon == NULL || !integer_parse(colon + 1, 0, 65535, &port))
        port = 0; /* the config check already refused such a listen */
    vis_fprintf(c->out, VIS_LINE, "listen: %s%s\n", cfg->listen,
                port > 0 && port < 1024 ? " (a port below 1024: needs CAP_NET_BIND_SERVICE)" : "");
    return 0;
}

static int check_store(struct check *c, const struct scipnet_config *cfg)
{
    const char *file = deepwell_location_file(cfg->db);
    if (file != NULL && access(file, R_OK) != 0)
        return fail(c, "cannot read the store %s: %s%s", file, strerror(errno),
                    errno == ENOENT ? " (run deepwell init)" : "");
    /* Neither created nor migrated: a check changes nothing. */
    struct deepwell_options opts = {.path = cfg->db,
                                    .readers = 1,
                                    .busy_timeout_ms = cfg->busy_timeout_ms,
                                    .checkout_timeout_ms = cfg->checkout_timeout_ms};
    deepwell_options_defaults(&opts);
    struct deepwell *dw = NULL;
    struct deepwell_error err = {0};
    enum deepwell_code rc = deepwell_open(&opts, &dw, &err);
    if (rc == DW_OK)
        rc = deepwell_ping(dw, &err);
    int version = rc == DW_OK ? deepwell_schema_version(dw) : 0;
    deepwell_close(dw);
    if (rc != DW_OK)
        return fail(c, "cannot open the store %s: %s", file != NULL ? file : "(PostgreSQL)",
                    err.message);
    /* A PostgreSQL URL may carry a password: never printed. */
    vis_fprintf(c->out, VIS_LINE, "store: %s (%s, schema version %d)\n",
                file != NULL ? file : "postgresql://...", file != NULL ? "SQLite" : "PostgreSQL",
                version);
    if (file != NULL)
        print_mode(c, "store", file);
    return 0;
}

/* The paths server.c uses: configured, or the self-signed pair beside the store. */
static int tls_paths(struct check *c, const struct scipnet_config *cfg, char *cert, char *key,
                     size_t len)
{
    if ((cfg->cert[0] != '\0') != (cfg->key[0] != '\0'))
        return fail(c, "cert and key go together: set both or neither");
    if (cfg->cert[0] != '\0') {
        snprintf(cert, len, "%s", cfg->cert);
        snprintf(key, len, "%s", cfg->key);
        return 0;
    }
    const char *file = deepwell_location_file(cfg->db);
    if (file == NULL)
        return fail(c, "a postgresql:// store needs cert and key");
    int a = snprintf(cert, len, "%s.cert.pem", file);
    int b = snprintf(key, len, "%s.key.pem", file);
    if (a < 0 || b < 0 || (size_t)a >= len || (size_t)b >= len)
        return fail(c, "the store path is too long");
    return 0;
}

static int check_certificate(struct check *c, const char *cert, const char *key, bool configured)
{
    if (!configured && access(cert, F_OK) != 0 && access(key, F_OK) != 0) {
        vis_fprintf(c->out, VIS_LINE,
                    "certificate: none yet: a self-signed one will be made at %s on start\n", cert);
        return 0;
    }
    if (tls_key_private(key, c->why, sizeof(c->why)) < 0)
        return -1;
    SSL_CTX *ctx = tls_context_new(cert, key);
    if (ctx == NULL)
        return fail(c, "cannot use the certificate %s with the key %s (logged above)", cert, key);
    char fp[TLS_FINGERPRINT_HEX] = "";
    X509 *x509 = SSL_CTX_get0_certificate(ctx);
    bool expired = X509_cmp_current_time(X509_get0_notAfter(x509)) < 0;
    char until[64] = "?";
    struct tm tm;
    if (ASN1_TIME_to_tm(X509_get0_notAfter(x509), &tm) == 1)
        strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
    int fprc = tls_fingerprint(ctx, fp);
    SSL_CTX_free(ctx);
    if (expired)
        return fail(c, "the certificate %s expired at %s", cert, until);
    if (fprc < 0)
        return fail(c, "cannot compute the fingerprint of %s", cert);
    vis_fprintf(c->out, VIS_LINE, "certificate: %s (valid until %s)\n", cert, until);
    fprintf(c->out, "fingerprint sha256:%s\n", fp);
    vis_fprintf(c->out, VIS_LINE, "key: %s\n", key);
    return 0;
}

/* The audit seal key beside the TLS key (seal.h): private, or made on start. */
static int check_seal_key(struct check *c, const char *key)
{
    struct deepwell_seal_paths paths;
    struct deepwell_error err = {0};
    if (deepwell_seal_paths_for(key, &paths, &err) != DW_OK)
        return fail(c, "%s", err.message);
    if (access(paths.key, F_OK) != 0) {
        vis_fprintf(c->out, VIS_LINE, "audit seal key: none yet: made at %s on start\n", paths.key);
        return 0;
    }
    if (tls_key_private(paths.key, c->why, sizeof(c->why)) < 0)
        return -1;
    vis_fprintf(c->out, VIS_LINE, "audit seal key: %s\n", paths.key);
    return 0;
}

int server_check(const struct scipnet_config *cfg, const char *config_file, FILE *out, FILE *err)
{
    static struct check c; /* static: the reason has room for long paths */
    memset(&c, 0, sizeof(c));
    c.out = out;
    static char cert[CONFIG_PATH_MAX + 16], key[CONFIG_PATH_MAX + 16];
    vis_fprintf(out, VIS_LINE, "config: %s\n",
                config_file != NULL ? config_file : "none (defaults, SCIPNET_* and flags)");
    bool ok = check_listen(&c, cfg) == 0 && check_store(&c, cfg) == 0 &&
              tls_paths(&c, cfg, cert, key, sizeof(cert)) == 0 &&
              check_certificate(&c, cert, key, cfg->cert[0] != '\0') == 0 &&
              check_seal_key(&c, key) == 0;
    if (!ok) {
        vis_fprintf(err, VIS_LINE, "scipnet-server: check failed: %s\n", c.why);
        return 1;
    }
    vis_fprintf(out, VIS_LINE,
                "serving: %d store workers (0 = one per core), %d hashing at once, "
                "at most %d connections, log level %s\n",
                cfg->workers, cfg->hash_concurrency, cfg->max_connections, cfg->log_level);
    fprintf(out, "configuration ok\n");
    return fflush(out) == 0 && !ferror(out) ? 0 : 1;
}
