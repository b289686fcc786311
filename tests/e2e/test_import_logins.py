"""Both versions of the original's deepwell, imported and then used (issue 19, section 2):
on SQLite and PostgreSQL, a user of each version logs in by name and by id with the
original's password, reads their task force (mission and all), and the server shows every
class, site and description the import kept, site 0 included.  What the import leaves out
is tested in test_import.py; the folders are import_util.py's, in both layouts.
"""
import json
import os
import unittest

import harness
import pg_util
from import_util import ImportTestCase, query
from test_pg_scaleout import make_cert

LOGINS = {"director": "director-old", "agent.vance": "vance-old"}


class ImportedLoginCases:
    """self.target() is a fresh store; self.user_id(db, name) and self.site_id(db, name)
    read it on its engine."""

    def serve(self, db):
        cert, key = make_cert(self.tmp, "import")
        server = harness.Server(db, args=["--cert", cert, "--key", key])
        server.stderr_path = os.path.join(self.tmp, "server.log")  # a URL names no folder
        server.start()

        def stop():
            rc = server.stop()
            self.assertIn(rc, (0, None), server.log())
        self.addCleanup(stop)
        return server

    def login(self, server, user, password):
        c = server.client()
        self.addCleanup(c.close)
        reply = c.login(user, password)
        self.assertTrue(reply.get("ok"), (user, reply))
        return c, reply

    def check_version(self, variant):
        db = self.target()
        self.import_ok(db, self.source(variant))
        server = self.serve(db)
        for name, password in LOGINS.items():
            uid = self.user_id(db, name)
            _, by_name = self.login(server, name, password)
            _, by_id = self.login(server, uid, password)  # an id is a number (protocol.md)
            for reply in (by_name, by_id):
                self.assertEqual((reply["user"]["name"], reply["user"]["id"]), (name, uid))
            # The same account either way: a wrong password by id is refused as by name.
            c = server.client()
            self.addCleanup(c.close)
            self.assertFalse(c.login(uid, "wrong-" + password)["ok"])

        # The agent (level 3, personnel status inactive in the original) reads his own file
        # and, through it, his task force with its mission.
        agent, reply = self.login(server, "agent.vance", LOGINS["agent.vance"])
        me = agent.request("read", ref="USER-%d" % reply["user"]["id"])
        self.assertTrue(me["ok"], me)
        force = me["file"]["task_force"]
        self.assertEqual(force["name"], 'Epsilon-6 "Village Idiots"')
        mtf = agent.request("read", ref=force["ref"])
        self.assertTrue(mtf["ok"], mtf)
        self.assertEqual((mtf["file"]["designation"], mtf["file"]["nickname"]),
                         ("Epsilon-6", "Village Idiots"))
        self.assertIn("Containment of SCP-002.", json.dumps(mtf["file"]["sections"]))
        self.assertNotIn('"redacted": true', json.dumps(mtf["file"]))

        # The director sees every class of SCP-005, in the store's names, with its site.
        director, _ = self.login(server, "director", LOGINS["director"])
        scp = director.request("read", ref="SCP-005")["file"]
        self.assertEqual([scp[k]["name"] if scp[k] else None
                          for k in ("containment", "secondary", "disruption", "risk")],
                         ["Keter", "Apollyon", "Dark", "Danger"])
        self.assertEqual(scp["site"]["ref"], "SITE-77")
        self.assertIn("A red door.", json.dumps(scp["sections"]))
        info = director.request("info", topic="VLAM")
        self.assertEqual((info["info"]["kind"], info["info"]["description"]),
                         ("disruption", "Vlam.\n"))
        site19 = director.request("read", ref="SITE-19")["file"]
        self.assertEqual(site19["location"], "Undisclosed.\n")
        # Site 0 is a site of its own, with SCP-013 at it.
        site0 = "NULL-Site-0" if variant == "named" else "Site-0"
        ref0 = "SITE-%d" % self.site_id(db, site0)
        site = director.request("read", ref=ref0)
        self.assertTrue(site["ok"], site)
        self.assertEqual(site["file"]["title"], site0)
        self.assertIn("SCP-013", [row["ref"] for row in site["file"]["scps"]])

    def test_earlier_version_without_status_and_name_columns(self):
        self.check_version("plain")

    def test_later_version_with_status_and_name_columns(self):
        self.check_version("named")


class TestImportedLoginsSqlite(ImportedLoginCases, ImportTestCase):
    def target(self):
        return self.store()

    def user_id(self, db, name):
        return query(db, "SELECT id FROM users WHERE name = ?", (name,))[0][0]

    def site_id(self, db, name):
        return query(db, "SELECT id FROM sites WHERE name = ?", (name,))[0][0]


class TestImportedLoginsPostgres(ImportedLoginCases, ImportTestCase):
    def target(self):
        url, schema = pg_util.fresh_schema()
        self.addCleanup(pg_util.drop_schema, schema)
        return url

    def value(self, db, sql, name):
        assert "'" not in name
        return int(pg_util.psql_value(db, sql % name))

    def user_id(self, db, name):
        return self.value(db, "SELECT id FROM users WHERE name = '%s'", name)

    def site_id(self, db, name):
        return self.value(db, "SELECT id FROM sites WHERE name = '%s'", name)


if __name__ == "__main__":
    unittest.main()
