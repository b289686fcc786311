"""The client in a terminal when the server goes away, fails, asks it to wait, floods or
stalls."""
import re
import socket
import time

from fake_server import LEVEL1, demo_handler, flood, trickle
from tui_cases import (FakeServerTestCase, OneClientTestCase, lines_fit, log_in,
                       refusing_first)
from tui_harness import Server, Terminal, free_port, make_demo_store, needs_programs


@needs_programs
class ReconnectTest(OneClientTestCase):
    """A server restart keeps the session: the client reconnects with the same token."""

    def start_server(self):
        self.db = make_demo_store(self.dir)
        return Server(self.db, port=free_port()).start()

    def test_server_restart_does_not_log_out(self):
        self.home.pin(self.server.hostport, self.server.fingerprint)
        t = self.term = Terminal([self.server.hostport], self.home.env())
        log_in(t, "researcher", "researcher-pass")
        t.wait_for("Welcome, Researcher researcher.")
        port, fingerprint = self.server.port, self.server.fingerprint
        self.server.stop()
        t.type("ACCESS SCP 013")
        t.keys("Enter")
        t.wait_for("CONNECTION LOST", "r reconnect")
        self.server = Server(self.db, port=port).start()
        self.assertEqual(self.server.fingerprint, fingerprint)
        t.keys("r")
        t.wait_for("SCP-013", "CONTAINMENT ██ SAFE", "researcher",
                   absent=("IDENTIFICATION REQUIRED",))


@needs_programs
class ServerErrorTest(FakeServerTestCase):
    """An internal error gets a clear screen that offers to try again."""

    def handler(self):
        def read(req):
            return {"ok": True, "screen": {"kind": "file"},
                    "file": {"ref": req["ref"], "kind": "scp", "title": "Second Try",
                             "classification": LEVEL1, "sections": [
                                 {"kind": "description", "title": "Description", "level": 1,
                                  "text": "Worked the second time; 機密 wide text."}]}}
        bug = {"ok": False, "error": {"code": "internal", "message": "a bug"}}
        return demo_handler(refusing_first(1, bug, read))

    def test_internal_error_then_retry(self):
        t = self.read_file()
        t.wait_for("SERVER ERROR", "internal: a bug", "Press r to try again, q to quit.")
        t.keys("r")
        screen = t.wait_for("SCP-013 Second Try", "Worked the second time; 機密 wide text.")
        self.assertTrue(lines_fit(screen, 80))
        tokens = {r.get("token") for r in self.server.requests if r.get("op") == "read"}
        self.assertEqual(tokens, {"t" * 43})


@needs_programs
class RateLimitTest(FakeServerTestCase):
    """The server asks to wait: the client counts it down on the login screen and stays."""

    tmp_prefix = "scipnet-rate-"

    def handler(self):
        wait = {"ok": False, "retry_after": 3,
                "error": {"code": "rate_limited", "message": "too many failed logins"}}
        return refusing_first(1, wait, demo_handler(lambda req: {"ok": True}), op="login")

    def logins(self):
        return sum(1 for r in self.server.requests if r.get("op") == "login")

    def test_a_wait_is_counted_down_and_the_form_stays(self):
        t = self.connect()
        log_in(t, "agent", "pw")
        screen = t.wait_for("TOO MANY FAILED ATTEMPTS.", "NEXT ATTEMPT IN 3 SECONDS",
                            "IDENTIFICATION REQUIRED")
        self.assertNotIn("DISCONNECTING", screen)
        t.wait_for("NEXT ATTEMPT IN 2 SECONDS")
        # Enter while waiting sends nothing: the server said when.
        t.type("pw")
        t.keys("Enter")
        t.wait_for("WAIT ")
        self.assertEqual(self.logins(), 1)
        t.wait_for("YOU MAY TRY AGAIN.", timeout=6)
        t.keys("Enter")
        t.wait_for("SCiPNET>")
        self.assertEqual(self.logins(), 2)


@needs_programs
class HostileServerTest(FakeServerTestCase):
    """A server that floods or stalls: the client drops a connection that sends replies
    nobody asked for, and Ctrl-C quits at once however long the server takes."""

    tmp_prefix = "scipnet-hostile-"

    def handler(self):
        self.read = None  # the raw answer to read, set by each test
        return demo_handler(lambda req: self.read)

    def test_flood_of_replies_with_wrong_ids_drops_the_connection(self):
        self.read = flood({"ok": True, "screen": {"kind": "file"}})
        t = self.read_file()
        screen = t.wait_for("SERVER ERROR", "Press r to try again, q to quit.")
        flat = re.sub(r"[\s│]+", "", screen)
        self.assertIn("areplytonorequestofours;connectiondropped", flat)
        self.assertTrue(self.server.closed.wait(10), "the flooding connection stayed open")
        t.keys("q")
        self.assertEqual(t.exit_status(), 1)

    def test_ctrl_c_quits_while_a_reply_trickles_in(self):
        self.read = trickle({"ok": True, "screen": {"kind": "file"}}, seconds=2.0)
        t = self.read_file()
        deadline = time.monotonic() + 10
        while not any(r.get("op") == "read" for r in self.server.requests):
            self.assertLess(time.monotonic(), deadline, "the client sent no read")
            time.sleep(0.05)
        time.sleep(0.3)  # the client is now waiting on the reply's bytes
        t.keys("C-c")
        self.assertEqual(t.exit_status(timeout=5), 0)

    def test_ctrl_c_quits_while_the_handshake_stalls(self):
        # A server that takes the TCP connection and never says a word of TLS.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        try:
            t = self.term = Terminal(["--fingerprint", "sha256:" + "0" * 64,
                                      "127.0.0.1:%d" % silent.getsockname()[1]],
                                     self.home.env())
            t.wait_for("CONNECTING")
            time.sleep(0.3)
            t.keys("C-c")
            self.assertEqual(t.exit_status(timeout=5), 0)
        finally:
            silent.close()


if __name__ == "__main__":
    unittest.main()
