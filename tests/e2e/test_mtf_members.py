"""A task force's own members read its file whatever their level (issue 19, section 2),
as site staff read their site's: driven as the users would, on SQLite and PostgreSQL.

An officer (level 4) makes a level-4 task force and a level-1 operative in it.  The
operative opens it, mission and all; a level-1 cadet outside it, and the operative
himself on another level-4 task force, get the redacted screen, as before.
"""
import json
import shutil
import tempfile
import unittest

import pg_util
from harness import Server, ServerTestCase
from test_pg_scaleout import deepwell, make_cert

MISSION = "Escort the census to Site-77."


class MemberAccessCases:
    def make_force(self, officer, designation):
        r = officer.request("create", kind="mtf", designation=designation, level=4,
                            mission=MISSION)
        self.assertTrue(r["ok"], r)
        return r["ref"]

    def test_a_member_reads_his_task_force_and_no_other(self):
        officer = self.logged_in("officer")
        own = self.make_force(officer, "Omicron-19")
        other = self.make_force(officer, "Rho-19")
        r = officer.request("create", kind="user", name="operative19", password="operative-pass",
                            clearance=1, title="Mobile Task Force Operative", task_force=own)
        self.assertTrue(r["ok"], r)

        operative = self.client()
        self.assertTrue(operative.login("operative19", "operative-pass")["ok"])
        r = operative.request("read", ref=own)
        self.assertTrue(r["ok"], r)
        self.assertIn(MISSION, json.dumps(r["file"]["sections"]))
        self.assertNotIn('"redacted": true', json.dumps(r["file"]["sections"]))
        # Membership opens that task force only.
        r = operative.request("read", ref=other)
        self.assertError(r, "redacted")
        self.assertNotIn(MISSION, json.dumps(r))
        # Lists name it to him (and let him open it); the other stays nameless.
        items = {i["ref"]: i for i in operative.request("list", kind="mtf")["items"]}
        self.assertEqual((items[own].get("title"), items[own]["accessible"]),
                         ("Omicron-19", True))
        self.assertNotIn("title", items[other])
        self.assertFalse(items[other]["accessible"])
        # A cadet of the same level outside it is refused as before.
        cadet = self.logged_in("cadet")
        self.assertError(cadet.request("read", ref=own), "redacted")
        # The member's read is audited as granted, the others' as redacted.
        rows = [json.loads(r["details"]) for r in self.audit_rows("action = 'read'")]
        self.assertIn({"ref": own, "result": "granted"}, rows)
        self.assertIn({"ref": other, "result": "redacted"}, rows)


class TestMemberAccessSqlite(MemberAccessCases, ServerTestCase):
    pass


class TestMemberAccessPostgres(MemberAccessCases, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db, cls.schema = pg_util.fresh_schema()
        init = deepwell("init", "--db", cls.db, "--demo")
        assert init.returncode == 0, init.stderr
        cls.tmp = tempfile.mkdtemp(prefix="scipnet-pg-e2e-")
        cert, key = make_cert(cls.tmp, "members")
        cls.server = Server(cls.db, args=["--cert", cert, "--key", key])
        cls.server.stderr_path = cls.tmp + "/server.log"
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        pg_util.drop_schema(cls.schema)

    client = ServerTestCase.client
    logged_in = ServerTestCase.logged_in
    assertError = ServerTestCase.assertError

    def audit_rows(self, where="1=1"):
        out = pg_util.psql_value(
            self.db, "SELECT coalesce(json_agg(details ORDER BY id), '[]') FROM audit_log WHERE "
                     + where)
        return [{"details": d} for d in json.loads(out)]


if __name__ == "__main__":
    unittest.main()
