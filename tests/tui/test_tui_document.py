"""Formatted documents (art/document.c) in the client: a file's markdown rendered in the
terminal (lists, boxed tables, quotes, cut passages), refs followed with Tab and Enter and
left with Backspace to the same place, the text reflowed on resize, and `--batch read` in
its three forms (text, markdown, json), every one with control characters escaped."""
import json
import re
import shutil
import subprocess
import tempfile
import unittest

from fake_server import FakeServer, demo_handler
from tui_cases import FakeServerTestCase, TerminalTestCase, lines_fit, log_in
from tui_harness import Home, Terminal, clean_env, have_programs, needs_programs, program

LEVEL1 = {"level": 1, "name": "Level 1 - Unrestricted", "colour": "#009F6B"}
LEVEL4 = {"level": 4, "name": "Level 4 - Secret", "colour": "#FF6D00"}

# Forty filler lines push the refs out of the first screen, so following one needs a scroll.
FILLER = "".join("%d. Observation %d of the lamp.\n" % (i, i) for i in range(1, 41))
BODY = ("# Containment\n\nThe lamp is **never** lit *indoors*; ~~gas~~ is not needed.\n\n"
        "| Item | Where |\n|---|---|\n| Lamp | Vault 3 |\n| Wick | ")
BODY_AFTER = (" |\n\n> Staff report that the flame\n> never flickers in any draught.\n\n" + FILLER +
              "\nCompare SCP-049 and SITE-19 in the notes.[^1]\n\n[^1]: Filed by Dr. \x1b[2JRight.\n")


def file_reply(ref, title, parts):
    return {"ok": True, "file": {
        "ref": ref, "kind": "scp", "title": title, "classification": LEVEL1,
        "sections": [{"kind": "description", "title": "Description", "level": 1,
                      "parts": parts}]}}


def read_reply(req):
    ref = req.get("ref", "").upper()
    if ref == "SCP-013":
        return file_reply("SCP-013", "The Patient Lamp",
                          [{"text": BODY}, {"redacted": True, "needed_clearance": LEVEL4},
                           {"text": BODY_AFTER}])
    if ref == "SCP-014":  # no refs in its text: the header's are the only links
        reply = file_reply("SCP-014", "The Kept Key", [{"text": "A key with no lock."}])
        reply["file"]["site"] = {"ref": "SITE-19", "name": "Site-19"}
        reply["file"]["task_force"] = {"ref": "MTF-3", "name": "Epsilon-11"}
        return reply
    if ref == "SCP-049":
        return file_reply("SCP-049", "Plague Doctor", [{"text": "A **second** file."}])
    if ref == "SITE-19":
        return {"ok": False, "error": {"code": "redacted", "message": "above you"},
                "screen": {"kind": "redacted", "file_ref": "SITE-19",
                           "file_classification": LEVEL4, "usr_clearance": LEVEL1}}
    return {"ok": False, "error": {"code": "expunged", "message": "none"},
            "screen": {"kind": "expunged", "file_ref": ref}}


