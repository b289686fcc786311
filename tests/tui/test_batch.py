"""`scipnet --batch` against a real server: plain text out and every exit status
(0 ok, 1 error, 2 authentication, 3 redacted, 4 expunged, 5 clearance denied)."""
import json
import re
import os
import pty
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from fake_server import FakeServer, demo_handler, flood, trickle
from tui_harness import (LONGEST_PASSWORD, DemoServerTestCase, Home, Server, add_user, clean_env,
                         have_programs, make_ca_and_cert, make_demo_store, program)


@unittest.skipUnless(have_programs("scipnet", "scipnet-server", "deepwell"),
                     "scipnet, scipnet-server and deepwell are not all built")
class BatchTest(DemoServerTestCase):
    tmp_prefix = "scipnet-batch-"

    def run_batch(self, *command, user=None, password=None, trust="fingerprint"):
        args = [program("scipnet"), "--batch"]
        if user is not None:
            args += ["--user", user, "--password-stdin"]
        if trust == "fingerprint":
            args += ["--fingerprint", self.server.fingerprint]
        args += [self.server.hostport] + list(command)
        env = clean_env(self.home.env())
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        p = subprocess.run(args, input=(password + "\n").encode() if password else b"",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=30)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def run_on_terminal(self, *command, user, password, typed):
        """Run batch with stdin holding only the login password and a terminal of its own
        (the controlling tty) on which typed is answered to each prompt."""
        args = [program("scipnet"), "--batch", "--user", user, "--password-stdin",
                "--fingerprint", self.server.fingerprint, self.server.hostport] + list(command)
        env = clean_env(self.home.env())
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        rfd, wfd = os.pipe()
        os.write(wfd, (password + "\n").encode())
        os.close(wfd)
        pid, fd = pty.fork()
        if pid == 0:  # the child: stdin is the pipe, the pty stays its /dev/tty
            os.dup2(rfd, 0)
            os.execve(args[0], args, env)
        os.close(rfd)
        seen, answers, answered = b"", list(typed), 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            # One answer a prompt, once the prompt is there.
            if answers and seen.count(b": ") > answered and seen.endswith(b": "):
                os.write(fd, (answers.pop(0) + "\n").encode())
                answered += 1
        else:
            os.kill(pid, signal.SIGKILL)  # a stuck client fails the test, never hangs it
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")

    def assertPlain(self, text):
        self.assertNotIn("\033", text)

    # exit 0

    def test_health_needs_no_login(self):
        rc, out, err = self.run_batch("health")
        self.assertEqual(rc, 0, err)
        self.assertIn("status: ok", out)
        self.assertIn("db: ok", out)

    def test_read_shows_redacted_passages_as_blocks(self):
        rc, out, err = self.run_batch("read", "scp-2", user="researcher",
                                      password="researcher-pass")
        self.assertEqual(rc, 0, err)
        self.assertPlain(out)
        self.assertTrue(out.startswith("SCP-002 The Patient Lamp\n"), out[:200])
        self.assertIn("CLASSIFICATION: LEVEL 2 - RESTRICTED", out)
        self.assertIn("██████████ [LEVEL 4 REQUIRED]", out)
        self.assertIn("██████████ [LEVEL 5 REQUIRED]", out)
        self.assertIn("ADDENDUM 002-1", out)
        for line in out.splitlines():
            self.assertLessEqual(len(line), 80)

    def test_list_marks_restricted_entries(self):
        rc, out, err = self.run_batch("list", "scp", user="cadet", password="cadet-pass")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"SCP-013 +LEVEL 1 +Safe +A Considerate Umbrella")
        self.assertRegex(out, r"SCP-005 +LEVEL 4 +Keter +\[ACCESS RESTRICTED\]")
        self.assertNotIn("Patient Lamp", out)
        rc, out, err = self.run_batch("list", "scp", "umbrella", user="cadet",
                                      password="cadet-pass")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out.splitlines()), 1, out)

    def test_whoami(self):
        rc, out, err = self.run_batch("whoami", user="officer", password="officer-pass")
        self.assertEqual(rc, 0, err)
        self.assertIn("officer", out)
        self.assertIn("Clearance: Level 4 - Secret", out)

    def test_known_host_needs_no_flag(self):
        self.home.pin(self.server.hostport, self.server.fingerprint)
        rc, out, err = self.run_batch("health", trust=None)
        self.assertEqual(rc, 0, err)

    # the command line itself

    def test_help_goes_to_stdout_and_lists_each_verbs_fields(self):
        p = subprocess.run([program("scipnet"), "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=clean_env(self.home.env()), timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stderr, b"")
        out = p.stdout.decode()
        self.assertIn("--format text|tsv|json", out)
        self.assertRegex(out, r"create scp +number\* title\* level\* containment\*")
        self.assertRegex(out, r"create site +name\* location description dossier director")
        self.assertRegex(out, r"create user +name\* password\* clearance\* title\*")
        self.assertIn("second line", out)
        for line in out.splitlines():
            self.assertLessEqual(len(line), 80, line)
        # A usage error still goes to stderr, with a failing status.
        p = subprocess.run([program("scipnet"), "--format", "xml"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=clean_env(self.home.env()), timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, b"")
        self.assertIn(b"--format is text, tsv, json or markdown", p.stderr)

    def test_version(self):
        for flag in ("--version", "-V"):
            p = subprocess.run([program("scipnet"), flag], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=clean_env(self.home.env()),
                               timeout=30)
            self.assertEqual(p.returncode, 0)
            self.assertRegex(p.stdout.decode(), r"^scipnet \d+\.\d+\.\d+ \(protocol \d+\)\n$")

    def test_unknown_create_field_is_an_error_naming_the_allowed_ones(self):
        rc, out, err = self.run_batch("create", "site", "name=Site Bogus", "bogus=1",
                                      user="director", password="director-pass")
        self.assertEqual(rc, 1, err)
        self.assertIn("create site has no field 'bogus'", err)
        self.assertIn("name* location description dossier director", err)
        self.assertEqual(out, "")
        rc, out, err = self.run_batch("list", "site", "Bogus", user="director",
                                      password="director-pass")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "", "the site was made after all")
        rc, out, err = self.run_batch("create", "ufo", "name=x", user="director",
                                      password="director-pass")
        self.assertEqual(rc, 1)
        self.assertIn("want scp, site, mtf or user", err)

    def test_a_password_never_comes_from_the_command_line(self):
        rc, out, err = self.run_batch("create", "user", "name=cli.pass", "password=hunter2hunter2",
                                      "clearance=1", "title=Researcher", user="officer",
                                      password="officer-pass")
        self.assertEqual(rc, 1, err)
        self.assertIn("password= never goes on the command line", err)
        self.assertNotIn("hunter2", err + out)
        rc, out, err = self.run_batch("whoami", user="cli.pass", password="hunter2hunter2")
        self.assertEqual(rc, 2, "the user was made with a password from argv")

    def test_create_user_takes_its_password_from_the_second_stdin_line(self):
        rc, out, err = self.run_batch("create", "user", "name=stdin.user", "clearance=1",
                                      "title=Researcher", user="officer",
                                      password="officer-pass\nstdin-user-pass")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^USER-\d+\n$")
        rc, out, err = self.run_batch("whoami", user="stdin.user", password="stdin-user-pass")
        self.assertEqual(rc, 0, err)
        self.assertIn("stdin.user", out)

    def test_create_user_asks_for_its_password_on_the_terminal(self):
        rc, seen = self.run_on_terminal("create", "user", "name=tty.user", "clearance=1",
                                        "title=Researcher", user="officer",
                                        password="officer-pass",
                                        typed=["tty-user-pass", "tty-user-pass"])
        self.assertEqual(rc, 0, seen)
        self.assertIn("New password (at least 8 characters):", seen)
        self.assertIn("The same password again:", seen)
        self.assertNotIn("tty-user-pass", seen, "the password was echoed")
        rc, out, err = self.run_batch("whoami", user="tty.user", password="tty-user-pass")
        self.assertEqual(rc, 0, err)
        # Two different passwords make no user.
        rc, seen = self.run_on_terminal("create", "user", "name=tty.other", "clearance=1",
                                        "title=Researcher", user="officer",
                                        password="officer-pass",
                                        typed=["tty-other-pass", "something-else"])
        self.assertEqual(rc, 1, seen)
        self.assertIn("the two passwords differ", seen)

    def test_tsv_and_json_for_every_verb(self):
        login = dict(user="officer", password="officer-pass")
        rc, out, err = self.run_formatted("tsv", "list", "scp", **login)
        self.assertEqual(rc, 0, err)
        rows = [line.split("\t") for line in out.splitlines()]
        self.assertEqual(rows[0], ["ref", "level", "class", "title", "accessible", "detail"])
        self.assertTrue(all(len(r) == 6 for r in rows), out)
        self.assertIn(["SCP-002", "2", "Euclid", "The Patient Lamp", "yes", "active"],
                      [r[:6] for r in rows])
        rc, out, err = self.run_formatted("json", "list", "scp", **login)
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(doc["kind"], "scp")
        self.assertEqual(len(doc["items"]), doc["total"])
        self.assertTrue(out.isascii())
        for verb in (["whoami"], ["health"], ["read", "SCP-002"]):
            rc, out, err = self.run_formatted("json", *verb, **login)
            self.assertEqual(rc, 0, err)
            self.assertIsInstance(json.loads(out), dict)
            rc, out, err = self.run_formatted("tsv", *verb, **login)
            self.assertEqual(rc, 0, err)
            rows = [line.split("\t") for line in out.splitlines()]
            self.assertGreaterEqual(len(rows), 2, out)
            self.assertTrue(all(len(r) == len(rows[0]) for r in rows), out)
        rc, out, err = self.run_formatted("tsv", "whoami", **login)
        self.assertEqual(out.splitlines()[1].split("\t")[:2][1], "officer")
        rc, out, err = self.run_formatted("tsv", "read", "SCP-002", user="researcher",
                                          password="researcher-pass")
        self.assertIn("██████████ [LEVEL 4 REQUIRED]", out)
        rc, out, err = self.run_formatted("json", "create", "scp", "number=9301",
                                          "title=Formatted", "level=1", "containment=Safe",
                                          **login)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["ref"], "SCP-9301")
        # The number takes a suffix too, with or without its SCP-.
        for typed, ref in (("9302-arc", "SCP-9302-ARC"), ("SCP-9302-J", "SCP-9302-J")):
            rc, out, err = self.run_formatted("json", "create", "scp", "number=" + typed,
                                              "title=Suffixed", "level=1", "containment=Safe",
                                              **login)
            self.assertEqual(rc, 0, err)
            self.assertEqual(json.loads(out)["ref"], ref)
        # An error in json is the server's reply on stdout, and still the exit status.
        rc, out, err = self.run_formatted("json", "read", "SCP-005", user="cadet",
                                          password="cadet-pass")
        self.assertEqual(rc, 3)
        self.assertEqual(json.loads(out)["error"]["code"], "redacted")

    def run_formatted(self, fmt, *command, user, password):
        args = [program("scipnet"), "--batch", "--format", fmt, "--user", user,
                "--password-stdin", "--fingerprint", self.server.fingerprint,
                self.server.hostport] + list(command)
        env = clean_env(self.home.env())
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        p = subprocess.run(args, input=(password + "\n").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=30)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def test_list_columns_are_as_wide_as_their_content(self):
        rc, out, err = self.run_batch("list", "user", user="o5", password="o5-pass")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertGreater(len(lines), 3, out)
        # Every column starts where it does on the first row: no entry pushes one along.
        starts = {re.search(r"LEVEL \d  \S.*?  ?(\S+)$", line).start(1) for line in lines}
        self.assertEqual(len(starts), 1, out)

    # exit 1

    def test_unknown_server_is_refused_without_a_prompt(self):
        rc, out, err = self.run_batch("health", trust=None)
        self.assertEqual(rc, 1)
        self.assertIn("unknown server", err)
        self.assertIn(self.server.fingerprint, err)
        self.assertFalse(os.path.exists(self.home.known_hosts))

    def test_wrong_fingerprint_is_refused(self):
        args = [program("scipnet"), "--batch", "--fingerprint", "sha256:" + "0" * 64,
                self.server.hostport, "health"]
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=clean_env(self.home.env()), timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"refused", p.stderr)

    def test_changed_known_host_is_refused(self):
        self.home.pin(self.server.hostport, "sha256:" + "e" * 64)
        rc, out, err = self.run_batch("health", trust=None)
        self.assertEqual(rc, 1)
        self.assertIn("remove line 1 of " + self.home.known_hosts, err)

    def test_unknown_command_and_no_server(self):
        rc, out, err = self.run_batch("dance")
        self.assertEqual(rc, 1)
        p = subprocess.run([program("scipnet"), "--batch", "--fingerprint", "sha256:00",
                            "127.0.0.1:1", "health"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=clean_env(self.home.env()), timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"cannot connect", p.stderr)

    def test_the_longest_password_logs_in_and_a_longer_one_is_refused(self):
        add_user(self.db, "long.batch", LONGEST_PASSWORD)
        rc, out, err = self.run_batch("whoami", user="long.batch", password=LONGEST_PASSWORD)
        self.assertEqual(rc, 0, err)
        self.assertIn("long.batch", out)
        # One byte more is no password at all: refused before connecting, never cut short.
        rc, out, err = self.run_batch("whoami", user="long.batch", password=LONGEST_PASSWORD + "x")
        self.assertEqual(rc, 1)
        self.assertIn("longer than 1024 bytes", err)
        self.assertNotIn("auth_failed", err)

    # exit 2

    def test_wrong_password(self):
        rc, out, err = self.run_batch("whoami", user="researcher", password="not-it")
        self.assertEqual(rc, 2)
        self.assertIn("auth_failed", err)

    def test_rate_limited_is_an_authentication_failure(self):
        for _ in range(12):
            rc, out, err = self.run_batch("whoami", user="agent", password="wrong")
            self.assertEqual(rc, 2, err)
            if "rate_limited" in err:
                self.assertIn("retry after", err)
                return
        self.fail("no rate_limited after 12 failed logins: " + err)

    def test_no_login_is_unauthenticated(self):
        rc, out, err = self.run_batch("read", "SCP-013")
        self.assertEqual(rc, 2)
        self.assertIn("unauthenticated", err)

    # exit 3

    def test_redacted_prints_access_denied(self):
        rc, out, err = self.run_batch("read", "SCP-005", user="cadet", password="cadet-pass")
        self.assertEqual(rc, 3, err)
        self.assertPlain(out)
        self.assertIn("ACCESS DENIED", out)
        self.assertIn("FILE_REF: SCP-005 REDACTED", out)
        self.assertIn("CLEARANCE LEVEL 4 - SECRET REQUIRED", out)
        self.assertIn("(YOU ARE CLEARANCE LEVEL 1 - UNRESTRICTED)", out)

    # exit 4

    def test_expunged_prints_data_expunged(self):
        rc, out, err = self.run_batch("read", "SCP-404", user="cadet", password="cadet-pass")
        self.assertEqual(rc, 4, err)
        self.assertIn("DATA EXPUNGED", out)
        self.assertIn("FILE_REF: SCP-404 NOT FOUND", out)

    # exit 5

    def test_clearance_denied(self):
        rc, out, err = self.run_batch("create", "scp", "number=9002", "title=Denied",
                                      "level=1", "containment=Safe", user="cadet",
                                      password="cadet-pass")
        self.assertEqual(rc, 5, err)
        self.assertIn("INSUFFICIENT CLEARANCE", out)
        self.assertIn("CLEARANCE LEVEL 2 - RESTRICTED REQUIRED", out)


@unittest.skipUnless(have_programs("scipnet", "scipnet-server", "deepwell")
                     and shutil.which("openssl"), "programs or openssl missing")
class BatchCaTest(unittest.TestCase):
    """--ca verifies the chain and the host name instead of pinning a fingerprint."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="scipnet-ca-")
        cls.db = make_demo_store(cls.dir)
        cls.ca, cert, key = make_ca_and_cert(cls.dir, "server")
        cls.other_ca, _, _ = make_ca_and_cert(cls.dir, "other")
        cls.server = Server(cls.db, args=["--cert", cert, "--key", key]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_batch(self, ca, hostport):
        home = Home()
        try:
            p = subprocess.run([program("scipnet"), "--batch", "--ca", ca, hostport, "health"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=clean_env(home.env()), timeout=30)
            self.assertFalse(os.path.exists(home.known_hosts))
        finally:
            home.remove()
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def test_the_right_ca_is_trusted(self):
        rc, out, err = self.run_batch(self.ca, self.server.hostport)
        self.assertEqual(rc, 0, err)
        self.assertIn("status: ok", out)
        rc, out, err = self.run_batch(self.ca, "localhost:%d" % self.server.port)
        self.assertEqual(rc, 0, err)

    def test_another_ca_is_refused(self):
        rc, out, err = self.run_batch(self.other_ca, self.server.hostport)
        self.assertEqual(rc, 1)
        self.assertIn("not trusted by", err)


@unittest.skipUnless(have_programs("scipnet") and shutil.which("openssl"),
                     "scipnet or openssl missing")
class HostileServerBatchTest(unittest.TestCase):
    """A server that lies or stalls cannot make `scipnet --batch` loop, hang or print without
    end: every request has an overall deadline, a list is fetched in a bounded number of
    pages, and a reply nobody asked for drops the connection."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scipnet-hostile-")
        self.home = Home()
        self.server = FakeServer(self.dir, demo_handler(lambda req: {"ok": True}))

    def tearDown(self):
        self.server.close()
        self.home.remove()
        shutil.rmtree(self.dir, ignore_errors=True)

    def handle(self, op, reply):
        """Answer op with reply(request); other ops as demo_handler does."""
        base = self.server.handler
        self.server.handler = lambda req: reply(req) if req.get("op") == op else base(req)

    def run_batch(self, *command, timeout_s=None):
        args = [program("scipnet"), "--batch", "--fingerprint", self.server.fingerprint]
        if timeout_s is not None:
            args += ["--timeout", str(timeout_s)]
        args += [self.server.hostport] + list(command)
        start = time.monotonic()
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=clean_env(self.home.env()), timeout=30)
        return p.returncode, p.stdout.decode(), p.stderr.decode(), time.monotonic() - start

    @staticmethod
    def items(offset, n):
        return [{"ref": "SCP-%03d" % (offset + i + 1), "title": "Item", "accessible": True,
                 "classification": {"level": 1}} for i in range(n)]

    def test_list_claiming_2_62_items_stops_with_an_error(self):
        self.handle("list", lambda req: {"ok": True, "kind": "scp", "total": 2 ** 62,
                                         "offset": req["offset"],
                                         "items": self.items(req["offset"], req["limit"])})
        rc, out, err, _ = self.run_batch("list", "scp")
        self.assertEqual(rc, 1, err)
        self.assertIn("claims 4611686018427387904 items", err)
        self.assertLessEqual(len(out.splitlines()), 100000)

    def test_list_whose_total_keeps_growing_stops_after_bounded_pages(self):
        # One item a page and a total always just ahead: only a page count can stop it.
        self.handle("list", lambda req: {"ok": True, "kind": "scp",
                                         "total": req["offset"] + 2, "offset": req["offset"],
                                         "items": self.items(req["offset"], 1)})
        rc, out, err, _ = self.run_batch("list", "scp")
        self.assertEqual(rc, 1, err)
        self.assertIn("pages", err)
        pages = sum(1 for r in self.server.requests if r.get("op") == "list")
        self.assertLessEqual(pages, 501)
        self.assertEqual(len(out.splitlines()), pages)

    def test_list_page_larger_than_asked_is_refused(self):
        self.handle("list", lambda req: {"ok": True, "kind": "scp", "total": 201,
                                         "offset": 0, "items": self.items(0, 201)})
        rc, out, err, _ = self.run_batch("list", "scp")
        self.assertEqual(rc, 1, err)
        self.assertEqual(out, "")

    def test_trickled_reply_hits_the_request_deadline(self):
        self.handle("health", lambda req: trickle({"ok": True, "status": "ok"}, seconds=2.0))
        rc, out, err, elapsed = self.run_batch("health", timeout_s=3)
        self.assertEqual(rc, 1, err)
        self.assertIn("no complete reply from the server within 3 s", err)
        self.assertLess(elapsed, 10)

    def test_flood_of_replies_with_wrong_ids_drops_the_connection(self):
        self.handle("health", lambda req: flood({"ok": True, "status": "ok"}))
        rc, out, err, elapsed = self.run_batch("health")
        self.assertEqual(rc, 1, err)
        self.assertIn("a reply to no request of ours", err)
        self.assertIn("connection dropped", err)
        self.assertTrue(self.server.closed.wait(10), "the flooding connection stayed open")
        self.assertLess(elapsed, 10)


if __name__ == "__main__":
    unittest.main()
