"""A site file's staff, task forces and SCP files on a PostgreSQL store,
each row cleared for its reader (site_table_cases.py)."""
import unittest

from pg_demo import PgDemoServer
from site_table_cases import SiteTableCases


class PgSiteTables(PgDemoServer, SiteTableCases, unittest.TestCase):
    name = "site-tables"


if __name__ == "__main__":
    unittest.main()
