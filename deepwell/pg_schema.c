/*
 * pg_schema.c - the store's migrations for PostgreSQL (and CockroachDB).
 *
 * The same tables, columns, constraints and version numbers as schema.c, in
 * PostgreSQL's types: BIGINT for ids and times, BYTEA for hashes, INTEGER 0/1 with
 * CHECKs for flags (the same values SQLite stores), CITEXT where SQLite compares
 * with COLLATE NOCASE.  Ids of tables whose rows may be given an id (users, sites,
 * task forces, audit rows) have no default: the INSERTs compute it (see dw_step_insert in
 * query.h); the others are identity columns.  The audit log is append-only by a
 * trigger, as in SQLite.  A schema changes only by a new migration, in both files.
 */
#include <stddef.h>

#include "deepwell/engine.h"

/* Version 1: the Foundation's lookups, people, places, files and the audit log. */
static const char migration_1[] =
    "CREATE EXTENSION IF NOT EXISTS citext;"
    "CREATE TABLE clearance_levels ("
    "  id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 6),"
    "  name TEXT NOT NULL UNIQUE,"
    "  full_name TEXT NOT NULL,"
    "  colour TEXT NOT NULL,"
    "  description TEXT NOT NULL DEFAULT ''"
    ");"
    "INSERT INTO clearance_levels (id, name, full_name, colour) VALUES"
    "  (1, 'Unrestricted', 'Level 1 - Unrestricted', '#009F6B'),"
    "  (2, 'Restricted', 'Level 2 - Restricted', '#0087BD'),"
    "  (3, 'Confidential', 'Level 3 - Confidential', '#FFD300'),"
    "  (4, 'Secret', 'Level 4 - Secret', '#FF6D00'),"
    "  (5, 'Top Secret', 'Level 5 - Top Secret', '#C40233'),"
    "  (6, 'Cosmic Top Secret', 'Level 6 - Cosmic Top Secret', '#850005');"
    "CREATE TABLE titles (id INTEGER PRIMARY KEY, name CITEXT NOT NULL UNIQUE);"
    "INSERT INTO titles (id, name) VALUES"
    "  (1, 'Containment Specialist'), (2, 'Researcher'), (3, 'Security Officer'),"
    "  (4, 'Tactical Response Officer'), (5, 'Field Agent'),"
    "  (6, 'Mobile Task Force Operative'), (7, 'Site Director'), (8, 'O5 Council Member');"
    "CREATE TABLE containment_classes (id INTEGER PRIMARY KEY, name CITEXT NOT NULL UNIQUE,"
    "  colour TEXT NOT NULL, description TEXT NOT NULL DEFAULT '');"
    "INSERT INTO containment_classes (id, name, colour) VALUES"
    "  (1, 'Safe', '#009F6B'), (2, 'Euclid', '#FFD300'), (3, 'Keter', '#C40233'),"
    "  (4, 'Neutralized', '#808080'), (5, 'Explained', '#808080'),"
    "  (6, 'Decommissioned', '#808080'), (7, 'Uncontained', '#808080'),"
    "  (8, 'Pending', '#808080');"
    "CREATE TABLE secondary_classes (id INTEGER PRIMARY KEY, name CITEXT NOT NULL UNIQUE,"
    "  colour TEXT NOT NULL, description TEXT NOT NULL DEFAULT '');"
    "INSERT INTO secondary_classes (id, name, colour) VALUES"
    "  (1, 'Apollyon', '#850005'), (2, 'Archon', '#FF6D00'), (3, 'Thaumiel', '#0087BD'),"
    "  (4, 'Ticonderoga', '#808080'), (5, 'Cernunnos', '#808080'),"
    "  (6, 'Hiemal', '#808080'), (7, 'Tiamat', '#808080');"
    "CREATE TABLE disruption_classes (id INTEGER PRIMARY KEY, name CITEXT NOT NULL UNIQUE,"
    "  colour TEXT NOT NULL, description TEXT NOT NULL DEFAULT '');"
    "INSERT INTO disruption_classes (id, name, colour) VALUES"
    "  (1, 'Dark', '#009F6B'), (2, 'Vlam', '#0087BD'), (3, 'Keneq', '#FFD300'),"
    "  (4, 'Ekhi', '#FF6D00'), (5, 'Amida', '#C40233');"
    "CREATE TABLE risk_classes (id INTEGER PRIMARY KEY, name CITEXT NOT NULL UNIQUE,"
    "  colour TEXT NOT NULL, description TEXT NOT NULL DEFAULT '');"
    "INSERT INTO risk_classes (id, name, colour) VALUES"
    "  (1, 'Notice', '#009F6B'), (2, 'Caution', '#0087BD'), (3, 'Warning', '#FFD300'),"
    "  (4, 'Danger', '#FF6D00'), (5, 'Critical', '#C40233');"
    "CREATE TABLE sites ("
    "  id BIGINT PRIMARY KEY,"
    "  name CITEXT NOT NULL UNIQUE,"
    "  clearance_level INTEGER NOT NULL DEFAULT 3 REFERENCES clearance_levels(id),"
    "  director_id BIGINT," /* REFERENCES users(id), added below */
    "  location TEXT NOT NULL DEFAULT '',"
    "  description TEXT NOT NULL DEFAULT '',"
    "  dossier TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE TABLE task_forces ("
    "  id BIGINT PRIMARY KEY,"
    "  designation CITEXT NOT NULL UNIQUE,"
    "  nickname TEXT NOT NULL DEFAULT '',"
    "  clearance_level INTEGER NOT NULL DEFAULT 2 REFERENCES clearance_levels(id),"
    "  leader_id BIGINT," /* REFERENCES users(id), added below */
    "  site_id BIGINT REFERENCES sites(id) ON DELETE SET NULL,"
    "  mission TEXT NOT NULL DEFAULT '',"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE TABLE users ("
    "  id BIGINT PRIMARY KEY,"
    "  name CITEXT NOT NULL UNIQUE,"
    "  password_hash TEXT NOT NULL,"
    "  clearance_level INTEGER NOT NULL REFERENCES clearance_levels(id),"
    "  title_id INTEGER NOT NULL REFERENCES titles(id),"
    "  site_id BIGINT REFERENCES sites(id) ON DELETE SET NULL,"
    "  task_force_id BIGINT REFERENCES task_forces(id) ON DELETE SET NULL,"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  personnel_active INTEGER NOT NULL DEFAULT 1 CHECK (personnel_active IN (0, 1)),"
    "  last_login TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "ALTER TABLE sites ADD CONSTRAINT sites_director_fk FOREIGN KEY (director_id)"
    "  REFERENCES users(id) ON DELETE SET NULL;"
    "ALTER TABLE task_forces ADD CONSTRAINT task_forces_leader_fk FOREIGN KEY (leader_id)"
    "  REFERENCES users(id) ON DELETE SET NULL;"
    "CREATE TABLE sessions ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  token_hash BYTEA NOT NULL UNIQUE,"
    "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  client_addr TEXT NOT NULL DEFAULT '',"
    "  created_ms BIGINT NOT NULL,"
    "  last_seen_ms BIGINT NOT NULL,"
    "  expires_ms BIGINT NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))"
    ");"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE scp_files ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  number BIGINT NOT NULL UNIQUE CHECK (number > 0),"
    "  title TEXT NOT NULL,"
    "  clearance_level INTEGER NOT NULL REFERENCES clearance_levels(id),"
    "  containment_class_id INTEGER REFERENCES containment_classes(id),"
    "  secondary_class_id INTEGER REFERENCES secondary_classes(id),"
    "  disruption_class_id INTEGER REFERENCES disruption_classes(id),"
    "  risk_class_id INTEGER REFERENCES risk_classes(id),"
    "  site_id BIGINT REFERENCES sites(id) ON DELETE SET NULL,"
    "  task_force_id BIGINT REFERENCES task_forces(id) ON DELETE SET NULL,"
    "  status TEXT NOT NULL DEFAULT 'active'"
    "    CHECK (status IN ('active', 'neutralized', 'explained', 'deleted')),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE TABLE sections ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  scp_id BIGINT NOT NULL REFERENCES scp_files(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('containment', 'description', 'addendum')),"
    "  title TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  clearance_level INTEGER NOT NULL REFERENCES clearance_levels(id),"
    "  body TEXT NOT NULL,"
    "  UNIQUE (scp_id, position)"
    ");"
    "CREATE TABLE status_history ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  scp_id BIGINT NOT NULL REFERENCES scp_files(id) ON DELETE CASCADE,"
    "  old_status TEXT NOT NULL,"
    "  new_status TEXT NOT NULL,"
    "  user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
    "  changed_at TEXT NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT ''"
    ");"
    /* The audit log: append-only, each row chained to the previous by BLAKE2b-256. */
    "CREATE TABLE audit_log ("
    "  id BIGINT PRIMARY KEY,"
    "  ts TEXT NOT NULL,"
    "  user_id BIGINT,"
    "  attempted_name TEXT,"
    "  client_addr TEXT NOT NULL DEFAULT '',"
    "  action TEXT NOT NULL,"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),"
    "  severity TEXT NOT NULL CHECK (severity IN ('info', 'notice', 'warning', 'alert')),"
    "  details TEXT NOT NULL DEFAULT '{}',"
    "  imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1)),"
    "  prev_hash BYTEA NOT NULL,"
    "  hash BYTEA NOT NULL"
    ");"
    /* One row, locked by each audit batch (engine.c): appends from every server queue. */
    "CREATE TABLE audit_lock (id INTEGER PRIMARY KEY CHECK (id = 1));"
    "INSERT INTO audit_lock (id) VALUES (1);"
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    "  $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;"
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
    "  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();"
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
    "  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();";

