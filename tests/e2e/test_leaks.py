"""Leaks: no classified byte reaches a lower clearance; errors and timing do not tell
whether a user exists.

For every demo user and every file of every kind (plus canary files this test adds:
a level-6 file, nested and malformed markup), every read, every list of every kind
with and without queries and at every page, whoami and the audit op: every reply byte
is collected.  The truth comes straight from the store (sqlite3): sections and their
levels, the [[LEVEL N]] passages parsed as docs/markup.md says, titles, task forces,
users.  No 12-byte window of any text above the reader may appear in what the reader
received (raw bytes or decoded strings), and no hidden title or name may appear as a
value.

Login failures: an unknown user and a wrong password get the same reply (all but id),
and take the same time (medians within 20 %, with the server's real argon2 limits).
"""
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
import unittest

from abuse_util import BIN, DEMO_USERS, NO_THROTTLE, Server, clean_env, client, make_demo_store
from harness import ServerTestCase

WINDOW = 12  # bytes
MARKER_START = re.compile(rb"\[\[/?level", re.IGNORECASE)
OPEN = re.compile(rb"\[\[LEVEL ([1-6])\]\]")
CLOSE = re.compile(rb"\[\[/LEVEL\]\]")
MAX_DEPTH = 16

# Canary content added by o5 before the readers look (see setUpClass).
CANARY_FILES = [
    {"number": 6000, "title": "Canary Omega Title For Level Six Only", "level": 6,
     "containment": "Keter",
     "sections": [{"kind": "description", "title": "Canary Six Description Heading",
                   "level": 6, "text": "Canary six body text that nobody below six may read."}]},
    {"number": 6001, "title": "Canary Public Umbrella Stand", "level": 1, "containment": "Safe",
     "sections": [
         {"kind": "description", "title": "Description", "level": 1,
          "text": "Open canary prologue for all. [[LEVEL 3]]Canary three passage glimmer "
                  "[[LEVEL 5]]canary five nested lantern text[[/LEVEL]] back in three "
                  "tidewater[[/LEVEL]] open canary epilogue for all."},
         {"kind": "addendum", "title": "Malformed Marker Addendum", "level": 1,
          "text": "Visible canary lead-in sentence. [[LEVEL 9]]canary after a bad marker "
                  "stays cut[[/LEVEL]] and this tail is cut too."},
         {"kind": "addendum", "title": "Unclosed Marker Addendum", "level": 2,
          "text": "Level two canary opening words. [[LEVEL 4]]canary unclosed four "
                  "passage runs to the end of the section."},
         {"kind": "addendum", "title": "Stray Close Addendum", "level": 1,
          "text": "canary stray close section text[[/LEVEL]] all of it is cut."},
         {"kind": "addendum", "title": "Lowercase Marker Addendum", "level": 1,
          "text": "Canary lowercase lead. [[level 2]]canary lowercase marker cut text"
                  "[[/level]] trailing words."},
         {"kind": "containment", "title": "Deep Nesting Procedures", "level": 1,
          "text": "Canary deep start. " + "".join("[[LEVEL %d]]deep%02d canary layer "
                                                  % (1 + i % 6, i) for i in range(18))
                  + "[[/LEVEL]]" * 18 + " canary deep end."},
     ]},
]


def segments(text, base):
    """(bytes, level) pieces of a section body as docs/markup.md defines the cuts."""
    data = text.encode()
    out, stack, pos = [], [], 0

    def level():
        return max([base] + stack)

    for m in MARKER_START.finditer(data):
        if m.start() < pos:
            continue
        o = OPEN.match(data, m.start())
        c = CLOSE.match(data, m.start())
        if o:
            if len(stack) >= MAX_DEPTH:  # too deep: from here to the end
                out.append((data[pos:m.start()], level()))
                out.append((data[m.start():], 6))
                return _merge(out)
            out.append((data[pos:m.start()], level()))
            stack.append(int(o.group(1)))
            pos = o.end()
        elif c:
            if not stack:  # a close with no open: the whole section
                return [(data, 6)]
            out.append((data[pos:m.start()], level()))
            stack.pop()
            pos = c.end()
        else:  # malformed marker: from the bad marker to the end
            out.append((data[pos:m.start()], level()))
            out.append((data[m.start():], 6))
            return _merge(out)
    if stack:
        # From the outermost unclosed open marker to the end: find it again.
        return _unclosed(data, base)
    out.append((data[pos:], level()))
    return _merge(out)


