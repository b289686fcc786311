/*
 * config.h - one configuration for every program.
 *
 * Sources, lowest precedence first: built-in defaults, an INI file (parsed with
 * inih), SCIPNET_* environment variables (SCIPNET_DB, SCIPNET_LISTEN, ... : the key
 * upper-cased), then command-line flags (config_set).  Unknown keys and bad values
 * are errors naming the file and line (or the variable / flag).
 *
 * INI layout: keys may stand in any section or none; a section name is only a
 * heading for people ([server], [store], [sessions], [limits], [log]).
 */
#ifndef SCIPNET_CONFIG_H
#define SCIPNET_CONFIG_H

#include <stddef.h>

#define CONFIG_PATH_MAX     4096
#define CONFIG_DEFAULT_PORT 7019

struct scipnet_config {
    /* [server] */
    char listen[256];           /* "127.0.0.1:7019"; port 0 picks a free port */
    char cert[CONFIG_PATH_MAX]; /* "" = self-signed beside the database */
    char key[CONFIG_PATH_MAX];
    int workers;             /* store threads (0 = default, server.c); SQLite: spares stand by */
    int hash_concurrency;    /* argon2 hashes at once (default 2) */
    int max_connections;     /* default 16384 */
    int handshake_timeout_s; /* default 10 */
    int idle_timeout_s;      /* connection idle timeout (default 300) */
    int shutdown_grace_s;    /* finish in-flight requests on SIGTERM (default 5) */
    /* per client address, an IPv6 address per /64 (default 256) */
    int max_connections_per_addr;
    /* [store] */
    char db[CONFIG_PATH_MAX]; /* SQLite path, sqlite:PATH, or postgresql://... */
    int readers;              /* reader connections (default 4) */
    int checkout_timeout_ms;  /* default 2000 */
    int busy_timeout_ms;      /* default 5000 */
    char synchronous[16];     /* OFF | NORMAL | FULL | EXTRA (default NORMAL) */
    /* [audit]: signed seals of the audit chain's head (deepwell/seal.h) */
    int audit_seal_rows;       /* every N rows (default 1000) */
    int audit_seal_interval_s; /* or S seconds after a row (default 60) */
    /* [sessions] */
    int session_idle_s;     /* default 900 */
    int session_lifetime_s; /* default 28800 */
    /* caps: a login past max_sessions_per_user ends the user's oldest session (default
       32); a session may make session_rate requests a second (default 200), session_burst
       at once (default 2000) */
    int max_sessions_per_user;
    int session_rate;
    int session_burst;
    /* [limits] */
    int login_max_failures;             /* per account before rate_limited (default 5) */
    int login_max_failures_addr;        /* per client address (default 20) */
    int login_backoff_base_s;           /* first retry_after, doubled each failure (default 2) */
    int login_backoff_max_s;            /* default 300 */
    unsigned long long argon2_opslimit; /* default 2 (libsodium INTERACTIVE) */
    unsigned long long argon2_memlimit_kib; /* default 65536 (64 MiB) */
    /* [log] */
    char log_level[16]; /* debug | info | notice | warning | error */
};

void config_defaults(struct scipnet_config *cfg);

/* Each returns 0, or -1 with one line in errbuf ("FILE:LINE: unknown key 'x'"). */
int config_load_file(struct scipnet_config *cfg, const char *path, char *errbuf, size_t errlen);
int config_apply_env(struct scipnet_config *cfg, char *errbuf, size_t errlen);
/* Set one key from a string, as the file, environment and flags all do. */
int config_set(struct scipnet_config *cfg, const char *key, const char *value, char *errbuf,
               size_t errlen);

#endif
