"""The interactive client in a real terminal (tmux) against a real server: what a person sees
at 80x24 and 132x43 while logging in, browsing, reading, being refused and resizing."""
import os
import re
import shutil
import tempfile
import unittest

import socket
import subprocess
import time

from fake_server import LEVEL1, FakeServer, demo_handler, flood, trickle
from tui_harness import (LONGEST_PASSWORD, DemoServerTestCase, Home, Server, Terminal, add_user,
                         clean_env, free_port, make_demo_store, needs_programs, program,
                         shell_quote)


def lines_fit(screen, width):
    return all(len(line) <= width for line in screen.splitlines())


@needs_programs
class TuiTest(DemoServerTestCase):
    def setUp(self):
        super().setUp()
        self.terms = []

    def tearDown(self):
        for t in self.terms:
            t.close()
        super().tearDown()

    def client(self, args=None, width=80, height=24, pin=True):
        if pin:
            self.home.pin(self.server.hostport, self.server.fingerprint)
        t = Terminal(args if args is not None else [self.server.hostport], self.home.env(),
                     width, height)
        self.terms.append(t)
        return t

    def login(self, t, user, password):
        t.wait_for("IDENTIFICATION REQUIRED")
        t.type(user)
        t.keys("Enter")
        t.type(password)
        t.keys("Enter")

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
                            "CONTAINMENT: Euclid", "SPECIAL CONTAINMENT PROCEDURES")
        self.assertIn("SITE: Site-19 (SITE-19)", screen)
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
        t.wait_for("[LEVEL 4 REQUIRED]", "ADDENDA: 2.", absent=("SPECIAL CONTAINMENT",))
        t.keys("q")
        t.wait_for("[1 SCP]")
        # The command line works from the browser too; LOGOUT ends the session.
        t.keys(":")
        t.type("LOGOUT")
        t.keys("Enter")
        t.wait_for("IDENTIFICATION REQUIRED", "LOGGED OUT")

    def test_slash_searches_the_text_a_reader_may_read(self):
        t = self.client()
        t.wait_for("IDENTIFICATION REQUIRED")
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("SCiPNET>")
        t.keys("Enter")
        t.wait_for("[1 SCP]", "SCP-002")
        t.keys("/")
        t.wait_for("SEARCH: _")
        t.type("cast-iron lamp")
        t.keys("Enter")
        screen = t.wait_for("SEARCH: cast-iron lamp", "1-1 OF 1", "SCP-002", "The Patient Lamp")
        self.assertIn("cast-iron", screen)
        self.assertTrue(lines_fit(screen, 80))
        # A word only SCP-002's level-5 addendum holds finds nothing for level 2.
        t.keys("/")
        t.type(" excavation")
        t.keys("Enter")
        t.wait_for("SEARCH: cast-iron lamp excavation", "NO FILE YOU MAY READ MATCHES")
        # A bad query says why.
        t.keys("/")
        t.type(' "open')
        t.keys("Enter")
        t.wait_for("bad_request", "closing")
        t.keys("/")
        for _ in range(len('cast-iron lamp excavation "open')):
            t.keys("BSpace")
        t.type("lamp")
        t.keys("Enter")
        t.wait_for("SEARCH: lamp", "SCP-002")
        t.keys("Enter")
        t.wait_for("SCP-002 The Patient Lamp", "CLASSIFICATION: LEVEL 2 - RESTRICTED")
        t.keys("q")
        t.wait_for("SEARCH: lamp")

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
        t.wait_for("SCP-013", "CONTAINMENT: Safe")
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

    # -- keys people already know ---------------------------------------------------

    def test_a_file_reads_like_less_and_back_keeps_the_place(self):
        t = self.client(width=80, height=20)  # the smallest height laid out
        self.login(t, "director", "director-pass")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP 002")
        t.keys("Enter")
        t.wait_for("SCP-002 The Patient Lamp", " 1-")
        t.keys("G")
        end = t.wait_for("ADDENDA:", absent=(" 1-",))
        t.keys("g")
        t.wait_for(" 1-", absent=("ADDENDA:",))
        t.keys("j", "j")
        t.wait_for(" 3-")
        t.keys("k")
        t.wait_for(" 2-")
        t.keys("Space")
        t.wait_for(absent=(" 2-",))
        t.keys("b")
        t.wait_for(" 2-")
        t.keys("d")
        t.wait_for(absent=(" 2-",))
        t.keys("u")
        t.wait_for(" 2-")
        t.keys("C-f")
        t.wait_for(absent=(" 2-",))
        t.keys("C-b")
        t.wait_for(" 2-")
        # The addenda and back: the body is where it was left.
        t.keys("a")
        t.wait_for("ADDENDA", "j/k select")
        t.keys("j", "Enter")
        t.wait_for("q back to addenda")
        t.keys("q", "q")
        t.wait_for(" 2-", "SCP-002")
        # A file opened from this one: q comes back here, at the same line.
        t.keys(":")
        t.type("ACCESS SCP 013")
        t.keys("Enter")
        t.wait_for("SCP-013")
        t.keys("q")
        t.wait_for("SCP-002 The Patient Lamp", " 2-")
        # / finds, in any case, from the line on top.
        t.keys("g", "/")
        t.type("calder row")
        t.keys("Enter")
        t.wait_for("a cobbled lane named Calder Row", absent=(" 1-", " 2-"))
        t.keys("/")
        t.type("no such words")
        t.keys("Enter")
        t.wait_for("NOT FOUND: no such words")
        t.keys("?")
        t.wait_for("SCiPNET HELP")
        t.keys("G")
        t.wait_for("reconnect after a lost connection")
        t.keys("g")
        t.wait_for("COMMANDS")
        self.assertTrue(end)

    def test_typed_lines_draw_their_cursor_where_it_is(self):
        def cursor():
            x, y = t.tmux("display-message", "-p", "-t", "t", "#{cursor_x} #{cursor_y}").split()
            return int(x), int(y)

        def wait_cursor(expected):
            deadline = time.monotonic() + 10
            while cursor() != expected and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(cursor(), expected, t.screen())

        t = self.client()
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("SCiPNET>")
        t.keys("Enter")
        t.wait_for("[1 SCP]", "SCP-002")
        # The list's search line: Left moves the cursor back, typing goes in there.
        t.keys("/")
        t.type("lmp")
        screen = t.wait_for("SEARCH: lmp")
        row = next(i for i, l in enumerate(screen.split("\n")) if "SEARCH: lmp" in l)
        start = screen.split("\n")[row].index("lmp")
        wait_cursor((start + 3, row))
        t.keys("Left", "Left")
        wait_cursor((start + 1, row))
        t.type("a")
        t.wait_for("SEARCH: lamp")
        wait_cursor((start + 2, row))
        t.keys("Enter")
        t.wait_for("SEARCH: lamp", "SCP-002", absent=("SCP-013",))
        # A file's find line, the same.
        t.keys("Enter")
        t.wait_for("SCP-002 The Patient Lamp")
        t.keys("/")
        t.type("calder")
        screen = t.wait_for("/calder")
        row = len(screen.rstrip("\n").split("\n")) - 2
        wait_cursor((7, row))
        t.keys("C-a")
        wait_cursor((1, row))

    def test_command_history_is_kept_between_runs_and_tab_completes(self):
        t = self.client()
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("SCiPNET>")
        t.type("li")
        t.keys("Tab")
        t.type("si")
        t.keys("Tab")
        t.wait_for("SCiPNET> LIST SITE")
        t.keys("Enter")
        t.wait_for("[2 SITE]", "SITE-19")
        t.keys(":")
        t.type("ACCESS SITE 1")
        t.keys("Tab")  # the refs of the list below
        t.wait_for(":ACCESS SITE 19")
        t.keys("Escape", "q")
        t.wait_for("SCiPNET>")
        # Left, Ctrl-W, Ctrl-U, Ctrl-K edit inside the line.
        t.type("ACCESS SCP 013")
        t.keys("Left", "Left", "Left", "C-w")
        t.wait_for("SCiPNET> ACCESS 013")
        t.keys("C-u")
        t.wait_for("SCiPNET> 013")
        t.keys("C-a", "C-k")
        t.type("QUIT")
        t.keys("Enter")
        self.assertEqual(t.exit_status(), 0)
        with open(os.path.join(self.home.dir, "state", "scipnet", "history")) as f:
            self.assertEqual(f.read(), "LIST SITE\nQUIT\n")
        # The next run walks back through them.
        t = self.client()
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("SCiPNET>")
        t.keys("Up")
        t.wait_for("SCiPNET> QUIT")
        t.keys("Up")
        t.wait_for("SCiPNET> LIST SITE")
        t.keys("Down", "Down")
        t.wait_for("SCiPNET>", absent=("SCiPNET> QUIT", "SCiPNET> LIST"))

    def test_the_list_below_a_form_shows_what_was_created(self):
        t = self.client()
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("SCiPNET>")
        t.keys("Enter")
        t.wait_for("[1 SCP]", "SCP-002", absent=("SCP-9004",))
        t.keys(":")
        t.type("CREATE SCP")
        t.keys("Enter")
        t.wait_for("CREATE SCP FILE")
        for value in ("9004", "Another Test Object", "2", "Safe", "", "", "", "SITE-19", "",
                      "It sits there too."):
            t.type(value) if value else None
            t.keys("Enter")
        t.keys("Enter")
        t.wait_for("FILE CREATED: SCP-9004")
        t.keys("Escape")
        t.wait_for("[1 SCP]", "SCP-9004", "Another Test Object")

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

    def test_researcher_creates_an_scp(self):
        t = self.client()
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("SCiPNET>")
        t.type("CREATE SCP")
        t.keys("Enter")
        t.wait_for("CREATE SCP FILE")
        # Submitting with a required field empty is caught before the server.
        t.keys("Up", "Enter")
        t.wait_for("NUMBER IS REQUIRED")
        for value in ("9003", "A Test Object", "2", "Safe", "", "", "", "SITE-19", "",
                      "It sits there."):
            t.type(value) if value else None
            t.keys("Enter")
        t.keys("Enter")
        t.wait_for("FILE CREATED: SCP-9003")
        t.keys("Escape")
        t.type("ACCESS SCP 9003")
        t.keys("Enter")
        t.wait_for("SCP-9003 A Test Object", "It sits there.")

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
class ReconnectTest(unittest.TestCase):
    """A server restart keeps the session: the client reconnects with the same token."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scipnet-tui-")
        self.db = make_demo_store(self.dir)
        self.server = Server(self.db, port=free_port()).start()
        self.home = Home()
        self.home.pin(self.server.hostport, self.server.fingerprint)
        self.term = None

    def tearDown(self):
        if self.term:
            self.term.close()
        self.server.stop()
        self.home.remove()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_server_restart_does_not_log_out(self):
        t = self.term = Terminal([self.server.hostport], self.home.env())
        t.wait_for("IDENTIFICATION REQUIRED")
        t.type("researcher")
        t.keys("Enter")
        t.type("researcher-pass")
        t.keys("Enter")
        t.wait_for("Welcome, Researcher researcher.")
        port, fingerprint = self.server.port, self.server.fingerprint
        self.server.stop()
        t.type("ACCESS SCP 013")
        t.keys("Enter")
        t.wait_for("CONNECTION LOST", "r reconnect")
        self.server = Server(self.db, port=port).start()
        self.assertEqual(self.server.fingerprint, fingerprint)
        t.keys("r")
        t.wait_for("SCP-013", "CONTAINMENT: Safe", "researcher",
                   absent=("IDENTIFICATION REQUIRED",))


@needs_programs
class ServerErrorTest(unittest.TestCase):
    """An internal error gets a clear screen that offers to try again."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scipnet-fake-")
        self.failures = 1

        def read(req):
            if self.failures > 0:
                self.failures -= 1
                return {"ok": False, "error": {"code": "internal", "message": "a bug"}}
            return {"ok": True, "screen": {"kind": "file"},
                    "file": {"ref": req["ref"], "kind": "scp", "title": "Second Try",
                             "classification": LEVEL1, "sections": [
                                 {"kind": "description", "title": "Description", "level": 1,
                                  "text": "Worked the second time; 機密 wide text."}]}}
        self.server = FakeServer(self.dir, demo_handler(read))
        self.home = Home()
        self.term = None

    def tearDown(self):
        if self.term:
            self.term.close()
        self.server.close()
        self.home.remove()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_internal_error_then_retry(self):
        t = self.term = Terminal(["--fingerprint", self.server.fingerprint, self.server.hostport],
                                 self.home.env())
        t.wait_for("IDENTIFICATION REQUIRED", "CONNECTED · fake")
        t.type("researcher")
        t.keys("Enter")
        t.type("pw")
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP 013")
        t.keys("Enter")
        t.wait_for("SERVER ERROR", "internal: a bug", "Press r to try again, q to quit.")
        t.keys("r")
        screen = t.wait_for("SCP-013 Second Try", "Worked the second time; 機密 wide text.")
        self.assertTrue(lines_fit(screen, 80))
        tokens = {r.get("token") for r in self.server.requests if r.get("op") == "read"}
        self.assertEqual(tokens, {"t" * 43})


