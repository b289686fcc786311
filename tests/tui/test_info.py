"""INFO (issue 19, section 2): what a class or clearance level means, from the store's
descriptions, in the terminal client (INFO KETER at the prompt, in tmux) and in batch mode
(`scipnet --batch info keter`), against a real server.

The demo store gets descriptions the way an import leaves them: one with a passage above
an officer (level 4), one with a terminal escape a hostile source could have put there.
"""
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from tui_cases import TerminalTestCase, lines_fit
from tui_harness import Server, clean_env, have_programs, make_demo_store, needs_programs, program

KETER = ("Keter-class objects are difficult to contain.\n"
         "[[LEVEL 5]]Only the O5 know why.[[/LEVEL]]\n")
SECRET = "Need to know: \x1b[31mred\x1b[0m files.\n"


def describe(db):
    con = sqlite3.connect(db)
    try:
        con.execute("UPDATE containment_classes SET description = ? WHERE name = 'Keter'",
                    (KETER,))
        con.execute("UPDATE clearance_levels SET description = ? WHERE id = 4", (SECRET,))
        con.commit()
    finally:
        con.close()


class DescribedStore:
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix=cls.tmp_prefix)
        cls.db = make_demo_store(cls.dir)
        describe(cls.db)
        cls.server = Server(cls.db).start()


@unittest.skipUnless(have_programs("scipnet", "scipnet-server", "deepwell"),
                     "scipnet, scipnet-server and deepwell are not all built")
class BatchInfoTest(DescribedStore, TerminalTestCase):
    tmp_prefix = "scipnet-info-batch-"

    def batch(self, *command, user="officer", password="officer-pass", fmt=None):
        args = [program("scipnet"), "--batch", "--user", user, "--password-stdin",
                "--fingerprint", self.server.fingerprint]
        if fmt:
            args += ["--format", fmt]
        env = clean_env(self.home.env())
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        p = subprocess.run(args + [self.server.hostport] + list(command),
                           input=(password + "\n").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=30)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def test_info_prints_a_class_cut_to_the_reader(self):
        rc, out, err = self.batch("info", "keter")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[0], "Keter (containment class)")
        self.assertIn("Keter-class objects are difficult to contain.", out)
        self.assertNotIn("O5 know", out)
        rc, out, err = self.batch("info", "KETER", user="director", password="director-pass")
        self.assertIn("Only the O5 know why.", out)

    def test_info_level_words_escapes_and_formats(self):
        rc, out, err = self.batch("info", "level", "4")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[0], "Level 4 - Secret (level)")
        self.assertNotIn("\x1b", out)  # the escape is shown, never sent to the terminal
        self.assertIn("Need to know: \\e[31mred\\e[0m files.", out)
        rc, out, err = self.batch("info", "level", "4", fmt="tsv")
        self.assertEqual(out.splitlines()[0], "kind\tname\tlevel\tdescription")
        self.assertTrue(out.splitlines()[1].startswith("level\tLevel 4 - Secret\t4\t"), out)
        rc, out, err = self.batch("info", "vlam", fmt="json")
        self.assertEqual(rc, 0, err)
        self.assertIn('"kind": "disruption"', out.replace('":"', '": "'))

    def test_help_lists_the_info_verb(self):
        p = subprocess.run([program("scipnet"), "--help"], stdout=subprocess.PIPE, timeout=10)
        self.assertIn("info TOPIC", p.stdout.decode())

    def test_info_refusals_exit_as_documented(self):
        rc, out, err = self.batch("info", "level", "5")
        self.assertEqual(rc, 5, err)  # clearance denied
        self.assertIn("CLEARANCE LEVEL 5 - TOP SECRET REQUIRED", out)
        rc, out, err = self.batch("info", "omega", "black")
        self.assertEqual(rc, 1)
        self.assertIn("bad_request", err)
        rc, out, err = self.batch("info")
        self.assertEqual(rc, 1)
        self.assertIn("info TOPIC", err)


@needs_programs
class TuiInfoTest(DescribedStore, TerminalTestCase):
    tmp_prefix = "scipnet-info-tui-"

    def test_info_at_the_prompt_and_on_the_help(self):
        t = self.client()
        self.login(t, "officer", "officer-pass")
        t.wait_for("SCiPNET>")
        t.type("INFO KETER")
        t.keys("Enter")
        screen = t.wait_for("Keter-class objects are difficult to contain.")
        self.assertNotIn("O5 know", screen)
        self.assertTrue(lines_fit(screen, 80))
        t.keys("q")
        t.wait_for("SCiPNET>")
        t.type("info level 4")
        t.keys("Enter")
        screen = t.wait_for("Level 4 - Secret", "Need to know:")
        t.keys("q")
        t.type("INFO LEVEL 5")
        t.keys("Enter")
        t.wait_for("LEVEL 5")  # the clearance denied screen
        t.keys("q")
        t.keys(":")
        t.type("HELP")
        t.keys("Enter")
        t.wait_for("INFO KETER", "INFO LEVEL 4")


if __name__ == "__main__":
    unittest.main()
