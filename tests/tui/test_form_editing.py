"""A create form's fields edit as every typed line does (readline's keys, the cursor drawn
inside the text), in a real terminal against a real server: what was edited is what the
server stores."""
import re
import unittest

from tui_harness import DemoServerTestCase, Terminal, needs_programs


@needs_programs
class FormEditingTest(DemoServerTestCase):
    tmp_prefix = "scipnet-form-edit-"

    def setUp(self):
        super().setUp()
        self.home.pin(self.server.hostport, self.server.fingerprint)
        self.term = None

    def tearDown(self):
        if self.term:
            self.term.close()
        super().tearDown()

    def cursor(self, t):
        x, y = t.tmux("display-message", "-p", "-t", "t", "#{cursor_x} #{cursor_y}").split()
        return int(x), int(y)

    def at(self, t, text):
        """Waits for text and returns where it starts on the screen: (column, row)."""
        screen = t.wait_for(text)
        for y, line in enumerate(screen.split("\n")):
            if text in line:
                return line.index(text), y
        raise AssertionError(text)

    def test_a_field_edits_like_a_line_and_the_server_gets_it(self):
        t = self.term = Terminal([self.server.hostport], self.home.env(), 80, 24)
        t.wait_for("IDENTIFICATION REQUIRED")
        t.type("officer")
        t.keys("Enter")
        t.type("officer-pass")
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        t.type("CREATE SITE")
        t.keys("Enter")
        t.wait_for("CREATE SITE FILE")
        t.type("Ste-81")
        col, row = self.at(t, "Ste-81")
        t.keys("C-a", "Right")
        t.wait_for("Ste-81")
        self.assertEqual(self.cursor(t), (col + 1, row))  # in the text, not at its end
        t.type("i")
        t.wait_for("Site-81")
        self.assertEqual(self.cursor(t), (col + 2, row))
        t.keys("C-e")
        t.type(" Annex Wing")  # typed or pasted, it goes in at the cursor
        t.keys("C-w", "C-w")
        t.type("Outpost")
        t.wait_for("Site-81 Outpost", absent=("Annex",))
        t.keys("C-a", "Right", "Right", "DC", "C-a")
        t.wait_for("Sie-81 Outpost")
        t.type("X")
        t.keys("C-k")
        t.wait_for("X", absent=("Sie-81",))
        t.keys("C-u")
        t.type("Site-81 Outpost")
        t.keys("Left", "Left", "Left", "Left", "Left", "Left", "Left", "BSpace")
        t.wait_for("Site-81Outpost")
        t.type(" ")
        for _ in range(5):
            t.keys("Enter")
        t.keys("Enter")
        screen = t.wait_for("FILE CREATED: SITE-")
        ref = re.search(r"FILE CREATED: (SITE-\d+)", screen).group(1)
        t.keys("Escape")
        t.wait_for("SCiPNET>")
        t.type("ACCESS " + ref)
        t.keys("Enter")
        t.wait_for("Site-81 Outpost")


if __name__ == "__main__":
    unittest.main()
