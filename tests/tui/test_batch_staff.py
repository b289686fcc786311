"""`scipnet --batch` staff verbs against a real server: who, revoke, passwd, audit.
The server decides; these check what a script sees and the exit status it gets."""
import itertools
import os
import shutil
import subprocess
import unittest

import test_batch
from tui_harness import DemoServerTestCase, add_user, clean_env, have_programs, program

_serial = itertools.count(1)


@unittest.skipUnless(have_programs("scipnet", "scipnet-server", "deepwell"),
                     "scipnet, scipnet-server and deepwell are not all built")
class BatchStaffTest(DemoServerTestCase):
    tmp_prefix = "scipnet-batch-staff-"
    # The helpers, not the tests, of test_batch (importing the class would run them here).
    run_batch = test_batch.BatchTest.run_batch
    run_formatted = test_batch.BatchTest.run_formatted
    run_on_terminal = test_batch.BatchTest.run_on_terminal

    def batch_stdin(self, *command, user, stdin):
        """Batch with the whole of stdin given (login password, then a second line)."""
        args = [program("scipnet"), "--batch", "--user", user, "--password-stdin",
                "--fingerprint", self.server.fingerprint, self.server.hostport] + list(command)
        env = clean_env(self.home.env())
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        p = subprocess.run(args, input=stdin.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=30, start_new_session=True)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def new_user(self, password="first-pass-1"):
        name = "bstaff%d.%d" % (os.getpid(), next(_serial))
        add_user(self.db, name, password, clearance=2)
        return name, password

    # who ----------------------------------------------------------------------------

    def test_who_lists_sessions_for_a_director(self):
        rc, out, err = self.run_batch("who", user="director", password="director-pass")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertIn("SESSION", lines[0])
        # The batch's own session, marked current.
        self.assertTrue(any(l.startswith("*") and " director " in l for l in lines[1:]), out)
        rc, out, err = self.run_formatted("tsv", "who", user="director",
                                          password="director-pass")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[0].split("\t"),
                         ["session", "user", "clearance", "client", "since", "last_seen",
                          "expires", "current"])

    def test_who_of_another_user_below_level_5_is_denied(self):
        rc, out, err = self.run_batch("who", "cadet", user="officer", password="officer-pass")
        self.assertEqual(rc, 5, (out, err))
        rc, out, err = self.run_batch("who", user="officer", password="officer-pass")
        self.assertEqual(rc, 0, err)
        users = {l.split()[1] for l in out.splitlines()[1:]}
        self.assertEqual(users, {"officer"})

    # revoke ---------------------------------------------------------------------------

    def test_revoke_of_a_higher_user_exits_5(self):
        rc, out, err = self.run_batch("revoke", "o5", user="director", password="director-pass")
        self.assertEqual(rc, 5, (out, err))
        rc, out, err = self.run_batch("revoke", "cadet", user="director",
                                      password="director-pass")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^\d+ sessions? ended\n$")

    # passwd ---------------------------------------------------------------------------

    def test_passwd_from_the_second_line_of_stdin(self):
        name, old = self.new_user()
        rc, out, err = self.batch_stdin("passwd", user=name, stdin=old + "\nsecond-pass-2\n")
        self.assertEqual(rc, 0, err)
        self.assertIn("password changed", out)
        self.assertNotIn("second-pass-2", out + err)
        self.assertEqual(self.run_batch("whoami", user=name, password=old)[0], 2)
        self.assertEqual(self.run_batch("whoami", user=name, password="second-pass-2")[0], 0)

    def test_passwd_typed_twice_on_the_terminal(self):
        name, old = self.new_user()
        rc, seen = self.run_on_terminal("passwd", user=name, password=old,
                                        typed=["third-pass-3", "third-pass-3"])
        self.assertEqual(rc, 0, seen)
        self.assertNotIn("third-pass-3", seen)  # typed without echo
        self.assertEqual(self.run_batch("whoami", user=name, password="third-pass-3")[0], 0)

    def test_passwd_weak_new_password_and_no_argv(self):
        name, old = self.new_user()
        rc, out, err = self.batch_stdin("passwd", user=name, stdin=old + "\nshort\n")
        self.assertEqual(rc, 1, (out, err))
        self.assertIn("bad_request", err)
        # A password is never taken from the command line.
        rc, out, err = self.batch_stdin("passwd", "fourth-pass-4", user=name, stdin=old + "\n")
        self.assertEqual(rc, 1, (out, err))
        self.assertEqual(self.run_batch("whoami", user=name, password=old)[0], 0)

    # whoami -------------------------------------------------------------------------

    def test_whoami_tells_the_last_login_and_failures_since(self):
        name, pw = self.new_user()
        rc, out, err = self.run_batch("whoami", user=name, password=pw)
        self.assertEqual(rc, 0, err)
        self.assertNotIn("Last login", out)  # the first one
        self.assertEqual(self.run_batch("whoami", user=name, password="wrong-guess")[0], 2)
        rc, out, err = self.run_formatted("tsv", "whoami", user=name, password=pw)
        self.assertEqual(rc, 0, err)
        head, row = [line.split("\t") for line in out.splitlines()]
        got = dict(zip(head, row))
        self.assertRegex(got["last_login"], r"^\d{4}-\d\d-\d\dT[\d:.]+Z$")
        self.assertEqual(got["failed_logins"], "1")
        rc, out, err = self.run_batch("whoami", user=name, password=pw)
        self.assertRegex(out, r"Last login: \S+Z, 0 failed attempts since\n")

    # audit ----------------------------------------------------------------------------

    def test_audit_with_filters(self):
        name, pw = self.new_user()
        self.assertEqual(self.run_batch("whoami", user=name, password="wrong-guess")[0], 2)
        rc, out, err = self.run_batch("audit", "user=" + name, "outcome=failure",
                                      user="director", password="director-pass")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("ID"))
        self.assertEqual(len(lines), 2, out)
        self.assertIn(" %s " % name, lines[1])  # a known account's failure names it
        self.assertIn("failure", lines[1])
        rc, out, err = self.run_formatted("tsv", "audit", "action=login", "limit=3",
                                          user="director", password="director-pass")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out.splitlines()), 4)
        self.assertIn("more rows: add before=", err)

    def test_read_of_a_personnel_file_shows_level_5_its_audit_rows(self):
        name, pw = self.new_user()
        rc, out, err = self.run_batch("whoami", user=name, password=pw)
        ref = out.split()[0]
        rc, out, err = self.run_batch("read", ref, user="director", password="director-pass")
        self.assertEqual(rc, 0, err)
        self.assertIn("RECENT AUDIT ROWS (newest first)", out)
        self.assertEqual(out.count("RECENT AUDIT ROWS"), 1, out)  # batch's table, once
        self.assertRegex(out, r"\n\d+ +\S+Z +%s +logout +success" % name.replace(".", r"\."))
        rc, out, err = self.run_batch("read", ref, user="agent", password="agent-pass")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("RECENT AUDIT ROWS", out)

    def test_audit_refusals(self):
        rc, out, err = self.run_batch("audit", user="officer", password="officer-pass")
        self.assertEqual(rc, 5, (out, err))
        rc, out, err = self.run_batch("audit", "colour=red", user="director",
                                      password="director-pass")
        self.assertEqual(rc, 1)
        self.assertIn("audit filters are", err)
        rc, out, err = self.run_batch("audit", "since=yesterday", user="director",
                                      password="director-pass")
        self.assertEqual(rc, 1)
        self.assertIn("bad_request", err)