@needs_programs
class RateLimitTest(unittest.TestCase):
    """The server asks to wait: the client counts it down on the login screen and stays."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scipnet-rate-")
        self.refusals = 1
        inner = demo_handler(lambda req: {"ok": True})

        def handler(req):
            if req.get("op") == "login" and self.refusals > 0:
                self.refusals -= 1
                return {"ok": False, "retry_after": 3,
                        "error": {"code": "rate_limited", "message": "too many failed logins"}}
            return inner(req)
        self.server = FakeServer(self.dir, handler)
        self.home = Home()
        self.term = None

    def tearDown(self):
        if self.term:
            self.term.close()
        self.server.close()
        self.home.remove()
        shutil.rmtree(self.dir, ignore_errors=True)

    def logins(self):
        return sum(1 for r in self.server.requests if r.get("op") == "login")

    def test_a_wait_is_counted_down_and_the_form_stays(self):
        t = self.term = Terminal(["--fingerprint", self.server.fingerprint, self.server.hostport],
                                 self.home.env())
        t.wait_for("IDENTIFICATION REQUIRED", "CONNECTED · fake")
        t.type("agent")
        t.keys("Enter")
        t.type("pw")
        t.keys("Enter")
        screen = t.wait_for("TOO MANY FAILED ATTEMPTS.", "NEXT ATTEMPT IN 3 SECONDS",
                            "IDENTIFICATION REQUIRED")
        self.assertNotIn("DISCONNECTING", screen)
        t.wait_for("NEXT ATTEMPT IN 2 SECONDS")
        # Enter while waiting sends nothing: the server said when.
        t.type("pw")
        t.keys("Enter")
        t.wait_for("WAIT ")
        self.assertEqual(self.logins(), 1)
        t.wait_for("YOU MAY TRY AGAIN.", timeout=6)
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        self.assertEqual(self.logins(), 2)


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


@needs_programs
class HostileServerTest(unittest.TestCase):
    """A server that floods or stalls: the client drops a connection that sends replies
    nobody asked for, and Ctrl-C quits at once however long the server takes."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scipnet-hostile-")
        self.read = None  # the raw answer to read, set by each test
        self.server = FakeServer(self.dir, demo_handler(lambda req: self.read))
        self.home = Home()
        self.term = None

    def tearDown(self):
        if self.term:
            self.term.close()
        self.server.close()
        self.home.remove()
        shutil.rmtree(self.dir, ignore_errors=True)

    def read_file(self):
        t = self.term = Terminal(["--fingerprint", self.server.fingerprint, self.server.hostport],
                                 self.home.env())
        t.wait_for("IDENTIFICATION REQUIRED", "CONNECTED · fake")
        t.type("researcher")
        t.keys("Enter")
        t.type("pw")
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP 013")
        t.keys("Enter")
        return t

    def test_flood_of_replies_with_wrong_ids_drops_the_connection(self):
        self.read = flood({"ok": True, "screen": {"kind": "file"}})
        t = self.read_file()
        screen = t.wait_for("SERVER ERROR", "Press r to try again, q to quit.")
        flat = re.sub(r"[\s│]+", "", screen)
        self.assertIn("areplytonorequestofours;connectiondropped", flat)
        self.assertTrue(self.server.closed.wait(10), "the flooding connection stayed open")
        t.keys("q")
        self.assertEqual(t.exit_status(), 1)

    def test_ctrl_c_quits_while_a_reply_trickles_in(self):
        self.read = trickle({"ok": True, "screen": {"kind": "file"}}, seconds=2.0)
        t = self.read_file()
        deadline = time.monotonic() + 10
        while not any(r.get("op") == "read" for r in self.server.requests):
            self.assertLess(time.monotonic(), deadline, "the client sent no read")
            time.sleep(0.05)
        time.sleep(0.3)  # the client is now waiting on the reply's bytes
        t.keys("C-c")
        self.assertEqual(t.exit_status(timeout=5), 0)

    def test_ctrl_c_quits_while_the_handshake_stalls(self):
        # A server that takes the TCP connection and never says a word of TLS.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        try:
            t = self.term = Terminal(["--fingerprint", "sha256:" + "0" * 64,
                                      "127.0.0.1:%d" % silent.getsockname()[1]],
                                     self.home.env())
            t.wait_for("CONNECTING")
            time.sleep(0.3)
            t.keys("C-c")
            self.assertEqual(t.exit_status(timeout=5), 0)
        finally:
            silent.close()


if __name__ == "__main__":
    unittest.main()