@needs_programs
class DocumentTerminalTest(FakeServerTestCase):
    tmp_prefix = "scipnet-doc-"
    ROWS = 30  # an SCP file opens with its ACS panel: room for the table and the quote below

    def connect(self):
        t = self.term = Terminal(["--fingerprint", self.server.fingerprint, self.server.hostport],
                                 self.home.env(), 80, self.ROWS)
        t.wait_for("IDENTIFICATION REQUIRED", "CONNECTED · fake")
        return t

    def handler(self):
        return demo_handler(read_reply)

    def open_file(self):
        t = self.read_file()
        return t, t.wait_for("SCP-013", "DESCRIPTION", "Containment")

    def test_formatted_file_shows_without_markdown_syntax(self):
        t, screen = self.open_file()
        self.assertIn("The lamp is never lit indoors; gas is not needed.", screen)
        self.assertNotIn("**", screen)
        self.assertNotIn("| Item", screen)
        self.assertRegex(screen, r"┌─+┬─+┐")
        self.assertRegex(screen, r"│ Lamp +│ Vault 3 +│")
        self.assertRegex(screen, r"│ Wick +│ ██████████ \[LEVEL 4 REQUIRED\] │")
        self.assertIn("│ Staff report that the flame never flickers in any draught.", screen)
        self.assertIn("1. Observation 1 of the lamp.", screen)
        self.assertTrue(lines_fit(screen, 80))

    def test_tab_and_enter_follow_a_ref_and_backspace_comes_back(self):
        t, _ = self.open_file()
        t.keys("Tab")
        # The first ref is below the first screen: Tab scrolls it into sight.
        before = t.wait_for("Compare SCP-049 and SITE-19", absent=("Containment",))
        pos = re.search(r" (\d+)-(\d+)/(\d+) ", before).group(0)
        t.keys("Enter")
        t.wait_for("SCP-049 Plague Doctor", "A second file.")
        t.keys("BSpace")
        back = t.wait_for("Compare SCP-049 and SITE-19", pos)
        self.assertNotIn("Plague Doctor", back)
        # The next ref is above the reader: the redacted screen, as typing it would show.
        t.keys("Tab")
        t.keys("Enter")
        t.wait_for("ACCESS DENIED", "FILE_REF: SITE-19 REDACTED")
        t.keys("q")
        t.wait_for("Compare SCP-049 and SITE-19", pos)
        reads = [r.get("ref") for r in self.server.requests if r.get("op") == "read"]
        self.assertEqual(reads[-2:], ["SCP-049", "SITE-19"])

    def test_the_headers_site_and_task_force_are_links(self):
        t = self.connect()
        log_in(t, "researcher", "pw")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP-014")
        t.keys("Enter")
        t.wait_for("SITE: Site-19 (SITE-19)", "TASK FORCE: Epsilon-11 (MTF-3)")
        # Shift-Tab from none: the last link, the task force; Tab goes round to the site.
        t.keys("BTab")
        t.keys("Tab")
        t.keys("Enter")
        t.wait_for("ACCESS DENIED", "FILE_REF: SITE-19 REDACTED")
        t.keys("BSpace")
        t.wait_for("A key with no lock.")
        t.keys("Tab")
        t.keys("Enter")
        t.wait_for("MTF-3", absent=("A key with no lock.",))
        reads = [r.get("ref") for r in self.server.requests if r.get("op") == "read"]
        self.assertEqual(reads, ["SCP-014", "SITE-19", "MTF-3"])

    def test_notes_are_numbered_and_controls_escaped(self):
        t, _ = self.open_file()
        t.keys("G")
        screen = t.wait_for("[1] Filed by Dr. \\e[2JRight.")
        self.assertIn("in the notes.[1]", screen)

    @staticmethod
    def top_line(screen):
        """The first line of the file's text: the one under the rule that shows the position."""
        lines = screen.splitlines()
        rule = next(i for i, line in enumerate(lines) if re.search(r"─ \d+-\d+/\d+ ─", line))
        return lines[rule + 1].strip()

    def test_resize_reflows_the_table_and_keeps_the_place(self):
        t, _ = self.open_file()
        t.keys("Tab")
        top = self.top_line(t.wait_for("Compare SCP-049"))
        t.resize(60, self.ROWS)
        screen = t.wait_for(top, absent=("Vault 3",))
        self.assertEqual(self.top_line(screen), top)  # the same text stays on top, as in less
        self.assertTrue(lines_fit(screen, 60), screen)
        t.keys("g")
        screen = t.wait_for("Vault 3", "│ Staff report that the flame never flickers in any")
        self.assertIn("│ draught.", screen)
        self.assertTrue(lines_fit(screen, 60), screen)
        t.resize(80, self.ROWS)
        t.wait_for("│ Staff report that the flame never flickers in any draught.")
        # The cut passage keeps its look in the narrower column: blocks, then what it needs.
        flat = re.sub(r"[\s│]+", "", screen)
        self.assertIn("██████████[LEVEL4REQUIRED]", flat)