/* Version 2: login failures kept in the store (shared by every server), audit indexes. */
static const char migration_2[] = "CREATE TABLE login_failures ("
                                  "  key TEXT PRIMARY KEY,"
                                  "  failures INTEGER NOT NULL,"
                                  "  last_failure_ms BIGINT NOT NULL,"
                                  "  blocked_until_ms BIGINT NOT NULL DEFAULT 0"
                                  ");"
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

/* Version 4: file revisions, as in schema.c (a sequence stands for the counter). */
static const char migration_4[] =
    "CREATE SEQUENCE file_revision;"
    "ALTER TABLE scp_files ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;"
    "CREATE FUNCTION scp_files_bump_revision() RETURNS trigger LANGUAGE plpgsql AS"
    "  $$ BEGIN NEW.revision := nextval('file_revision'); RETURN NEW; END $$;"
    "CREATE TRIGGER scp_files_revision_insert BEFORE INSERT ON scp_files"
    "  FOR EACH ROW EXECUTE FUNCTION scp_files_bump_revision();"
    "CREATE TRIGGER scp_files_revision_update BEFORE UPDATE ON scp_files"
    "  FOR EACH ROW WHEN (NEW.revision = OLD.revision)"
    "  EXECUTE FUNCTION scp_files_bump_revision();"
    "CREATE FUNCTION sections_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF TG_OP <> 'INSERT' THEN"
    "    UPDATE scp_files SET revision = nextval('file_revision') WHERE id = OLD.scp_id;"
    "  END IF;"
    "  IF TG_OP <> 'DELETE' THEN"
    "    UPDATE scp_files SET revision = nextval('file_revision') WHERE id = NEW.scp_id;"
    "  END IF;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER sections_revision AFTER INSERT OR UPDATE OR DELETE ON sections"
    "  FOR EACH ROW EXECUTE FUNCTION sections_bump_revision();";

