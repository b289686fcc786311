"""The staff tools (sessions, revoke, passwd, whoami) on PostgreSQL: staff_cases.py."""
import shutil
import tempfile
import unittest

import pg_util
from harness import Server
from staff_cases import SERVER_ENV, StaffCases
from test_pg_scaleout import deepwell, make_cert


class PgStaff(StaffCases, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.url, cls.schema = pg_util.fresh_schema()
        cls.tmp = tempfile.mkdtemp(prefix="scipnet-pg-e2e-staff-")
        cls.server = None
        try:
            init = deepwell("init", "--db", cls.url, "--demo")
            assert init.returncode == 0, init.stderr
            cert, key = make_cert(cls.tmp, "staff")
            cls.server = Server(cls.url, env=SERVER_ENV, args=["--cert", cert, "--key", key])
            cls.server.stderr_path = cls.tmp + "/server.log"
            cls.server.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        pg_util.drop_schema(cls.schema)

    def client(self):
        c = self.server.client()
        self.addCleanup(c.close)
        return c

    def logged_in(self, name):
        c = self.client()
        reply = c.login(name)
        self.assertTrue(reply["ok"], reply)
        return c

    def assertError(self, reply, code):
        self.assertFalse(reply["ok"], reply)
        self.assertEqual(reply["error"]["code"], code, reply)


if __name__ == "__main__":
    unittest.main()
