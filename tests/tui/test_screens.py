"""Screenshot tests: every screen at 60x20, 80x24 and 200x60, in 8 and 256 colours, in a
UTF-8 and a C locale (plus TERM=linux, NO_COLOR and the themes), captured from tmux as a
person sees it.  Each capture must fit its width, keep the title bar and the key line
intact, and show every redaction as one: blocks (or reversed '#' in ASCII) with the level.
Also: one line when the window is too small, and the scroll position across a resize."""
import os
import re
import unicodedata
import unittest

import subprocess

from tui_harness import (DemoServerTestCase, Terminal, clean_env, free_port, needs_programs,
                         program)

SIZES = ((60, 20), (80, 24), (200, 60))
TERMS = (("xterm", 8), ("xterm-256color", 256))
LOCALES = ("C.UTF-8", "C")

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def width(line):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def rows(screen):
    return screen[:-1].split("\n") if screen.endswith("\n") else screen.split("\n")


def colours_used(escaped):
    """The foreground colours in a capture-pane -e screen, as SGR parameter strings."""
    found = set()
    for params in SGR.findall(escaped):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            if parts[i] == "38" and i + 2 < len(parts) and parts[i + 1] == "5":
                found.add("38;5;" + parts[i + 2])
                i += 3
                continue
            if re.fullmatch(r"3[0-7]|9[0-7]", parts[i]):
                found.add(parts[i])
            i += 1
    return found


def reversed_hashes(escaped):
    """True when a run of '#' in the capture is drawn in reverse video."""
    for line in escaped.split("\n"):
        on = False
        for m in re.finditer(r"\x1b\[([0-9;]*)m|(#{10})", line):
            if m.group(2):
                if on:
                    return True
                continue
            params = m.group(1).split(";")
            if params == [""] or "0" in params or "27" in params:
                on = False
            if "7" in params:
                on = True
    return False


