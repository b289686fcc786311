"""A demo store in a fresh PostgreSQL schema with a server on it, for the test classes
that run a cases module (edit_cases.py, search_cases.py ...) on the second engine."""
import shutil
import tempfile

import pg_util
from harness import Server, ServerClient
from test_pg_scaleout import deepwell, make_cert


class PgDemoServer(ServerClient):
    """Mix in before unittest.TestCase; set `name` (and `server_env` if the cases need one)."""
    name = "demo"
    server_env = None

    @classmethod
    def setUpClass(cls):
        cls.url, cls.schema = pg_util.fresh_schema()
        cls.tmp = tempfile.mkdtemp(prefix="scipnet-pg-e2e-%s-" % cls.name)
        cls.server = None
        try:
            init = deepwell("init", "--db", cls.url, "--demo")
            assert init.returncode == 0, init.stderr
            cert, key = make_cert(cls.tmp, cls.name)
            cls.server = Server(cls.url, env=cls.server_env, args=["--cert", cert, "--key", key])
            cls.server.stderr_path = cls.tmp + "/server.log"  # a URL has no "beside"
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
