/*
 * sqlite_schema.c - an SQLite store's migrations, embedded in the binary.
 *
 * Each migration is applied in one transaction and recorded in schema_version.
 * Migrations only move forward and never drop data: to change a table, add a new
 * migration; never edit one that has shipped.
 */
#include "deepwell/schema.h"

#include <stddef.h>

#include "deepwell/sqlite_audit_file.h"

/*
 * The audit log's columns: the table of version 1, and the same table in the audit
 * file of version 5 (which must match it row for row, so both use this text).
 */
#define AUDIT_LOG_COLUMNS                                                                          \
    "  id INTEGER PRIMARY KEY,"                                                                    \
    "  ts TEXT NOT NULL,"                                                                          \
    "  user_id INTEGER,"                                                                           \
    "  attempted_name TEXT,"                                                                       \
    "  client_addr TEXT NOT NULL DEFAULT '',"                                                      \
    "  action TEXT NOT NULL,"                                                                      \
    "  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),"                 \
    "  severity TEXT NOT NULL CHECK (severity IN ('info', 'notice', 'warning', 'alert')),"         \
    "  details TEXT NOT NULL DEFAULT '{}',"                                                        \
    "  imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1)),"                            \
    "  prev_hash BLOB NOT NULL,"                                                                   \
    "  hash BLOB NOT NULL"                                                                         \
    ") STRICT;"

