"""The login form shows what the real server decided: the failures left before a wait,
counted down with each refusal, then the wait itself -- the same for a name that does
not exist as for one that does."""
import unittest

from tui_harness import DemoServerTestCase, Terminal, needs_programs

LIMIT = 5  # the server's default login_max_failures


@needs_programs
class LoginAttemptsTest(DemoServerTestCase):
    tmp_prefix = "scipnet-attempts-"

    def setUp(self):
        super().setUp()
        self.home.pin(self.server.hostport, self.server.fingerprint)
        self.term = None

    def tearDown(self):
        if self.term:
            self.term.close()
        super().tearDown()

    def count_down(self, name):
        t = self.term = Terminal([self.server.hostport], self.home.env(), 80, 24)
        t.wait_for("IDENTIFICATION REQUIRED")
        t.type(name)
        t.keys("Enter")
        for left in range(LIMIT - 1, -1, -1):
            t.type("wrong-%d" % left)  # the refused password is cleared, the focus stays
            t.keys("Enter")
            said = "%d ATTEMPT%s LEFT BEFORE A WAIT." % (left, "" if left == 1 else "S")
            t.wait_for("ACCESS REFUSED: NAME OR PASSWORD NOT RECOGNISED.", said)
        t.type("wrong-again")
        t.keys("Enter")
        screen = t.wait_for("TOO MANY FAILED ATTEMPTS.", "NEXT ATTEMPT IN")
        self.assertNotIn("LEFT BEFORE A WAIT", screen)
        t.close()
        self.term = None

    def test_a_real_account_counts_down_to_the_wait(self):
        self.count_down("researcher")

    def test_an_unknown_name_counts_down_the_same(self):
        self.count_down("no.such.agent")


if __name__ == "__main__":
    unittest.main()
