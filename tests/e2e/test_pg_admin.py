"""The deepwell command on a PostgreSQL store: import, export, audit, users.

The same stores on both engines must export the same folder: a SQLite store and a
PostgreSQL store filled from the same source write byte-identical exports.
"""
import os
import unittest

import pg_util
from import_util import ImportTestCase, run, tree


class PgImportExportTest(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.url, self.schema = pg_util.fresh_schema()
        self.addCleanup(pg_util.drop_schema, self.schema)

    def test_original_imports_once_and_verifies(self):
        src = self.source("named")
        out = self.import_ok(self.url, src)
        self.assertIn("users         4 added, 0 already there, 1 refused", out)
        again = self.import_ok(self.url, src)
        self.assertIn("users         0 added, 4 already there", again)
        self.assertIn("audit rows    already imported from this source: 3 skipped", again)
        verify = run("--db", self.url, "audit", "verify")
        self.assertEqual(verify.returncode, 0, verify.stderr + verify.stdout)
        self.assertEqual(pg_util.psql_value(
            self.url, "SELECT count(*) FROM audit_log WHERE imported = 1"), "3")

    def test_sqlite_and_postgresql_export_the_same_folder(self):
        # One export (so both stores get the same times), imported into each engine.
        first_store = self.store()
        self.import_ok(first_store, self.source("named"))
        seed = os.path.join(self.tmp, "seed")
        self.assertEqual(run("--db", first_store, "export", "--with-credentials", seed).returncode,
                         0)
        lite = self.store("lite.db")
        self.import_ok(lite, seed)
        self.import_ok(self.url, seed)
        out_lite, out_pg = os.path.join(self.tmp, "lite"), os.path.join(self.tmp, "pg")
        for db, out in ((lite, out_lite), (self.url, out_pg)):
            r = run("--db", db, "export", "--with-credentials", out)
            self.assertEqual(r.returncode, 0, r.stderr)
        first, second = tree(out_lite), tree(out_pg)
        self.assertEqual(sorted(first), sorted(second))
        for path in first:
            self.assertEqual(first[path], second[path], path)

    def test_move_from_sqlite_to_postgresql_keeps_logins(self):
        lite = self.store()
        self.import_ok(lite, self.source("plain"))
        out1, out2 = os.path.join(self.tmp, "out1"), os.path.join(self.tmp, "out2")
        self.assertEqual(run("--db", lite, "export", "--with-credentials", out1).returncode, 0)
        self.import_ok(self.url, out1)
        self.assertEqual(run("--db", self.url, "export", "--with-credentials", out2).returncode, 0)
        self.assertEqual(tree(out1), tree(out2))
        users = run("--db", self.url, "user", "list")
        self.assertEqual(users.returncode, 0, users.stderr)
        self.assertIn("director", users.stdout)


if __name__ == "__main__":
    unittest.main()
