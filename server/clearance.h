/*
 * clearance.h - every access rule of the Foundation, in one place.
 *
 * Each check returns 0 when allowed, else the clearance level the action needs
 * (shown on the clearance_denied and redacted screens).
 */
#ifndef SCIPNET_SERVER_CLEARANCE_H
#define SCIPNET_SERVER_CLEARANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/foundation.h"

struct reader {
    int level;             /* the reader's clearance 1..6 */
    int64_t site_id;       /* the reader's site, 0 = none */
    int64_t task_force_id; /* the reader's task force, 0 = none */
};

/* Reading a file: SCP by level; SITE at 3+ or by its own staff; MTF by level or by its own
   members; USER by clearance. */
int clearance_read(const struct reader *r, enum foundation_ref_kind kind, int file_level,
                   int64_t file_id);
/* The level from which every site's file may be read (clearance_read); search's rule. */
int clearance_site_read_level(void);
/* Whether a list entry's title may be shown (site names are public; a task force's to its
   own members too). */
int clearance_title(const struct reader *r, enum foundation_ref_kind kind, int file_level,
                    int64_t file_id);
/* Creating a file of `kind` at `level` (new user: their clearance; SITE ignores level). */
int clearance_create(const struct reader *r, enum foundation_ref_kind kind, int level);
/* Editing an SCP file: its fields, a section, a new addendum (what is written: grants). */
int clearance_edit(const struct reader *r, int file_level);
/* Changing an SCP file's status. */
int clearance_set_status(const struct reader *r, int file_level);
/*
 * What a write op hands out.  Every field of every write (each create, set_status and
 * any later op) is one grant, checked by clearance_grant: "could the actor see or do
 * this themselves".
 */
enum clearance_grant_kind {
    GRANT_CLEARANCE,  /* a file's level or a new user's clearance: level = what is granted */
    GRANT_SITE,       /* a site as an SCP's, task force's or user's site */
    GRANT_TASK_FORCE, /* a task force as an SCP's or a user's */
    GRANT_USER,       /* a user as a task force's leader or a site's director */
    GRANT_TITLE,      /* a job title for a new user */
    GRANT_SCP,        /* an existing SCP file the op changes (set_status) */
};

struct grant {
    enum clearance_grant_kind kind;
    bool found;        /* the target exists (looked up by the op); refs only */
    int level;         /* granted level, or the target's (a user's: their clearance) */
    int64_t id;        /* the target's id (a site's, for its own staff) */
    const char *title; /* GRANT_TITLE: the title handed out */
};

/*
 * 0 when the actor (holding actor_title) may grant g, else the level shown on the
 * clearance_denied screen.  A target that does not exist is refused exactly like one
 * the actor may not read, with the same level (one above the actor's), so a refusal
 * never tells whether a hidden target exists.
 */
int clearance_grant(const struct reader *actor, const char *actor_title, const struct grant *g);

/* Querying the audit log. */
int clearance_audit(const struct reader *r);
/*
 * The highest clearance of a user whose audit rows the reader is shown: as for
 * personnel files, their own.  Rows of users above it are left out by the store
 * (deepwell_audit_query's actor_max_level), as if those users did not exist.
 */
int clearance_audit_actor_max(const struct reader *r);
/* The description of clearance level `level` (0 for a class's, which every user may read). */
int clearance_info(const struct reader *r, int level);
/*
 * Seeing (and ending) other users' sessions: level 5, as the audit log.  Below it a
 * reader sees only their own; at it, those of users up to clearance_audit_actor_max.
 */
int clearance_sessions_all(const struct reader *r);
/*
 * Ending another's session(s) (revoke): own ones always; else level 5 and a target user
 * the reader could see (found, target_level at most their own).  A hidden and a missing
 * target get the same refusal.
 */
int clearance_revoke(const struct reader *actor, bool own, bool found, int target_level);
/* A section or passage at `level` inside a file the reader may open. */
int clearance_passage(const struct reader *r, int level);

#endif