/* Version 1: the Foundation's lookups, people, places, files and the audit log. */
static const char migration_1[] =
    "CREATE TABLE clearance_levels ("
    "  id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 6),"
    "  name TEXT NOT NULL UNIQUE,"
    "  full_name TEXT NOT NULL,"
    "  colour TEXT NOT NULL,"
    "  description TEXT NOT NULL DEFAULT ''"
    ") STRICT;"
    "INSERT INTO clearance_levels (id, name, full_name, colour) VALUES"
    "  (1, 'Unrestricted', 'Level 1 - Unrestricted', '#009F6B'),"
    "  (2, 'Restricted', 'Level 2 - Restricted', '#0087BD'),"
    "  (3, 'Confidential', 'Level 3 - Confidential', '#FFD300'),"
    "  (4, 'Secret', 'Level 4 - Secret', '#FF6D00'),"
    "  (5, 'Top Secret', 'Level 5 - Top Secret', '#C40233'),"
    "  (6, 'Cosmic Top Secret', 'Level 6 - Cosmic Top Secret', '#850005');"

    "CREATE TABLE titles ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE"
    ") STRICT;"
    "INSERT INTO titles (id, name) VALUES"
    "  (1, 'Containment Specialist'), (2, 'Researcher'), (3, 'Security Officer'),"
    "  (4, 'Tactical Response Officer'), (5, 'Field Agent'),"
    "  (6, 'Mobile Task Force Operative'), (7, 'Site Director'), (8, 'O5 Council Member');"

    "CREATE TABLE containment_classes ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  colour TEXT NOT NULL, description TEXT NOT NULL DEFAULT '') STRICT;"
    "INSERT INTO containment_classes (id, name, colour) VALUES"
    "  (1, 'Safe', '#009F6B'), (2, 'Euclid', '#FFD300'), (3, 'Keter', '#C40233'),"
    "  (4, 'Neutralized', '#808080'), (5, 'Explained', '#808080'),"
    "  (6, 'Decommissioned', '#808080'), (7, 'Uncontained', '#808080'),"
    "  (8, 'Pending', '#808080');"

    "CREATE TABLE secondary_classes ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  colour TEXT NOT NULL, description TEXT NOT NULL DEFAULT '') STRICT;"
    "INSERT INTO secondary_classes (id, name, colour) VALUES"
    "  (1, 'Apollyon', '#850005'), (2, 'Archon', '#FF6D00'), (3, 'Thaumiel', '#0087BD'),"
    "  (4, 'Ticonderoga', '#808080'), (5, 'Cernunnos', '#808080'),"
    "  (6, 'Hiemal', '#808080'), (7, 'Tiamat', '#808080');"

    "CREATE TABLE disruption_classes ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  colour TEXT NOT NULL, description TEXT NOT NULL DEFAULT '') STRICT;"
    "INSERT INTO disruption_classes (id, name, colour) VALUES"
    "  (1, 'Dark', '#009F6B'), (2, 'Vlam', '#0087BD'), (3, 'Keneq', '#FFD300'),"
    "  (4, 'Ekhi', '#FF6D00'), (5, 'Amida', '#C40233');"

    "CREATE TABLE risk_classes ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  colour TEXT NOT NULL, description TEXT NOT NULL DEFAULT '') STRICT;"
    "INSERT INTO risk_classes (id, name, colour) VALUES"
    "  (1, 'Notice', '#009F6B'), (2, 'Caution', '#0087BD'), (3, 'Warning', '#FFD300'),"
    "  (4, 'Danger', '#FF6D00'), (5, 'Critical', '#C40233');"

    /* sites <-> users and task forces <-> users refer to each other: both nullable. */
    "CREATE TABLE sites ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  clearance_level INTEGER NOT NULL DEFAULT 3 REFERENCES clearance_levels(id),"
    "  director_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  location TEXT NOT NULL DEFAULT '',"
    "  description TEXT NOT NULL DEFAULT '',"
    "  dossier TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"

    "CREATE TABLE task_forces ("
    "  id INTEGER PRIMARY KEY,"
    "  designation TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  nickname TEXT NOT NULL DEFAULT '',"
    "  clearance_level INTEGER NOT NULL DEFAULT 2 REFERENCES clearance_levels(id),"
    "  leader_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,"
    "  mission TEXT NOT NULL DEFAULT '',"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"

    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  password_hash TEXT NOT NULL,"
    "  clearance_level INTEGER NOT NULL REFERENCES clearance_levels(id),"
    "  title_id INTEGER NOT NULL REFERENCES titles(id),"
    "  site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,"
    "  task_force_id INTEGER REFERENCES task_forces(id) ON DELETE SET NULL,"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  personnel_active INTEGER NOT NULL DEFAULT 1 CHECK (personnel_active IN (0, 1)),"
    "  last_login TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"

    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash BLOB NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  client_addr TEXT NOT NULL DEFAULT '',"
    "  created_ms INTEGER NOT NULL,"
    "  last_seen_ms INTEGER NOT NULL,"
    "  expires_ms INTEGER NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))"
    ") STRICT;"
    "CREATE INDEX sessions_user ON sessions(user_id);"

    "CREATE TABLE scp_files ("
    "  id INTEGER PRIMARY KEY,"
    "  number INTEGER NOT NULL UNIQUE CHECK (number > 0),"
    "  title TEXT NOT NULL,"
    "  clearance_level INTEGER NOT NULL REFERENCES clearance_levels(id),"
    "  containment_class_id INTEGER REFERENCES containment_classes(id),"
    "  secondary_class_id INTEGER REFERENCES secondary_classes(id),"
    "  disruption_class_id INTEGER REFERENCES disruption_classes(id),"
    "  risk_class_id INTEGER REFERENCES risk_classes(id),"
    "  site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,"
    "  task_force_id INTEGER REFERENCES task_forces(id) ON DELETE SET NULL,"
    "  status TEXT NOT NULL DEFAULT 'active'"
    "    CHECK (status IN ('active', 'neutralized', 'explained', 'deleted')),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"

    "CREATE TABLE sections ("
    "  id INTEGER PRIMARY KEY,"
    "  scp_id INTEGER NOT NULL REFERENCES scp_files(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('containment', 'description', 'addendum')),"
    "  title TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  clearance_level INTEGER NOT NULL REFERENCES clearance_levels(id),"
    "  body TEXT NOT NULL,"
    "  UNIQUE (scp_id, position)"
    ") STRICT;"

    "CREATE TABLE status_history ("
    "  id INTEGER PRIMARY KEY,"
    "  scp_id INTEGER NOT NULL REFERENCES scp_files(id) ON DELETE CASCADE,"
    "  old_status TEXT NOT NULL,"
    "  new_status TEXT NOT NULL,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  changed_at TEXT NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT ''"
    ") STRICT;"

    /* The audit log: append-only, each row chained to the previous by BLAKE2b-256. */
    "CREATE TABLE audit_log (" AUDIT_LOG_COLUMNS
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