@needs_programs
class DemoDocumentTest(TerminalTestCase):
    """The demo's SCP-013 addendum is markdown: a table, a quote, refs and a note."""

    tmp_prefix = "scipnet-doc-demo-"

    def test_demo_addendum_renders_and_its_ref_opens(self):
        t = self.client()
        self.login(t, "cadet", "cadet-pass")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP-013")
        t.keys("Enter")
        t.wait_for("A Considerate Umbrella")
        t.keys("a")
        t.wait_for("Addendum 013-1")
        t.keys("Enter")
        screen = t.wait_for("│ 013-44 │ clear    │  14:02 │", "│ Researcher's note: \"It")
        self.assertRegex(screen, r"│ Test +│ Sky +│ Opened │ Rain +│")
        self.assertIn("season.[1]", screen)
        self.assertNotIn("|---", screen)
        self.assertNotIn("**", screen)
        self.assertTrue(lines_fit(screen, 80))
        t.keys("G")
        end = t.wait_for("[1] The full log of 312 outings")
        self.assertRegex(end, r" \d+-(\d+)/\1 ")  # G went to the end
        # The first link in sight is SCP-002, level 2: the cadet gets the redacted screen.
        t.keys("Tab")
        t.keys("Enter")
        t.wait_for("ACCESS DENIED", "FILE_REF: SCP-002 REDACTED")
        t.keys("BSpace")
        self.assertEqual(t.wait_for("[1] The full log of 312 outings"), end)


@unittest.skipUnless(have_programs("scipnet"), "scipnet is not built")
class DocumentBatchTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scipnet-doc-batch-")
        self.home = Home()
        self.server = FakeServer(self.dir, demo_handler(read_reply))

    def tearDown(self):
        self.server.close()
        self.home.remove()
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_batch(self, *args):
        argv = [program("scipnet"), "--batch", "--fingerprint", self.server.fingerprint]
        argv += list(args[:-2]) + [self.server.hostport] + list(args[-2:])
        env = clean_env(self.home.env())
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           timeout=30)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def test_text_is_rendered_plain(self):
        rc, out, err = self.run_batch("read", "scp-013")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("\x1b", out)
        self.assertIn("The lamp is never lit indoors; gas is not needed.", out)
        self.assertNotIn("**", out)
        self.assertRegex(out, r"│ Wick +│ ██████████ \[LEVEL 4 REQUIRED\] │")
        self.assertIn("│ Staff report that the flame never flickers in any draught.", out)
        self.assertIn("[1] Filed by Dr. \\e[2JRight.", out)
        for line in out.splitlines():
            self.assertLessEqual(len(line), 80)

    def test_markdown_is_the_source_as_sent(self):
        rc, out, err = self.run_batch("--format", "markdown", "read", "scp-013")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("\x1b", out)
        self.assertTrue(out.startswith("# SCP-013 The Patient Lamp\n\n## Description\n\n"), out)
        self.assertIn("The lamp is **never** lit *indoors*; ~~gas~~ is not needed.", out)
        self.assertIn("| Wick | ██████████ [LEVEL 4 REQUIRED] |", out)
        self.assertIn("[^1]: Filed by Dr. \\e[2JRight.", out)

    def test_json_is_the_reply(self):
        rc, out, err = self.run_batch("--format", "json", "read", "scp-013")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("\x1b", out)
        parts = json.loads(out)["file"]["sections"][0]["parts"]
        self.assertEqual(parts[0]["text"], BODY)
        self.assertTrue(parts[1]["redacted"])

    def test_markdown_is_only_for_read(self):
        rc, out, err = self.run_batch("--format", "markdown", "whoami", "x")
        self.assertEqual(rc, 1)
        self.assertIn("--format markdown is for read", err)


if __name__ == "__main__":
    unittest.main()
