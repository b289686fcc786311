"""Two scipnet-servers on one PostgreSQL store share the login limit.

Guesses for one account pipelined to both servers at once: the reservations are
in the store, so no more than login_max_failures passwords are verified in all.
"""
import shutil
import tempfile
import unittest

import pg_util
from harness import Server
from test_login_limits import CONNECTIONS, PER_CONNECTION, codes, pipeline_on
from test_pg_scaleout import deepwell, make_cert


class TestLimitAcrossServers(unittest.TestCase):
    ENV = {"SCIPNET_LOGIN_MAX_FAILURES": "5", "SCIPNET_LOGIN_BACKOFF_BASE_S": "60",
           "SCIPNET_LOGIN_BACKOFF_MAX_S": "120", "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000000"}

    def setUp(self):
        self.url, schema = pg_util.fresh_schema()
        self.addCleanup(pg_util.drop_schema, schema)
        tmp = tempfile.mkdtemp(prefix="scipnet-pg-e2e-")
        self.addCleanup(shutil.rmtree, tmp, True)
        init = deepwell("init", "--db", self.url, "--demo")
        self.assertEqual(init.returncode, 0, init.stderr)
        self.servers = []
        for name in ("a", "b"):
            cert, key = make_cert(tmp, name)
            s = Server(self.url, env=self.ENV, args=["--cert", cert, "--key", key])
            s.stderr_path = "%s/%s.log" % (tmp, name)
            self.servers.append(s.start())
            self.addCleanup(s.stop)

    def test_pipelined_guesses_on_two_servers_verify_at_most_the_limit(self):
        clients = [self.servers[i % 2].client() for i in range(CONNECTIONS)]
        for c in clients:
            self.addCleanup(c.close)
        batches = [[("researcher", "guess-%d" % i) for i in range(PER_CONNECTION)]
                   for _ in range(CONNECTIONS)]
        batches[1][-1] = ("researcher", "researcher-pass")
        seen = codes(pipeline_on(self, clients, batches))
        self.assertEqual(seen.get("auth_failed"), 5, seen)
        self.assertNotIn("ok", seen)
        verified = pg_util.psql_value(
            self.url, "SELECT count(*) FROM audit_log WHERE action = 'login'"
                      " AND outcome = 'failure' AND attempted_name = 'researcher'")
        self.assertEqual(int(verified), 5)


if __name__ == "__main__":
    unittest.main()
