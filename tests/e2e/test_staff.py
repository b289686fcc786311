"""The staff tools (sessions, revoke, passwd, whoami) on SQLite: staff_cases.py."""
import unittest

from harness import ServerTestCase
from staff_cases import SERVER_ENV, StaffCases


class TestStaff(StaffCases, ServerTestCase):
    server_env = SERVER_ENV
    tmp_prefix = "scipnet-e2e-staff-"


if __name__ == "__main__":
    unittest.main()