@needs_programs
class ScreenshotTest(DemoServerTestCase):
    tmp_prefix = "scipnet-screens-"

    def setUp(self):
        super().setUp()
        self.home.pin(self.server.hostport, self.server.fingerprint)
        self.terms = []

    def tearDown(self):
        for t in self.terms:
            t.close()
        super().tearDown()

    def client(self, w, h, term="xterm-256color", lang="C.UTF-8", env=None, args=None):
        e = dict(self.home.env())
        e.update(env or {})
        t = Terminal(args if args is not None else [self.server.hostport], e, w, h, term=term,
                     lang=lang)
        self.terms.append(t)
        return t

    # -- what every capture must satisfy ----------------------------------------------

    def check(self, t, name, w, h, lang, keys_end=None, user=None):
        where = "%s at %dx%d %s %s" % (name, w, h, t.term, lang)
        screen = t.screen()
        lines = rows(screen)
        self.assertEqual(len(lines), h, where)
        for i, line in enumerate(lines):
            self.assertLessEqual(width(line), w, "%s: row %d is too wide:\n%s" % (where, i, screen))
        title = lines[0]
        self.assertTrue(title.startswith(" SCiPNET"), "%s: the title bar is gone:\n%s"
                        % (where, screen))
        if user:
            self.assertIn(user, title, "%s: the title bar lost the user:\n%s" % (where, screen))
        footer = lines[-1].rstrip()
        self.assertTrue(footer, "%s: no key line:\n%s" % (where, screen))
        if keys_end:
            self.assertTrue(footer.endswith(keys_end), "%s: the key line is cut: %r\n%s"
                            % (where, footer, screen))
        if lang == "C":
            # Nothing the terminal cannot draw: box drawing became ASCII, not '?' or blanks.
            self.assertNotRegex(screen, r"[^\x00-\x7f]", where)
        return screen

    def check_redaction(self, t, screen, level, lang, where):
        if lang == "C":
            self.assertIn("########## [LEVEL %d REQUIRED]" % level, screen, where)
            self.assertTrue(reversed_hashes(t.screen_escapes()),
                            "%s: the redaction is not in reverse video" % where)
        else:
            self.assertIn("██████████ [LEVEL %d REQUIRED]" % level, screen, where)

    def page_until(self, t, text, presses=12):
        for _ in range(presses):
            if text in t.screen():
                return
            t.keys("NPage")
            t.wait_for("SCP-002")
        t.wait_for(text)

    def tour(self, w, h, term, lang):
        """Every screen a researcher reaches, checked."""
        t = self.client(w, h, term, lang)
        t.term = term
        ascii_only = lang == "C"
        bar = "SCiPNET | SCP Foundation" if ascii_only else "SCiPNET │ SCP Foundation"
        t.wait_for("IDENTIFICATION REQUIRED", bar)
        self.check(t, "login", w, h, lang)
        t.type("researcher")
        t.keys("Enter")
        t.type("researcher-pass")
        t.keys("Enter")
        t.wait_for("Welcome, Researcher researcher.", "SCiPNET>")
        self.check(t, "welcome", w, h, lang, user="researcher")
        t.keys("Enter")
        screen = t.wait_for("[1 SCP]", "SCP-002", "SCP-217")
        screen = self.check(t, "list", w, h, lang, keys_end="q back", user="researcher")
        self.assertRegex(screen, r"SCP-005 +LEVEL 4 +Keter +\[ACCESS RESTRICTED\]")
        escaped = t.screen_escapes()
        used = colours_used(escaped)
        if term in ("xterm", "linux"):
            self.assertFalse(any(c.startswith("38;5;") for c in used), used)
            # Levels 1-5 on one page, each its own colour (level 1 and 2 were both cyan).
            self.assertGreaterEqual(len(used), 5, used)
        else:
            self.assertTrue(any(c.startswith("38;5;") for c in used), used)
        t.keys("Enter")
        t.wait_for("SCP-002 The Patient Lamp", "SPECIAL CONTAINMENT PROCEDURES")
        self.page_until(t, "[LEVEL 4 REQUIRED]")
        screen = t.wait_for("[LEVEL 4 REQUIRED]")
        screen = self.check(t, "file", w, h, lang, keys_end="q back", user="researcher")
        self.check_redaction(t, screen, 4, lang, "file at %dx%d %s %s" % (w, h, term, lang))
        body = [l for l in rows(screen)[1:-2]]
        self.assertLessEqual(max(width(l) for l in body if "─" not in l and "---" not in l),
                             101)
        t.keys("a")
        screen = t.wait_for("ADDENDA", "[LEVEL 5 REQUIRED]")
        screen = self.check(t, "addenda", w, h, lang, keys_end="q back", user="researcher")
        self.check_redaction(t, screen, 5, lang, "addenda at %dx%d" % (w, h))
        t.keys("Enter")
        t.wait_for("ADDENDUM 002-1: RECOVERY")
        self.check(t, "addendum", w, h, lang, keys_end="q back to addenda", user="researcher")
        t.keys("q")
        t.wait_for("j/k select")
        t.keys("q")
        t.wait_for("/ find", bottom="? help  q back")  # the file, not the addenda
        t.keys("q")
        t.wait_for("[1 SCP]")
        t.keys("?")
        t.wait_for("SCiPNET HELP")
        screen = self.check(t, "help", w, h, lang, keys_end="q back", user="researcher")
        if w < 80:  # a help line too long for the window is wrapped, not cut
            mark = "~" if ascii_only else "…"
            self.assertFalse(any(mark in l for l in rows(screen)[1:-1]), screen)
        t.keys("q")
        t.wait_for("[1 SCP]")
        t.keys(":")
        t.type("ACCESS SCP 005")
        t.keys("Enter")
        screen = t.wait_for("ACCESS DENIED", "FILE_REF: SCP-005 REDACTED")
        self.check(t, "denied", w, h, lang, user="researcher")
        if ascii_only:
            self.assertIn("+----", screen)
        t.keys("q")
        t.keys(":")
        t.type("ACCESS SCP 404")
        t.keys("Enter")
        t.wait_for("DATA EXPUNGED")
        self.check(t, "expunged", w, h, lang, user="researcher")
        t.keys("q")
        t.keys(":")
        t.type("CREATE SCP")
        t.keys("Enter")
        screen = t.wait_for("CREATE SCP FILE")
        self.check(t, "create", w, h, lang, user="researcher")
        # The hints have room beside the fields, even at 60 columns (they were cut at 4).
        self.assertIn("1-6, at most yours", screen)
        t.close()

    def test_every_screen_at_every_size_colour_and_locale(self):
        for w, h in SIZES:
            for term, _ in TERMS:
                for lang in LOCALES:
                    with self.subTest(size="%dx%d" % (w, h), term=term, lang=lang):
                        self.tour(w, h, term, lang)

    def test_linux_console_in_c_locale_and_no_color(self):
        self.tour(80, 24, "linux", "C")
        t = self.client(80, 24, env={"NO_COLOR": "1"}, lang="C")
        t.term = "xterm-256color"
        t.wait_for("IDENTIFICATION REQUIRED")
        t.type("researcher")
        t.keys("Enter")
        t.type("researcher-pass")
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP 002")
        t.keys("Enter")
        t.wait_for("SCP-002 The Patient Lamp")
        self.page_until(t, "[LEVEL 4 REQUIRED]")
        screen = self.check(t, "file", 80, 24, "C", keys_end="q back")
        self.check_redaction(t, screen, 4, "C", "NO_COLOR")
        self.assertEqual(colours_used(t.screen_escapes()), set())

    def test_connection_screen_in_every_locale(self):
        port = free_port()
        for lang in LOCALES:
            for w, h in SIZES:
                t = self.client(w, h, lang=lang, args=["127.0.0.1:%d" % port])
                t.term = "xterm-256color"
                # A first connection that failed: nothing was lost, it could not connect.
                screen = t.wait_for("COULD NOT CONNECT", "cannot connect")
                self.check(t, "connection", w, h, lang)
                self.assertIn("+---" if lang == "C" else "┌───", screen)
                t.close()

    def test_every_demo_user_welcome_at_60x20(self):
        for user in ("cadet", "researcher", "agent", "director", "o5"):
            with self.subTest(user=user):
                t = self.client(60, 20)
                t.term = "xterm-256color"
                t.wait_for("IDENTIFICATION REQUIRED")
                t.type(user)
                t.keys("Enter")
                t.type(user + "-pass")
                t.keys("Enter")
                screen = t.wait_for("SCiPNET>")
                self.check(t, "welcome", 60, 20, "C.UTF-8", user=user)
                # The prompt has its own row: nothing drawn over it (the director's banner did).
                prompt = [l for l in rows(screen) if "SCiPNET>" in l]
                self.assertEqual([l.rstrip() for l in prompt], ["SCiPNET>"], screen)
                t.close()

    # -- themes ----------------------------------------------------------------------------

    def level_colours(self, env):
        t = self.client(80, 24, env=env)
        t.term = "xterm-256color"
        t.wait_for("IDENTIFICATION REQUIRED")
        t.type("o5")
        t.keys("Enter")
        t.type("o5-pass")
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        t.keys("Enter")
        t.wait_for("[1 SCP]", "SCP-100")
        escaped = t.screen_escapes()
        t.close()
        return escaped, colours_used(escaped)

    def test_themes_from_the_environment_and_the_config_file(self):
        # Dark (default): level 5 is a light red (203) and level 6's o5 bar no dark red (88).
        escaped, dark = self.level_colours({})
        self.assertIn("38;5;203", dark)
        self.assertNotIn("38;5;88", dark)
        self.assertNotIn("38;5;124", dark)
        _, light = self.level_colours({"SCIPNET_THEME": "light"})
        self.assertIn("38;5;124", light)  # level 5 as #AF0000 on white
        self.assertNotIn("38;5;220", light)  # no bright yellow on white
        conf = os.path.join(self.home.dir, "config", "scipnet")
        os.makedirs(conf)
        with open(os.path.join(conf, "scipnet.conf"), "w") as f:
            f.write("theme = mono\n")
        _, mono = self.level_colours({"XDG_CONFIG_HOME": os.path.join(self.home.dir, "config")})
        self.assertEqual(mono, set())
        # A bad value is an error naming the file and line, before any screen.
        with open(os.path.join(conf, "scipnet.conf"), "w") as f:
            f.write("\ntheme = pink\n")
        t = self.client(80, 24, env={"XDG_CONFIG_HOME": os.path.join(self.home.dir, "config")})
        self.assertEqual(t.exit_status(), 2)
        said = t.screen().replace("\n", "")
        self.assertIn("scipnet.conf:2: theme must be dark, light or mono, not 'pink'", said)

    # -- sizes -------------------------------------------------------------------------------

    def test_too_small_then_resized(self):
        t = self.client(50, 15)
        screen = t.wait_for("WINDOW TOO SMALL (50x15)")
        self.assertEqual([l for l in rows(screen) if l.strip()],
                         ["WINDOW TOO SMALL (50x15): SCiPNET NEEDS 60x20"])
        t.resize(60, 20)
        t.wait_for("IDENTIFICATION REQUIRED", absent=("WINDOW TOO SMALL",))

    def test_scroll_position_survives_a_resize(self):
        t = self.client(80, 24)
        t.wait_for("IDENTIFICATION REQUIRED")
        t.type("researcher")
        t.keys("Enter")
        t.type("researcher-pass")
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP 002")
        t.keys("Enter")
        t.wait_for("SPECIAL CONTAINMENT PROCEDURES")
        t.keys("NPage")
        screen = t.wait_for("SCP-002", absent=(" 1-",))
        lines = rows(screen)
        rule = next(i for i, l in enumerate(lines) if "────" in l)
        if not lines[rule + 1].split():
            # A blank line at the top tells nothing: one line on, to text.
            first = int(re.search(r" (\d+)-\d+/\d+ ", lines[rule]).group(1))
            t.keys("j")
            screen = t.wait_for(" %d-" % (first + 1))
            lines = rows(screen)
        top = lines[rule + 1].split()[:2]
        self.assertTrue(top)
        # Sizes where the text is still longer than the window, so it can stay scrolled.
        for size in ((150, 24), (60, 20), (120, 30)):
            t.resize(*size)
            screen = t.wait_for("SCP-002", bottom="q back")
            lines = rows(screen)
            rule = next(i for i, l in enumerate(lines) if "────" in l)
            # On the top line, unless the window now holds the end of the text (then in view).
            at_end = re.search(r" (\d+)-(\d+)/\2 ", lines[rule])
            here = lines[rule + 1] if not at_end else screen
            self.assertIn(" ".join(top), here,
                          "at %dx%d the top line moved:\n%s" % (size[0], size[1], screen))
            top = lines[rule + 1].split()[:2] or top