/* Version 6: audit rows name their actor, as in schema.c. */
static const char migration_6[] = "ALTER TABLE audit_log ADD COLUMN user_name TEXT;";

/* Version 7: file attribution and tags, as in sqlite_schema.c. */
static const char migration_7[] = "ALTER TABLE scp_files ADD COLUMN source_url TEXT,"
                                  " ADD COLUMN source_author TEXT,"
                                  " ADD COLUMN source_created_at TEXT, ADD COLUMN tags TEXT;";

/* Version 8: the full-text index, as in sqlite_schema.c: a tsvector with a GIN index. */
static const char migration_8[] =
    "CREATE TABLE search_docs ("
    "  id BIGSERIAL PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('scp', 'site', 'mtf')),"
    "  ref_id BIGINT NOT NULL,"
    "  file_level INTEGER NOT NULL CHECK (file_level BETWEEN 0 AND 6),"
    "  site_id BIGINT NOT NULL DEFAULT 0,"
    "  class TEXT NOT NULL DEFAULT '',"
    "  title TEXT NOT NULL,"
    "  band_lo INTEGER NOT NULL CHECK (band_lo BETWEEN 1 AND 6),"
    "  band_hi INTEGER NOT NULL CHECK (band_hi > band_lo AND band_hi <= 7),"
    "  body TEXT NOT NULL,"
    "  meta TEXT NOT NULL DEFAULT '',"
    /* "SCP-682" is "scp -682" to the parser (a signed number): hyphens split words. */
    "  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', translate(body, '-', ' ')))"
    "    STORED,"
    "  UNIQUE (kind, ref_id, band_lo)"
    ");"
    "CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);";

/*
 * Version 9: files keyed by number and suffix, number 0 allowed, as in sqlite_schema.c
 * (here the constraints can be changed in place).
 */