def _unclosed(data, base):
    """Cuts from the outermost open marker that is never closed."""
    depth_marks = []
    for m in MARKER_START.finditer(data):
        if OPEN.match(data, m.start()):
            depth_marks.append(m.start())
        elif CLOSE.match(data, m.start()) and depth_marks:
            depth_marks.pop()
    cut = depth_marks[0]
    head = segments(data[:cut].decode(), base)
    return head + [(data[cut:], 6)]


def _merge(pieces):
    return [(t, lvl) for t, lvl in pieces if t]


def strip_markers(b):
    return re.sub(rb"\[\[/?LEVEL( [1-6])?\]\]", b"", b, flags=re.IGNORECASE)


def windows(b):
    if len(b) < WINDOW:
        return set()
    return {b[i:i + WINDOW] for i in range(len(b) - WINDOW + 1)}


class Truth:
    """What each reader may and may not see, from the store itself."""

    def __init__(self, db):
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        try:
            self.scps = con.execute(
                "SELECT id, number, title, clearance_level FROM scp_files").fetchall()
            self.sections = con.execute(
                "SELECT scp_id, clearance_level, title, body FROM sections").fetchall()
            self.sites = con.execute(
                "SELECT id, name, clearance_level, location, description, dossier "
                "FROM sites").fetchall()
            self.mtfs = con.execute(
                "SELECT id, designation, nickname, clearance_level, mission "
                "FROM task_forces").fetchall()
            self.users = con.execute(
                "SELECT id, name, clearance_level, site_id FROM users").fetchall()
            # Public vocabulary: job titles (every user item carries one), class and
            # level names.  Words of classified text that happen to match them prove
            # nothing.
            self.public = [r[0] for r in con.execute(
                "SELECT name FROM titles UNION ALL SELECT name FROM containment_classes "
                "UNION ALL SELECT name FROM secondary_classes UNION ALL SELECT name FROM "
                "disruption_classes UNION ALL SELECT name FROM risk_classes UNION ALL "
                "SELECT full_name FROM clearance_levels")]
        finally:
            con.close()

    def refs(self):
        return (["SCP-%03d" % n for _, n, _, _ in self.scps]
                + ["SITE-%d" % s[0] for s in self.sites]
                + ["MTF-%d" % m[0] for m in self.mtfs]
                + ["USER-%d" % u[0] for u in self.users])

    def split(self, level, site_id):
        """(secret byte strings, visible byte strings, hidden titles) for a reader."""
        secret, visible, hidden = [], [p.encode() for p in self.public], []

        def text(t, base, readable):
            run = b""  # readable pieces next to each other reach the reader as one text
            for piece, lvl in segments(t or "", base):
                clean = strip_markers(piece)
                if readable and lvl <= level:
                    run += clean
                else:
                    secret.append(clean)
                    visible.append(run)
                    run = b""
            visible.append(run)

        scp_level = {}
        for sid, number, title, lvl in self.scps:
            scp_level[sid] = lvl
            if lvl <= level:
                visible.append(title.encode())
            else:
                secret.append(title.encode())
                hidden.append(title)
        for scp_id, lvl, title, body in self.sections:
            readable = scp_level[scp_id] <= level and lvl <= level
            (visible if readable else secret).append(title.encode())
            text(body, lvl, readable)
        for sid, name, lvl, *texts in self.sites:
            visible.append(name.encode())  # site names are public
            readable = level >= 3 or site_id == sid
            for t in texts:
                text(t, 0, readable)
        for mid, designation, nickname, lvl, mission in self.mtfs:
            full = '%s "%s"' % (designation, nickname) if nickname else designation
            if lvl <= level:
                visible += [designation.encode(), nickname.encode(), full.encode()]
            else:
                secret += [nickname.encode(), full.encode()]
                hidden += [full] + ([nickname] if nickname else [])
            text(mission, lvl, lvl <= level)
        for uid, name, lvl, _ in self.users:
            if lvl <= level:
                visible.append(name.encode())
            else:
                hidden.append(name)
        return secret, visible, hidden


def json_strings(obj, out):
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, dict):
        for v in obj.values():  # keys are the protocol's own words
            json_strings(v, out)
    elif isinstance(obj, list):
        for v in obj:
            json_strings(v, out)
    return out


