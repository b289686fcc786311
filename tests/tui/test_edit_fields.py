"""EDIT SCP-002 CLASS KETER (and TITLE, LEVEL) in a real terminal (tmux) against a real
server: the field screen shows old -> new, asks why, saves one edit and shows the file again
with the new class in its ACS panel; refusals are the server's, and Esc saves nothing."""
from tui_cases import TerminalTestCase, lines_fit
from tui_harness import needs_programs


@needs_programs
class EditFieldsTest(TerminalTestCase):
    tmp_prefix = "scipnet-edit-fields-"

    def logged_in(self, user):
        t = self.client()
        self.login(t, user, user + "-pass")
        t.wait_for("SCiPNET>")
        return t

    def command(self, t, line):
        t.type(line)
        t.keys("Enter")

    def test_class_changed_shows_in_the_acs_panel_and_history(self):
        t = self.logged_in("agent")
        self.command(t, "ACCESS SCP-002")
        t.wait_for("SCP-002 The Patient Lamp", "CONTAINMENT ██ EUCLID")
        # Typed in capitals, named as the store has it.
        self.command(t, ":EDIT SCP-002 CLASS KETER")
        screen = t.wait_for("CHANGE SCP-002: CONTAINMENT CLASS", "Euclid -> Keter",
                            "BASED ON REVISION", "REASON:")
        self.assertTrue(lines_fit(screen, 80))
        t.keys("Enter")
        t.wait_for("AN EDIT NEEDS A REASON")
        t.type("breached twice")
        t.keys("Enter")
        screen = t.wait_for("SCP-002 The Patient Lamp", "CONTAINMENT ██ KETER",
                            "SCP-002 CONTAINMENT CLASS SAVED AS REVISION")
        self.assertNotIn("EUCLID", screen)
        t.keys("h")
        screen = t.wait_for("HISTORY SCP-002", "containment")
        self.assertRegex(screen, r"agent +containment +breached twice")
        # The stale file was replaced, not stacked: q goes back past it to the welcome.
        t.keys("q")
        t.wait_for("CONTAINMENT ██ KETER")
        t.keys("q")
        t.wait_for("SCiPNET>", absent=("CONTAINMENT ██",))

    def test_title_and_level_and_a_cleared_class(self):
        t = self.logged_in("agent")
        self.command(t, "EDIT SCP-217 TITLE The Tin Heron, Grounded")
        t.wait_for("CHANGE SCP-217: TITLE", "The Tin Heron -> The Tin Heron, Grounded")
        t.type("renamed")
        t.keys("Enter")
        t.wait_for("SCP-217 The Tin Heron, Grounded", "SAVED AS REVISION")
        self.command(t, ":EDIT SCP-217 LEVEL 2")
        t.wait_for("CHANGE SCP-217: CLASSIFICATION LEVEL", "1 -> 2")
        t.type("raised")
        t.keys("Enter")
        t.wait_for("SCP-217 The Tin Heron, Grounded", "CLASSIFICATION: LEVEL 2")
        self.command(t, ":EDIT SCP-217 CLASS NONE")
        t.wait_for("CHANGE SCP-217: CONTAINMENT CLASS", "Neutralized -> (none)")
        t.type("unknown now")
        t.keys("Enter")
        t.wait_for("SCP-217 The Tin Heron, Grounded", "CONTAINMENT ·· [DATA EXPUNGED]")

    def test_refusals_and_escape_save_nothing(self):
        t = self.logged_in("agent")
        # A class that does not exist: the server's word, the screen stays.
        self.command(t, "EDIT SCP-013 CLASS BANANA")
        t.wait_for("CHANGE SCP-013: CONTAINMENT CLASS", "Safe -> BANANA")
        t.type("fruit")
        t.keys("Enter")
        t.wait_for("UNKNOWN CONTAINMENT CLASS")
        # Esc: nothing saved.
        t.keys("Escape")
        self.command(t, ":EDIT SCP-013 RISK CRITICAL")
        t.wait_for("CHANGE SCP-013: RISK CLASS", "-> Critical")
        t.keys("Escape")
        self.command(t, ":ACCESS SCP-013")
        t.wait_for("SCP-013 A Considerate Umbrella", "CONTAINMENT ██ SAFE",
                   "RISK        ██ NOTICE")
        # A bad line is refused before the server is asked.
        self.command(t, ":EDIT SCP-013 LEVEL 9")
        t.wait_for("USAGE: EDIT SCP-002 TITLE TEXT")
        # Level 1 edits nothing: the server's refusal screen.
        cadet = self.logged_in("cadet")
        self.command(cadet, "EDIT SCP-013 CLASS KETER")
        cadet.wait_for("CHANGE SCP-013: CONTAINMENT CLASS")
        cadet.type("try")
        cadet.keys("Enter")
        cadet.wait_for("CLEARANCE")
        # Above the reader: the file is not even read.
        self.command(cadet, ":EDIT SCP-005 CLASS SAFE")
        cadet.wait_for("REDACTED", absent=("CHANGE SCP-005",))
