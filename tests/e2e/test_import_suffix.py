"""Suffixed designations end to end (issue 18): a scp-data dump written here with
SCP-049, SCP-049-ARC, SCP-173-J, SCP-0000-EX and SCP-001-J, and two articles that
claim a designation already claimed, imported and then read with `scipnet --batch`
on SQLite and on PostgreSQL.  Each designation reads its own text; a collision is
named with both sources and never overwrites the first."""
import os
import shutil
import subprocess
import tempfile
import unittest

import harness
import pg_util
from test_import import run
from test_import_scp_data import article, safe_page, write_json
from test_pg_scaleout import deepwell, make_cert

TEXTS = {
    "SCP-049": "The doctor speaks of the Pestilence.",
    "SCP-049-ARC": "An archived doctor kept in a drawer.",
    "SCP-173-J": "A sculpture that tells jokes.",
    "SCP-000-EX": "Explained: nothing was ever there.",
    "SCP-001-J": "A proposal nobody took seriously.",
}


def write_dump(items):
    os.makedirs(items)
    write_json(os.path.join(items, "content_a.json"), {
        "scp-049": article("SCP-049", safe_page(49, TEXTS["SCP-049"])),
        "scp-049-arc": article("SCP-049-ARC", safe_page(49, TEXTS["SCP-049-ARC"])),
        "scp-173-j": article("SCP-173-J", safe_page(173, TEXTS["SCP-173-J"])),
        "scp-0000-ex": article("SCP-0000-EX", safe_page(0, TEXTS["SCP-000-EX"])),
        "scp-001-j": article("SCP-001-J", safe_page(1, TEXTS["SCP-001-J"])),
    })
    # Later files claim designations again: one exactly, one in another case.
    write_json(os.path.join(items, "content_b.json"), {
        "scp-173-j-copy": article("SCP-173-J", safe_page(173, "An impostor joke."),
                                  link="scp-173-j-copy"),
        "scp-049-arc-mirror": article("scp-049-arc", safe_page(49, "A mirrored impostor."),
                                      link="scp-049-arc-mirror"),
    })


