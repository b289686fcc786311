"""The staff tools (sessions, revoke, passwd, whoami) on PostgreSQL: staff_cases.py."""
import unittest

from pg_demo import PgDemoServer
from staff_cases import SERVER_ENV, StaffCases


class PgStaff(PgDemoServer, StaffCases, unittest.TestCase):
    name = "staff"
    server_env = SERVER_ENV


if __name__ == "__main__":
    unittest.main()