/*
 * Version 2: login failures kept in the store (so throttling survives a restart
 * and can later be shared by several servers), and indexes for the audit queries.
 */
static const char migration_2[] = "CREATE TABLE login_failures ("
                                  "  key TEXT PRIMARY KEY," /* 'user:<name>' or 'addr:<ip>' */
                                  "  failures INTEGER NOT NULL,"
                                  "  last_failure_ms INTEGER NOT NULL,"
                                  "  blocked_until_ms INTEGER NOT NULL DEFAULT 0"
                                  ") STRICT, WITHOUT ROWID;"
                                  "CREATE INDEX audit_log_user ON audit_log(user_id);"
                                  "CREATE INDEX audit_log_action ON audit_log(action);"
                                  "CREATE INDEX sections_scp ON sections(scp_id, position);";

/*
 * Version 3: the audit log's user and action indexes go.  The audit queries walk
 * the log by id (newest first, with a limit) and filter as they go, so the planner
 * never used them, while every audit row (one per request) paid two more B-tree
 * inserts and, on SQLite, two more WAL pages per commit.
 */
static const char migration_3[] = "DROP INDEX audit_log_user;"
                                  "DROP INDEX audit_log_action;";

/* The bump itself changes revision, so it does not set the update trigger off. */
#define REVISION_TRIGGERS                                                                          \
    "CREATE TRIGGER scp_files_revision_insert AFTER INSERT ON scp_files BEGIN"                     \
    "    UPDATE file_revision SET value = value + 1;"                                              \
    "    UPDATE scp_files SET revision = (SELECT value FROM file_revision)"                        \
    "     WHERE id = NEW.id;"                                                                      \
    "  END;"                                                                                       \
    "CREATE TRIGGER scp_files_revision_update AFTER UPDATE ON scp_files"                           \
    "  WHEN NEW.revision = OLD.revision BEGIN"                                                     \
    "    UPDATE file_revision SET value = value + 1;"                                              \
    "    UPDATE scp_files SET revision = (SELECT value FROM file_revision)"                        \
    "     WHERE id = NEW.id;"                                                                      \
    "  END;"                                                                                       \
    "CREATE TRIGGER sections_revision_insert AFTER INSERT ON sections BEGIN"                       \
    "    UPDATE file_revision SET value = value + 1;"                                              \
    "    UPDATE scp_files SET revision = (SELECT value FROM file_revision)"                        \
    "     WHERE id = NEW.scp_id;"                                                                  \
    "  END;"                                                                                       \
    "CREATE TRIGGER sections_revision_update AFTER UPDATE ON sections BEGIN"                       \
    "    UPDATE file_revision SET value = value + 1;"                                              \
    "    UPDATE scp_files SET revision = (SELECT value FROM file_revision)"                        \
    "     WHERE id = OLD.scp_id;"                                                                  \
    "    UPDATE file_revision SET value = value + 1;"                                              \
    "    UPDATE scp_files SET revision = (SELECT value FROM file_revision)"                        \
    "     WHERE id = NEW.scp_id;"                                                                  \
    "  END;"                                                                                       \
    "CREATE TRIGGER sections_revision_delete AFTER DELETE ON sections BEGIN"                       \
    "    UPDATE file_revision SET value = value + 1;"                                              \
    "    UPDATE scp_files SET revision = (SELECT value FROM file_revision)"                        \
    "     WHERE id = OLD.scp_id;"                                                                  \
    "  END;"

/*
 * Version 4: every SCP file carries a revision the store itself keeps.  Any change
 * to the file's row or to one of its sections gives the file the next value of one
 * store-wide counter, so a (file, revision) pair names one content for good, even
 * across a deleted and re-created file, and a reader can tell whether a render it
 * kept is still current by reading the file's row alone (the server's render cache).
 */
