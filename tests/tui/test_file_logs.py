"""The tables after a file's body in a real terminal (tmux): a personnel file read at level 5
shows that person's newest audit rows, an SCP file its status history (who, when, old -> new,
why) as the server filters it; and a hostile server's control characters in either are shown,
never obeyed."""
import itertools
import os
import re
import subprocess

from fake_server import LEVEL1, demo_handler
from tui_cases import FakeServerTestCase, TerminalTestCase, lines_fit, log_in
from tui_harness import add_user, clean_env, needs_programs, program

_serial = itertools.count(1)


@needs_programs
class FileLogsTest(TerminalTestCase):
    tmp_prefix = "scipnet-file-logs-"

    def logged_in(self, user, width=132, height=50):
        t = self.client(width=width, height=height)
        self.login(t, user, user + "-pass")
        t.wait_for("SCiPNET>")
        return t

    def command(self, t, line):
        t.type(line)
        t.keys("Enter")

    def batch(self, user, password, *command):
        args = [program("scipnet"), "--batch", "--user", user, "--password-stdin",
                "--fingerprint", self.server.fingerprint, self.server.hostport] + list(command)
        return subprocess.run(args, input=(password + "\n").encode(), env=clean_env(
            self.home.env()), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)

    def test_personnel_file_shows_level_5_the_persons_audit_rows(self):
        name = "tlogs%d.%d" % (os.getpid(), next(_serial))
        add_user(self.db, name, "first-pass-1", clearance=1)
        out = self.batch(name, "first-pass-1", "whoami")
        self.assertEqual(out.returncode, 0, out.stderr)
        ref = out.stdout.decode().split()[0]
        self.assertRegex(ref, r"^USER-\d+$")
        t = self.logged_in("director")
        self.command(t, "ACCESS " + ref)
        t.wait_for(ref)
        t.keys("G")
        screen = t.wait_for("RECENT AUDIT ROWS", "TIME", "ACTION", "OUTCOME", "DETAILS")
        # The batch run above: a login and a logout, newest first.
        self.assertRegex(screen, r"\d{4}-\d\d-\d\dT[\d:.]+Z +logout +success +\{")
        self.assertRegex(screen, r"\d{4}-\d\d-\d\dT[\d:.]+Z +login +success +\{")
        self.assertLess(screen.index(" logout "), screen.index(" login "))
        self.assertTrue(lines_fit(screen, 132))
        # Below the audit log's level the same file has no such table.
        t.keys("q")
        t = self.logged_in("officer")
        self.command(t, "ACCESS " + ref)
        t.wait_for(ref)
        t.keys("G")
        t.wait_for(ref, absent=("RECENT AUDIT ROWS",))

    def test_scp_file_shows_its_status_history_as_the_server_filters_it(self):
        director = self.logged_in("director")
        self.command(director, 'STATUS SCP-042 neutralized "tide stopped"')
        director.wait_for("SCP-042: ACTIVE -> NEUTRALIZED")
        t = self.logged_in("agent")
        # More changes than the three the header used to show.
        for i, status in enumerate(["active", "explained", "active", "explained"]):
            self.command(t, 'STATUS SCP-042 %s "check %d"' % (status, i))
            t.wait_for("-> %s" % status.upper())
        self.command(t, "ACCESS SCP-042")
        t.wait_for("SCP-042 The Tide Clock")
        t.keys("G")
        screen = t.wait_for("STATUS HISTORY", "WHEN", "WHO", "OLD -> NEW", "WHY", "check 0")
        self.assertRegex(screen, r"agent +active -> explained +check 3")
        self.assertRegex(screen, r"agent +explained -> active +check 2")
        self.assertRegex(screen, r"agent +active -> explained +check 1")
        self.assertRegex(screen, r"agent +neutralized -> active +check 0")
        # The director is above the agent: named as the server names them.
        self.assertRegex(screen, r"\[REDACTED\] +active -> neutralized +tide stopped")
        self.assertNotIn("director", screen)
        # Newest first.
        self.assertLess(screen.index("check 3"), screen.index("check 0"))
        self.assertLess(screen.index("check 0"), screen.index("tide stopped"))
        self.assertTrue(lines_fit(screen, 132))
        # The director sees their own name.
        self.command(director, ":ACCESS SCP-042")
        director.wait_for("SCP-042 The Tide Clock")
        director.keys("G")
        screen = director.wait_for("STATUS HISTORY", "tide stopped")
        self.assertRegex(screen, r"director +active -> neutralized +tide stopped")


ESC_ROW = "\x1b]52;c;cGF3bmVk\x07\x1b[2J"


@needs_programs
class HostileLogsTest(FakeServerTestCase):
    """A server's audit rows and status changes carry terminal controls: shown as \\e."""

    tmp_prefix = "scipnet-file-logs-fake-"

    def handler(self):
        def read(req):
            if req["ref"].startswith("USER-"):
                return {"ok": True, "screen": {"kind": "file"},
                        "file": {"ref": req["ref"], "kind": "user", "title": "Hostile Person",
                                 "classification": LEVEL1, "sections": []},
                        "audit": [{"id": 9, "ts": "2026-12-08\x1b[31m",
                                   "action": "lo\x1b[2Jgin", "outcome": "ok\x9b",
                                   "details": {"why": ESC_ROW}}]}
            return {"ok": True, "screen": {"kind": "file"},
                    "file": {"ref": req["ref"], "kind": "scp", "title": "Hostile Changes",
                             "classification": LEVEL1, "sections": [
                                 {"kind": "description", "title": "Description", "level": 1,
                                  "text": "Plain."}]}}
        inner = demo_handler(read)

        def handler(req):
            if req.get("op") == "history":
                return {"ok": True, "ref": req["ref"], "revision": 3, "edits": [],
                        "statuses": [{"at": "2026-12-08T01:00:00.000Z", "by": {
                            "ref": "USER-3", "name": "ev\x1b[8mil"}, "old": "active",
                            "new": "explained", "reason": "why\n" + ESC_ROW}],
                        "more_statuses": True}
            return inner(req)
        return handler

    def open(self, ref):
        t = self.connect()
        log_in(t, "researcher", "pw")
        t.wait_for("SCiPNET>")
        t.type("ACCESS " + ref)
        t.keys("Enter")
        return t

    def test_audit_rows_are_made_visible(self):
        t = self.open("USER-7")
        screen = t.wait_for("USER-7 Hostile Person", "RECENT AUDIT ROWS",
                            r"2026-12-08\e[31m")
        self.assertIn(r"lo\e[2Jgin", screen)
        self.assertIn(r"ok\u009b", screen)
        # The details are JSON: its own escapes keep the controls out.  A long cell wraps
        # under its column.
        self.assertIn(r"\u001B]52;c;cGF3bmVk\u0007", re.sub(r"\s+", "", screen))
        self.assertNotIn("\x1b", screen)

    def test_status_changes_are_made_visible_and_stay_one_row(self):
        t = self.open("SCP-013")
        screen = t.wait_for("SCP-013 Hostile Changes", "STATUS HISTORY", r"ev\e[8mil",
                            "press h for the whole history")
        row = [line for line in screen.splitlines() if "active -> explained" in line]
        self.assertEqual(len(row), 1, screen)
        self.assertIn(r"why\n\e]52;c;", row[0])
        self.assertIn(r"why\n\e]52;c;cGF3bmVk\a\e[2J", re.sub(r"\s+", "", screen))
        self.assertNotIn("\x1b", screen)
        self.assertTrue(lines_fit(screen, 80))