class SuffixCases:
    """Needs self.store (a path or URL with the demo loaded) and self.start_server()."""

    def import_and_serve(self):
        items = os.path.join(self.tmp, "items")
        write_dump(items)
        r = run("--db", self.store, "import", "--format", "scp-data", items)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.server = self.start_server()
        self.addCleanup(self.server.stop)
        return r.stdout

    def batch(self, *command, fmt="text"):
        env = harness.clean_env({"HOME": self.tmp, "XDG_DATA_HOME": self.tmp,
                                 "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        s = self.server
        return subprocess.run(
            [os.path.join(harness.BIN, "scipnet"), "--batch", "--format", fmt, "--user", "o5",
             "--password-stdin", "--fingerprint", s.fingerprint, "%s:%d" % (s.host, s.port)]
            + list(command),
            input=b"o5-pass\n", capture_output=True, env=env, timeout=30)

    def test_each_designation_reads_its_own_text(self):
        out = self.import_and_serve()
        self.assertIn("articles      7 read, 2 refused", out)
        self.assertIn("scp files     5 added, 0 already there", out)
        # the collisions are named with both sources; the first claim is the one kept
        self.assertIn("refused: scp-173-j-copy (content_b.json): designation SCP-173-J, also "
                      "claimed by scp-173-j (content_a.json); not imported", out)
        self.assertIn("refused: scp-049-arc-mirror (content_b.json): designation SCP-049-ARC, "
                      "also claimed by scp-049-arc (content_a.json); not imported", out)
        for ref, text in TEXTS.items():
            p = self.batch("read", ref)
            self.assertEqual(p.returncode, 0, (ref, p.stderr))
            got = p.stdout.decode()
            self.assertIn(ref, got)
            self.assertIn(text, got, ref)
            for other_ref, other in TEXTS.items():
                if other_ref != ref:
                    self.assertNotIn(other, got, (ref, other_ref))
            self.assertNotIn("impostor", got)
        # any spelling of a designation names the same file
        p = self.batch("read", "scp-0000-ex")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(TEXTS["SCP-000-EX"], p.stdout.decode())
        # a suffix that was never imported is no file, not SCP-173 or SCP-173-J
        p = self.batch("read", "SCP-173-KO")
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn("sculpture", p.stdout.decode())

    def test_list_and_search_name_the_suffix(self):
        self.import_and_serve()
        p = self.batch("list", "scp", "49", fmt="tsv")
        self.assertEqual(p.returncode, 0, p.stderr)
        refs = [line.split("\t")[0] for line in p.stdout.decode().splitlines()[1:]]
        self.assertEqual(refs, ["SCP-049", "SCP-049-ARC"])
        # A suffixed ref names one file, not every file of its number.
        for query, want in (("SCP-049-ARC", ["SCP-049-ARC"]), ("scp-49-arc", ["SCP-049-ARC"]),
                            ("SCP-173-J", ["SCP-173-J"]), ("SCP-049-J", [])):
            p = self.batch("list", "scp", query, fmt="tsv")
            self.assertEqual(p.returncode, 0, p.stderr)
            refs = [line.split("\t")[0] for line in p.stdout.decode().splitlines()[1:]]
            self.assertEqual(refs, want, query)
        p = self.batch("search", "doctor")  # a heading a hit: its ref first, then its snippet
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.decode().splitlines()
        self.assertEqual(lines[-1], "2 of 2")
        refs = sorted(line.split()[0] for line in lines[:-1] if not line.startswith(" "))
        self.assertEqual(refs, ["SCP-049", "SCP-049-ARC"])


class SqliteSuffixTest(SuffixCases, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-suffix-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.store = harness.make_demo_store(self.tmp)

    def start_server(self):
        return harness.Server(self.store).start()


class PgSuffixTest(SuffixCases, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-pg-suffix-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.store, schema = pg_util.fresh_schema()
        self.addCleanup(pg_util.drop_schema, schema)
        init = deepwell("init", "--db", self.store, "--demo")
        self.assertEqual(init.returncode, 0, init.stderr)

    def start_server(self):
        cert, key = make_cert(self.tmp, "suffix")
        server = harness.Server(self.store, args=["--cert", cert, "--key", key])
        server.stderr_path = os.path.join(self.tmp, "server.log")  # a URL has no "beside"
        return server.start()


class ServerSuffixTest(harness.ServerTestCase):
    """The server's ops by full designation: create, read, set_status and the audit."""

    def test_create_read_and_status_by_full_designation(self):
        c = self.logged_in("officer")
        r = c.request("create", kind="scp", number=13, suffix="arc", title="Archived Umbrella",
                      level=2, containment="Safe",
                      sections=[{"kind": "description", "title": "Description", "level": 2,
                                 "text": "An umbrella in a drawer."}])
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["ref"], "SCP-013-ARC")
        self.assertError(c.request("create", kind="scp", number=13, suffix="ARC", title="Again",
                                   level=2, containment="Safe"), "conflict")
        r = c.request("create", kind="scp", number=0, suffix="EX", title="Nothing", level=2,
                      containment="Safe")
        self.assertEqual(r.get("ref"), "SCP-000-EX", r)
        for fields in ({"number": 0}, {"number": 14, "suffix": "A1"},
                       {"number": 14, "suffix": "ABCDEFGHI"}, {"number": 14, "suffix": 5}):
            self.assertError(c.request("create", kind="scp", title="x", level=2,
                                       containment="Safe", **fields), "bad_request")
        # the demo's SCP-013 and the new SCP-013-ARC are two files
        plain = c.request("read", ref="SCP-013")["file"]
        arc = c.request("read", ref="scp-13-arc")["file"]
        self.assertEqual(arc["ref"], "SCP-013-ARC")
        self.assertEqual(arc["title"], "Archived Umbrella")
        self.assertNotEqual(plain["title"], arc["title"])
        r = c.request("set_status", ref="SCP-013-ARC", status="neutralized", reason="folded")
        self.assertTrue(r["ok"], r)
        self.assertEqual(c.request("read", ref="SCP-013-ARC")["file"]["status"], "neutralized")
        self.assertEqual(c.request("read", ref="SCP-013")["file"]["status"], plain["status"])
        self.assertError(c.request("set_status", ref="SCP-013-KO", status="deleted"), "expunged")
        self.assertTrue(self.audit_rows("action = 'create' AND details LIKE '%SCP-013-ARC%'"))
        self.assertTrue(self.audit_rows("action = 'scp.status' AND details LIKE '%SCP-013-ARC%'"))


if __name__ == "__main__":
    unittest.main()
