"""A site file's staff, task forces and SCP files on an SQLite store (site_table_cases.py)."""
import unittest

from harness import ServerTestCase
from site_table_cases import SiteTableCases


class SiteTables(SiteTableCases, ServerTestCase):
    tmp_prefix = "scipnet-e2e-site-tables-"


if __name__ == "__main__":
    unittest.main()