static const char migration_4[] =
    "CREATE TABLE file_revision (value INTEGER NOT NULL) STRICT;"
    "INSERT INTO file_revision (value) VALUES (0);"
    "ALTER TABLE scp_files ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;" REVISION_TRIGGERS;

/*
 * Version 5: the audit log moves to a file of its own, PATH.audit (sqlite_audit_file.h
 * says why).  Its first step (deepwell_audit_file_split, before this transaction)
 * makes the table there and copies the rows in a transaction of the audit file
 * alone; this one copies what an older process may have appended since (nothing,
 * as a rule) and drops the old table.  Once a commit spans two files it is atomic
 * in each file only, so the rows are committed in the new file before the old
 * table can go.
 */
const char deepwell_audit_file_schema[] =
    "CREATE TABLE IF NOT EXISTS audit.audit_log (" AUDIT_LOG_COLUMNS
    "CREATE TRIGGER IF NOT EXISTS audit.audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit.audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

#define AUDIT_FILE_COPY                                                                            \
    "INSERT INTO audit.audit_log SELECT * FROM main.audit_log"                                     \
    " WHERE id > (SELECT coalesce(max(id), 0) FROM audit.audit_log);"

const char deepwell_audit_file_copy[] = AUDIT_FILE_COPY;

static const char migration_5[] = AUDIT_FILE_COPY "DROP TABLE main.audit_log;";

/*
 * Version 6: an audit row names its actor as they were when it was written, inside
 * the row's hash (audit_chain.c); rows from before keep NULL and verify as before.
 */
static const char migration_6[] = "ALTER TABLE audit.audit_log ADD COLUMN user_name TEXT;";

/*
 * Version 7: where a file came from, for files imported from the SCP wiki (its
 * CC BY-SA licence asks for the page, its author and date to be kept and shown),
 * and the page's tags, space-separated.  NULL for files made here.
 */
static const char migration_7[] = "ALTER TABLE scp_files ADD COLUMN source_url TEXT;"
                                  "ALTER TABLE scp_files ADD COLUMN source_author TEXT;"
                                  "ALTER TABLE scp_files ADD COLUMN source_created_at TEXT;"
                                  "ALTER TABLE scp_files ADD COLUMN tags TEXT;";

/*
 * The full-text index followed its table (FTS5 external content) through these until
 * version 15.  Migrations 8, 9 and 13 only: 15 drops them and the write path feeds
 * search_fts itself (search_rows.c); with them back every row would reach FTS5 twice.
 */
#define SEARCH_DOCS_TRIGGERS                                                                       \
    "CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN"                          \
    "  INSERT INTO search_fts (rowid, body, meta) VALUES (new.id, new.body, new.meta);"            \
    "END;"                                                                                         \
    "CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN"                          \
    "  INSERT INTO search_fts (search_fts, rowid, body, meta)"                                     \
    "    VALUES ('delete', old.id, old.body, old.meta);"                                           \
    "END;"                                                                                         \
    "CREATE TRIGGER search_docs_update AFTER UPDATE ON search_docs BEGIN"                          \
    "  INSERT INTO search_fts (search_fts, rowid, body, meta)"                                     \
    "    VALUES ('delete', old.id, old.body, old.meta);"                                           \
    "  INSERT INTO search_fts (rowid, body, meta) VALUES (new.id, new.body, new.meta);"            \
    "END;"

/*
 * Version 8: the full-text index (search.h): each file once per clearance band, as
 * that band's readers see it; FTS5 keeps its words, reading the text from the table.
 * meta holds tokens naming who may match the row (the rule, inside the index).
 */
