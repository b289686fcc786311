"""Logging in by id, as the original's `ID:` prompt did (issue 19).

The login field takes a name or an id: all-digit input is an id, so no name may be all
digits.  Driven the way a user does it: `scipnet --batch --user 3`, the create op, and
`deepwell user add` / `deepwell import` on a store.
"""
import os
import sqlite3
import subprocess
import unittest

from harness import BIN, DEMO_USERS, ServerTestCase, clean_env, connect_store
from import_util import ImportTestCase, run

# The demo's ids (deepwell/io/demo.c adds cadet, researcher, agent, officer, director, o5).
AGENT_ID = 3
DIRECTOR_ID = 5


class LoginByIdTest(ServerTestCase):
    tmp_prefix = "scipnet-e2e-loginid-"

    def batch(self, user, password, *command):
        args = [os.path.join(BIN, "scipnet"), "--batch", "--user", user, "--password-stdin",
                "--fingerprint", self.server.fingerprint,
                "%s:%d" % (self.server.host, self.server.port), *(command or ("whoami",))]
        p = subprocess.run(args, input=(password + "\n").encode(), capture_output=True,
                           timeout=30, env=clean_env({"HOME": self.tmp,
                                                      "XDG_DATA_HOME": self.tmp}))
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def test_batch_logs_in_by_id(self):
        rc, out, err = self.batch(str(AGENT_ID), DEMO_USERS["agent"][0])
        self.assertEqual(rc, 0, err)
        self.assertIn("agent", out)
        self.assertIn("USER-%d" % AGENT_ID, out)

    def test_a_wrong_id_or_password_is_refused_as_a_wrong_name(self):
        for user, password in (("999", "agent-pass"), (str(AGENT_ID), "researcher-pass"),
                               ("0", "agent-pass"), ("99999999999999999999999", "x")):
            rc, out, err = self.batch(user, password)
            self.assertEqual(rc, 2, (user, out, err))
            self.assertIn("auth_failed", err, user)

    def test_an_id_and_its_name_are_one_throttle_key(self):
        # Failures by id (through the batch client) and by name count against the one
        # account: 3 + 2 reach login_max_failures (5), so the next try, by name, is refused
        # though neither spelling alone reached it.  A bystander on the address still gets in.
        for i in range(3):
            rc, out, err = self.batch(str(DIRECTOR_ID), "wrong-%d" % i)
            self.assertIn("auth_failed", err)
        c = self.client()
        for i in range(2):
            self.assertError(c.login("director", "wrong-name-%d" % i), "auth_failed")
        self.assertError(c.login("director"), "rate_limited")
        rc, out, err = self.batch(str(DIRECTOR_ID), DEMO_USERS["director"][0])
        self.assertEqual(rc, 2, out)
        self.assertIn("rate_limited", err)
        self.assertTrue(c.login("officer")["ok"])

    def test_create_refuses_an_all_digit_name(self):
        c = self.logged_in("o5")
        for name in ("4242", "0"):
            r = c.request("create", kind="user", name=name, password="correct-horse-battery",
                          title="Researcher", clearance=1)
            self.assertError(r, "bad_request")
            self.assertIn("not only digits", r["error"]["message"])
        # Digits with a letter are a name.
        r = c.request("create", kind="user", name="d4242", password="correct-horse-battery",
                      title="Researcher", clearance=1)
        self.assertTrue(r["ok"], r)


class AllDigitNamesAdminTest(ImportTestCase):
    def test_user_add_refuses_an_all_digit_name(self):
        db = self.store()
        self.assertEqual(run("--db", db, "init").returncode, 0)
        r = subprocess.run([os.path.join(BIN, "deepwell"), "--db", db, "user", "add", "4242",
                            "--clearance", "1", "--title", "Researcher", "--password-stdin"],
                           input="correct-horse-battery\n", capture_output=True, text=True,
                           env=clean_env(), timeout=60)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("not only digits", r.stderr)
        con = connect_store(db)
        try:
            self.assertEqual(con.execute("SELECT count(*) FROM users").fetchone()[0], 0)
        finally:
            con.close()

    def test_import_refuses_an_all_digit_name_and_names_it(self):
        src = self.source("plain")
        con = sqlite3.connect(os.path.join(src, "SCiPNET.db"))
        con.execute("INSERT INTO users VALUES (6, '4242', 'hunter2', NULL, 1, 1, NULL, NULL, 1,"
                    " NULL, '2024-03-01 12:00:00', '2024-03-01 12:00:00')")
        con.commit()
        con.close()
        db = self.store()
        out = self.import_ok(db, src)
        self.assertIn("users         4 added, 0 already there, 2 refused", out)
        self.assertIn("refused: user '4242': a name of digits only", out)
        con = connect_store(db)
        try:
            self.assertEqual(
                con.execute("SELECT count(*) FROM users WHERE name = '4242'").fetchone()[0], 0)
        finally:
            con.close()


if __name__ == "__main__":
    unittest.main()
