"""`scipnet --batch` status, edit and history against a real server: what a script
sees, the exit statuses of refusals, and conflicts between two editors."""
import json
import os
import subprocess
import tempfile
import unittest

from tui_harness import DemoServerTestCase, Home, clean_env, have_programs, program


@unittest.skipUnless(have_programs("scipnet", "scipnet-server", "deepwell"),
                     "scipnet, scipnet-server and deepwell are not all built")
class BatchEditTest(DemoServerTestCase):
    tmp_prefix = "scipnet-batch-edit-"

    def run_batch(self, *command, user, fmt=None):
        args = [program("scipnet"), "--batch", "--user", user, "--password-stdin",
                "--fingerprint", self.server.fingerprint]
        if fmt:
            args += ["--format", fmt]
        args += [self.server.hostport] + list(command)
        env = clean_env(self.home.env())
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        p = subprocess.run(args, input=(user + "-pass\n").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=30)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def text_file(self, text):
        fd, path = tempfile.mkstemp(prefix="scipnet-edit-", dir=self.dir)
        os.write(fd, text.encode())
        os.close(fd)
        return path

    def revision(self, ref, user="agent"):
        rc, out, err = self.run_batch("read", ref, user=user, fmt="json")
        self.assertEqual(rc, 0, err)
        return json.loads(out)["file"]["revision"]

    def test_status_changes_and_shows_in_history(self):
        rc, out, err = self.run_batch("status", "SCP-013", "neutralized", "burned\x1b[2J",
                                      user="agent")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "SCP-013: active -> neutralized\n")
        rc, out, err = self.run_batch("history", "SCP-013", user="officer")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^SCP-013 revision \d+\nEdits:\nStatus changes:\n"
                              r"  \d{4}-\d\d-\d\dT\S+  agent +active -> neutralized  burned"
                              r"\\e\[2J\n$")
        self.assertNotIn("\x1b", out)  # the reason's escape is shown, never sent to the terminal
        # A reader below the changer sees the change, not who made it.
        rc, out, err = self.run_batch("history", "SCP-013", user="cadet")
        self.assertRegex(out, r"\[REDACTED\] +active -> neutralized")
        rc, out, err = self.run_batch("status", "SCP-013", "neutralized", user="agent")
        self.assertEqual(rc, 1)
        self.assertIn("conflict", err)
        rc, out, err = self.run_batch("status", "SCP-005", "explained", user="agent")
        self.assertEqual(rc, 5, err)  # clearance denied
        rc, out, err = self.run_batch("status", "SCP-9999", "explained", user="agent")
        self.assertEqual(rc, 4, err)  # expunged

    def test_edit_a_section_then_a_stale_edit_conflicts(self):
        base = self.revision("SCP-217")
        path = self.text_file("Keep the clockwork wound.")
        rc, out, err = self.run_batch("edit", "SCP-217", "--section", "1", "--text-file", path,
                                      "--reason", "tidy", "--base-revision", str(base),
                                      user="agent")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^SCP-217 revision \d+ \(section 1\)\n$")
        rc, out, err = self.run_batch("read", "SCP-217", user="cadet")
        self.assertIn("Keep the clockwork wound.", out)
        # A second editor who read the same revision.
        rc, out, err = self.run_batch("edit", "SCP-217", "--section", "1", "--text-file", path,
                                      "--reason", "mine", "--base-revision", str(base),
                                      user="officer")
        self.assertEqual(rc, 1)
        self.assertIn("conflict", err)
        rc, out, err = self.run_batch("history", "SCP-217", user="agent", fmt="tsv")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0], "kind\tat\tby\trevision\tchange\told\tnew\treason")
        edits = [line.split("\t") for line in lines[1:] if line.startswith("edit\t")]
        self.assertEqual(len(edits), 1)
        self.assertEqual((edits[0][2], edits[0][4], edits[0][7]), ("agent", "section 1", "tidy"))

    def test_edit_fields_and_addendum(self):
        base = self.revision("SCP-042", user="officer")
        rc, out, err = self.run_batch("edit", "SCP-042", "--title", "The Quiet Room",
                                      "--risk", "Danger", "--reason", "renamed",
                                      "--base-revision", str(base), user="officer", fmt="tsv")
        self.assertEqual(rc, 0, err)
        ref, revision, change = out.splitlines()[1].split("\t")
        self.assertEqual((ref, change), ("SCP-042", "title, risk"))
        path = self.text_file("It spoke once.")
        rc, out, err = self.run_batch("edit", "SCP-042", "--addendum", "Addendum 042-3",
                                      "--level", "4", "--text-file", path, "--reason", "log",
                                      "--base-revision", revision, user="officer")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.run_batch("read", "SCP-042", user="officer")
        self.assertIn("The Quiet Room", out)
        self.assertIn("It spoke once.", out)
        # The level-4 addendum's edit is not in a level-3 reader's history; the officer is
        # above them, so the title edit's changer is [REDACTED].
        rc, out, err = self.run_batch("history", "SCP-042", user="agent")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("addendum", out)
        self.assertRegex(out, r"\[REDACTED\] +title, risk +renamed")

    def test_refusals_and_usage(self):
        base = self.revision("SCP-002", user="researcher")
        path = self.text_file("Nothing [[LEVEL 4]]to see[[/LEVEL]].")
        rc, out, err = self.run_batch("edit", "SCP-002", "--section", "1", "--text-file", path,
                                      "--reason", "x", "--base-revision", str(base),
                                      user="researcher")
        self.assertEqual(rc, 5, err)  # above their clearance
        self.assertIn("clearance_denied", err)
        big = self.text_file("x" * 60001)
        for args in (["--section", "1", "--text-file", path, "--reason", "x"],
                     ["--section", "1", "--text-file", path, "--base-revision", "1"],
                     ["--section", "1", "--reason", "x", "--base-revision", "1"],
                     ["--section", "1", "--text-file", big, "--reason", "x",
                      "--base-revision", "1"],
                     ["--section", "1", "--text-file", "/nonexistent", "--reason", "x",
                      "--base-revision", "1"],
                     ["--colour", "red", "--reason", "x", "--base-revision", "1"],
                     ["--section"]):
            rc, out, err = self.run_batch("edit", "SCP-002", *args, user="researcher")
            self.assertEqual(rc, 1, args)
            self.assertEqual(out, "")
            self.assertTrue(err.startswith("scipnet: "), err)
        for args in (["history"], ["history", "SCP-002", "--limit", "101"],
                     ["status", "SCP-002"]):
            rc, out, err = self.run_batch(*args, user="researcher")
            self.assertEqual(rc, 1, args)
        rc, out, err = self.run_batch("history", "SCP-100", user="researcher")
        self.assertEqual(rc, 3, err)  # redacted


if __name__ == "__main__":
    unittest.main()