static const char migration_8[] =
    "CREATE TABLE search_docs ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('scp', 'site', 'mtf')),"
    "  ref_id INTEGER NOT NULL,"
    "  file_level INTEGER NOT NULL CHECK (file_level BETWEEN 0 AND 6),"
    "  site_id INTEGER NOT NULL DEFAULT 0,"
    "  class TEXT NOT NULL DEFAULT '',"
    "  title TEXT NOT NULL,"
    "  band_lo INTEGER NOT NULL CHECK (band_lo BETWEEN 1 AND 6),"
    "  band_hi INTEGER NOT NULL CHECK (band_hi > band_lo AND band_hi <= 7),"
    "  body TEXT NOT NULL,"
    "  meta TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (kind, ref_id, band_lo)"
    ") STRICT;"
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, meta, content='search_docs',"
    "  content_rowid='id', tokenize='unicode61 remove_diacritics 0');" SEARCH_DOCS_TRIGGERS;

/*
 * Version 9: SCP files keyed by number and suffix ("SCP-049" and "SCP-049-ARC" are two
 * files; "" for none), and number 0 allowed ("SCP-0000-EX").  SQLite cannot drop a
 * UNIQUE, so scp_files is rebuilt, keeping every row, id and revision; sections and
 * status_history are rebuilt with it, since with foreign keys on (they cannot be
 * turned off inside the migration's transaction) dropping the old parent table would
 * delete their rows.  The full-text index's rows name a file by number, and now
 * by suffix too.
 */
static const char migration_9[] =
    "CREATE TABLE scp_files_new ("
    "  id INTEGER PRIMARY KEY,"
    "  number INTEGER NOT NULL CHECK (number >= 0),"
    "  suffix TEXT NOT NULL DEFAULT '' CHECK (suffix = upper(suffix) AND length(suffix) <= 8),"
    "  title TEXT NOT NULL,"
    "  clearance_level INTEGER NOT NULL REFERENCES clearance_levels(id),"
    "  containment_class_id INTEGER REFERENCES containment_classes(id),"
    "  secondary_class_id INTEGER REFERENCES secondary_classes(id),"
    "  disruption_class_id INTEGER REFERENCES disruption_classes(id),"
    "  risk_class_id INTEGER REFERENCES risk_classes(id),"
    "  site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,"
    "  task_force_id INTEGER REFERENCES task_forces(id) ON DELETE SET NULL,"
    "  status TEXT NOT NULL DEFAULT 'active'"
    "    CHECK (status IN ('active', 'neutralized', 'explained', 'deleted')),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision INTEGER NOT NULL DEFAULT 0,"
    "  source_url TEXT,"
    "  source_author TEXT,"
    "  source_created_at TEXT,"
    "  tags TEXT,"
    "  UNIQUE (number, suffix)"
    ") STRICT;"
    "INSERT INTO scp_files_new (id, number, title, clearance_level, containment_class_id,"
    "  secondary_class_id, disruption_class_id, risk_class_id, site_id, task_force_id, status,"
    "  created_at, updated_at, revision, source_url, source_author, source_created_at, tags) "
    "  SELECT id, number, title, clearance_level, containment_class_id, secondary_class_id,"
    "  disruption_class_id, risk_class_id, site_id, task_force_id, status, created_at, updated_at,"
    "  revision, source_url, source_author, source_created_at, tags FROM scp_files;"
    "CREATE TABLE sections_new ("
    "  id INTEGER PRIMARY KEY,"
    "  scp_id INTEGER NOT NULL REFERENCES scp_files_new(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('containment', 'description', 'addendum')),"
    "  title TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  clearance_level INTEGER NOT NULL REFERENCES clearance_levels(id),"
    "  body TEXT NOT NULL,"
    "  UNIQUE (scp_id, position)"
    ") STRICT;"
    "INSERT INTO sections_new SELECT id, scp_id, kind, title, position, clearance_level, body FROM "
    "sections;"
    "CREATE TABLE status_history_new ("
    "  id INTEGER PRIMARY KEY,"
    "  scp_id INTEGER NOT NULL REFERENCES scp_files_new(id) ON DELETE CASCADE,"
    "  old_status TEXT NOT NULL,"
    "  new_status TEXT NOT NULL,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  changed_at TEXT NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT ''"
    ") STRICT;"
    "INSERT INTO status_history_new SELECT id, scp_id, old_status, new_status, user_id, "
    "changed_at, reason FROM status_history;"
    "DROP TABLE status_history;"
    "DROP TABLE sections;"
    "DROP TABLE scp_files;"
    "ALTER TABLE scp_files_new RENAME TO scp_files;"
    "ALTER TABLE sections_new RENAME TO sections;"
    "ALTER TABLE status_history_new RENAME TO status_history;"
    "CREATE INDEX sections_scp ON sections(scp_id, position);" REVISION_TRIGGERS
    /* An index row names its file by number and suffix; FTS5 keeps its rowids. */
    "CREATE TABLE search_docs_new ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('scp', 'site', 'mtf')),"
    "  ref_id INTEGER NOT NULL,"
    "  suffix TEXT NOT NULL DEFAULT '',"
    "  file_level INTEGER NOT NULL CHECK (file_level BETWEEN 0 AND 6),"
    "  site_id INTEGER NOT NULL DEFAULT 0,"
    "  class TEXT NOT NULL DEFAULT '',"
    "  title TEXT NOT NULL,"
    "  band_lo INTEGER NOT NULL CHECK (band_lo BETWEEN 1 AND 6),"
    "  band_hi INTEGER NOT NULL CHECK (band_hi > band_lo AND band_hi <= 7),"
    "  body TEXT NOT NULL,"
    "  meta TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (kind, ref_id, suffix, band_lo)"
    ") STRICT;"
    "INSERT INTO search_docs_new (id, kind, ref_id, file_level, site_id, class, title, band_lo,"
    "  band_hi, body, meta) SELECT id, kind, ref_id, file_level, site_id, class, title, band_lo,"
    "  band_hi, body, meta FROM search_docs;"
    "DROP TABLE search_docs;"
    "ALTER TABLE search_docs_new RENAME TO search_docs;" SEARCH_DOCS_TRIGGERS;

