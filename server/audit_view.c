/*
 * audit_view.c - audit rows as a reader is shown them: through redact_audit_row, with the
 * level of every file a row's details name looked up once per reply.  The audit op's
 * table and a personnel file's recent rows both come from here.
 */
#include "server/audit_view.h"
#include "common/foundation.h"
#include "server/redact.h"
#include "server/request.h"
#include "server/server.h"

#include <stdlib.h>
#include <string.h>

/* Levels of the refs named in one reply's details, each looked up once. */
#define REF_CACHE_MAX 64

struct ref_levels {
    struct server *srv;
    size_t count;
    struct {
        struct foundation_ref ref;
        int level;
    } known[REF_CACHE_MAX];
};

/* The level of the file a ref names, 0 when none, -1 when the store cannot tell. */
static int lookup_level(struct server *srv, const struct foundation_ref *ref)
{
    struct deepwell_error err;
    enum deepwell_code rc = DW_INTERNAL;
    int level = 0;
    if (ref->kind == REF_SCP) {
        struct deepwell_scp scp;
        rc = deepwell_scp_get_head(srv->dw, (int)ref->number, ref->suffix, &scp, &err);
        if (rc == DW_OK) {
            level = scp.level;
            deepwell_scp_free(&scp);
        }
    } else if (ref->kind == REF_SITE) {
        struct deepwell_site site;
        rc = deepwell_site_get(srv->dw, ref->number, &site, &err);
        if (rc == DW_OK) {
            level = site.level;
            deepwell_site_free(&site);
        }
    } else if (ref->kind == REF_MTF) {
        struct deepwell_mtf mtf;
        rc = deepwell_mtf_get(srv->dw, ref->number, &mtf, &err);
        if (rc == DW_OK) {
            level = mtf.level;
            deepwell_mtf_free(&mtf);
        }
    } else if (ref->kind == REF_USER) {
        struct deepwell_user user;
        rc = deepwell_user_find(srv->dw, NULL, ref->number, &user, &err);
        if (rc == DW_OK)
            level = user.clearance;
        memset(&user, 0, sizeof(user)); /* its password hash */
    }
    if (rc == DW_NOT_FOUND)
        return 0;
    return rc == DW_OK ? level : -1;
}

static int ref_level(void *arg, const struct foundation_ref *ref)
{
    struct ref_levels *cache = arg;
    for (size_t i = 0; i < cache->count; i++)
        if (cache->known[i].ref.kind == ref->kind && cache->known[i].ref.number == ref->number &&
            strcmp(cache->known[i].ref.suffix, ref->suffix) == 0)
            return cache->known[i].level;
    int level = lookup_level(cache->srv, ref);
    if (level >= 0 && cache->count < REF_CACHE_MAX) {
        cache->known[cache->count].ref = *ref;
        cache->known[cache->count].level = level;
        cache->count++;
    }
    return level;
}

json_t *audit_view_rows(struct request *req, const struct reader *r,
                        const struct deepwell_audit_rows *rows)
{
    struct ref_levels *cache = calloc(1, sizeof(*cache));
    json_t *list = json_array();
    bool failed = cache == NULL || list == NULL;
    if (cache != NULL)
        cache->srv = req->srv;
    for (size_t i = 0; !failed && i < rows->count; i++)
        failed =
            json_array_append_new(list, redact_audit_row(r, &rows->rows[i], ref_level, cache)) != 0;
    free(cache);
    if (failed) {
        json_decref(list);
        return NULL;
    }
    return list;
}
