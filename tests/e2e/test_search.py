"""Full-text search on an SQLite store through the real server (search_cases.py)."""
import unittest

from harness import ServerTestCase
from search_cases import SearchCases


class Search(SearchCases, ServerTestCase):
    tmp_prefix = "scipnet-e2e-search-"

    def test_every_search_is_audited(self):
        self.logged_in("agent").request("search", query="lantern")
        rows = self.audit_rows("action = 'search' AND details LIKE '%lantern%'")
        self.assertTrue(rows)
        self.assertEqual(rows[-1]["outcome"], "success")


if __name__ == "__main__":
    unittest.main()
