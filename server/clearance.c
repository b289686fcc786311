/* clearance.c - who may read, list, create and change what. */
#include "server/clearance.h"

#define SITE_READ_LEVEL   3
#define CREATE_MIN_LEVEL  2
#define CREATE_SITE_LEVEL 3
#define SET_STATUS_LEVEL  3
#define AUDIT_LEVEL       5
#define SESSIONS_LEVEL    5 /* who is online, revoking others: as the audit log */

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
    case REF_USER:
        return need(r->level, file_level);
    case REF_MTF:
        /* A task force's own members may read its file whatever their level (as in the
           original, where every operative opened his task force's file). */
        if (r->task_force_id != 0 && r->task_force_id == file_id)
            return 0;
        return need(r->level, file_level);
    case REF_SITE:
        /* A site's own staff may read its file whatever their level. */
        if (r->site_id != 0 && r->site_id == file_id)
            return 0;
        return need(r->level, SITE_READ_LEVEL);
    }
    return FOUNDATION_LEVEL_MAX;
}

int clearance_site_read_level(void)
{
    return SITE_READ_LEVEL;
}

int clearance_title(const struct reader *r, enum foundation_ref_kind kind, int file_level,
                    int64_t file_id)
{
    if (kind == REF_SITE)
        return 0;
    if (kind == REF_MTF)
        return clearance_read(r, kind, file_level, file_id); /* members see its name */
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

int clearance_edit(const struct reader *r, int file_level)
{
    return need(r->level, max_level(CREATE_MIN_LEVEL, file_level));
}

int clearance_set_status(const struct reader *r, int file_level)
{
    return need(r->level, max_level(SET_STATUS_LEVEL, file_level));
}

/* A refused target or title: the same answer whether it is hidden, missing or too high. */
static int refused(const struct reader *r)
{
    return r->level < FOUNDATION_LEVEL_MAX ? r->level + 1 : FOUNDATION_LEVEL_MAX;
}

/* A ref the op hands out: only one the actor may read (a missing one never). */
static int grant_target(const struct reader *r, enum foundation_ref_kind kind,
                        const struct grant *g)
{
    if (!g->found || clearance_read(r, kind, g->level, g->id) != 0)
        return refused(r);
    return 0;
}

int clearance_grant(const struct reader *actor, const char *actor_title, const struct grant *g)
{
    switch (g->kind) {
    case GRANT_CLEARANCE:
        return need(actor->level, g->level);
    case GRANT_SITE:
        return grant_target(actor, REF_SITE, g);
    case GRANT_TASK_FORCE:
        return grant_target(actor, REF_MTF, g);
    case GRANT_USER:
        return grant_target(actor, REF_USER, g);
    case GRANT_TITLE: {
        /* Site Director, O5 Council Member and Administrator only from that rank or above. */
        int rank = foundation_title_rank(g->title);
        if (rank < 0 || rank > foundation_title_rank(actor_title))
            return refused(actor);
        return 0;
    }
    case GRANT_SCP:
        if (!g->found)
            return refused(actor);
        return clearance_set_status(actor, g->level);
    }
    return FOUNDATION_LEVEL_MAX;
}

int clearance_audit(const struct reader *r)
{
    return need(r->level, AUDIT_LEVEL);
}

int clearance_audit_actor_max(const struct reader *r)
{
    return r->level; /* == clearance_read(r, REF_USER, level, id) == 0 for level <= this */
}

int clearance_info(const struct reader *r, int level)
{
    /* What a level means is told to those who hold it; classes are every reader's words. */
    return level > 0 ? need(r->level, level) : 0;
}

int clearance_passage(const struct reader *r, int level)
{
    return need(r->level, level);
}

int clearance_sessions_all(const struct reader *r)
{
    return need(r->level, SESSIONS_LEVEL);
}

int clearance_revoke(const struct reader *actor, bool own, bool found, int target_level)
{
    if (own)
        return 0;
    int needed = clearance_sessions_all(actor);
    if (needed != 0)
        return needed;
    /* A user above the actor is refused as one who does not exist (nor is online). */
    if (!found || target_level > clearance_audit_actor_max(actor))
        return refused(actor);
    return 0;
}
