"""The client in a terminal against the demo server: reading a file with the keys of less,
searching, editing typed lines, the command history and creating a file."""
import os
import time
import unittest

from tui_cases import TerminalTestCase, lines_fit
from tui_harness import needs_programs


@needs_programs
class TuiFilesTest(TerminalTestCase):
    tmp_prefix = "scipnet-tui-files-"

    def test_slash_searches_the_text_a_reader_may_read(self):
        t = self.client()
        t.wait_for("IDENTIFICATION REQUIRED")
        self.login(t, "researcher", "researcher-pass")
        t.wait_for("SCiPNET>")
        t.keys("Enter")
        t.wait_for("[1 SCP]", "SCP-002")
        t.keys("/")
        t.wait_for("SEARCH:", "words, \"a phrase\"")
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



if __name__ == "__main__":
    unittest.main()
