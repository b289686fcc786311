"""No classified byte leaves the server: every demo user, every file, every list.

The classified text is read straight from the store with sqlite3, split by the
markup of docs/markup.md, and every window of it that the reader may not see is
looked for in every byte the reader received.
"""
import json
import re
import sqlite3

from harness import DEMO_USERS, ServerTestCase

MARKER = re.compile(r"\[\[(LEVEL [1-6]|/LEVEL)\]\]")
ANY_MARKER = re.compile(r"\[\[/?level", re.IGNORECASE)
WINDOW = 24


def segments(text, base):
    """(text, level) pieces as the server's parser sees them (conservatively)."""
    out, stack, pos = [], [base], 0
    for m in ANY_MARKER.finditer(text):
        if m.start() < pos:
            continue
        exact = MARKER.match(text, m.start())
        out.append((text[pos:m.start()], stack[-1]))
        if exact and exact.group(1) != "/LEVEL" and len(stack) <= 16:
            stack.append(max(stack[-1], int(exact.group(1)[-1])))
            pos = exact.end()
        elif exact and exact.group(1) == "/LEVEL" and len(stack) > 1:
            stack.pop()
            pos = exact.end()
        else:
            return [(text, 6)]  # malformed: treat everything as top level
    out.append((text[pos:], stack[-1]))
    if len(stack) > 1:
        return [(text, 6)]
    return [(t, lvl) for t, lvl in out if t]


def windows(text):
    text = text.strip()
    if len(text) <= WINDOW:
        return {text} if len(text) >= 8 else set()
    return {text[i:i + WINDOW] for i in range(0, len(text) - WINDOW + 1, 4)}


class Store:
    def __init__(self, path):
        con = sqlite3.connect(path)
        self.scps = con.execute("SELECT id, number, title, clearance_level FROM scp_files").fetchall()
        self.sections = con.execute(
            "SELECT scp_id, clearance_level, body, title FROM sections").fetchall()
        self.sites = con.execute(
            "SELECT id, clearance_level, location, description, dossier FROM sites").fetchall()
        self.mtfs = con.execute(
            "SELECT id, clearance_level, mission, nickname FROM task_forces").fetchall()
        self.users = con.execute("SELECT id, name, clearance_level, site_id FROM users").fetchall()
        con.close()

    def split(self, level, site_id):
        """(secret, visible) text pieces for a reader."""
        secret, visible = [], []

        def add(text, base, readable):
            for piece, lvl in segments(text or "", base):
                (visible if readable and lvl <= level else secret).append(piece)

        scp_level = {sid: lvl for sid, _, _, lvl in self.scps}
        for sid, _, title, lvl in self.scps:
            (visible if lvl <= level else secret).append(title)
        for scp_id, lvl, body, title in self.sections:
            readable = scp_level[scp_id] <= level and lvl <= level
            add(body, lvl, readable)
        for sid, lvl, *texts in self.sites:
            readable = level >= 3 or site_id == sid
            for t in texts:
                add(t, 0, readable)
        for mid, lvl, mission, nickname in self.mtfs:
            add(mission, lvl, lvl <= level)
        return secret, visible


class TestRedaction(ServerTestCase):

    def collect(self, client):
        """Every reply of reading every file and listing every kind."""
        store = Store(self.db)
        refs = ["SCP-%03d" % n for _, n, _, _ in store.scps]
        refs += ["SITE-%d" % s[0] for s in store.sites]
        refs += ["MTF-%d" % m[0] for m in store.mtfs]
        refs += ["USER-%d" % u[0] for u in store.users]
        raw = []
        for ref in refs:
            client.send({"op": "read", "token": client.token, "ref": ref})
            raw.append(client.recv_line())
        for kind in ["scp", "site", "mtf", "user"]:
            client.send({"op": "list", "token": client.token, "kind": kind, "limit": 200})
            raw.append(client.recv_line())
            client.send({"op": "list", "token": client.token, "kind": kind, "query": "e"})
            raw.append(client.recv_line())
        return store, raw

    def test_no_classified_window_reaches_any_reader(self):
        for name, (_, level) in DEMO_USERS.items():
            with self.subTest(user=name):
                c = self.logged_in(name)
                store, raw = self.collect(c)
                site_id = [u[3] for u in store.users if u[1] == name][0]
                secret, visible = store.split(level, site_id)
                seen_text = "\x00".join(
                    json.dumps(json.loads(line), ensure_ascii=False) for line in raw)
                seen_raw = b"\x00".join(raw).decode("utf-8")
                decoded = "\x00".join(_strings(json.loads(line)) for line in raw)
                # A window that also occurs in text the reader may see proves nothing.
                visible_joined = "\x00".join(visible)
                checked = 0
                for piece in secret:
                    for w in windows(piece):
                        if w in visible_joined:
                            continue
                        checked += 1
                        leaked = w in decoded or w in seen_raw or w in seen_text
                        self.assertFalse(leaked, "%s sees classified %r" % (name, w))
                if level < 6:
                    self.assertGreater(checked, 0, "nothing classified for %s?" % name)
                self.assertFalse("[[" in decoded, "markup reached %s" % name)

    def test_hidden_titles_and_links(self):
        c = self.logged_in("agent")
        f = c.request("read", ref="SCP-042")["file"]
        # MTF-6 is level 4: its name stays hidden from a level-3 reader.
        if f["task_force"] is not None and f["task_force"]["ref"] == "MTF-6":
            self.assertNotIn("Quiet Harbour", json.dumps(f))
        cadet = self.logged_in("cadet")
        items = cadet.request("list", kind="mtf")["items"]
        for i in items:
            if not i["accessible"]:
                self.assertNotIn("title", i)


def _strings(obj):
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return "\x00".join(_strings(k) + "\x00" + _strings(v) for k, v in obj.items())
    if isinstance(obj, list):
        return "\x00".join(_strings(v) for v in obj)
    return ""
