/*
 * pwcost.c - the argon2id cost most stored password hashes have, so a login for a
 * name that does not exist can cost what a real account's costs (server/pwtiming.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deepwell/query.h"
#include "deepwell/store.h"

#define SAMPLE_MAX 10000

static const char SQL_NEWEST_ARGON2[] = "SELECT password_hash FROM users"
                                        " WHERE password_hash LIKE '$argon2id$%'"
                                        " ORDER BY id DESC LIMIT ?1";

/* "$argon2id$v=19$m=65536,t=2,p=1$..." -> memory and passes; false when not that shape. */
static bool parse_cost(const char *hash, uint64_t *memory_kib, uint64_t *passes)
{
    unsigned long long m = 0, t = 0, p = 0;
    int used = 0;
    if (sscanf(hash, "$argon2id$v=19$m=%llu,t=%llu,p=%llu$%n", &m, &t, &p, &used) != 3 ||
        used == 0 || m == 0 || t == 0)
        return false;
    *memory_kib = m;
    *passes = t;
    return true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_u64);
    return v[n / 2];
}

enum deepwell_code deepwell_password_typical_cost(struct deepwell *dw, int sample,
                                                  uint64_t *memory_kib, uint64_t *passes,
                                                  int *found, struct deepwell_error *err)
{
    static const char op[] = "users.password_cost";
    *found = 0;
    if (sample < 1 || sample > SAMPLE_MAX)
        return deepwell_error_set(err, DW_INVALID, op, "sample must be 1 to %d", SAMPLE_MAX);
    uint64_t *mem = calloc((size_t)sample, sizeof(*mem));
    uint64_t *pass = calloc((size_t)sample, sizeof(*pass));
    if (mem == NULL || pass == NULL) {
        free(mem);
        free(pass);
        return deepwell_error_set(err, DW_INTERNAL, op, "out of memory");
    }
    struct deepwell_conn *conn;
    enum deepwell_code code = deepwell_pool_acquire(dw->pool, DW_CONN_READER, &conn, err);
    if (code == DW_OK) {
        struct dw_stmt *stmt;
        code = dw_prepare(conn, SQL_NEWEST_ARGON2, &stmt, err);
        if (code == DW_OK)
            code = dw_bind(stmt, err, op, "i", sample);
        int n = 0, rc = DW_DONE;
        while (code == DW_OK && (rc = dw_step(stmt)) == DW_ROW) {
            const unsigned char *text = dw_col_text(stmt, 0);
            if (n < sample && text != NULL && parse_cost((const char *)text, &mem[n], &pass[n]))
                n++;
        }
        if (code == DW_OK && rc != DW_DONE)
            code = dw_stmt_error(err, conn, stmt, rc, op);
        deepwell_pool_release(dw->pool, conn);
        if (code == DW_OK && n > 0) {
            *memory_kib = median(mem, n);
            *passes = median(pass, n);
            *found = n;
        }
    }
    free(mem);
    free(pass);
    return code;
}
