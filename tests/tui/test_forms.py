"""The create forms in a real terminal (tmux) against a real server: a form the user may
not submit is not opened, rules and assigned numbers are said before typing, the server's
refusals read like the rest of the screen, a created file clears the form, long text goes
to $VISUAL, and the welcome suggests only what the user may run."""
import os
import stat
import subprocess
import tempfile
import unittest

from tui_cases import TerminalTestCase
from tui_harness import Terminal, clean_env, needs_programs, program, shell_quote


class EditorTerminal(Terminal):
    """A Terminal whose client gets $VISUAL (the harness passes only its own variables)."""

    def __init__(self, args, env, visual, width=80, height=24):
        Terminal.counter += 1
        self.socket = os.path.join(env["HOME"], "tmux-%d.sock" % Terminal.counter)
        self.exit_file = os.path.join(env["HOME"], "exit-%d" % Terminal.counter)
        run_env = clean_env(env)
        run_env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                        "VISUAL": visual})
        assigns = " ".join("%s=%s" % (k, shell_quote(v)) for k, v in sorted(run_env.items())
                           if k in ("HOME", "XDG_DATA_HOME", "TERM", "LANG", "LC_ALL", "VISUAL"))
        command = "env %s %s; echo $? > %s; sleep 600" % (
            assigns, " ".join(shell_quote(a) for a in [program("scipnet")] + list(args)),
            shell_quote(self.exit_file))
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y",
                  str(height), command, env=run_env)
        self.tmux("set-option", "-t", "t", "status", "off")


