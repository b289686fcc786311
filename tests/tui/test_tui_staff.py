"""The staff's screens in a real terminal (tmux) against a real server: WHO (and K to end
a session), REVOKE, AUDIT (filters, paging) and PASSWD (nothing typed is shown)."""
import itertools
import os
import subprocess

from tui_cases import TerminalTestCase, lines_fit
from tui_harness import add_user, clean_env, needs_programs, program

_serial = itertools.count(1)


@needs_programs
class TuiStaffTest(TerminalTestCase):
    tmp_prefix = "scipnet-tui-staff-"

    def logged_in(self, user, password, width=80, height=24):
        t = self.client(width=width, height=height)
        self.login(t, user, password)
        t.wait_for("SCiPNET>")
        return t

    def command(self, t, line):
        t.type(line)
        t.keys("Enter")

    def new_user(self, password="first-pass-1", clearance=2):
        name = "tstaff%d.%d" % (os.getpid(), next(_serial))
        add_user(self.db, name, password, clearance=clearance)
        return name, password

    def batch(self, user, password, *command):
        args = [program("scipnet"), "--batch", "--user", user, "--password-stdin",
                "--fingerprint", self.server.fingerprint, self.server.hostport] + list(command)
        return subprocess.run(args, input=(password + "\n").encode(), env=clean_env(
            self.home.env()), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)

    # WHO and REVOKE -----------------------------------------------------------------

    def test_director_sees_who_is_online_and_ends_a_session(self):
        cadet = self.logged_in("cadet", "cadet-pass")
        t = self.logged_in("director", "director-pass", width=132, height=43)
        self.command(t, "WHO cadet")
        screen = t.wait_for("WHO IS ONLINE", "USER: cadet", "SESSION", "LAST SEEN")
        self.assertRegex(screen, r"\d+ +cadet +1 +127\.0\.0\.1:\d+")
        self.assertTrue(lines_fit(screen, 132))
        t.type("K")
        t.wait_for("1 SESSION ENDED", "NOTHING TO SHOW")
        # The cadet's next request finds the session gone: back to the login.
        self.command(cadet, "LIST SCP")
        cadet.wait_for("IDENTIFICATION REQUIRED")

    def test_level_4_sees_only_own_sessions_and_may_not_revoke_others(self):
        self.logged_in("cadet", "cadet-pass")
        t = self.logged_in("officer", "officer-pass")
        self.command(t, "WHO")
        screen = t.wait_for("WHO IS ONLINE", "officer")
        self.assertNotIn("cadet", screen)
        t.type("q")
        t.wait_for("SCiPNET>")
        self.command(t, "REVOKE cadet")
        t.wait_for("INSUFFICIENT CLEARANCE", "CLEARANCE LEVEL 5 - TOP SECRET REQUIRED")

    def test_revoke_of_a_higher_user_is_refused(self):
        self.logged_in("o5", "o5-pass")
        t = self.logged_in("director", "director-pass")
        self.command(t, "WHO o5")
        t.wait_for("WHO IS ONLINE", "NOTHING TO SHOW")
        t.type("q")
        self.command(t, "REVOKE o5")
        t.wait_for("INSUFFICIENT CLEARANCE", "CLEARANCE LEVEL 6 - COSMIC TOP SECRET REQUIRED")
        # The same as for a user who does not exist.
        t.type("q")
        self.command(t, "REVOKE nobody.at.all")
        t.wait_for("INSUFFICIENT CLEARANCE", "CLEARANCE LEVEL 6 - COSMIC TOP SECRET REQUIRED")

    # AUDIT --------------------------------------------------------------------------

    def test_audit_table_filters_and_pages(self):
        name, pw = self.new_user()
        self.assertEqual(self.batch(name, "wrong-guess", "whoami").returncode, 2)
        t = self.logged_in("director", "director-pass", width=132, height=43)
        self.command(t, "AUDIT user=%s outcome=failure" % name)
        screen = t.wait_for("AUDIT LOG", "FILTER: user=%s outcome=failure" % name, "DETAILS",
                            "wrong password")
        self.assertRegex(screen, r"\d+ +\d{4}-\d\d-\d\dT[\d:.]+Z +%s +login +failure"
                         % name.replace(".", r"\."))
        self.assertEqual(screen.count("wrong password"), 1)
        # The filter line: f, a new filter, Enter.
        t.type("f")
        t.keys("C-u")
        t.type("colour=red")
        t.keys("Enter")
        t.wait_for("FILTERS ARE USER= ACTION= OUTCOME= SINCE= UNTIL=")
        t.type("f")
        t.keys("C-u")
        t.keys("Enter")
        t.wait_for("FILTER: (all)", "ID      TIME")
        # More than a window of rows (a page is what the window shows): n shows older
        # ones, p comes back.
        for _ in range(10):
            self.assertEqual(self.batch("cadet", "cadet-pass", "whoami").returncode, 0)
        t.type("q")
        t = self.logged_in("director", "director-pass")
        self.command(t, "AUDIT")
        t.wait_for("FILTER: (all)", "ID      TIME")
        first = t.screen()
        top = [l for l in first.splitlines() if l.strip()[:1].isdigit()][0].split()[0]
        t.type("n")
        t.wait_for("AUDIT LOG", absent=(top + " ",))
        t.type("p")
        t.wait_for(top + " ")

    def test_audit_needs_level_5(self):
        t = self.logged_in("officer", "officer-pass")
        self.command(t, "AUDIT")
        t.wait_for("AUDIT LOG", "clearance_denied")

    # PASSWD -------------------------------------------------------------------------

    def test_passwd_shows_nothing_typed_and_ends_other_sessions(self):
        name, old = self.new_user()
        other = self.logged_in(name, old)
        t = self.logged_in(name, old)
        self.command(t, "PASSWD")
        t.wait_for("PASSWD", "CURRENT PASSWORD:", "NEW PASSWORD AGAIN:")
        t.type("wrong-guess")
        t.keys("Enter")
        t.type("second-pass-2")
        t.keys("Enter")
        t.type("second-pass-2")
        t.keys("Enter")
        screen = t.wait_for("THE CURRENT PASSWORD IS WRONG (4 ATTEMPTS LEFT)")
        self.assertNotIn("wrong-guess", screen)
        self.assertNotIn("second-pass-2", screen)
        for text in (old, "second-pass-2", "second-pass-3"):
            t.type(text)
            t.keys("Enter")
        # The current password stays typed; the two new ones are asked for again.
        t.wait_for("THE TWO NEW PASSWORDS DIFFER", "> NEW PASSWORD:")
        for text in ("second-pass-2", "second-pass-2"):
            t.type(text)
            t.keys("Enter")
        screen = t.wait_for("PASSWORD CHANGED; 1 OTHER SESSION ENDED")
        self.assertNotIn("second-pass-2", screen)
        self.command(other, "LIST SCP")
        other.wait_for("IDENTIFICATION REQUIRED")
        self.assertEqual(self.batch(name, "second-pass-2", "whoami").returncode, 0)
        self.assertEqual(self.batch(name, old, "whoami").returncode, 2)

    # The last login ------------------------------------------------------------------

    def test_login_tells_the_last_login_and_failures_since(self):
        name, pw = self.new_user()
        t = self.logged_in(name, pw)
        self.assertNotIn("LAST LOGIN", t.screen())  # the first one
        for _ in range(2):
            self.assertEqual(self.batch(name, "wrong-guess", "whoami").returncode, 2)
        t = self.logged_in(name, pw)
        t.wait_for("LAST LOGIN 20", "· 2 FAILED ATTEMPTS SINCE")
        out = self.batch(name, pw, "whoami").stdout.decode()
        self.assertRegex(out, r"Last login: \d{4}-\d\d-\d\dT[\d:.]+Z, 0 failed attempts since")
