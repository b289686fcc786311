/*
 * engine.c - choosing the engine from a store location, the synchronous option, and
 * retried write transactions.  Each engine's table is in its own file (sqlite_conn.c,
 * pg_conn.c).
 */
#include "deepwell/engine.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"
#include "deepwell/store.h"

/* A conflicted transaction is run again at most this many times, backing off. */
#define TX_ATTEMPTS         8
#define TX_BACKOFF_FIRST_MS 2
#define TX_BACKOFF_MAX_MS   200

/* PRAGMA values cannot be bound, so each allowed setting is its own literal. */
static const struct deepwell_synchronous synchronous_settings[] = {
    {"OFF", "PRAGMA synchronous=OFF", "PRAGMA audit.synchronous=OFF"},
    {"NORMAL", "PRAGMA synchronous=NORMAL", "PRAGMA audit.synchronous=NORMAL"},
    {"FULL", "PRAGMA synchronous=FULL", "PRAGMA audit.synchronous=FULL"},
    {"EXTRA", "PRAGMA synchronous=EXTRA", "PRAGMA audit.synchronous=EXTRA"},
};

const struct deepwell_synchronous *deepwell_synchronous_for(const char *name)
{
    if (name == NULL || name[0] == '\0')
        name = "NORMAL";
    for (size_t i = 0; i < sizeof(synchronous_settings) / sizeof(synchronous_settings[0]); i++)
        if (strcasecmp(name, synchronous_settings[i].name) == 0)
            return &synchronous_settings[i];
    return NULL;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

const struct deepwell_engine *deepwell_engine_for(const char *location)
{
    if (location != NULL &&
        (has_prefix(location, "postgresql://") || has_prefix(location, "postgres://")))
        return &deepwell_engine_pg;
    return &deepwell_engine_sqlite;
}

const char *deepwell_engine_sqlite_path(const char *location)
{
    if (location != NULL && has_prefix(location, "sqlite:"))
        return location + strlen("sqlite:");
    return location;
}

const char *deepwell_location_file(const char *location)
{
    if (deepwell_engine_for(location) != &deepwell_engine_sqlite)
        return NULL;
    return deepwell_engine_sqlite_path(location);
}

bool deepwell_error_is_retryable(const struct deepwell_error *err)
{
    return err != NULL && err->code == DW_BUSY &&
           (strstr(err->message, "SQLSTATE 40001") != NULL ||
            strstr(err->message, "SQLSTATE 40P01") != NULL);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

enum deepwell_code deepwell_write_tx(struct deepwell *dw, deepwell_tx_body body, void *ctx,
                                     struct deepwell_error *err)
{
    struct deepwell_error local;
    struct deepwell_error *e = err != NULL ? err : &local;
    enum deepwell_code code = DW_OK;
    int backoff = TX_BACKOFF_FIRST_MS;
    for (int attempt = 1; attempt <= TX_ATTEMPTS; attempt++) {
        struct deepwell_conn *conn;
        code = deepwell_pool_acquire(dw->pool, DW_CONN_WRITER, &conn, e);
        if (code != DW_OK)
            return code;
        code = deepwell_conn_begin(conn, e);
        if (code == DW_OK)
            code = body(conn, ctx, e);
        if (code == DW_OK)
            code = deepwell_conn_commit(conn, e);
        else
            deepwell_conn_rollback(conn);
        deepwell_pool_release(dw->pool, conn);
        if (code == DW_OK || !deepwell_error_is_retryable(e))
            return code;
        log_debug("deepwell", "serialization conflict (attempt %d): running again", attempt);
        sleep_ms(backoff);
        if (backoff < TX_BACKOFF_MAX_MS)
            backoff *= 2;
    }
    return code;
}