@needs_programs
class FormsTest(TerminalTestCase):
    tmp_prefix = "scipnet-forms-"

    def client(self, user, visual=None, width=80, height=24):
        self.home.pin(self.server.hostport, self.server.fingerprint)
        if visual is None:
            t = Terminal([self.server.hostport], self.home.env(), width, height)
        else:
            t = EditorTerminal([self.server.hostport], self.home.env(), visual, width, height)
        self.terms.append(t)
        t.wait_for("IDENTIFICATION REQUIRED")
        t.type(user)
        t.keys("Enter")
        t.type(user + "-pass")
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        return t

    def command(self, t, line):
        t.type(line)
        t.keys("Enter")

    def fill(self, t, values):
        for value in values:
            if value:
                t.type(value)
            t.keys("Enter")

    def test_a_cadet_is_told_up_front_and_gets_no_form(self):
        t = self.client("cadet")
        screen = t.wait_for("Type a command, e.g. LIST SCP, LIST SITE, HELP.")
        self.assertNotIn("ACCESS SCP 002", screen)  # a file above a cadet
        self.assertNotIn("CREATE", screen)
        self.command(t, "CREATE SITE")
        screen = t.wait_for("CREATE SITE FILE NEEDS CLEARANCE LEVEL 3; YOU ARE LEVEL 1")
        self.assertNotIn("[ SUBMIT ]", screen)
        self.command(t, "CREATE SCP")
        t.wait_for("CREATE SCP FILE NEEDS CLEARANCE LEVEL 2; YOU ARE LEVEL 1")

    def test_the_welcome_suggests_what_each_level_may_run(self):
        t = self.client("researcher")
        t.wait_for("Type a command, e.g. LIST SCP, CREATE SCP, HELP.")
        t = self.client("agent")
        t.wait_for("e.g. LIST SCP, CREATE SITE, HELP.")

    def test_rules_and_assigned_numbers_are_said_before_typing(self):
        t = self.client("officer")
        self.command(t, "CREATE USER")
        t.wait_for("CREATE PERSONNEL FILE", "Password: 8 characters or more. USER-n is assigned.",
                   "8 or more characters")
        t.keys("Escape")
        self.command(t, "CREATE SITE")
        t.wait_for("Site numbers are assigned: type a name, get SITE-n.")
        self.fill(t, ["Site-81", "", "", "", ""])
        t.keys("Enter")
        screen = t.wait_for("FILE CREATED: SITE-")
        # The number is the store's, as the form said: not 81 because "81" was typed.
        self.assertNotIn("SITE-81 ", screen)

    def test_server_refusals_read_like_the_rest(self):
        t = self.client("officer")
        self.command(t, "CREATE USER")
        t.wait_for("CREATE PERSONNEL FILE")
        self.fill(t, ["cadet", "long-enough-pass", "1", "Researcher", "", ""])
        t.keys("Enter")
        screen = t.wait_for("NOT CREATED: THAT NAME OR NUMBER ALREADY EXISTS")
        self.assertNotIn("conflict:", screen)
        # A password the server's policy refuses: its sentence, in the form's capitals.
        t.keys("Down")  # SUBMIT wraps round to the name
        for _ in range(len("cadet")):
            t.keys("BSpace")
        t.type("form.short")
        t.keys("Down")
        for _ in range(len("long-enough-pass")):
            t.keys("BSpace")
        t.type("short")
        t.keys("Enter")
        for _ in range(4):
            t.keys("Down")
        t.keys("Enter")
        t.wait_for("NOT CREATED: THE PASSWORD MUST HAVE AT LEAST 8 CHARACTERS")

    def test_a_created_file_clears_the_form_and_enter_again_makes_nothing(self):
        t = self.client("officer")
        self.command(t, "CREATE SCP")
        t.wait_for("CREATE SCP FILE", "SCP-n takes the number you type.")
        self.fill(t, ["9401", "Cleared Form", "1", "Safe", "", "", "", "", "", ""])
        t.keys("Enter")
        screen = t.wait_for("FILE CREATED: SCP-9401")
        self.assertNotIn("Cleared Form", screen)
        self.assertNotIn("9401_", screen)
        # Enter on SUBMIT again: the empty form is caught before the server, no conflict.
        for _ in range(10):
            t.keys("Tab")
        t.keys("Enter")
        screen = t.wait_for("NUMBER IS REQUIRED")
        self.assertNotIn("ALREADY EXISTS", screen)

    def test_the_number_field_takes_a_suffixed_designation(self):
        t = self.client("officer")
        self.command(t, "CREATE SCP")
        t.wait_for("CREATE SCP FILE")
        self.fill(t, ["9404-arc", "Archived", "1", "Safe", "", "", "", "", "", ""])
        t.keys("Enter")
        t.wait_for("FILE CREATED: SCP-9404-ARC")
        self.fill(t, ["SCP-9404-ARC", "Twice", "1", "Safe", "", "", "", "", "", ""])
        t.keys("Enter")
        t.wait_for("NOT CREATED:")
        # The plain number is another file, still free.
        t.keys("Escape")
        t.wait_for("SCiPNET>")
        self.command(t, "CREATE SCP")
        t.wait_for("CREATE SCP FILE")
        self.fill(t, ["9404", "Plain", "1", "Safe", "", "", "", "", "", ""])
        t.keys("Enter")
        screen = t.wait_for("FILE CREATED: SCP-9404 ")
        self.assertNotIn("SCP-9404-ARC", screen)

    def test_the_server_still_judges_a_level_above_ones_own(self):
        t = self.client("researcher")
        self.command(t, "CREATE SCP")
        t.wait_for("CREATE SCP FILE")
        self.fill(t, ["9402", "Too High", "3", "Safe", "", "", "", "", "", ""])
        t.keys("Enter")
        t.wait_for("INSUFFICIENT CLEARANCE", "CLEARANCE LEVEL 3 - CONFIDENTIAL REQUIRED")
        t.keys("q")
        t.wait_for("CREATE SCP FILE")

    def test_a_description_is_written_in_the_users_editor(self):
        tmp = tempfile.mkdtemp(prefix="scipnet-editor-", dir=self.home.env()["HOME"])
        editor = os.path.join(tmp, "editor.sh")
        with open(editor, "w") as f:
            f.write("#!/bin/sh\nstat -c %%a \"$1\" > %s/mode\n"
                    "printf 'It hums at night.\\n\\nIt stops when watched.\\n' > \"$1\"\n"
                    % shell_quote(tmp))
        os.chmod(editor, stat.S_IRWXU)
        t = self.client("researcher", visual=editor)
        self.command(t, "CREATE SCP")
        t.wait_for("CREATE SCP FILE")
        self.fill(t, ["9403", "Humming Box", "2", "Safe", "", "", "", "", ""])
        t.wait_for("Ctrl-O: $EDITOR")
        t.keys("C-o")
        t.wait_for("It hums at night. (+2 lines)")
        with open(os.path.join(tmp, "mode")) as f:
            self.assertEqual(f.read(), "600\n")
        t.keys("Enter")  # SUBMIT
        t.wait_for("FILE CREATED: SCP-9403")
        t.keys("Escape")
        self.command(t, "ACCESS SCP 9403")
        screen = t.wait_for("SCP-9403 Humming Box", "It hums at night.",
                            "It stops when watched.")
        rows = screen.splitlines()
        first = next(i for i, r in enumerate(rows) if "It hums at night." in r)
        self.assertEqual(rows[first + 1].strip(" │|"), "", "the paragraphs ran together")


if __name__ == "__main__":
    unittest.main()
