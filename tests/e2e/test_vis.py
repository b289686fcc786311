"""Everything printed to a terminal is shown, never obeyed.

Hostile text is stored the way an attacker would store it (a title, section text and a site
name through `create`, a user name typed at login, a store path), then read back through
every program's output: `scipnet --batch` read/list/whoami and its error messages,
`deepwell audit tail|export`, `deepwell user list` and the server log.  None may carry a raw
ESC, C1 or bidi control; each must show the visible form (common/vis.h).  `--raw` gives
the bytes.  A source check keeps new output paths on the print helpers.
"""
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import unicodedata
import unittest

from admin_util import REPO, add_user, deepwell
from harness import BIN, Server, clean_env, make_demo_store

# OSC 52 (write the clipboard), CSI 2J (clear the screen), a right-to-left override and
# U+009B, the one-character CSI of C1.
OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
CSI = "\x1b[2J"
RLO = "\u202e"
C1 = "\u009b"
HOSTILE = OSC52 + CSI + "gpj." + RLO + "exe" + C1 + "31m"
VISIBLE = ["\\e]52;c;cm0gLXJmIH4=\\a", "\\e[2J", "gpj.\\u202eexe\\u009b31m"]
SITE_NAME = "Site " + HOSTILE
TITLE = "The " + HOSTILE + " Object"
TEXT = "First line " + HOSTILE + "\n\x1b]8;;http://evil.invalid\x1b\\link\x1b]8;;\x1b\\ end"
LOGIN_NAME = "adm" + CSI + "\r2026-12-07 login success o5\n" + RLO
PASSWORD = "mallory-pass"


def hidden(text):
    """The controls a terminal could obey in text: C0 but tab and newline, DEL, C1, bidi."""
    found = []
    for ch in text:
        cp = ord(ch)
        if (cp < 0x20 and ch not in "\t\n") or 0x7f <= cp <= 0x9f or \
                unicodedata.bidirectional(ch) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI",
                                                  "RLI", "FSI", "PDI", "LRM", "RLM", "ALM"):
            found.append(hex(cp))
    return found


class ShownMixin:

    def assertShown(self, data, visible=VISIBLE):
        """data (bytes) is UTF-8 without a control to obey, and holds every visible form."""
        text = data.decode("utf-8")  # invalid UTF-8 would raise here
        self.assertEqual(hidden(text), [], text)
        for v in visible:
            self.assertIn(v, text)


