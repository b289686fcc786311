"""Test case bases shared by the terminal test modules: the client in tmux against the shared
demo server (TerminalTestCase) or against a scripted FakeServer (FakeServerTestCase)."""
import shutil
import tempfile
import unittest

from fake_server import FakeServer
from tui_harness import DemoServerTestCase, Home, Terminal


def lines_fit(screen, width):
    return all(len(line) <= width for line in screen.splitlines())


def log_in(t, user, password):
    """Types a name and a password into the login screen once it shows."""
    t.wait_for("IDENTIFICATION REQUIRED")
    t.type(user)
    t.keys("Enter")
    t.type(password)
    t.keys("Enter")


def refusing_first(times, refusal, inner, op=None):
    """A FakeServer handler that answers the first `times` requests (of `op`, when given)
    with `refusal` and passes every other request to `inner`."""
    left = [times]

    def handler(req):
        if left[0] > 0 and op in (None, req.get("op")):
            left[0] -= 1
            return refusal
        return inner(req)
    return handler


class TerminalTestCase(DemoServerTestCase):
    """Clients in tmux against the class's demo server, all closed after each test."""

    def setUp(self):
        super().setUp()
        self.terms = []

    def tearDown(self):
        for t in self.terms:
            t.close()
        super().tearDown()

    def client(self, args=None, width=80, height=24, pin=True):
        if pin:
            self.home.pin(self.server.hostport, self.server.fingerprint)
        t = Terminal(args if args is not None else [self.server.hostport], self.home.env(),
                     width, height)
        self.terms.append(t)
        return t

    def login(self, t, user, password):
        log_in(t, user, password)


class OneClientTestCase(unittest.TestCase):
    """One client (self.term) against the server the subclass's start_server() starts in
    self.dir, for one test."""

    tmp_prefix = "scipnet-tui-"  # names the test's temporary directory, for post-mortems

    def start_server(self):
        raise NotImplementedError

    def stop_server(self):
        self.server.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.tmp_prefix)
        self.server = self.start_server()
        self.home = Home()
        self.term = None

    def tearDown(self):
        if self.term:
            self.term.close()
        self.stop_server()
        self.home.remove()
        shutil.rmtree(self.dir, ignore_errors=True)


class FakeServerTestCase(OneClientTestCase):
    """One client against a FakeServer that answers with the subclass's handler()."""

    tmp_prefix = "scipnet-fake-"

    def handler(self):
        raise NotImplementedError

    def start_server(self):
        return FakeServer(self.dir, self.handler())

    def stop_server(self):
        self.server.close()

    def connect(self):
        """A client that trusts the fake server's fingerprint, at its login screen."""
        t = self.term = Terminal(["--fingerprint", self.server.fingerprint, self.server.hostport],
                                 self.home.env())
        t.wait_for("IDENTIFICATION REQUIRED", "CONNECTED · fake")
        return t

    def read_file(self):
        """Logs in as researcher and asks for SCP-013."""
        t = self.connect()
        log_in(t, "researcher", "pw")
        t.wait_for("SCiPNET>")
        t.type("ACCESS SCP 013")
        t.keys("Enter")
        return t
