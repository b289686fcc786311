"""Edits, file history and status changes through the real server, on SQLite
(the cases: edit_cases.py; on PostgreSQL: test_pg_edit.py)."""
import unittest

from edit_cases import EditCases
from harness import ServerTestCase


class Edit(EditCases, ServerTestCase):
    tmp_prefix = "scipnet-e2e-edit-"


if __name__ == "__main__":
    unittest.main()
