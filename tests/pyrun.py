#!/usr/bin/env python3
"""Runs the unittest modules in one directory and prints 'pyrun: N passed, N failed'."""
import sys
import unittest

def main() -> int:
    directory = sys.argv[1]
    sys.path.insert(0, directory)
    sys.path.insert(0, "tests")
    suite = unittest.defaultTestLoader.discover(directory, pattern="test_*.py", top_level_dir=directory)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"pyrun: {passed} passed, {failed} failed, {len(result.skipped)} skipped")
    return 0 if failed == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
