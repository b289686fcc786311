"""STATUS, EDIT and HISTORY in a real terminal (tmux) against a real server: a status
change and its history, a section edited in $VISUAL and saved with a reason, two editors
of one revision (the second is told, nothing is overwritten), and the refusals of text
above the editor's clearance."""
import os
import stat
import tempfile
import unittest

from test_forms import EditorTerminal
from tui_cases import TerminalTestCase
from tui_harness import needs_programs, shell_quote


@needs_programs
class ChangesTest(TerminalTestCase):
    tmp_prefix = "scipnet-changes-"

    def editor(self, text):
        """A $VISUAL that keeps what it was given (self.seen) and writes text over it."""
        tmp = tempfile.mkdtemp(prefix="scipnet-editor-", dir=self.home.env()["HOME"])
        path = os.path.join(tmp, "editor.sh")
        self.seen = os.path.join(tmp, "seen")
        with open(path, "w") as f:
            f.write("#!/bin/sh\ncp \"$1\" %s\nprintf '%%s\\n' %s > \"$1\"\n"
                    % (shell_quote(self.seen), shell_quote(text)))
        os.chmod(path, stat.S_IRWXU)
        return path

    def logged_in(self, user, visual=None):
        self.home.pin(self.server.hostport, self.server.fingerprint)
        t = EditorTerminal([self.server.hostport], self.home.env(),
                           visual or self.editor("unused"))
        self.terms.append(t)
        self.login(t, user, user + "-pass")
        t.wait_for("SCiPNET>")
        return t

    def command(self, t, line):
        t.type(line)
        t.keys("Enter")

    def test_status_then_its_history(self):
        t = self.logged_in("agent")
        self.command(t, 'STATUS SCP-013 explained "umbrella folded"')
        t.wait_for("SCP-013: ACTIVE -> EXPLAINED")
        self.command(t, ":HISTORY SCP-013")
        screen = t.wait_for("HISTORY SCP-013", "STATUS CHANGES")
        self.assertRegex(screen, r"agent +active -> explained  umbrella folded")
        t.keys("q")
        # The file shows its status history after the text; h shows the whole history.
        self.command(t, ":ACCESS SCP-013")
        t.wait_for("h history")
        t.keys("G")
        screen = t.wait_for("h history", "STATUS HISTORY")
        self.assertRegex(screen, r"agent +active -> explained +umbrella folded")
        t.keys("h")
        t.wait_for("HISTORY SCP-013", "active -> explained")
        # The server refuses a file above the user, shown as its screen.
        t.keys("q")
        self.command(t, ":STATUS SCP-005 neutralized")
        t.wait_for("CLEARANCE")

    def test_a_section_is_edited_in_the_editor_and_saved_with_a_reason(self):
        t = self.logged_in("agent", self.editor("The clockwork is wound daily."))
        self.command(t, "EDIT SCP-217 1")
        screen = t.wait_for("EDIT SCP-217", "SECTION 1:", "BASED ON REVISION", "REASON:")
        self.assertIn("The clockwork is wound daily.", screen)
        with open(self.seen) as f:  # the editor was given the section as it was
            self.assertTrue(f.read().startswith("SCP-217 is neutralized.  It is displayed"))
        t.keys("Enter")  # no reason yet
        t.wait_for("AN EDIT NEEDS A REASON")
        t.type("tidier")
        t.keys("Enter")
        screen = t.wait_for("SCP-217 SECTION 1 SAVED AS REVISION")
        self.assertIn("The clockwork is wound daily.", screen)  # the file, as it is now
        t.keys("h")
        screen = t.wait_for("HISTORY SCP-217", "EDITS")
        self.assertRegex(screen, r"agent +section 1 +tidier")

    def test_an_addendum_is_added_and_none_above_the_editor(self):
        t = self.logged_in("agent", self.editor("It did not rain for a week."))
        self.command(t, "EDIT SCP-013 ADDENDUM 4 Addendum 013-9: Secret")
        t.wait_for("NEW ADDENDUM, LEVEL 4: Addendum 013-9: Secret", "REASON:")
        t.type("too high")
        t.keys("Enter")
        t.wait_for("CLEARANCE LEVEL 4")  # the server's refusal, as its screen
        t.keys("q")
        t.wait_for("NEW ADDENDUM, LEVEL 4")  # back on the edit screen, the text kept
        t.keys("Escape")
        t.wait_for("SCiPNET>")
        self.command(t, "EDIT SCP-013 ADDENDUM 2 Addendum 013-9: Dry Spell")
        screen = t.wait_for("NEW ADDENDUM, LEVEL 2: Addendum 013-9: Dry Spell")
        self.assertIn("It did not rain for a week.", screen)
        t.type("field note")
        t.keys("Enter")
        t.wait_for("SCP-013 ADDENDUM SAVED AS REVISION")
        t.keys("a")
        t.wait_for("Addendum 013-9: Dry Spell")
        t.keys("q")
        t.keys("h")
        screen = t.wait_for("HISTORY SCP-013", "EDITS")
        self.assertRegex(screen, r"agent +addendum +field note")

    def test_a_second_editor_of_the_same_revision_is_told_and_nothing_is_lost(self):
        first = self.logged_in("agent", self.editor("First words."))
        second = self.logged_in("officer", self.editor("Second words."))
        self.command(first, "EDIT SCP-042 1")
        self.command(second, "EDIT SCP-042 1")
        first.wait_for("REASON:")
        second.wait_for("REASON:")
        first.type("one")
        first.keys("Enter")
        first.wait_for("SAVED AS REVISION")
        second.type("two")
        second.keys("Enter")
        screen = second.wait_for("CONFLICT: SCP-042 CHANGED SINCE REVISION")
        self.assertIn("NOTHING SAVED", screen)
        self.assertIn("EDIT SCP-042", screen)  # still on the edit screen, text kept
        second.keys("Escape")
        self.command(second, ":ACCESS SCP-042")
        screen = second.wait_for("SCP-042")
        self.assertIn("First words.", screen)
        self.assertNotIn("Second words.", screen)

    def test_nobody_edits_above_their_clearance(self):
        t = self.logged_in("researcher", self.editor("Keep it dark. [[LEVEL 4]]Or not.[[/LEVEL]]"))
        # Section 2 holds a level-4 passage the researcher cannot read.
        self.command(t, "EDIT SCP-002 2")
        t.wait_for("SECTION 2 HOLDS TEXT ABOVE YOUR CLEARANCE")
        # Their new text marks a passage above them: the server refuses it.
        self.command(t, ":EDIT SCP-002 1")
        t.wait_for("REASON:")
        t.type("x")
        t.keys("Enter")
        t.wait_for("CLEARANCE LEVEL 4")
        self.command(t, ":EDIT SCP-002")
        t.wait_for("USAGE: EDIT SCP-002 N")


if __name__ == "__main__":
    unittest.main()
