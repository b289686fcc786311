/* clearance.c - who may read, list, create and change what. */
#include "server/clearance.h"

#define SITE_READ_LEVEL   3
#define CREATE_MIN_LEVEL  2
#define CREATE_SITE_LEVEL 3
#define SET_STATUS_LEVEL  3
#define AUDIT_LEVEL       5

static int need(int have, int needed)
{
    return have >= needed ? 0 : needed;
}

static int max_level(int a, int b)
{
    return a > b ? a : b;
}

int clearance_read(const struct reader *r, enum foundation_ref_kind kind, int file_level,
                   int64_t file_id)
{
    switch (kind) {
    case REF_SCP:
    case REF_MTF:
    case REF_USER:
        return need(r->level, file_level);
    case REF_SITE:
        /* A site's own staff may read its file whatever their level. */
        if (r->site_id != 0 && r->site_id == file_id)
            return 0;
        return need(r->level, SITE_READ_LEVEL);
    }
    return FOUNDATION_LEVEL_MAX;
}

int clearance_title(const struct reader *r, enum foundation_ref_kind kind, int file_level)
{
    if (kind == REF_SITE)
        return 0;
    return need(r->level, file_level);
}

int clearance_create(const struct reader *r, enum foundation_ref_kind kind, int level)
{
    switch (kind) {
    case REF_SITE:
        return need(r->level, CREATE_SITE_LEVEL);
    case REF_SCP:
    case REF_MTF:
    case REF_USER:
        /* Nobody creates above their own clearance. */
        return need(r->level, max_level(CREATE_MIN_LEVEL, level));
    }
    return FOUNDATION_LEVEL_MAX;
}

int clearance_set_status(const struct reader *r, int file_level)
{
    return need(r->level, max_level(SET_STATUS_LEVEL, file_level));
}

int clearance_audit(const struct reader *r)
{
    return need(r->level, AUDIT_LEVEL);
}

int clearance_passage(const struct reader *r, int level)
{
    return need(r->level, level);
}