@unittest.skipUnless(have_programs("scipnet") and shutil.which("openssl"),
                     "scipnet or openssl missing")
class HostileServerStaffBatchTest(unittest.TestCase):
    """A lying server cannot make `who` page without end or print more than it asked for."""
    setUp = test_batch.HostileServerBatchTest.setUp
    tearDown = test_batch.HostileServerBatchTest.tearDown
    handle = test_batch.HostileServerBatchTest.handle
    run_batch = test_batch.HostileServerBatchTest.run_batch

    @staticmethod
    def sessions(offset, n):
        return [{"id": offset + i + 1, "user": {"id": 1, "name": "u"}, "clearance": {"level": 1},
                 "client": "c", "since": "s", "last_seen": "l", "expires": "e", "current": False}
                for i in range(n)]

    def test_who_whose_next_never_ends_stops_after_bounded_pages(self):
        self.handle("sessions", lambda req: {"ok": True, "offset": req["offset"],
                                             "next": req["offset"] + 1,
                                             "sessions": self.sessions(req["offset"], 1)})
        rc, out, err, _ = self.run_batch("who")
        self.assertEqual(rc, 1, err)
        self.assertIn("more than 50 pages", err)
        pages = sum(1 for r in self.server.requests if r.get("op") == "sessions")
        self.assertEqual(pages, 50)
        self.assertEqual(len(out.splitlines()), 1 + pages)  # the head and a row a page

    def test_who_page_larger_than_asked_is_refused(self):
        self.handle("sessions", lambda req: {"ok": True, "offset": 0,
                                             "sessions": self.sessions(0, 201)})
        rc, out, err, _ = self.run_batch("who")
        self.assertEqual(rc, 1, err)
        self.assertIn("more sessions than asked", err)
        self.assertEqual(len(out.splitlines()), 1)  # the head alone


if __name__ == "__main__":
    unittest.main()