static const char migration_9[] =
    "ALTER TABLE scp_files ADD COLUMN suffix TEXT NOT NULL DEFAULT ''"
    "  CHECK (suffix = upper(suffix) AND length(suffix) <= 8),"
    "  DROP CONSTRAINT scp_files_number_key, DROP CONSTRAINT scp_files_number_check,"
    "  ADD CONSTRAINT scp_files_number_check CHECK (number >= 0),"
    "  ADD CONSTRAINT scp_files_number_suffix_key UNIQUE (number, suffix);"
    "ALTER TABLE search_docs ADD COLUMN suffix TEXT NOT NULL DEFAULT '',"
    "  DROP CONSTRAINT search_docs_kind_ref_id_band_lo_key,"
    "  ADD CONSTRAINT search_docs_kind_ref_id_suffix_band_lo_key"
    "  UNIQUE (kind, ref_id, suffix, band_lo);";

/* Version 10: the Administrator, the rank above the O5 Council (foundation_title_rank). */
static const char migration_10[] = "INSERT INTO titles (id, name) VALUES (9, 'Administrator');";

/* Version 11: file edits, as in sqlite_schema.c. */
static const char migration_11[] =
    "CREATE TABLE file_revisions ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  scp_id BIGINT NOT NULL REFERENCES scp_files(id) ON DELETE CASCADE,"
    "  revision BIGINT NOT NULL,"
    "  base_revision BIGINT NOT NULL,"
    "  user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
    "  changed_at TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 6),"
    "  reason TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX file_revisions_scp ON file_revisions (scp_id, id);"
    "CREATE INDEX status_history_scp ON status_history (scp_id, id);";

/* Version 12: earlier logins, failures since, sessions by last seen, as in sqlite_schema.c. */
static const char migration_12[] = "ALTER TABLE users ADD COLUMN previous_login TEXT,"
                                   " ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0,"
                                   " ADD COLUMN failed_before_login INTEGER NOT NULL DEFAULT 0;"
                                   "CREATE INDEX sessions_last_seen ON sessions(last_seen_ms, id);";

/* Version 13: tags and personnel files in the index, as in sqlite_schema.c; the backfill makes the
 * rows again. */
static const char migration_13[] =
    "DELETE FROM search_docs;"
    "ALTER TABLE search_docs ADD COLUMN tags TEXT NOT NULL DEFAULT '',"
    " DROP CONSTRAINT search_docs_kind_check,"
    " ADD CONSTRAINT search_docs_kind_check"
    " CHECK (kind IN ('scp', 'site', 'mtf', 'user'));";

/* Version 14: the files with a tag past ASCII are indexed again, as in sqlite_schema.c (text
 * here is valid UTF-8, so more bytes than characters finds them). */
static const char migration_14[] =
    "DELETE FROM search_docs d USING scp_files f WHERE d.kind = 'scp' AND f.number = d.ref_id"
    " AND f.suffix = d.suffix AND octet_length(f.tags) <> char_length(f.tags);";

/* Version 16: index rows numbered by the readers they serve, as in sqlite_schema.c. */
static const char migration_16[] = "DELETE FROM search_docs;";

static const struct deepwell_migration migrations[] = {
    {1, "foundation schema", migration_1, NULL},
    {2, "login failures and audit indexes", migration_2, NULL},
    {3, "unused audit indexes dropped", migration_3, NULL},
    {4, "file revisions", migration_4, NULL},
    /* SQLite's audit log moves to a file of its own; here it stays a table. */
    {5, "audit log in its own file (SQLite only)", "", NULL},
    {6, "audit rows name their actor", migration_6, NULL},
    {7, "file attribution and tags", migration_7, NULL},
    {8, "full-text index", migration_8, NULL},
    {9, "files keyed by number and suffix", migration_9, NULL},
    {10, "the Administrator title", migration_10, NULL},
    {11, "file edits", migration_11, NULL},
    {12, "logins and failures since, sessions by last seen", migration_12, NULL},
    {13, "tags, personnel files and prefixes in the index", migration_13, NULL},
    {14, "tags past ASCII in the index", migration_14, NULL},
    /* SQLite's FTS5 rows are written at commit; the tsvector is a generated column. */
    {15, "the index's FTS5 rows written at commit (SQLite only)", "", NULL},
    {16, "index rows numbered by their readers", migration_16, NULL},
};

const struct deepwell_migration *deepwell_pg_migrations(size_t *count)
{
    *count = sizeof(migrations) / sizeof(migrations[0]);
    return migrations;
}
