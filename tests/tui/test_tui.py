"""The interactive client in a real terminal (tmux) against a real server: what a person sees
at 80x24 and 132x43 while trusting a server, logging in, browsing, being refused and resizing;
and make demo's script.  Reading files and the keys: test_tui_files.py; lost, failing and
hostile servers: test_tui_hostile.py."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from tui_cases import TerminalTestCase, lines_fit
from tui_harness import (LONGEST_PASSWORD, Home, Terminal, add_user, clean_env, free_port,
                         needs_programs, program, shell_quote)


@needs_programs
class TuiTest(TerminalTestCase):
    # -- server trust ----------------------------------------------------------------

    def test_first_connection_asks_and_pins_the_fingerprint(self):
        t = self.client(pin=False)
        screen = t.wait_for("Trust this server? (y/N)", "UNKNOWN SERVER")
        # The fingerprint may be wrapped; compare without line breaks and margins.
        flat = re.sub(r"\s+", "", screen)
        self.assertIn(self.server.fingerprint, flat)
        self.assertIn("known_hosts", flat)
        t.keys("y")
        t.wait_for("IDENTIFICATION REQUIRED", "NAME", "PASSWORD")
        with open(self.home.known_hosts) as f:
            self.assertEqual(f.read(), "%s %s\n" % (self.server.hostport, self.server.fingerprint))

    def test_refusing_an_unknown_server_pins_nothing(self):
        t = self.client(pin=False)
        t.wait_for("Trust this server? (y/N)")
        t.keys("n")
        t.wait_for("SERVER NOT TRUSTED")
        t.keys("q")
        self.assertEqual(t.exit_status(), 1)
        self.assertFalse(os.path.exists(self.home.known_hosts))

    def test_changed_fingerprint_is_refused_naming_file_and_line(self):
        self.home.pin("other:1", "sha256:" + "0" * 64)
        self.home.pin(self.server.hostport, "sha256:" + "f" * 64)
        t = self.client(pin=False)
        # The whole warning: tmux may show the new title over the old screen's body while
        # the client's redraw is still arriving.
        screen = t.wait_for("SERVER IDENTIFICATION HAS CHANGED", "Press q to quit.",
                            absent=("CONNECTING",))
        flat = re.sub(r"[\s│]+", "", screen)  # the warning wraps inside a box
        self.assertIn(re.sub(r"\s+", "", "remove line 2 of " + self.home.known_hosts), flat)
        self.assertNotIn("IDENTIFICATION REQUIRED", screen)
        t.keys("q")
        self.assertEqual(t.exit_status(), 1)

    def test_fingerprint_flag_needs_no_prompt(self):
        t = self.client(["--fingerprint", self.server.fingerprint, self.server.hostport],
                        pin=False)
        t.wait_for("IDENTIFICATION REQUIRED")
        self.assertFalse(os.path.exists(self.home.known_hosts))

    # -- a researcher's session at 80x24 ----------------------------------------------------

    def test_researcher_browses_and_reads_a_redacted_passage(self):
        t = self.client()
        screen = t.wait_for("SCP Foundation · Secure. Contain. Protect.", "IDENTIFICATION REQUIRED")
        self.login(t, "researcher", "researcher-pass")
        screen = t.wait_for("Welcome, Researcher researcher.", "Level 2 - Restricted",
                            "SCiPNET>")
        self.assertNotIn("AUTHORIZATION ACCEPTED", screen)
        # An empty command opens the browser on the SCP list.
        t.keys("Enter")
        screen = t.wait_for("[1 SCP]", "SCP-002", "The Patient Lamp", "SCP-013")
        self.assertRegex(screen, r"SCP-005 +LEVEL 4 +Keter +\[ACCESS RESTRICTED\]")
        self.assertIn("Tab/1-4 kind", screen)
        self.assertTrue(lines_fit(screen, 80))
        # Switch kinds with Tab and with a digit.
        t.keys("Tab")
        t.wait_for("[2 SITE]", "SITE-19")
        t.keys("3")
        t.wait_for("[3 MTF]", "MTF-3")
        t.keys("1")
        t.wait_for("[1 SCP]", "SCP-002")
        # The filter narrows the list.
        t.keys("f")
        t.type("lamp")
        t.keys("Enter")
        screen = t.wait_for("SEARCH: lamp", "SCP-002", absent=("SCP-013",))
        t.keys("Enter")
        screen = t.wait_for("SCP-002 The Patient Lamp", "CLASSIFICATION: LEVEL 2 - RESTRICTED",
                            "ANOMALY CLASSIFICATION SYSTEM", "SPECIAL CONTAINMENT PROCEDURES")
        self.assertIn("SITE: Site-19 (SITE-19)", screen)
        # The ACS panel: all four classes, the unset secondary as None.
        for row in ("CONTAINMENT ██ EUCLID", "SECONDARY   ·· None", "DISRUPTION  ██ VLAM",
                    "RISK        ██ CAUTION"):
            self.assertIn(row, screen)
        # The level-4 passage is further down: page until it shows.
        for _ in range(5):
            if "[LEVEL 4 REQUIRED]" in t.screen():
                break
            t.keys("NPage")
        t.wait_for("██████████ [LEVEL 4 REQUIRED]")
        # Addenda: listed, then opened one by one.
        t.keys("a")
        screen = t.wait_for("ADDENDA", "Addendum 002-1", "██████████ [LEVEL 5 REQUIRED]")
        t.keys("Enter")
        t.wait_for("ADDENDUM 002-1: RECOVERY", "q back to addenda")
        t.keys("q")
        t.wait_for("j/k select")
        t.keys("Down", "Enter")
        t.wait_for("ADDENDUM", "██████████ [LEVEL 5 REQUIRED]", "q back to addenda")
        t.keys("q", "q")
        # Back in the body where it was left, not at its top.
        t.wait_for("[LEVEL 4 REQUIRED]", absent=("SPECIAL CONTAINMENT", "ANOMALY CLASSIFICATION"),
                   bottom="? help  q back")
        t.keys("q")
        t.wait_for("[1 SCP]")
        # The command line works from the browser too; LOGOUT ends the session.
        t.keys(":")
        t.type("LOGOUT")
        t.keys("Enter")
        t.wait_for("IDENTIFICATION REQUIRED", "LOGGED OUT")


    def test_help_and_commands(self):
        t = self.client()
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("SCiPNET>")
        t.type("HELP")
        t.keys("Enter")
        screen = t.wait_for("SCiPNET HELP", "ACCESS SCP 002", "LOGOUT")
        self.assertTrue(lines_fit(screen, 80))
        t.keys("q")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP-013")
        t.keys("Enter")
        t.wait_for("SCP-013", "CONTAINMENT ██ SAFE")
        t.keys(":")
        t.type("CLEAR")
        t.keys("Enter")
        t.wait_for("Welcome, Researcher researcher.")
        t.type("DANCE")
        t.keys("Enter")
        t.wait_for("UNKNOWN COMMAND: DANCE")
        t.type("LIST SITE")
        t.keys("Enter")
        t.wait_for("[2 SITE]", "SITE-77")
        t.keys(":")
        t.type("QUIT")
        t.keys("Enter")
        self.assertEqual(t.exit_status(), 0)

    def test_back_returns_to_each_screen_as_it_was_left(self):
        t = self.client()
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("Welcome, Researcher researcher.")
        t.keys("Enter", "3")  # the browser, on its MTF tab
        t.wait_for("[3 MTF]", "MTF-3")
        t.keys("?")
        t.wait_for("SCiPNET HELP")
        # A second list, opened from the help, over the first one.
        t.keys(":")
        t.type("LIST SITE")
        t.keys("Enter")
        t.wait_for("[2 SITE]", "SITE-19", absent=("MTF-3",))
        t.keys("q")
        t.wait_for("SCiPNET HELP")
        t.keys("q")
        # The first list as it was, not the newest one.
        t.wait_for("[3 MTF]", "MTF-3", absent=("SITE-19",))
        t.keys("q")
        t.wait_for("SCiPNET>")

    def test_the_longest_password_can_be_typed(self):
        add_user(self.db, "long.typist", LONGEST_PASSWORD)
        t = self.client()
        self.login(t, "long.typist", LONGEST_PASSWORD)
        t.wait_for("Welcome, Researcher long.typist.", "SCiPNET>")

    # -- a cadet meets the denial screens ------------------------------------------------

    def test_cadet_sees_redacted_expunged_and_clearance_denied(self):
        t = self.client()
        self.login(t, "cadet", "cadet-pass")
        t.wait_for("Welcome, Containment Specialist cadet.")
        t.type("ACCESS SCP 005")
        t.keys("Enter")
        screen = t.wait_for("ACCESS DENIED", "FILE_REF: SCP-005 REDACTED",
                            "CLEARANCE LEVEL 4 - SECRET REQUIRED",
                            "(YOU ARE CLEARANCE LEVEL 1 - UNRESTRICTED)", "ACCESS ATTEMPT LOGGED")
        self.assertRegex(screen, r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        self.assertTrue(lines_fit(screen, 80))
        t.keys("q")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP 404")
        t.keys("Enter")
        t.wait_for("DATA EXPUNGED", "FILE_REF: SCP-404 NOT FOUND")
        t.keys("q")
        t.wait_for("SCiPNET>")
        # Browsing shows entries above the cadet without their titles.
        t.keys("Enter")
        screen = t.wait_for("[1 SCP]", "SCP-013")
        self.assertRegex(screen, r"SCP-002 +LEVEL 2 +Euclid +\[ACCESS RESTRICTED\]")
        self.assertNotIn("The Patient Lamp", screen)
        # Opening one from the list gets the server's ACCESS DENIED.
        t.keys("Enter")
        t.wait_for("ACCESS DENIED", "FILE_REF: SCP-002 REDACTED")
        t.keys("q")
        t.wait_for("[1 SCP]")
        # Creating an SCP is above Level 1: said at once, with no form to fill in.
        t.keys(":")
        t.type("CREATE SCP")
        t.keys("Enter")
        screen = t.wait_for("CREATE SCP FILE NEEDS CLEARANCE LEVEL 2; YOU ARE LEVEL 1")
        self.assertNotIn("[ SUBMIT ]", screen)

    def test_failed_logins_never_end_the_client(self):
        t = self.client()
        for attempt in range(4):
            self.login(t, "agent", "wrong-password")
            t.wait_for("ACCESS REFUSED: NAME OR PASSWORD NOT RECOGNISED.",
                       "IDENTIFICATION REQUIRED", absent=("DISCONNECTING",))
            # The name is kept and the password field has the focus: Tab, Ctrl-U clear it.
            t.keys("Tab", "C-u")
        # Esc clears; it does not quit.
        t.type("someone")
        t.keys("Escape")
        t.wait_for("IDENTIFICATION REQUIRED", absent=("someone",))
        t.keys("Escape", "Escape")
        self.login(t, "agent", "agent-pass")
        t.wait_for("Welcome, Field Agent agent.", "SCiPNET>")
        # ':' works at the welcome prompt; the next person starts with an empty name.
        t.type(":logout")
        t.keys("Enter")
        screen = t.wait_for("IDENTIFICATION REQUIRED", "LOGGED OUT")
        self.assertNotIn("agent", screen)
        t.keys("C-c")
        self.assertEqual(t.exit_status(), 0)

    # -- sizes ---------------------------------------------------------------------------

    def test_director_at_132x43_and_resizing(self):
        t = self.client(width=132, height=43)
        self.assertEqual(t.size(), "132x43")
        self.login(t, "director", "director-pass")
        screen = t.wait_for("AUTHORIZATION ACCEPTED", "WELCOME, SITE DIRECTOR director",
                            "Level 5 - Top Secret")
        self.assertIn("╔", screen)
        self.assertTrue(lines_fit(screen, 132))
        t.resize(80, 24)
        screen = t.wait_for("AUTHORIZATION ACCEPTED", "SCiPNET>", bottom="Enter run command")
        self.assertEqual(len(screen[:-1].split("\n")), 24)
        self.assertTrue(lines_fit(screen, 80))
        t.type("ACCESS SCP 100")
        t.keys("Enter")
        t.wait_for("SCP-100", "CLASSIFICATION: LEVEL 5 - TOP SECRET")
        t.resize(132, 43)
        screen = t.wait_for("SCP-100", bottom="q back")
        self.assertEqual(len(screen[:-1].split("\n")), 43)
        t.keys("q")
        t.wait_for("SCiPNET>")
        t.keys("Enter")
        t.wait_for("[1 SCP]", "SCP-100")
        t.resize(80, 24)
        screen = t.wait_for("[1 SCP]", "SCP-002", bottom="q back")
        self.assertTrue(lines_fit(screen, 80))


    def test_no_color_still_readable(self):
        self.home.pin(self.server.hostport, self.server.fingerprint)
        env = dict(self.home.env(), NO_COLOR="1")
        t = Terminal([self.server.hostport], env)
        self.terms.append(t)
        self.login(t, "cadet", "cadet-pass")
        t.wait_for("SCiPNET>")
        t.keys("Enter")
        t.wait_for("[1 SCP]", "[ACCESS RESTRICTED]")
        coloured = t.tmux("capture-pane", "-p", "-e", "-t", "t")
        self.assertNotIn("38;5;", coloured)  # no 256-colour foreground
        self.assertNotIn("38;2;", coloured)  # no direct colour
        self.assertNotRegex(coloured, r"\x1b\[(?:[0-9;]*;)?3[0-7]m")  # no basic colour
        self.assertRegex(coloured, r"SCP-005.*LEVEL 4")

    def test_no_server_offers_to_reconnect(self):
        port = free_port()
        t = self.client(["127.0.0.1:%d" % port], pin=False)
        # Never connected: nothing was lost; it says it could not connect, why, what to check.
        screen = t.wait_for("COULD NOT CONNECT", "cannot connect", "Connection refused",
                            "r reconnect")
        self.assertNotIn("CONNECTION LOST", screen)
        flat = re.sub(r"[\s│]+", " ", screen)
        self.assertIn("Check that the server is running", flat)
        self.assertTrue(lines_fit(screen, 80))
        t.keys("r")
        t.wait_for("COULD NOT CONNECT")
        t.keys("q")
        self.assertEqual(t.exit_status(), 1)



@needs_programs
class DemoTest(unittest.TestCase):
    """make demo's script in a terminal: the logins on the login screen, typos forgiven,
    the server up until the client ends, and no error when it does."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scipnet-demo-")
        self.home = Home()
        self.socket = os.path.join(self.home.dir, "tmux-demo.sock")

    def tearDown(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=10)
        self.home.remove()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_demo_shows_its_logins_and_survives_typos(self):
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        exit_file = os.path.join(self.dir, "exit")
        env = clean_env(dict(self.home.env(), TERM="xterm-256color", LANG="C.UTF-8",
                             LC_ALL="C.UTF-8", SCIPNET_BIN=os.path.dirname(program("scipnet"))))
        command = "cd %s && bash scripts/demo.sh %s; echo $? > %s; sleep 600" % (
            shell_quote(root), shell_quote(os.path.join(self.dir, "data")),
            shell_quote(exit_file))
        subprocess.run(["tmux", "-u", "-S", self.socket, "-f", "/dev/null", "new-session", "-d",
                        "-s", "t", "-x", "80", "-y", "24", command], env=env, check=True,
                       timeout=10)
        t = Terminal.__new__(Terminal)  # the harness's keys and screens on this session
        t.socket, t.exit_file = self.socket, exit_file
        screen = t.wait_for("IDENTIFICATION REQUIRED", "DEMO LOGINS",
                            "researcher / researcher-pass", timeout=60)
        self.assertTrue(lines_fit(screen, 80))
        for _ in range(3):
            t.type("cadet")
            t.keys("Enter")
            t.type("nope")
            t.keys("Enter")
            t.wait_for("ACCESS REFUSED")
            t.keys("Tab", "C-u")
        t.type("cadet")
        t.keys("Enter")
        t.type("cadet-pass")
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        t.keys("C-c")
        self.assertEqual(t.exit_status(timeout=20), 0)
        self.assertNotIn("status", t.screen())



if __name__ == "__main__":
    unittest.main()