/*
 * Version 10: the Administrator, the rank above the O5 Council (foundation_title_rank).
 */
static const char migration_10[] = "INSERT INTO titles (id, name) VALUES (9, 'Administrator');";

/*
 * Version 11: who edited a file, when and why: one row per revision an edit made.
 * level is that of what changed, so a reader sees only the edits of their level.
 */
static const char migration_11[] =
    "CREATE TABLE file_revisions ("
    "  id INTEGER PRIMARY KEY,"
    "  scp_id INTEGER NOT NULL REFERENCES scp_files(id) ON DELETE CASCADE,"
    "  revision INTEGER NOT NULL,"
    "  base_revision INTEGER NOT NULL,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  changed_at TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 6),"
    "  reason TEXT NOT NULL DEFAULT ''"
    ") STRICT;"
    "CREATE INDEX file_revisions_scp ON file_revisions (scp_id, id);"
    "CREATE INDEX status_history_scp ON status_history (scp_id, id);";

/*
 * Version 12: what `whoami` tells of earlier logins, as a terminal does: the login
 * before the newest, wrong passwords since the newest (counted as they happen) and
 * how many there were between the two; and an index for the list of who is online.
 */
static const char migration_12[] =
    "ALTER TABLE users ADD COLUMN previous_login TEXT;"
    "ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN failed_before_login INTEGER NOT NULL DEFAULT 0;"
    /* who is online (sessions.list): the live ones, newest seen first, without a scan */
    "CREATE INDEX sessions_last_seen ON sessions(last_seen_ms, id);";

/*
 * Version 13: tags in the index (a tags column, and "tgTAG" tokens in meta), personnel
 * files (kind 'user'), and a prefix index so prefix* reads one list.  The rows are made again by
 * the backfill (open.c), which indexes every file that has none.
 */
