"""Full-text search on a PostgreSQL store (tsvector, GIN) through the real server:
the same cases as test_search.py (search_cases.py)."""
import unittest

from pg_demo import PgDemoServer
from search_cases import SearchCases


class PgSearch(PgDemoServer, SearchCases, unittest.TestCase):
    name = "search"


if __name__ == "__main__":
    unittest.main()