class TestRedactionLeaks(ServerTestCase):
    tmp_prefix = "scipnet-leaks-"
    server_env = NO_THROTTLE

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.add_canaries()
        except BaseException:
            cls.tearDownClass()
            raise
        cls.truth = Truth(cls.db)

    @classmethod
    def add_canaries(cls):
        o5 = client(cls.server)
        assert o5.login("o5")["ok"]
        cls.canary_replies = []
        for f in CANARY_FILES:
            r = o5.request("create", kind="scp", **f)
            cls.canary_replies.append(r)
            if not r.get("ok"):
                # Keep the leak check going: one file per section (see
                # test_canary_file_with_several_sections for the failure itself).
                for i, section in enumerate(f["sections"]):
                    one = dict(f, number=f["number"] * 10 + i, sections=[section])
                    r = o5.request("create", kind="scp", **one)
                    assert r.get("ok"), r
        r = o5.request("create", kind="mtf", designation="Canary-9",
                       nickname="Hidden Canary Squadron", level=5, site="SITE-77",
                       mission="Canary mission text for level five. [[LEVEL 6]]Canary six "
                               "mission secret.[[/LEVEL]]")
        assert r.get("ok"), r
        r = o5.request("create", kind="site", name="Site-Canary",
                       location="Canary open location [[LEVEL 5]]canary five coordinates "
                                "north[[/LEVEL]] end",
                       description="Canary site description [[LEVEL 4]]canary four site "
                                   "secret text[[/LEVEL]] visible tail.",
                       dossier="[[LEVEL 6]]Canary six dossier entirely secret.[[/LEVEL]]")
        assert r.get("ok"), r
        # A location longer than 63 bytes with a multi-byte character across byte 63.
        r = o5.request("create", kind="site", name="Site-Longshore",
                       location="Long canary shoreline description " + "x" * 27
                       + "\u00e9\u00e9 [[LEVEL 5]]canary five long location[[/LEVEL]] tail")
        assert r.get("ok"), r
        o5.close()

    def collect(self, name):
        """Every reply line (bytes) a reader gets browsing everything."""
        c = client(self.server)
        raw = []
        r = c.login(name)
        self.assertTrue(r["ok"], r)
        c.send({"op": "whoami", "token": c.token})
        raw.append(c.recv_line())
        msgs = []
        for ref in self.truth.refs():
            msgs.append({"op": "read", "token": c.token, "ref": ref})
            msgs.append({"op": "read", "token": c.token, "ref": ref.lower()})
        words = set()
        for _, _, title, _ in self.truth.scps:
            words.update(w for w in re.split(r"\W+", title) if len(w) >= 4)
        for _, designation, nickname, _, _ in self.truth.mtfs:
            words.update(w for w in re.split(r"\W+", nickname + " " + designation) if len(w) >= 4)
        for _, uname, _, _ in self.truth.users:
            words.add(uname)
        queries = [None, "", "e", "a", "1", "0", "5", "6000", "100", "SCP-005", "MTF-6",
                   "USER-6", "Canary"] + sorted(words)
        for kind in ("scp", "site", "mtf", "user"):
            for q in queries:
                m = {"op": "list", "token": c.token, "kind": kind, "limit": 200}
                if q is not None:
                    m["query"] = q
                msgs.append(m)
            for off in range(12):  # every page of one item
                msgs.append({"op": "list", "token": c.token, "kind": kind, "limit": 1,
                             "offset": off})
        msgs.append({"op": "audit", "token": c.token, "limit": 200})
        self.exchanges = []
        for i in range(0, len(msgs), 24):  # pipelined in chunks; replies come in order
            chunk = msgs[i:i + 24]
            c.send_raw(b"".join(json.dumps(m).encode() + b"\n" for m in chunk))
            for m in chunk:
                line = c.recv_line()
                self.assertTrue(line)
                raw.append(line)
                self.exchanges.append((m, json.loads(line)))
        c.close()
        return raw, json.dumps(r).encode()

    def assertNoQueryOracle(self, name):
        """A word query matches only titles the reader may see: an item without a title
        in its answer would tell that the hidden title contains the word."""
        for m, r in self.exchanges:
            q = m.get("query")
            if m["op"] != "list" or not q or q.isdigit() or re.fullmatch(r"[A-Za-z]+-\d+", q):
                continue
            self.assertTrue(r["ok"], r)
            for item in r["items"]:
                self.assertIn("title", item, "%s: query %r matched a hidden title: %r"
                              % (name, q, item))
                self.assertIn(q.lower(), item["title"].lower(), (name, q, item))
            self.assertEqual(r["total"], len(r["items"]), (name, q, r["total"]))

    def test_no_classified_byte_reaches_a_lower_clearance(self):
        users = {name: (lvl, site) for _, name, lvl, site in self.truth.users}
        for name, (pw, level) in DEMO_USERS.items():
            with self.subTest(user=name):
                raw, login_reply = self.collect(name)
                raw.append(login_reply)
                self.assertNoQueryOracle(name)
                secret, visible, hidden = self.truth.split(level, users[name][1])
                # What the reader received: the bytes, and every decoded string.
                strings, own_input = [], []
                for line in raw:
                    reply = json.loads(line)
                    for row in reply.get("rows", []):  # audit: queries users typed
                        if isinstance(row.get("details"), dict) and "query" in row["details"]:
                            own_input.append(row["details"].pop("query"))
                    json_strings(reply, strings)
                received = set()
                for s in strings:
                    received |= windows(s.encode())
                blob = b"\x00".join(raw)
                visible_windows = set()
                for v in visible:
                    visible_windows |= windows(v)
                checked, leaks = 0, []
                for piece in secret:
                    for w in windows(piece):
                        if w in visible_windows:
                            continue  # the same words also stand in readable text
                        checked += 1
                        if w in received or w in blob:
                            leaks.append(w)
                self.assertEqual(sorted(leaks)[:10], [], "%s (level %d) received classified "
                                 "text (%d windows)" % (name, level, len(leaks)))
                if level < 6:
                    self.assertGreater(checked, 1000, "nothing classified checked for %s" % name)
                values = set(strings)
                for title in hidden:
                    self.assertFalse(title in values, "%s sees the hidden title/name %r"
                                     % (name, title))
                    if len(title.encode()) >= WINDOW:
                        self.assertNotIn(title.encode(), blob)
                marked = [s[:120] for s in strings if "[[" in s]
                self.assertEqual(marked[:3], [], "markup reached %s" % name)

    def test_canary_file_with_several_sections(self):
        """create with more than one section works (the canaries need it)."""
        for f, r in zip(CANARY_FILES, self.canary_replies):
            self.assertTrue(r.get("ok"), "create SCP-%d with %d sections: %r"
                            % (f["number"], len(f["sections"]), r))

    def test_site_location_in_lists_is_whole(self):
        """A list item's location is the file's location, whole (not cut at 63 bytes,
        not dropped when a cut would split a character)."""
        for name in ("agent", "o5"):
            with self.subTest(user=name):
                c = client(self.server)
                self.assertTrue(c.login(name)["ok"])
                items = c.request("list", kind="site", limit=200)["items"]
                for item in items:
                    if not item["accessible"]:
                        continue
                    f = c.request("read", ref=item["ref"])["file"]
                    self.assertEqual(item.get("location"), f["location"], item["ref"])
                c.close()

    def test_canaries_shape(self):
        """The canary passages are cut as docs/markup.md says (sanity of the truth)."""
        c = client(self.server)
        self.assertTrue(c.login("cadet")["ok"])
        sections = []
        for ref in ["SCP-6001"] + ["SCP-%d" % (60010 + i) for i in range(6)]:
            r = c.request("read", ref=ref)
            if r.get("ok"):
                sections += r["file"]["sections"]
        c.close()
        by_title = {s.get("title"): s for s in sections}
        desc = by_title["Description"]
        texts = "".join(p.get("text", "") for p in desc["parts"])
        self.assertIn("Open canary prologue for all.", texts)
        self.assertIn("open canary epilogue for all.", texts)
        self.assertNotIn("glimmer", texts)
        mal = by_title["Malformed Marker Addendum"]
        mtexts = "".join(p.get("text", "") for p in mal.get("parts", []))
        self.assertIn("Visible canary lead-in sentence.", mtexts)
        self.assertNotIn("tail", mtexts)


