"""auth_failed says how many failures the name tried has left before the wait.

The count is per name tried, so it must be the same for an account that exists and
for a name that does not: a different count (or a missing one) would tell a guesser
which names are real.
"""
import unittest

from harness import ServerTestCase

LIMIT = 4


class TestAttemptsLeft(ServerTestCase):
    server_env = {"SCIPNET_LOGIN_MAX_FAILURES": str(LIMIT),
                  "SCIPNET_LOGIN_BACKOFF_BASE_S": "60", "SCIPNET_LOGIN_BACKOFF_MAX_S": "120",
                  "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000000"}

    def failures(self, name):
        c = self.client()
        counts = []
        for i in range(LIMIT):
            r = c.request("login", token=False, user=name, password="guess-%d" % i)
            self.assertError(r, "auth_failed")
            counts.append(r["error"].get("attempts_left"))
        r = c.request("login", token=False, user=name, password="guess-last")
        self.assertError(r, "rate_limited")
        self.assertNotIn("attempts_left", r["error"])
        return counts

    def test_counts_down_to_the_wait(self):
        self.assertEqual(self.failures("researcher"), [3, 2, 1, 0])

    def test_unknown_name_counts_down_alike(self):
        unknown = self.failures("no.such.agent")
        self.assertEqual(unknown, [3, 2, 1, 0])
        self.assertEqual(unknown, self.failures("cadet"))

    def test_case_folds_and_a_good_login_forgives(self):
        c = self.client()
        r = c.request("login", token=False, user="agent", password="wrong")
        self.assertEqual(r["error"]["attempts_left"], LIMIT - 1, r)
        r = c.request("login", token=False, user="AGENT", password="wrong")
        self.assertEqual(r["error"]["attempts_left"], LIMIT - 2, r)
        self.assertTrue(c.login("agent")["ok"])  # a good login forgives the failures
        c2 = self.client()
        r = c2.request("login", token=False, user="agent", password="wrong")
        self.assertEqual(r["error"]["attempts_left"], LIMIT - 1, r)


if __name__ == "__main__":
    unittest.main()