class VisTest(ShownMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="scipnet-vis-")
        cls.db = make_demo_store(cls.tmp)
        cls.server = Server(cls.db).start()
        c = cls.server.client()
        try:
            assert c.login("officer")["ok"]
            r = c.request("create", kind="site", name=SITE_NAME)
            assert r["ok"], r
            cls.site_ref = r["ref"]
            r = c.request("create", kind="scp", number=3901, title=TITLE, level=1,
                          containment="Safe", risk="Notice", site=cls.site_ref,
                          sections=[{"kind": "description", "title": "Description " + CSI,
                                     "level": 1, "text": TEXT}])
            assert r["ok"], r
            # A failed login whose name tries to rewrite the operator's audit screen.
            r = c.request("login", token=False, user=LOGIN_NAME, password="wrong-password")
            assert not r["ok"], r
        finally:
            c.close()
        site_id = cls.site_ref.split("-")[1]
        r = add_user(cls.db, "mallory", PASSWORD, 2, "Researcher", "--site", site_id)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def batch(self, *command, raw=False, user="mallory", password=PASSWORD, lang="C.UTF-8"):
        args = [os.path.join(BIN, "scipnet"), "--batch"] + (["--raw"] if raw else [])
        if user is not None:
            args += ["--user", user, "--password-stdin"]
        args += ["--fingerprint", self.server.fingerprint,
                 "%s:%d" % (self.server.host, self.server.port)] + list(command)
        env = clean_env({"XDG_DATA_HOME": self.tmp, "HOME": self.tmp, "LANG": lang,
                         "LC_ALL": lang})
        p = subprocess.run(args, input=(password + "\n").encode() if user else b"",
                           capture_output=True, env=env, timeout=30)
        return p.returncode, p.stdout, p.stderr

    # ---- scipnet --batch ----------------------------------------------------------------

    def test_batch_read_shows_title_text_and_site(self):
        for lang in ("C.UTF-8", "C"):
            rc, out, err = self.batch("read", "SCP-3901", lang=lang)
            self.assertEqual(rc, 0, err)
            self.assertShown(out, VISIBLE + ["\\e]8;;http://evil.invalid\\e\\link"])
            self.assertIn(b"First line ", out)

    def test_batch_list_shows_titles(self):
        rc, out, err = self.batch("list", "scp", "gpj")
        self.assertEqual(rc, 0, err)
        self.assertShown(out)
        self.assertEqual(len(out.splitlines()), 1, out)  # one line per item, still
        rc, out, err = self.batch("list", "site")
        self.assertEqual(rc, 0, err)
        self.assertShown(out)

    def test_batch_whoami_shows_the_site_name(self):
        rc, out, err = self.batch("whoami")
        self.assertEqual(rc, 0, err)
        self.assertShown(out)
        self.assertIn(b"Site: Site \\e]52;", out)

    def test_batch_raw_prints_the_bytes(self):
        rc, out, err = self.batch("read", "SCP-3901", raw=True)
        self.assertEqual(rc, 0, err)
        self.assertIn(OSC52.encode(), out)
        self.assertIn(CSI.encode(), out)
        self.assertIn((RLO + "exe" + C1).encode(), out)
        self.assertNotIn(b"\\e]52", out)

    def test_batch_errors_that_echo_input_are_shown(self):
        rc, out, err = self.batch("create", "scp", "x" + CSI + "gpj." + RLO + "exe" + C1,
                                  user=None)
        self.assertEqual(rc, 1, err)
        self.assertShown(err, ["x\\e[2Jgpj.\\u202eexe\\u009b"])
        # The server's reply to a login is echoed on stderr; a hostile name changes nothing.
        rc, out, err = self.batch("whoami", user=LOGIN_NAME, password="wrong-password")
        self.assertEqual(rc, 2)
        self.assertShown(out + err, [])

    # ---- deepwell ----------------------------------------------------------------------

    def test_audit_tail_shows_the_typed_name_on_one_line(self):
        r = subprocess.run([os.path.join(BIN, "deepwell"), "audit", "tail", "--db", self.db,
                            "-n", "1000"], capture_output=True, env=clean_env(), timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertShown(r.stdout, ["?adm\\e[2J\\r2026-12-07 login success o5\\n\\u202e"])
        # The forged "login success" stays inside the failed login's line.
        forged = [l for l in r.stdout.decode().splitlines() if "login success o5" in l]
        self.assertEqual(len(forged), 1, forged)
        self.assertIn("login", forged[0])

    def test_audit_export_is_safe_json_that_means_the_same(self):
        r = subprocess.run([os.path.join(BIN, "deepwell"), "audit", "export", "--db", self.db,
                            "--format", "jsonl"], capture_output=True, env=clean_env(),
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertShown(r.stdout, [])
        rows = [json.loads(line) for line in r.stdout.decode().splitlines()]
        self.assertIn(LOGIN_NAME, [row.get("attempted_name") for row in rows])

    def test_user_list_shows_site_names_in_their_column(self):
        r = deepwell("user", "list", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertShown(r.stdout.encode(), ["Site \\e]52;c;cm0gLXJmIH4=\\a\\e[2Jgpj.\\u202e"])
        lines = r.stdout.splitlines()
        column = lines[0].index("ACTIVE")
        for line in lines[1:]:
            self.assertRegex(line[column:], r"^(yes|no) ", line)

    # ---- the server log ------------------------------------------------------------------

    def test_server_log_lines_are_shown(self):
        # A store path is the one untrusted name every start logs ("listening on ...").
        d = os.path.join(self.tmp, "store" + CSI + RLO + C1 + "\n2026 forged line")
        os.mkdir(d)
        db = make_demo_store(d)
        s = Server(db).start()
        try:
            c = s.client()
            c.close()
        finally:
            s.stop()
        with open(s.stderr_path, "rb") as f:
            log = f.read()
        self.assertShown(log, ["store\\e[2J\\u202e\\u009b\\n2026 forged line"])
        self.assertFalse(any(l.startswith(b"2026 forged") for l in log.splitlines()), log)

    def test_server_errors_that_echo_a_path_are_shown(self):
        missing = os.path.join(self.tmp, "no" + OSC52 + RLO + "store")
        p = subprocess.run([os.path.join(BIN, "scipnet-server"), "--db", missing, "--listen",
                            "127.0.0.1:0"], capture_output=True, env=clean_env(), timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertShown(p.stderr, ["no\\e]52;c;cm0gLXJmIH4=\\a\\u202estore"])
        self.assertIn(b"scipnet-server: no such store", p.stderr)


class BenchTest(ShownMixin, unittest.TestCase):
    """scipnet-bench quotes what a server sent when it cannot parse it."""

    def serve_one_line(self, line):
        d = tempfile.mkdtemp(prefix="scipnet-vis-bench-")
        self.addCleanup(shutil.rmtree, d, True)
        cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=vis"], check=True, capture_output=True,
                       timeout=60)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        sock = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(sock.close)

        def serve():
            try:
                conn, _ = sock.accept()
                with ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(65536)
                    tls.sendall(line)
                    tls.recv(65536)
            except OSError:
                pass
        threading.Thread(target=serve, daemon=True).start()
        return sock.getsockname()[1]

    def bench_setup(self, line):
        port = self.serve_one_line(line)
        p = subprocess.run([os.path.join(BIN, "scipnet-bench"), "--mode", "setup", "--port",
                            str(port)], capture_output=True, env=clean_env(), timeout=60)
        self.assertNotEqual(p.returncode, 0)
        return p.stderr

    def test_a_refusal_and_an_unparseable_reply_are_shown(self):
        refusal = {"id": 1, "ok": False, "error": {"code": "x" + OSC52 + RLO, "message": "m"}}
        err = self.bench_setup(json.dumps(refusal).encode() + b"\n")
        self.assertShown(err, ["login as o5 failed: x\\e]52;c;cm0gLXJmIH4=\\a\\u202e"])
        err = self.bench_setup(CSI.encode() + b"\n")
        self.assertShown(err, ["unparseable reply"])


class PrintHelpersOnlyTest(unittest.TestCase):
    """Every output path of the batch client and of deepwell goes through common/vis.h."""

    RAW_PRINT = re.compile(r"(?<![\w.])(printf|fprintf|puts|fputs|putchar|fputc|fwrite)\s*\(")

    def test_no_raw_print_calls(self):
        files = [REPO / "client" / n for n in ("batch.c", "batch_staff.c", "main.c", "options.c", "ui.c")]
        files += sorted((REPO / "deepwell" / "admin").glob("*.c"))
        offenders = []
        for path in files:
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if self.RAW_PRINT.search(line):
                    offenders.append("%s:%d: %s" % (path.relative_to(REPO), number,
                                                    line.strip()))
        self.assertEqual(offenders, [], "print through vis_fputs/vis_fprintf "
                         "(common/vis.h), which make control characters visible")


if __name__ == "__main__":
    unittest.main()
