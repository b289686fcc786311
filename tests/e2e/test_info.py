"""The info op (issue 19, section 2): the descriptions `deepwell import` brought from the
original's descs/ are served, clearance-checked, cut and audited, on SQLite and PostgreSQL.

The original's folder (import_util.py, with its ranked "Level 2 - Vlam" classes) is
imported into a fresh store and a server started on it; its users log in with their
old passwords: agent.vance is level 3, director level 5.
"""
import json
import os
import shutil
import tempfile
import unittest

import pg_util
from harness import Server
from import_util import ImportTestCase, query, write
from test_pg_scaleout import make_cert

KETER = "Keter: hard to contain.\n[[LEVEL 5]]The O5 hold the rest.[[/LEVEL]]\n"


class InfoCases:
    def login(self, name, password):
        c = self.server.client()
        self.addCleanup(c.close)
        r = c.login(name, password)
        self.assertTrue(r["ok"], r)
        return c

    def info(self, client, topic):
        return client.request("info", topic=topic)

    def test_descriptions_are_served_by_name_and_level(self):
        agent = self.login("agent.vance", "vance-old")
        r = self.info(agent, "EUCLID")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["info"], {"kind": "containment", "name": "Euclid", "colour": "#FFD300",
                                     "level": None, "description": "Euclid: unpredictable.\n"})
        # The original's "Level 2 - Vlam" row described Vlam.
        r = self.info(agent, "vlam")
        self.assertEqual((r["info"]["kind"], r["info"]["description"]), ("disruption", "Vlam.\n"))
        r = self.info(agent, "LEVEL 3")
        self.assertEqual(r["info"]["name"], "Level 3 - Confidential")
        self.assertEqual(r["info"]["level"], 3)
        self.assertEqual(r["info"]["description"], "Confidential means confidential.\n")
        self.assertEqual(self.info(agent, " confidential ")["info"]["level"], 3)
        # Nothing imported for Dark: an empty description, not an error.
        self.assertEqual(self.info(agent, "Dark")["info"]["description"], "")

    def test_levels_above_the_reader_are_refused_and_passages_cut(self):
        agent = self.login("agent.vance", "vance-old")
        r = self.info(agent, "level 5")
        self.assertError(r, "clearance_denied")
        self.assertEqual(r["screen"]["needed_clearance"]["level"], 5)
        self.assertNotIn("description", json.dumps(r))
        keter = self.info(agent, "keter")["info"]["description"]
        self.assertIn("Keter: hard to contain.", keter)
        self.assertNotIn("O5 hold", keter)
        director = self.login("director", "director-old")
        self.assertIn("The O5 hold the rest.", self.info(director, "KETER")["info"]["description"])
        self.assertTrue(self.info(director, "LEVEL 5")["ok"])

    def test_bad_topics_and_no_session_are_refused_and_audited(self):
        agent = self.login("agent.vance", "vance-old")
        for topic in ("Omega Black", "level 7", "LEVEL 0", "", "Keter\n", 5, None, "x" * 100):
            self.assertError(self.info(agent, topic), "bad_request")
        self.assertError(self.info(agent, "Cosmic Top Secret"), "clearance_denied")
        anon = self.server.client()
        self.addCleanup(anon.close)
        r = anon.request("info", topic="keter")
        self.assertFalse(r["ok"], r)
        outcomes = [o for (o,) in self.rows("SELECT outcome FROM audit_log WHERE action = 'info'")]
        self.assertIn("failure", outcomes)
        self.assertIn("denied", outcomes)

    def assertError(self, reply, code):
        self.assertFalse(reply["ok"], reply)
        self.assertEqual(reply["error"]["code"], code, reply)


class InfoSetUp(ImportTestCase):
    def start(self, db):
        src = self.source("named")
        write(os.path.join(src, "descs", "containment_classes", "3.md"), KETER)
        self.import_ok(db, src)
        tmp = tempfile.mkdtemp(prefix="scipnet-info-")
        self.addCleanup(shutil.rmtree, tmp, True)
        cert, key = make_cert(tmp, "info")
        self.server = Server(db, args=["--cert", cert, "--key", key])
        self.server.stderr_path = os.path.join(tmp, "server.log")
        self.server.start()
        self.addCleanup(self.server.stop)


class TestInfoSqlite(InfoCases, InfoSetUp):
    def setUp(self):
        super().setUp()
        self.db = self.store()
        self.start(self.db)

    def rows(self, sql):
        return query(self.db, sql)


class TestInfoPostgres(InfoCases, InfoSetUp):
    def setUp(self):
        super().setUp()
        self.db, schema = pg_util.fresh_schema()
        self.addCleanup(pg_util.drop_schema, schema)
        self.start(self.db)

    def rows(self, sql):
        out = pg_util.psql_value(self.db, sql)
        return [(line,) for line in out.splitlines()]


if __name__ == "__main__":
    unittest.main()
