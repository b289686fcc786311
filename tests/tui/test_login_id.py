"""The login screen takes a name or an id, as the original's `ID:` prompt did (issue 19):
typing `3` and the agent's password gets the agent in; a wrong id is refused like a wrong
name, and the form stays."""
import unittest

from tui_harness import DemoServerTestCase, Terminal, needs_programs

AGENT_ID = 3  # the demo's agent: deepwell/io/demo.c adds cadet, researcher, agent, ...


@needs_programs
class LoginByIdTest(DemoServerTestCase):
    tmp_prefix = "scipnet-tui-loginid-"

    def setUp(self):
        super().setUp()
        self.home.pin(self.server.hostport, self.server.fingerprint)
        self.term = Terminal([self.server.hostport], self.home.env(), 80, 24)

    def tearDown(self):
        self.term.close()
        super().tearDown()

    def login(self, user, password):
        self.term.wait_for("IDENTIFICATION REQUIRED", "NAME OR ID", "PASSWORD")
        self.term.type(user)
        self.term.keys("Enter")
        self.term.type(password)
        self.term.keys("Enter")

    def test_typing_an_id_logs_in(self):
        self.login(str(AGENT_ID), "agent-pass")
        self.term.wait_for("Welcome, Field Agent agent.", "SCiPNET>")
        self.term.keys("C-c")
        self.assertEqual(self.term.exit_status(), 0)

    def test_a_wrong_id_is_refused_and_the_form_stays(self):
        self.login("999", "agent-pass")
        self.term.wait_for("ACCESS REFUSED: NAME OR PASSWORD NOT RECOGNISED.",
                           "IDENTIFICATION REQUIRED", absent=("DISCONNECTING",))
        self.term.keys("C-c")
        self.assertEqual(self.term.exit_status(), 0)


if __name__ == "__main__":
    unittest.main()
