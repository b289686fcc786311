"""The search cases, run on SQLite (test_search.py) and PostgreSQL (test_pg_search.py).

A director writes files whose level-4 passages hold words nobody below level 4 may
read; readers of every level then search through the real server.  The mixin needs
self.logged_in(name) and self.server.
"""
import os
import subprocess

from harness import BIN, DEMO_USERS, clean_env

VISIBLE = "The velvet moth rests on the lamp. %s Keep the lamps dim."
HIDDEN_A = "[[LEVEL 4]]It devours quasars nightly.[[/LEVEL]]"
HIDDEN_B = "[[LEVEL 4]]moth moth moth moth quasars quasars[[/LEVEL]]"


class SearchCases:
    created = False

    def setUp(self):
        # One set of files per class: the first test writes them.
        if type(self).created:
            return
        c = self.logged_in("director")
        files = [
            (4001, "Velvet Moth", 2, "Euclid", VISIBLE % HIDDEN_A),
            (4002, "Velvet Moth", 2, "Euclid", VISIBLE % HIDDEN_B),
            (4003, "Paper Lantern", 3, "Safe", "A paper lantern that hums a tune."),
            (4004, "Star Eater", 4, "Keter", "It eats quasars and moth wings alike."),
        ]
        for number, title, level, cls, text in files:
            r = c.request("create", kind="scp", number=number, title=title, level=level,
                          containment=cls, sections=[{"kind": "description",
                                                      "title": "Description", "level": level,
                                                      "text": text}])
            self.assertTrue(r["ok"], r)
        r = c.request("create", kind="site", name="Site-41", location="Under the moor",
                      description="The gorse station. [[LEVEL 4]]Its sundial lies.[[/LEVEL]]")
        self.assertTrue(r["ok"], r)
        type(self).site = r["ref"]
        r = c.request("create", kind="user", name="moorkeeper", password="moorkeeper-pass",
                      clearance=1, title="Researcher", site=type(self).site)
        self.assertTrue(r["ok"], r)
        type(self).created = True

    def search(self, user, query, **kw):
        r = self.logged_in(user).request("search", query=query, **kw)
        self.assertTrue(r["ok"], r)
        return r

    def refs(self, reply):
        return [item["ref"] for item in reply["items"]]

    def test_hidden_words_find_nothing(self):
        for user in ("cadet", "researcher", "agent"):
            r = self.search(user, "quasars")
            self.assertEqual((r["total"], r["items"]), (0, []), user)
            self.assertEqual(self.search(user, "devours")["total"], 0, user)
        r = self.search("officer", "quasars")
        self.assertEqual(sorted(self.refs(r)), ["SCP-4001", "SCP-4002", "SCP-4004"])
        self.assertEqual(self.refs(r)[0], "SCP-4002")  # says it twice
        for item in r["items"]:
            self.assertIn("**quasars**", item["snippet"])

    def test_hidden_text_changes_no_total_order_score_or_snippet(self):
        # 4002's level-4 passage says "moth" four times; a level-2 reader sees the two
        # files as the same text, so the same score, and the number decides the order.
        r = self.search("researcher", "moth")
        self.assertEqual(self.refs(r), ["SCP-4001", "SCP-4002"])
        self.assertEqual(r["total"], 2)
        a, b = r["items"]
        self.assertEqual(a["score"], b["score"])
        self.assertEqual(a["snippet"].replace("SCP-4001", ""), b["snippet"].replace("SCP-4002", ""))
        for item in r["items"]:
            self.assertIn("**moth**", item["snippet"])
            for secret in ("quasars", "devours", "nightly"):
                self.assertNotIn(secret, item["snippet"])
        # A level-3 reader is in the same band: the same reply.
        agent = self.search("agent", "moth")
        self.assertEqual((agent["total"], agent["items"]), (r["total"], r["items"]))
        # The officer sees the passage: 4002 now ranks first.
        self.assertEqual(self.refs(self.search("officer", "moth"))[0], "SCP-4002")

    def test_items_carry_ref_title_classification_snippet_score(self):
        item = self.search("agent", "lantern")["items"][0]
        self.assertEqual(item["ref"], "SCP-4003")
        self.assertEqual(item["title"], "Paper Lantern")
        self.assertEqual(item["classification"]["level"], 3)
        self.assertIn("**lantern**", item["snippet"])
        self.assertGreater(item["score"], 0)
        # A file above the reader is never found, by its title or its text.
        self.assertEqual(self.search("researcher", "lantern")["total"], 0)
        self.assertEqual(self.search("researcher", "\"star eater\"")["total"], 0)
        self.assertEqual(self.search("officer", "\"star eater\"")["total"], 1)

    def test_sites_by_level_or_by_their_own_staff(self):
        # Sites are read from level 3, or by their own staff at any level.
        self.assertEqual(self.search("researcher", "gorse")["total"], 0)
        self.assertEqual(self.refs(self.search("agent", "gorse")), [self.site])
        c = self.server.client()
        self.addCleanup(c.close)
        self.assertTrue(c.login("moorkeeper", "moorkeeper-pass")["ok"])
        r = c.request("search", query="gorse")
        self.assertEqual([i["ref"] for i in r["items"]], [self.site])
        self.assertNotIn("sundial", r["items"][0]["snippet"])
        self.assertEqual(c.request("search", query="sundial")["total"], 0)
        self.assertEqual(self.search("agent", "sundial")["total"], 0)
        self.assertEqual(self.search("officer", "sundial kind:site")["total"], 1)

    def test_phrases_prefixes_and_filters(self):
        self.assertEqual(self.search("agent", "\"velvet moth\"")["total"], 2)
        self.assertEqual(self.search("agent", "\"moth velvet\"")["total"], 0)
        self.assertEqual(self.search("agent", "\"lamps dim\"")["total"], 2)
        self.assertEqual(self.search("agent", "velv*")["total"], 2)
        self.assertEqual(self.search("agent", "lant*")["total"], 1)
        self.assertEqual(self.refs(self.search("officer", "moth class:keter")), ["SCP-4004"])
        self.assertEqual(self.search("officer", "moth level:2")["total"], 2)
        self.assertEqual(self.search("officer", "moth kind:scp")["total"], 3)
        self.assertEqual(self.search("officer", "moth kind:mtf")["total"], 0)
        self.assertEqual(self.search("officer", "moth", kind="scp")["total"], 3)
        self.assertEqual(self.search("officer", "moth", kind="site")["total"], 0)
        self.assertEqual(self.search("officer", "moth tag:insects")["total"], 0)
        self.assertEqual(self.search("officer", "scp-4004")["total"], 1)

    def test_personnel_files_only_for_who_may_read_them(self):
        r = self.search("cadet", "moorkeeper")
        self.assertEqual(len(r["items"]), 1, r)
        self.assertTrue(r["items"][0]["ref"].startswith("USER-"), r)
        self.assertIn("**moorkeeper**", r["items"][0]["snippet"].lower())
        # o5's file is level 6: only a level-6 reader finds it by name
        for user in ("cadet", "officer", "director"):
            self.assertEqual(self.search(user, "o5 kind:user")["total"], 0, user)
        self.assertEqual(self.search("o5", "o5 kind:user")["total"], 1)

    def test_bad_syntax_is_a_bad_request_with_a_reason(self):
        c = self.logged_in("agent")
        for query, words in (("\"open", "closing"), ("a*b", "'*'"), ("x level:9", "level:"),
                             ("x colour:red", "unknown filter"), ("", "at least one word"),
                             ("x" * 201, "200")):
            r = c.request("search", query=query)
            self.assertError(r, "bad_request")
            self.assertIn(words, r["error"]["message"], query)
        for bad in ({"query": 5}, {"query": "x", "limit": 51}, {"query": "x", "limit": 0},
                    {"query": "x", "offset": -1}, {"query": "x", "kind": "planet"}):
            self.assertError(c.request("search", **bad), "bad_request")

    def test_pages_are_bounded(self):
        r = self.search("officer", "moth", limit=1)
        self.assertEqual((r["total"], len(r["items"])), (3, 1))
        seen = [self.search("officer", "moth", limit=1, offset=i)["items"][0]["ref"]
                for i in range(3)]
        self.assertEqual(sorted(seen), ["SCP-4001", "SCP-4002", "SCP-4004"])
        self.assertEqual(self.search("officer", "moth", offset=3)["items"], [])

    def test_batch_search_prints_hits_plainly(self):
        args = [os.path.join(BIN, "scipnet"), "--batch", "--user", "researcher",
                "--password-stdin", "--fingerprint", self.server.fingerprint,
                "%s:%d" % (self.server.host, self.server.port), "search", "moth"]
        p = subprocess.run(args, input=(DEMO_USERS["researcher"][0] + "\n").encode(),
                           capture_output=True, timeout=30,
                           env=clean_env({"HOME": self.tmp, "XDG_DATA_HOME": self.tmp}))
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout.decode()
        self.assertIn("SCP-4001  Velvet Moth  [", out)
        self.assertIn("SCP-4002  Velvet Moth  [", out)
        self.assertIn("**moth**", out)
        self.assertIn("2 of 2", out)
        self.assertNotIn("quasars", out)
