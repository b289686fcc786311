/*
 * sqlite_checkpoint.h - SQLite WAL checkpoints on their own thread (internal to deepwell/).
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages:
 * it copies pages back into the database file and syncs it, and every audit row in
 * that group commit (with every reply waiting on it) waits too.  The checkpointer
 * takes that work off the commit path: the writer connection's WAL hook tells it
 * how long the WAL has grown, and a thread with its own connection runs PASSIVE
 * checkpoints, which never block the writer or the readers.  If readers keep the
 * WAL from ever being reset and it passes a hard limit, it runs one RESTART
 * checkpoint (briefly holding writers back) so the file cannot grow without bound.
 */
#ifndef SCIPNET_DEEPWELL_SQLITE_CHECKPOINT_H
#define SCIPNET_DEEPWELL_SQLITE_CHECKPOINT_H

#include <sqlite3.h>
#include <stdint.h>

#include "deepwell/deepwell.h"

struct deepwell_checkpointer;

/* Defaults of the limits: SQLite's own threshold, and ~64 MiB of 4 KiB pages. */
#define DEEPWELL_CHECKPOINT_PAGES         1000
#define DEEPWELL_CHECKPOINT_RESTART_PAGES 16000

struct deepwell_checkpoint_limits {
    int checkpoint_pages; /* WAL pages after a commit that wake the checkpointer */
    int restart_pages;    /* WAL pages past which it also makes the WAL start over */
};

/*
 * Opens its own connection to the SQLite file at path (and its audit file, if it
 * has one: each file has its own WAL) and starts the thread.
 */
enum deepwell_code deepwell_checkpointer_start(const char *path, int busy_timeout_ms,
                                               const struct deepwell_checkpoint_limits *limits,
                                               struct deepwell_checkpointer **out,
                                               struct deepwell_error *err);
/* Stops the thread after any checkpoint in progress and closes its connection. */
void deepwell_checkpointer_stop(struct deepwell_checkpointer *cp);

/*
 * The writer connection's sqlite3_wal_hook: called by SQLite after each commit with
 * the WAL's length in pages.  arg is the checkpointer.  Never blocks.
 */
int deepwell_checkpointer_wal_hook(void *arg, sqlite3 *db, const char *schema, int pages);

struct deepwell_checkpoint_stats {
    uint64_t checkpoints; /* PASSIVE checkpoints run */
    uint64_t restarts;    /* RESTART checkpoints forced by the hard limit */
    uint64_t busy;        /* checkpoints that found the WAL busy (tried again later) */
    uint64_t failures;    /* checkpoints that returned another error (logged) */
    int wal_pages;        /* WAL length after the newest commit (both files' together) */
};
void deepwell_checkpointer_stats(struct deepwell_checkpointer *cp,
                                 struct deepwell_checkpoint_stats *out);

#endif
