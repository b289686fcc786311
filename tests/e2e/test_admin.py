"""End-to-end tests of the `deepwell` admin command (bin/deepwell)."""
import json
import os
import re
import subprocess
import unittest
from pathlib import Path

from admin_util import (DEMO_USERS, LockHolder, add_user, audit_rows, create_demo_store, deepwell,
                        file_digest, make_temp_dir, program, query, sqlite3_cli, test_env, timed,
                        user_row)

SECRET = "Sup3r-Secret-Passw0rd!"


class AdminTestCase(unittest.TestCase):
    def assertOk(self, r):
        self.assertEqual(r.returncode, 0, f"stdout: {r.stdout!r} stderr: {r.stderr!r}")

    def assertFails(self, r, *fragments, code=None):
        """Non-zero exit with exactly one stderr line, "deepwell: ...", holding each fragment."""
        self.assertNotEqual(r.returncode, 0, f"unexpected success: {r.stdout!r}")
        if code is not None:
            self.assertEqual(r.returncode, code, r.stderr)
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"want one error line, got {r.stderr!r}")
        self.assertTrue(lines[0].startswith("deepwell: "), lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def assertUnchanged(self, db, before_digest, before_audit):
        self.assertEqual(audit_rows(db), before_audit, "a refused command wrote an audit row")
        self.assertEqual(file_digest(db), before_digest, "a refused command changed the store")


class DemoStoreTestCase(AdminTestCase):
    """Each test gets a fresh demo store."""

    def setUp(self):
        self.dir = make_temp_dir(self)
        self.db = create_demo_store(self.dir)

    def snapshot(self):
        return file_digest(self.db), audit_rows(self.db)

    def last_audit(self):
        rid, action, details = audit_rows(self.db)[-1]
        return rid, action, json.loads(details)


class InitTest(AdminTestCase):
    def setUp(self):
        self.dir = make_temp_dir(self)

    def test_init_creates_a_store_at_the_latest_schema(self):
        db = self.dir / "new.db"
        r = deepwell("init", "--db", db)
        self.assertOk(r)
        self.assertRegex(r.stdout, rf"^deepwell: {re.escape(str(db))} at schema version \d+\n$")
        self.assertTrue(db.exists())
        self.assertEqual(query(db, "SELECT count(*) FROM users"), [(0,)])
        self.assertEqual([a for _, a, _ in audit_rows(db)], ["admin.init"])

    def test_init_demo_adds_the_demo_content(self):
        db = self.dir / "demo.db"
        r = deepwell("init", "--db", db, "--demo")
        self.assertOk(r)
        self.assertIn("demo content added (see docs/demo.md)", r.stdout)
        names = {n for (n,) in query(db, "SELECT name FROM users")}
        self.assertEqual(names, set(DEMO_USERS))
        self.assertGreaterEqual(query(db, "SELECT count(*) FROM scp_files")[0][0], 6)

    def test_init_again_is_idempotent(self):
        db = create_demo_store(self.dir)
        counts = query(db, "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM scp_files),"
                           " (SELECT count(*) FROM sites), (SELECT count(*) FROM task_forces)")
        for _ in range(2):
            self.assertOk(deepwell("init", "--db", db, "--demo"))
            self.assertOk(deepwell("init", "--db", db))
        self.assertEqual(query(db, "SELECT (SELECT count(*) FROM users), "
                                   "(SELECT count(*) FROM scp_files), (SELECT count(*) FROM sites),"
                                   " (SELECT count(*) FROM task_forces)"), counts)
        self.assertOk(deepwell("audit", "verify", "--db", db))

    def test_log_level_quiets_the_store_notices(self):
        r = deepwell("init", "--db", self.dir / "quiet.db",
                     env=test_env({"SCIPNET_LOG_LEVEL": "error"}))
        self.assertOk(r)
        self.assertEqual(r.stderr, "")

    def test_init_refuses_a_file_that_is_not_sqlite(self):
        db = self.dir / "notes.txt"
        db.write_text("these are not the files you are looking for\n" * 50)
        before = db.read_bytes()
        r = deepwell("init", "--db", db)
        self.assertFails(r, str(db))
        self.assertEqual(db.read_bytes(), before)

    def test_init_in_a_missing_directory_fails(self):
        r = deepwell("init", "--db", self.dir / "no" / "such" / "dir.db")
        self.assertFails(r, "cannot create store", "no/such/dir.db", "No such file or directory")

    def test_init_takes_no_stray_arguments(self):
        r = deepwell("init", "--db", self.dir / "x.db", "extra")
        self.assertFails(r, "unexpected argument 'extra'", code=2)
        self.assertFalse((self.dir / "x.db").exists())


class OpeningTest(AdminTestCase):
    """How every command other than init treats a missing, odd or locked store."""

    COMMANDS = [["check"], ["user", "list"], ["audit", "verify"], ["audit", "tail"],
                ["audit", "export", "--format", "jsonl"], ["user", "disable", "agent"]]

    def setUp(self):
        self.dir = make_temp_dir(self)

    def test_missing_store_is_named_and_not_created(self):
        db = self.dir / "missing.db"
        for cmd in self.COMMANDS + [["backup", str(self.dir / "out.db")]]:
            with self.subTest(cmd=cmd):
                self.assertFails(deepwell(*cmd, "--db", db), f"no such store: {db}")
                self.assertFalse(db.exists())
        self.assertFalse((self.dir / "out.db").exists())

    def test_default_store_comes_from_the_environment_then_the_flag(self):
        r = deepwell("check", cwd=self.dir)
        self.assertFails(r, "no such store: deepwell.db")
        db = create_demo_store(self.dir, "env.db")
        self.assertOk(deepwell("check", env=test_env({"SCIPNET_DB": str(db)})))
        r = deepwell("check", "--db", self.dir / "flag.db", env=test_env({"SCIPNET_DB": str(db)}))
        self.assertFails(r, "flag.db")

    def test_config_file_names_the_store_and_bad_keys(self):
        db = create_demo_store(self.dir, "cfg.db")
        ini = self.dir / "server.ini"
        ini.write_text(f"[store]\ndb = {db}\n")
        self.assertOk(deepwell("--config", ini, "check"))
        ini.write_text(f"[store]\ndb = {db}\n\nlisen = 1.2.3.4:5\n")
        self.assertFails(deepwell("--config", ini, "check"), f"{ini}:4: unknown key 'lisen'")
        self.assertFails(deepwell("--config", self.dir / "none.ini", "check"),
                         f"cannot read config {self.dir / 'none.ini'}: No such file or directory")
        r = deepwell("check", "--db", db, env=test_env({"SCIPNET_READERS": "0"}))
        self.assertFails(r, "SCIPNET_READERS")

    def test_a_directory_is_not_a_store(self):
        for cmd in self.COMMANDS:
            with self.subTest(cmd=cmd):
                self.assertFails(deepwell(*cmd, "--db", self.dir), str(self.dir))

    def test_unreadable_store_is_reported(self):
        db = create_demo_store(self.dir)
        os.chmod(db, 0)
        self.addCleanup(os.chmod, db, 0o600)
        os.chmod(self.dir, 0o711)
        # Root reads any file, so as root the command runs as nobody.
        as_user = {"user": 65534} if os.geteuid() == 0 else {}
        try:
            r = subprocess.run([program("deepwell"), "check", "--db", str(db)],
                               capture_output=True, text=True, env=test_env(), timeout=60,
                               **as_user)
        except PermissionError:
            self.skipTest("user nobody cannot run the programs here")
        self.assertFails(r, str(db), "Permission denied")

    def test_a_file_that_is_not_sqlite_is_refused(self):
        db = self.dir / "junk.db"
        db.write_bytes(os.urandom(8192))
        before = db.read_bytes()
        for cmd in self.COMMANDS:
            with self.subTest(cmd=cmd):
                self.assertFails(deepwell(*cmd, "--db", db), str(db))
        self.assertEqual(db.read_bytes(), before)

    def test_a_write_lock_gives_a_clear_error_quickly(self):
        db = create_demo_store(self.dir)
        before = audit_rows(db)
        with LockHolder(db):
            r, seconds = timed(add_user, db, "locked.out", SECRET)
            self.assertFails(r, "database is locked")
            self.assertLess(seconds, 10)
            r, seconds = timed(deepwell, "user", "disable", "agent", "--db", db)
            self.assertFails(r, "database is locked")
            self.assertLess(seconds, 10)
        self.assertIsNone(user_row(db, "locked.out"))
        self.assertEqual(user_row(db, "agent")[2], 1)
        self.assertEqual(audit_rows(db), before)

    def test_an_exclusive_lock_keeps_even_readers_out(self):
        db = create_demo_store(self.dir)
        with LockHolder(db, exclusive_mode=True):
            r, seconds = timed(deepwell, "check", "--db", db)
            self.assertFails(r, "locked")
            self.assertLess(seconds, 10)
        self.assertOk(deepwell("check", "--db", db))


class UserTest(DemoStoreTestCase):
    def test_add_then_list(self):
        r = add_user(self.db, "agent.vance", SECRET, 3, "field agent", "--site", "SITE-19")
        self.assertOk(r)
        self.assertIn("agent.vance", r.stdout)
        uid, level, active, pw_hash = user_row(self.db, "agent.vance")
        self.assertEqual((level, active), (3, 1))
        self.assertTrue(pw_hash.startswith("$argon2id$"), pw_hash)
        self.assertNotIn(SECRET, pw_hash)

        listing = deepwell("user", "list", "--db", self.db)
        self.assertOk(listing)
        lines = listing.stdout.splitlines()
        self.assertEqual(lines[0].split()[:4], ["ID", "NAME", "CLEARANCE", "TITLE"])
        self.assertIn("LAST LOGIN", lines[0])
        row = next(line for line in lines if " agent.vance " in line)
        self.assertEqual(row.split()[:3], [str(uid), "agent.vance", "3"])
        self.assertIn("Field Agent", row)
        self.assertIn("Site-19", row)
        self.assertEqual(len(lines), 1 + len(DEMO_USERS) + 1)
        for name in DEMO_USERS:
            self.assertTrue(any(f" {name} " in line for line in lines[1:]), name)

    def test_add_writes_an_audit_row_without_the_password(self):
        before = len(audit_rows(self.db))
        self.assertOk(add_user(self.db, "dr.bright", SECRET, 4, "Researcher", "--task-force", "3"))
        rows = audit_rows(self.db)
        self.assertEqual(len(rows), before + 1)
        _, action, details = self.last_audit()
        self.assertEqual(action, "admin.user.add")
        self.assertEqual(details["user"], "dr.bright")
        self.assertEqual(details["clearance"], 4)
        self.assertNotIn(SECRET, json.dumps(details))
        client = query(self.db, "SELECT client_addr FROM audit_log ORDER BY id DESC LIMIT 1")
        self.assertEqual(client, [("local",)])

    def test_bad_input_is_refused_and_changes_nothing(self):
        before = self.snapshot()
        cases = [
            (["--clearance", "2", "--title", "Janitor"], "unknown title 'Janitor'"),
            (["--clearance", "0", "--title", "Researcher"], "bad clearance '0'"),
            (["--clearance", "7", "--title", "Researcher"], "bad clearance '7'"),
            (["--clearance", "two", "--title", "Researcher"], "bad clearance 'two'"),
            (["--clearance", "2", "--title", "Researcher", "--site", "999"], "no such site"),
            (["--clearance", "2", "--title", "Researcher", "--site", "MTF-3"], "bad site"),
            (["--clearance", "2", "--title", "Researcher", "--task-force", "99"],
             "no such task force"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = deepwell("user", "add", "new.user", "--db", self.db, *args, "--password-stdin",
                             input=SECRET + "\n")
                self.assertFails(r, message)
        self.assertUnchanged(self.db, *before)

    def test_bad_names_are_refused(self):
        before = self.snapshot()
        for name in ["", "two words", "12345", "x" * 64, "semi;colon"]:
            with self.subTest(name=name):
                self.assertFails(add_user(self.db, name, SECRET), "bad user name")
        self.assertUnchanged(self.db, *before)

    def test_empty_password_is_refused(self):
        before = self.snapshot()
        for stdin in ["\n", "", "\r\n"]:
            with self.subTest(stdin=stdin):
                r = deepwell("user", "add", "no.pass", "--db", self.db, "--clearance", "1",
                             "--title", "Researcher", "--password-stdin", input=stdin)
                self.assertFails(r, "empty password")
        self.assertIsNone(user_row(self.db, "no.pass"))
        self.assertUnchanged(self.db, *before)

    def test_password_is_only_taken_from_stdin(self):
        r = deepwell("user", "add", "x.y", "--db", self.db, "--clearance", "1", "--title",
                     "Researcher", input=SECRET + "\n")
        self.assertFails(r, "--password-stdin is required", code=2)
        r = deepwell("user", "add", "x.y", "--db", self.db, "--clearance", "1", "--title",
                     "Researcher", "--password", SECRET)
        self.assertFails(r, "unknown option '--password'", code=2)
        self.assertNotIn(SECRET, r.stderr)
        self.assertIsNone(user_row(self.db, "x.y"))

    def test_duplicate_names_are_refused_in_any_case(self):
        before = self.snapshot()
        for name in ["agent", "AGENT", "Agent"]:
            with self.subTest(name=name):
                self.assertFails(add_user(self.db, name, SECRET), "already exists")
        self.assertUnchanged(self.db, *before)

    def test_passwd_changes_the_hash_and_reenables(self):
        _, _, _, old_hash = user_row(self.db, "agent")
        self.assertOk(deepwell("user", "disable", "agent", "--db", self.db))
        self.assertEqual(user_row(self.db, "agent")[2], 0)
        r = deepwell("user", "passwd", "agent", "--db", self.db, "--password-stdin",
                     input=SECRET + "\n")
        self.assertOk(r)
        _, _, active, new_hash = user_row(self.db, "agent")
        self.assertEqual(active, 1)
        self.assertNotEqual(new_hash, old_hash)
        self.assertTrue(new_hash.startswith("$argon2id$"))
        _, action, details = self.last_audit()
        self.assertEqual(action, "admin.user.passwd")
        self.assertEqual(details["user"], "agent")
        self.assertNotIn(SECRET, json.dumps(details))

    def test_passwd_errors(self):
        before = self.snapshot()
        r = deepwell("user", "passwd", "nobody", "--db", self.db, "--password-stdin",
                     input=SECRET + "\n")
        self.assertFails(r, "no such user: nobody")
        r = deepwell("user", "passwd", "agent", "--db", self.db, "--password-stdin", input="\n")
        self.assertFails(r, "empty password")
        r = deepwell("user", "passwd", "agent", "--db", self.db)
        self.assertFails(r, "--password-stdin", code=2)
        self.assertUnchanged(self.db, *before)

    def test_set_clearance(self):
        self.assertOk(deepwell("user", "set-clearance", "cadet", "4", "--db", self.db))
        self.assertEqual(user_row(self.db, "cadet")[1], 4)
        _, action, details = self.last_audit()
        self.assertEqual(action, "admin.user.set_clearance")
        self.assertEqual((details["old_clearance"], details["new_clearance"]), (1, 4))

    def test_set_clearance_errors(self):
        before = self.snapshot()
        for level in ["0", "7", "-1", "4.5", "high"]:
            with self.subTest(level=level):
                r = deepwell("user", "set-clearance", "cadet", level, "--db", self.db)
                self.assertFails(r, f"bad clearance '{level}'")
        self.assertFails(deepwell("user", "set-clearance", "ghost", "3", "--db", self.db),
                         "no such user: ghost")
        self.assertFails(deepwell("user", "set-clearance", "cadet", "--db", self.db),
                         "missing argument", code=2)
        self.assertUnchanged(self.db, *before)

    def test_disable_and_enable(self):
        before = len(audit_rows(self.db))
        self.assertOk(deepwell("user", "disable", "officer", "--db", self.db))
        self.assertEqual(user_row(self.db, "officer")[2], 0)
        self.assertEqual(self.last_audit()[1], "admin.user.disable")
        self.assertOk(deepwell("user", "enable", "officer", "--db", self.db))
        self.assertEqual(user_row(self.db, "officer")[2], 1)
        self.assertEqual(self.last_audit()[1], "admin.user.enable")
        self.assertEqual(len(audit_rows(self.db)), before + 2)
        listing = deepwell("user", "list", "--db", self.db).stdout
        self.assertIn(" yes ", next(line for line in listing.splitlines() if " officer " in line))

    def test_disable_unknown_user(self):
        before = self.snapshot()
        self.assertFails(deepwell("user", "disable", "ghost", "--db", self.db),
                         "no such user: ghost")
        self.assertFails(deepwell("user", "enable", "ghost", "--db", self.db),
                         "no such user: ghost")
        self.assertUnchanged(self.db, *before)

    def test_unknown_subcommand(self):
        self.assertFails(deepwell("user", "delete", "agent", "--db", self.db),
                         "unknown subcommand 'delete'", code=2)
        self.assertFails(deepwell("user", "--db", self.db), "missing subcommand", code=2)


class PasswordPolicyTest(DemoStoreTestCase):
    """One password policy: `deepwell user add` and `user passwd` refuse exactly what the
    server's `create` of a user refuses, in the same words."""

    SHORT = ["short", "1234567", "\u00e9" * 5]  # the last: 5 characters in 10 bytes
    LONG_ENOUGH = ["12345678", "\u00e9" * 8]

    def server_replies(self, passwords):
        """The server's reply to creating a user with each password (as o5)."""
        import harness
        server = harness.Server(str(self.db)).start()
        replies = []
        try:
            c = server.client()
            try:
                self.assertTrue(c.login("o5")["ok"])
                for i, password in enumerate(passwords):
                    replies.append(c.request("create", kind="user", name="server.%d" % i,
                                             password=password, clearance=1,
                                             title="Researcher"))
            finally:
                c.close()
        finally:
            rc = server.stop()
        self.assertIn(rc, (0, None), server.log())
        return replies

    def test_short_passwords_are_refused_everywhere_with_the_same_message(self):
        replies = self.server_replies(self.SHORT)
        before = self.snapshot()
        for password, reply in zip(self.SHORT, replies):
            with self.subTest(password=password):
                self.assertFalse(reply["ok"], reply)
                self.assertEqual(reply["error"]["code"], "bad_request")
                message = reply["error"]["message"]
                self.assertEqual(message, "the password must have at least 8 characters")
                r = add_user(self.db, "short.pw", password)
                self.assertFails(r)
                self.assertEqual(r.stderr, "deepwell: %s\n" % message)
                r = deepwell("user", "passwd", "agent", "--db", self.db, "--password-stdin",
                             input=password + "\n")
                self.assertFails(r)
                self.assertEqual(r.stderr, "deepwell: %s\n" % message)
        self.assertIsNone(user_row(self.db, "short.pw"))
        self.assertUnchanged(self.db, *before)

    def test_eight_characters_are_accepted_everywhere(self):
        for reply in self.server_replies(self.LONG_ENOUGH):
            self.assertTrue(reply["ok"], reply)
        for i, password in enumerate(self.LONG_ENOUGH):
            with self.subTest(password=password):
                self.assertOk(add_user(self.db, "admin.%d" % i, password))
                self.assertOk(deepwell("user", "passwd", "agent", "--db", self.db,
                                       "--password-stdin", input=password + "\n"))


class BackupCheckTest(DemoStoreTestCase):
    def test_check_reports_integrity_version_and_counts(self):
        r = deepwell("check", "--db", self.db)
        self.assertOk(r)
        self.assertIn("integrity: ok", r.stdout)
        self.assertRegex(r.stdout, r"schema version: \d+")
        self.assertIn(f"users: {len(DEMO_USERS)}\n", r.stdout)
        audit = len(audit_rows(self.db))
        self.assertIn(f"audit rows: {audit}\n", r.stdout)

    def test_backup_then_check_the_copy(self):
        out = self.dir / "copy.db"
        r = deepwell("backup", "--db", self.db, out)
        self.assertOk(r)
        self.assertIn(str(out), r.stdout)
        self.assertIn(str(out) + ".audit", r.stdout)
        r = deepwell("check", "--db", out)
        self.assertOk(r)
        self.assertIn("integrity: ok", r.stdout)
        self.assertEqual(query(out, "SELECT name, password_hash FROM users ORDER BY id"),
                         query(self.db, "SELECT name, password_hash FROM users ORDER BY id"))
        # The audit log is the second file of the copy, row for row.
        self.assertEqual(audit_rows(out), audit_rows(self.db))
        self.assertGreater(len(audit_rows(out)), 0)
        self.assertOk(deepwell("audit", "verify", "--db", out))

    def test_backup_never_overwrites(self):
        out = self.dir / "exists.db"
        out.write_text("precious")
        self.assertFails(deepwell("backup", "--db", self.db, out), "already exists")
        self.assertEqual(out.read_text(), "precious")
        self.assertFails(deepwell("backup", "--db", self.db, self.db), "already exists")
        # Nor the audit log of an older copy.
        fresh = self.dir / "fresh.db"
        Path(str(fresh) + ".audit").write_text("older copy's log")
        self.assertFails(deepwell("backup", "--db", self.db, fresh), "fresh.db.audit already exists")
        self.assertFalse(fresh.exists())

    def test_backup_needs_exactly_one_target(self):
        self.assertFails(deepwell("backup", "--db", self.db), "missing argument", code=2)
        self.assertFails(deepwell("backup", "--db", self.db, "a.db", "b.db"),
                         "unexpected argument", code=2)

    def test_backup_into_a_missing_directory_fails(self):
        out = self.dir / "no" / "dir" / "copy.db"
        self.assertFails(deepwell("backup", "--db", self.db, out), str(out),
                         "No such file or directory")
        self.assertFalse(out.exists())


class AuditTest(DemoStoreTestCase):
    def test_verify_an_intact_chain(self):
        self.assertOk(add_user(self.db, "auditor", SECRET))
        rows = len(audit_rows(self.db))
        r = deepwell("audit", "verify", "--db", self.db)
        self.assertOk(r)
        # No server has sealed this store yet (tests/e2e/test_audit_seal.py has the seals).
        self.assertEqual(r.stdout, f"audit chain intact: {rows} rows (not checked against seals:"
                                   " no seal file beside the store)\n")

    def test_verify_catches_an_edited_row(self):
        self.assertOk(add_user(self.db, "auditor", SECRET))
        self.assertOk(deepwell("user", "disable", "auditor", "--db", self.db))
        self.assertGreaterEqual(len(audit_rows(self.db)), 3)
        subprocess.run([sqlite3_cli(), str(self.db) + ".audit",
                        "DROP TRIGGER audit_log_no_update; "
                        "UPDATE audit_log SET details='{\"x\":1}' WHERE id=2;"],
                       check=True, capture_output=True, timeout=30)
        r = deepwell("audit", "verify", "--db", self.db)
        self.assertFails(r, "audit chain broken at row 2", code=1)

    def test_tail_shows_the_newest_rows_oldest_first(self):
        self.assertOk(add_user(self.db, "tail.one", SECRET))
        self.assertOk(deepwell("user", "disable", "tail.one", "--db", self.db))
        r = deepwell("audit", "tail", "--db", self.db, "-n", "2")
        self.assertOk(r)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertIn("admin.user.add", lines[0])
        self.assertIn("admin.user.disable", lines[1])
        self.assertIn("local", lines[1])
        self.assertNotIn(SECRET, r.stdout)
        default = deepwell("audit", "tail", "--db", self.db)
        self.assertOk(default)
        self.assertEqual(len(default.stdout.splitlines()), min(20, len(audit_rows(self.db))))
        for bad in ["0", "x", "-3"]:
            self.assertFails(deepwell("audit", "tail", "--db", self.db, "-n", bad),
                             "bad row count", code=2)

    def test_export_jsonl(self):
        self.assertOk(add_user(self.db, "exported", SECRET))
        self.assertOk(deepwell("user", "passwd", "exported", "--db", self.db, "--password-stdin",
                               input=SECRET + "2\n"))
        r = deepwell("audit", "export", "--db", self.db, "--format", "jsonl")
        self.assertOk(r)
        self.assertNotIn(SECRET, r.stdout)
        rows = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertTrue(all(isinstance(row, dict) for row in rows))
        ids = [row["id"] for row in rows]
        self.assertEqual(ids, [rid for rid, _, _ in audit_rows(self.db)])
        self.assertEqual(ids, sorted(ids))

        after = ids[-2]
        r = deepwell("audit", "export", "--db", self.db, "--format", "jsonl", "--after", after)
        self.assertOk(r)
        self.assertEqual([json.loads(line)["id"] for line in r.stdout.splitlines()], [ids[-1]])

    def test_export_refuses_other_formats(self):
        self.assertFails(deepwell("audit", "export", "--db", self.db, "--format", "csv"),
                         "unknown format 'csv'", code=2)
        self.assertFails(deepwell("audit", "export", "--db", self.db, "--after", "x"),
                         "bad row id", code=2)

    def test_every_change_adds_one_audit_row(self):
        steps = [
            (["user", "add", "counted", "--clearance", "2", "--title", "Researcher",
              "--password-stdin"], SECRET + "\n", "admin.user.add"),
            (["user", "passwd", "counted", "--password-stdin"], SECRET + "x\n",
             "admin.user.passwd"),
            (["user", "set-clearance", "counted", "3"], None, "admin.user.set_clearance"),
            (["user", "disable", "counted"], None, "admin.user.disable"),
            (["user", "enable", "counted"], None, "admin.user.enable"),
            (["init"], None, "admin.init"),
        ]
        for args, stdin, action in steps:
            with self.subTest(action=action):
                before = len(audit_rows(self.db))
                self.assertOk(deepwell(*args, "--db", self.db, input=stdin))
                self.assertEqual(len(audit_rows(self.db)), before + 1)
                self.assertEqual(self.last_audit()[1], action)
        exported = deepwell("audit", "export", "--db", self.db, "--format", "jsonl").stdout
        self.assertNotIn(SECRET, exported)
        self.assertOk(deepwell("audit", "verify", "--db", self.db))

    def test_read_only_commands_add_no_audit_rows(self):
        before = audit_rows(self.db)
        for args in [["check"], ["user", "list"], ["audit", "verify"], ["audit", "tail"],
                     ["audit", "export", "--format", "jsonl"]]:
            self.assertOk(deepwell(*args, "--db", self.db))
        self.assertEqual(audit_rows(self.db), before)


class HelpTest(AdminTestCase):
    def test_help_lists_every_command(self):
        r = deepwell("help")
        self.assertOk(r)
        for name in ["init", "user", "backup", "check", "audit"]:
            self.assertRegex(r.stdout, rf"\n  {name} ")
        self.assertOk(deepwell("--help"))
        r = deepwell("help", "user")
        self.assertOk(r)
        self.assertIn("deepwell user set-clearance NAME N", r.stdout)
        self.assertIn("deepwell audit tail", deepwell("audit", "--help").stdout)

    def test_usage_errors(self):
        r = deepwell()
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: deepwell", r.stderr)
        self.assertFails(deepwell("frobnicate"), "unknown command 'frobnicate'", code=2)
        self.assertFails(deepwell("help", "frobnicate"), "unknown command", code=2)
        self.assertFails(deepwell("check", "--db"), "--db needs a value", code=2)
        self.assertFails(deepwell("check", "--bogus"), "unknown option '--bogus'", code=2)


if __name__ == "__main__":
    unittest.main()
