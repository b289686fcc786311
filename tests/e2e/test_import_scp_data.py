"""`deepwell import --format scp-data`: the SCP wiki's dump (content_*.json files).

Every dump here is written by the test, with its own text, in the shape of the
scp-data API's items/ folder: an object of articles keyed by page name, each with
title, scp, scp_number, series, tags, rating, creator, created_at, url, link,
references, images, raw_content (the page's HTML) and raw_source.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness
import pg_util
from admin_util import query
from test_import import run

PAGE_7001 = """<div id="page-content">
<div class="page-rate-widget-box"><span class="rate-points">rating: +77</span></div>
<div class="scp-image-block block-right"><img src="a.jpg" alt="a.jpg">
<div class="scp-image-caption"><p>SCP-7001, recovered</p></div></div>
<p><strong>Item #:</strong> SCP-7001</p>
<p><strong>Object Class:</strong> Keter</p>
<p><strong>Special Containment Procedures:</strong> Keep SCP-7001 in a <em>sealed</em>
vault; staff must <strong>never</strong> speak near it.</p>
<p><strong>Description:</strong> SCP-7001 is a humming lantern.<sup class="footnoteref">
<a class="footnoteref" id="footnoteref-1">1</a></sup> See SCP-7002.</p>
<blockquote><p>It hums in D minor.</p></blockquote>
<table class="wiki-content-table"><tr><th>Test</th><th>Result</th></tr>
<tr><td>T-1</td><td>Hummed</td></tr></table>
<p>Staff note: [[LEVEL 1]]forged passage[[/LEVEL]] stays text.</p>
<div class="collapsible-block"><div class="collapsible-block-folded">
<a class="collapsible-block-link" href="javascript:;">+ Addendum 7001-1: Recovery log</a></div>
<div class="collapsible-block-unfolded"><div class="collapsible-block-unfolded-link">
<a class="collapsible-block-link" href="javascript:;">- Hide</a></div>
<div class="collapsible-block-content"><p>Found in a lighthouse in 1998.</p></div></div></div>
<div class="footnotes-footer"><div class="title">Footnotes</div>
<div class="footnote-footer" id="footnote-1"><a href="javascript:;">1</a>. Always in D minor.</div></div>
<script>document.write("tracking")</script>
<div class="licensebox"><p>Licence box text</p></div>
<div class="footer-wikiwalk-nav"><p>&laquo; SCP-7000 | SCP-7001 | SCP-7002 &raquo;</p></div>
</div>"""


def article(scp, html, tags=("scp",), creator="Test Writer", title=None, link=None):
    number = scp.split("-")[1] if scp else None
    number = number if number and number.isdigit() else None
    link = link or (scp or "page").lower()
    return {
        "title": title or scp or "A tale", "scp": scp, "scp_number": int(number) if number else None,
        "series": "series-8", "tags": list(tags), "rating": 12, "creator": creator,
        "created_at": "2021-04-05T06:07:08", "url": "https://scp-wiki.example/" + link,
        "link": link, "references": [], "images": [], "raw_content": html, "raw_source": "",
    }


def safe_page(number, text):
    return ("<p><strong>Item #:</strong> SCP-%d</p><p><strong>Object Class:</strong> Safe</p>"
            "<p><strong>Special Containment Procedures:</strong> A locker.</p>"
            "<p><strong>Description:</strong> %s</p>" % (number, text))


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f)


class ScpDataTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-scpdata-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.items = os.path.join(self.tmp, "items")
        os.makedirs(self.items)

    def good_dump(self):
        write_json(os.path.join(self.items, "content_series_8.json"), {
            "scp-7001": article("SCP-7001", PAGE_7001, tags=("keter", "scp", "light")),
            "scp-7002": article("SCP-7002", safe_page(7002, "A <em>plain</em> pebble.")),
            "scp-7003": article("SCP-7003", "<p>A free-form page with no labels.</p>",
                                tags=("euclid", "scp"), creator="Mallory\x1b[31m"),
            # suffixed designations: files of their own, never SCP-7001 itself
            "scp-7001-j": article("SCP-7001-J", "<p>A joke.</p>", tags=("joke", "шутка")),
            "scp-7001-arc": article("SCP-7001-ARC", "<p>Archived.</p>"),
            "a-tale": article(None, "<p>Not an SCP article.</p>"),
        })
        # a second file claims SCP-7002 again: a collision, named, the first one kept
        write_json(os.path.join(self.items, "content_series_9.json"), {
            "scp-7002-copy": article("SCP-7002", safe_page(7002, "An impostor."),
                                     link="scp-7002-copy"),
        })

    def import_dump(self, db, *extra, ok=True):
        r = run("--db", db, "import", "--format", "scp-data", *extra, self.items)
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r


class ScpDataImportTest(ScpDataTestCase):
    def setUp(self):
        super().setUp()
        self.db = harness.make_demo_store(self.tmp)

    def files(self):
        return {(n, s): r for n, s, r in query(self.db, "SELECT number, suffix, revision"
                                                         " FROM scp_files")}

    def test_articles_become_readable_files(self):
        self.good_dump()
        out = self.import_dump(self.db).stdout
        self.assertIn("(scp-data)", out)
        self.assertIn("articles      7 read, 2 refused", out)
        self.assertIn("scp files     5 added, 0 already there", out)
        self.assertIn("refused: a-tale (content_series_8.json): no \"scp\" designation", out)
        self.assertIn("refused: scp-7002-copy (content_series_9.json): designation SCP-7002, "
                      "also claimed by scp-7002 (content_series_8.json); not imported", out)
        # the first claim is kept, the impostor never overwrote it
        bodies = [b for (b,) in query(self.db, "SELECT body FROM sections s JOIN scp_files f"
                                               " ON f.id = s.scp_id WHERE f.number = 7002")]
        self.assertIn("A *plain* pebble.", bodies)
        self.assertNotIn("impostor", json.dumps(bodies))
        # Keter maps to level 4 by default, Safe to 2, the euclid tag to 3
        self.assertEqual(dict(query(self.db, "SELECT number, clearance_level FROM scp_files"
                                             " WHERE number > 7000 AND suffix = ''")),
                         {7001: 4, 7002: 2, 7003: 3})

        server = harness.Server(self.db).start()
        try:
            c = server.client()
            self.assertTrue(c.login("o5")["ok"])
            reply = c.request("read", ref="SCP-7001")
            self.assertTrue(reply["ok"], reply)
            f = reply["file"]
            text = json.dumps(f)
            self.assertEqual(f["containment"]["name"], "Keter", f)
            self.assertEqual(f["classification"]["level"], 4)
            titles = [s["title"] for s in f["sections"]]
            self.assertEqual(titles, ["Header", "Special Containment Procedures", "Description",
                                      "Addendum 7001-1: Recovery log", "Source"])
            self.assertIn("Keep SCP-7001 in a *sealed* vault; staff must **never** speak", text)
            self.assertIn("> It hums in D minor.", text)
            self.assertIn("| Test | Result |", text)
            self.assertIn("[image: SCP-7001, recovered]", text)
            self.assertIn("[^1]: Always in D minor.", text)
            self.assertIn("Source: https://scp-wiki.example/scp-7001", text)
            self.assertIn("Author: Test Writer", text)
            self.assertIn("Tags: keter, scp, light", text)
            self.assertIn("CC BY-SA 3.0", text)
            self.assertEqual(f["tags"], ["keter", "scp", "light"])
            self.assertEqual(f["source"], {"url": "https://scp-wiki.example/scp-7001",
                                           "author": "Test Writer",
                                           "created_at": "2021-04-05T06:07:08"})
            # files made here carry no source
            demo = c.request("read", ref="SCP-002")["file"]
            self.assertIsNone(demo["source"], demo)
            self.assertEqual(demo["tags"], [])
            for gone in ("rating", "tracking", "Licence box", "SCP-7000", "[[LEVEL"):
                self.assertNotIn(gone, text)
            # a suffixed ref is another file: never SCP-7001 itself
            r = c.request("read", ref="SCP-7001-J")
            self.assertTrue(r["ok"], r)
            self.assertEqual(r["file"]["ref"], "SCP-7001-J")
            self.assertIn("A joke.", json.dumps(r))
            self.assertNotIn("lantern", json.dumps(r))
            c.close()
            # batch read prints the tags and the attribution, control characters made visible
            env = harness.clean_env({"HOME": self.tmp, "XDG_DATA_HOME": self.tmp,
                                     "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
            p = subprocess.run(
                [os.path.join(harness.BIN, "scipnet"), "--batch", "--user", "o5",
                 "--password-stdin", "--fingerprint", server.fingerprint,
                 "%s:%d" % (server.host, server.port), "read", "SCP-7003"],
                input=b"o5-pass\n", capture_output=True, env=env, timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(b"tags: euclid scp\n", p.stdout)
            self.assertIn(b"source: https://scp-wiki.example/scp-7003 by Mallory\\e[31m, "
                          b"2021-04-05T06:07:08 (CC BY-SA 3.0)\n", p.stdout)
            self.assertNotIn(b"\x1b", p.stdout)
            # a level-2 reader gets the redacted screen, not the Keter file's text
            c = server.client()
            self.assertTrue(c.login("researcher")["ok"])
            r = c.request("read", ref="SCP-7001")
            self.assertNotIn("lantern", json.dumps(r))
            # tag: finds the imported tags, only on files the reader may read
            r = c.request("search", query="scp tag:scp")
            self.assertEqual([i["ref"] for i in r["items"]], ["SCP-7002"], r)
            self.assertEqual(c.request("search", query="scp tag:light")["total"], 0)
            c.close()
            c = server.client()
            self.assertTrue(c.login("o5")["ok"])
            r = c.request("search", query="scp tag:LIGHT tag:keter")
            self.assertEqual([i["ref"] for i in r["items"]], ["SCP-7001"], r)
            r = c.request("search", query="scp tag:scp")
            # SCP-7001-ARC is a file of its own, tagged like the others
            self.assertEqual(sorted(i["ref"] for i in r["items"]),
                             ["SCP-7001", "SCP-7001-ARC", "SCP-7002", "SCP-7003"], r)
            # a tag in another script: whole, in any case
            r = c.request("search", query="joke tag:ШУТКА")
            self.assertEqual([i["ref"] for i in r["items"]], ["SCP-7001-J"], r)
            self.assertEqual(c.request("search", query="joke tag:шут")["total"], 0)
            c.close()
        finally:
            rc = server.stop()
        self.assertIn(rc, (0, None), server.log())

    def test_a_second_run_changes_nothing_and_a_newer_dump_updates(self):
        self.good_dump()
        self.import_dump(self.db)
        before = self.files()
        again = self.import_dump(self.db).stdout
        self.assertIn("scp files     0 added, 5 already there\n", again)
        self.assertNotIn("updated", again)
        self.assertEqual(self.files(), before)
        # the wiki edits one page: that file alone changes, and the import says so
        path = os.path.join(self.items, "content_series_8.json")
        with open(path) as f:
            dump = json.load(f)
        dump["scp-7002"]["raw_content"] = safe_page(7002, "A <em>polished</em> pebble.")
        write_json(path, dump)
        newer = self.import_dump(self.db).stdout
        self.assertIn("scp files     0 added, 4 already there, 1 updated", newer)
        self.assertIn("updated: SCP-7002: changed since it was imported", newer)
        after = self.files()
        self.assertGreater(after[(7002, "")], before[(7002, "")])
        self.assertEqual({k: v for k, v in after.items() if k != (7002, "")},
                         {k: v for k, v in before.items() if k != (7002, "")})
        bodies = json.dumps(query(self.db, "SELECT body FROM sections"))
        self.assertIn("polished", bodies)
        self.assertNotIn("*plain*", bodies)

    def test_bad_input_is_refused_per_article_and_touches_nothing(self):
        before = self.files()
        with open(os.path.join(self.items, "content_a.json"), "w") as f:
            f.write("this is not { JSON")
        with open(os.path.join(self.items, "content_b.json"), "w") as f:
            f.write("[" * 100000 + "]" * 100000)  # nested far too deep for any parser
        write_json(os.path.join(self.items, "content_c.json"), {
            "shape-string": "just text",
            "shape-number": dict(article("SCP-7101", "<p>x</p>"), raw_content=5),
            "shape-tags": dict(article("SCP-7102", "<p>x</p>"), tags="keter"),
            "shape-designation": article("SCP-../7103", "<p>x</p>"),
            "huge": article("SCP-7104", "<p>" + "A" * (50 * 1024 * 1024) + "</p>"),
            "deep": article("SCP-7105", "<div>" * 5000 + "deep" + "</div>" * 5000),
            "broken": article("SCP-7106", "<p><b>Bold <i>never closed<td>stray</table>"
                                          "<p>Description: still text"),
            "good": article("SCP-7107", safe_page(7107, "A good page.")),
        })
        out = self.import_dump(self.db).stdout
        self.assertIn("refused: content_a.json: not a scp-data file (line 1:", out)
        self.assertIn("refused: content_b.json: not a scp-data file", out)
        self.assertIn("refused: shape-string (content_c.json): not a JSON object", out)
        self.assertIn("refused: shape-number (content_c.json): a field that should be text", out)
        self.assertIn("refused: shape-tags (content_c.json): \"tags\" is not a list", out)
        self.assertIn("refused: shape-designation (content_c.json): \"scp\" is not a designation",
                      out)
        self.assertIn("refused: huge (content_c.json): page is 52428807 bytes, more than", out)
        self.assertIn("refused: deep (content_c.json): nested deeper than 128 elements", out)
        self.assertIn("articles      8 read, 6 refused", out)
        self.assertIn("scp files     2 added, 0 already there", out)
        after = self.files()
        self.assertEqual({k: v for k, v in after.items() if k in before}, before)
        self.assertEqual(set(after) - set(before), {(7106, ""), (7107, "")})
        broken = json.dumps(query(self.db, "SELECT s.body FROM sections s JOIN scp_files f"
                                           " ON f.id = s.scp_id WHERE f.number = 7106"))
        self.assertIn("never closed", broken)

    def test_not_a_dump_and_bad_options_write_nothing(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        r = run("--db", self.db, "import", "--format", "scp-data", empty)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no content_*.json files", r.stderr + r.stdout)
        self.good_dump()
        for extra in (("--levels", "Keter=9"), ("--levels", "Keter")):
            r = self.import_dump(self.db, *extra, ok=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("--levels wants CLASS=LEVEL", r.stderr + r.stdout)
        r = run("--db", self.db, "import", "--format", "wiki", self.items)
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn((7001, ""), self.files())

    def test_a_file_made_here_is_never_overwritten(self):
        before = query(self.db, "SELECT s.body, f.revision FROM sections s JOIN scp_files f"
                                " ON f.id = s.scp_id WHERE f.number = 2 ORDER BY s.position")
        write_json(os.path.join(self.items, "content_series_1.json"), {
            "scp-002": article("SCP-002", safe_page(2, "The wiki's own SCP-002.")),
        })
        for _ in range(2):
            out = self.import_dump(self.db).stdout
            self.assertIn("scp files     0 added, 1 already there\n", out)
            self.assertIn("kept: SCP-002: not imported from https://scp-wiki.example/scp-002; "
                          "left as it is", out)
        after = query(self.db, "SELECT s.body, f.revision FROM sections s JOIN scp_files f"
                               " ON f.id = s.scp_id WHERE f.number = 2 ORDER BY s.position")
        self.assertEqual(after, before)

    def test_export_writes_attribution_and_reimport_reads_it(self):
        self.good_dump()
        self.import_dump(self.db)
        out = os.path.join(self.tmp, "export")
        r = run("--db", self.db, "export", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "manifest.json")) as f:
            scps = {(s["number"], s.get("suffix", "")): s for s in json.load(f)["scps"]}
        self.assertEqual(scps[(7001, "")]["source_url"], "https://scp-wiki.example/scp-7001")
        self.assertEqual(scps[(7001, "")]["source_author"], "Test Writer")
        self.assertEqual(scps[(7001, "")]["source_created_at"], "2021-04-05T06:07:08")
        self.assertEqual(scps[(7001, "")]["tags"], "keter scp light")
        self.assertEqual(scps[(7001, "ARC")]["source_url"], "https://scp-wiki.example/scp-7001-arc")
        self.assertIsNone(scps[(2, "")]["source_url"])
        self.assertNotIn("suffix", scps[(2, "")])  # unsuffixed files: the manifest as before
        copy = os.path.join(self.tmp, "copy.db")
        r = run("--db", copy, "import", out)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        cols = "number, suffix, source_url, source_author, source_created_at, tags"
        self.assertEqual(query(copy, "SELECT %s FROM scp_files ORDER BY number, suffix" % cols),
                         query(self.db, "SELECT %s FROM scp_files ORDER BY number, suffix" % cols))

    def test_levels_mapping_is_configurable(self):
        self.good_dump()
        self.import_dump(self.db, "--levels", "Keter=6,Safe=1,*=5")
        self.assertEqual(dict(query(self.db, "SELECT number, clearance_level FROM scp_files"
                                             " WHERE number > 7000 AND suffix = ''")),
                         {7001: 6, 7002: 1, 7003: 3})


class PgScpDataImportTest(ScpDataTestCase):
    def setUp(self):
        super().setUp()
        self.url, self.schema = pg_util.fresh_schema()
        self.addCleanup(pg_util.drop_schema, self.schema)

    def test_import_twice_then_update_on_postgresql(self):
        self.good_dump()
        out = self.import_dump(self.url).stdout
        self.assertIn("scp files     5 added, 0 already there", out)
        self.assertIn("designation SCP-7002, also claimed by scp-7002", out)
        agg = "SELECT string_agg(revision::text, ',' ORDER BY number, suffix) FROM scp_files"
        rev = pg_util.psql_value(self.url, agg)
        again = self.import_dump(self.url).stdout
        self.assertIn("scp files     0 added, 5 already there\n", again)
        self.assertEqual(pg_util.psql_value(self.url, agg), rev)
        path = os.path.join(self.items, "content_series_8.json")
        with open(path) as f:
            dump = json.load(f)
        dump["scp-7003"]["raw_content"] = "<p>A rewritten free-form page.</p>"
        write_json(path, dump)
        newer = self.import_dump(self.url).stdout
        self.assertIn("updated: SCP-7003: changed since it was imported", newer)
        self.assertEqual(pg_util.psql_value(
            self.url, "SELECT count(*) FROM sections WHERE body LIKE '%rewritten%'"), "1")
        self.assertEqual(pg_util.psql_value(
            self.url, "SELECT clearance_level FROM scp_files WHERE number = 7001 AND suffix = ''"),
            "4")


if __name__ == "__main__":
    unittest.main()