@needs_programs
class PagingTest(DemoServerTestCase):
    """Paging in the smallest window laid out (60x20: 13 rows of list) over 14 SCP files."""

    tmp_prefix = "scipnet-paging-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for n in range(8):
            subprocess.run([program("scipnet"), "--batch", "--user", "o5", "--password-stdin",
                            "--fingerprint", cls.server.fingerprint, cls.server.hostport,
                            "create", "scp", "number=%d" % (900 + n), "title=Paged %d" % n,
                            "level=1", "containment=Safe"],
                           input=b"o5-pass\n", env=clean_env({"HOME": cls.dir}), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)

    def test_paging_in_the_smallest_window(self):
        self.home.pin(self.server.hostport, self.server.fingerprint)
        t = Terminal([self.server.hostport], self.home.env(), 60, 20)
        try:
            t.wait_for("IDENTIFICATION REQUIRED")
            t.type("o5")
            t.keys("Enter")
            t.type("o5-pass")
            t.keys("Enter")
            t.wait_for("SCiPNET>")
            t.keys("Enter")
            screen = t.wait_for("[1 SCP]", "1-13 of 14")
            self.assertNotIn("SCP-907", screen)
            t.keys("n")
            t.wait_for("14-14 of 14", "SCP-907")
            t.keys("p")
            t.wait_for("1-13 of 14", "SCP-002")
            t.keys("NPage")
            t.wait_for("14-14 of 14")
            t.keys("PPage")
            t.wait_for("1-13 of 14")
            # The selected file stays selected when the window shrinks below it.
            t.resize(60, 30)
            t.wait_for("1-14 of 14", "SCP-907")
            for _ in range(13):
                t.keys("Down")
            screen = t.wait_for("> SCP-907")
            t.resize(60, 20)
            screen = t.wait_for("2-14 of 14", bottom="q back")
            self.assertIn("> SCP-907", screen)
        finally:
            t.close()

    def test_up_at_the_top_of_a_page_goes_to_the_previous_page(self):
        self.home.pin(self.server.hostport, self.server.fingerprint)
        t = Terminal([self.server.hostport], self.home.env(), 80, 20)
        try:
            t.wait_for("IDENTIFICATION REQUIRED")
            t.type("o5")
            t.keys("Enter")
            t.type("o5-pass")
            t.keys("Enter")
            t.wait_for("SCiPNET>")
            t.keys("Enter")
            t.wait_for("[1 SCP]", "1-13 of 14")
            t.keys("n")
            t.wait_for("14-14 of 14", "> SCP-907")
            t.keys("Up")
            screen = t.wait_for("1-13 of 14", absent=("SCP-907",))
            # the last row of the previous page is the one selected
            selected = [line for line in rows(screen) if line.lstrip().startswith(">")]
            self.assertEqual(len(selected), 1, screen)
            self.assertIn("SCP-906", selected[0])
        finally:
            t.close()


if __name__ == "__main__":
    unittest.main()