class TestLoginReveals(unittest.TestCase):
    """Errors and timing do not tell whether a user exists."""

    def test_unknown_user_and_wrong_password_replies_are_identical(self):
        tmp = tempfile.mkdtemp(prefix="scipnet-leaks-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = make_demo_store(tmp)
        s = Server(db, env=dict(NO_THROTTLE)).start()
        self.addCleanup(s.stop)
        c = client(s)
        self.addCleanup(c.close)
        # Each account is tried once, as each unknown name is: the reply says the failures
        # left for the name tried, the same for both when their histories are the same.
        pairs = [({"user": "officer", "password": "wrong-pass"},
                  {"user": "no.such.officer", "password": "wrong-pass"}),
                 ({"user": "RESEARCHER", "password": "x"}, {"user": "ghost", "password": "x"}),
                 ({"user": 3, "password": "x"}, {"user": 99999, "password": "x"}),
                 ({"user": "o5", "password": "o5-pass "}, {"user": "o6", "password": "o5-pass"}),
                 ({"user": "cadet", "password": "x" * 1024},
                  {"user": "c" * 63, "password": "x" * 1024})]
        for known, unknown in pairs:
            with self.subTest(known=str(known["user"]), unknown=str(unknown["user"])):
                lines = []
                for fields in (known, unknown):
                    c.send(dict({"id": "same", "op": "login"}, **fields))
                    lines.append(c.recv_line())
                a, b = (json.loads(x) for x in lines)
                self.assertEqual(a["error"]["code"], "auth_failed", a)
                self.assertEqual(a, b)
                self.assertEqual(lines[0], lines[1], "byte-identical replies")

    REAL_ARGON2 = {"SCIPNET_ARGON2_OPSLIMIT": "2", "SCIPNET_ARGON2_MEMLIMIT_KIB": "65536"}

    def test_unknown_user_and_wrong_password_take_the_same_time(self):
        """With the server's real default argon2 limits (store and server alike)."""
        tmp = tempfile.mkdtemp(prefix="scipnet-timing-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = os.path.join(tmp, "deepwell.db")
        subprocess.run([os.path.join(BIN, "deepwell"), "init", "--db", db, "--demo"],
                       env=clean_env(self.REAL_ARGON2), check=True, capture_output=True,
                       timeout=120)
        self.compare_timings(db)

    def test_same_time_when_stored_hashes_are_weaker(self):
        """Accounts whose hash is older or weaker than the server's limits (imported
        werkzeug hashes, limits raised since) must not stand out either: a wrong
        password for them must cost what an unknown name costs."""
        tmp = tempfile.mkdtemp(prefix="scipnet-timing-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = make_demo_store(tmp)  # hashed at the tiny test limits
        self.compare_timings(db)

    def compare_timings(self, db):
        real = self.REAL_ARGON2
        env = dict(real)
        env.update(NO_THROTTLE)
        s = Server(db, env=env).start()
        self.addCleanup(s.stop)
        c = client(s, timeout=30)
        self.addCleanup(c.close)
        known_users = ["cadet", "researcher", "agent", "officer", "director"]

        def attempt(user):
            t0 = time.perf_counter()
            r = c.request("login", token=False, user=user, password="definitely-wrong")
            dt = time.perf_counter() - t0
            self.assertEqual(r["error"]["code"], "auth_failed", r)
            return dt

        for i in range(2):  # warm up: the dummy hash is made on first use
            attempt("warmup-ghost-%d" % i)
            attempt(known_users[i])
        # Another process's burst of work can skew one series; a real difference shows
        # in every one.  Up to three series of 10 alternating pairs; one within 20 %
        # passes.
        seen = []
        for series in range(3):
            wrong, unknown = [], []
            for i in range(10):
                pair = [("wrong", known_users[i % len(known_users)]),
                        ("unknown", "ghost-%d-%d" % (series, i))]
                if i % 2:
                    pair.reverse()
                for kind, user in pair:
                    (wrong if kind == "wrong" else unknown).append(attempt(user))
            mw, mu = statistics.median(wrong), statistics.median(unknown)
            self.assertGreater(mu, 0.005, "argon2 limits are not the real ones? %.4f s" % mu)
            seen.append("wrong password %.1f ms vs unknown user %.1f ms"
                        % (mw * 1000, mu * 1000))
            if max(mw, mu) / min(mw, mu) < 1.2:
                return
        self.fail("medians differ by more than 20 %%: %s" % "; ".join(seen))

if __name__ == "__main__":
    unittest.main()