static const char migration_13[] =
    "DROP TRIGGER search_docs_insert;"
    "DROP TRIGGER search_docs_delete;"
    "DROP TRIGGER search_docs_update;"
    "DROP TABLE search_fts;"
    "DROP TABLE search_docs;"
    "CREATE TABLE search_docs ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('scp', 'site', 'mtf', 'user')),"
    "  ref_id INTEGER NOT NULL,"
    "  suffix TEXT NOT NULL DEFAULT '',"
    "  file_level INTEGER NOT NULL CHECK (file_level BETWEEN 0 AND 6),"
    "  site_id INTEGER NOT NULL DEFAULT 0,"
    "  class TEXT NOT NULL DEFAULT '',"
    "  title TEXT NOT NULL,"
    "  band_lo INTEGER NOT NULL CHECK (band_lo BETWEEN 1 AND 6),"
    "  band_hi INTEGER NOT NULL CHECK (band_hi > band_lo AND band_hi <= 7),"
    "  body TEXT NOT NULL,"
    "  meta TEXT NOT NULL DEFAULT '',"
    "  tags TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (kind, ref_id, suffix, band_lo)"
    ") STRICT;"
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, meta, content='search_docs',"
    "  content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='3 "
    "4');" SEARCH_DOCS_TRIGGERS;

/*
 * Version 14: a tag with a byte past ASCII is indexed whole ("~" and its hex, search.h)
 * where 13 kept only its ASCII letters.  Only the files with such a tag lose their rows
 * (any byte outside ' '..'~' finds them, UTF-8 or not); the backfill (open.c) makes them
 * again, so a store upgrades without re-indexing every file.
 */
static const char migration_14[] =
    "DELETE FROM search_docs WHERE kind = 'scp' AND EXISTS (SELECT 1 FROM scp_files f"
    " WHERE f.number = search_docs.ref_id AND f.suffix = search_docs.suffix"
    " AND f.tags GLOB '*[^ -~]*');";

/*
 * Version 15: the write path keeps search_fts in step itself (search_rows.c), giving
 * FTS5 a transaction's new rows in one statement at COMMIT: row by row, through these
 * triggers, FTS5 wrote a segment per row (at every statement savepoint) and merged
 * them all again.  FTS5 holds up to hashsize bytes of words in memory before it writes
 * a segment (1 MB by default): 16 MB makes an import's one statement write a segment
 * per ~16 MB of words, not per 1 MB, for a third less CPU (docs/BENCHMARKS.md).
 */
static const char migration_15[] =
    "DROP TRIGGER search_docs_insert;"
    "DROP TRIGGER search_docs_delete;"
    "DROP TRIGGER search_docs_update;"
    "INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 16777216);";

/*
 * Version 16: index rows numbered by the readers they serve (search.h,
 * dw_search_row_id), without the per-level "rd" tokens.  FTS5 forgets every row at
 * once ('delete-all': deleting them one by one would read every text again) and the
 * backfill (open.c) makes the rows again.
 */
static const char migration_16[] = "INSERT INTO search_fts (search_fts) VALUES ('delete-all');"
                                   "DELETE FROM search_docs;";

static const struct deepwell_migration migrations[] = {
    {1, "foundation schema", migration_1, NULL},
    {2, "login failures and audit indexes", migration_2, NULL},
    {3, "unused audit indexes dropped", migration_3, NULL},
    {4, "file revisions", migration_4, NULL},
    {DEEPWELL_AUDIT_FILE_VERSION, "audit log in its own file", migration_5,
     deepwell_audit_file_split},
    {6, "audit rows name their actor", migration_6, NULL},
    {7, "file attribution and tags", migration_7, NULL},
    {8, "full-text index", migration_8, NULL},
    {9, "files keyed by number and suffix", migration_9, NULL},
    {10, "the Administrator title", migration_10, NULL},
    {11, "file edits", migration_11, NULL},
    {12, "logins and failures since, sessions by last seen", migration_12, NULL},
    {13, "tags, personnel files and prefixes in the index", migration_13, NULL},
    {14, "tags past ASCII in the index", migration_14, NULL},
    {15, "the index's FTS5 rows written at commit", migration_15, NULL},
    {16, "index rows numbered by their readers", migration_16, NULL},
};

const struct deepwell_migration *deepwell_migrations(size_t *count)
{
    *count = sizeof(migrations) / sizeof(migrations[0]);
    return migrations;
}
