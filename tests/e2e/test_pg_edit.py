"""Edits, file history and status changes on a PostgreSQL store through the real
server: the same cases as test_edit.py (edit_cases.py)."""
import unittest

from pg_demo import PgDemoServer
from edit_cases import EditCases


class PgEdit(PgDemoServer, EditCases, unittest.TestCase):
    name = "edit"


if __name__ == "__main__":
    unittest.main()
