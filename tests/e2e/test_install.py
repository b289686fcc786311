"""Installed and run as a Debian service (issue 21, section 1).

What an operator does, step by step: `make install` into a DESTDIR (and `make
uninstall`), read the man pages (mandoc lint), load the unit (`systemd-analyze
verify`), `scipnet-server --check` good and bad configurations, `--version`.  And
what the service relies on: store files 0600 whatever the umask, a key others may
read refused, sd_notify READY=1 / STOPPING=1 on a $NOTIFY_SOCKET datagram socket.
"""
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from harness import BIN, Server, clean_env, make_demo_store

SRC = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MAN_PAGES = ["man/scipnet.1", "man/scipnet.conf.5", "man/scipnet-server.8", "man/deepwell.8"]


def source(path):
    with open(os.path.join(SRC, path), encoding="utf-8") as f:
        return f.read()


def config_keys():
    """The keys of common/config.c's keys[] table, in order."""
    table = source("common/config.c").split("static const struct config_key keys[] = {", 1)[1]
    table = table.split("};", 1)[0]
    return re.findall(r"\{(?:STR|NUM|CHOICE)\((\w+),", table)


def sample_keys():
    """The "#key = default" lines of dist/scipnet.conf, in order."""
    return re.findall(r"^#([a-z0-9_]+) = ?.*$", source("dist/scipnet.conf"), re.M)


def make(*args, env=None):
    """make in the source tree, as a person would type it: not as a child of `make test`
    (whose MAKEFLAGS name a jobserver this process does not pass on)."""
    env = dict(env if env is not None else clean_env())
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(var, None)
    return subprocess.run(["make", "--no-print-directory", "-C", SRC] + list(args),
                          capture_output=True, text=True, timeout=600, env=env)


def run(prog, *args, env=None, umask=None, **kw):
    return subprocess.run([os.path.join(BIN, prog)] + [str(a) for a in args],
                          env=clean_env(env), capture_output=True, text=True, timeout=120,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
                          **kw)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def make_cert(directory, name="tls"):
    cert = os.path.join(directory, name + ".cert.pem")
    key = os.path.join(directory, name + ".key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=install-test"], check=True,
                   capture_output=True, timeout=60)
    return cert, key


class InstallTest(unittest.TestCase):
    """`make install` / `make uninstall` into a DESTDIR, as a person would run them."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="scipnet-install-")
        cls.dest = os.path.join(cls.tmp, "root")
        cls.installed = make("install", "PREFIX=/usr/local", "DESTDIR=" + cls.dest)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, p):
        return os.path.join(self.dest, p.lstrip("/"))

    def test_install_puts_programs_man_pages_config_and_unit_in_place(self):
        self.assertEqual(self.installed.returncode, 0, self.installed.stderr)
        for prog in ("scipnet-server", "scipnet", "deepwell"):
            p = self.path("/usr/local/bin/" + prog)
            self.assertEqual(mode(p), 0o755, p)
            out = subprocess.run([p, "--version"], capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertTrue(out.stdout.startswith(prog + " "), out.stdout)
        for page in MAN_PAGES:
            section = page.rsplit(".", 1)[1]
            p = self.path("/usr/local/share/man/man%s/%s" % (section, os.path.basename(page)))
            self.assertEqual(mode(p), 0o644, p)
        self.assertEqual(mode(self.path("/etc/scipnet/scipnet.conf")), 0o644)
        with open(self.path("/etc/scipnet/scipnet.conf")) as f:
            self.assertEqual(f.read(), source("dist/scipnet.conf"))
        self.assertTrue(os.path.exists(self.path("/usr/local/lib/sysusers.d/scipnet.conf")))

    def unit(self):
        with open(self.path("/usr/local/lib/systemd/system/scipnet-server.service")) as f:
            return f.read()

    def test_the_unit_runs_confined_as_its_own_user_and_notifies(self):
        unit = self.unit()
        lines = set(unit.splitlines())
        for want in ("Type=notify", "User=scipnet", "StateDirectory=scipnet",
                     "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                     "NoNewPrivileges=yes", "CapabilityBoundingSet=",
                     "SystemCallFilter=@system-service", "ExecReload=/bin/kill -HUP $MAINPID",
                     "WatchdogSec=30",
                     "ExecStart=/usr/local/bin/scipnet-server "
                     "--config /etc/scipnet/scipnet.conf"):
            self.assertIn(want, lines)
        self.assertNotIn("@", unit.replace("@system-service", ""), "a placeholder was left")

    def test_systemd_analyze_verify_passes_on_the_installed_unit(self):
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed (apt-get install systemd)")
        # The unit names /usr/local/bin: point it at the DESTDIR copy so verify can see
        # the program, and let man(1) find the installed pages it names.
        unit = self.unit().replace("/usr/local/bin/", self.path("/usr/local/bin/"))
        path = os.path.join(self.tmp, "scipnet-server.service")
        with open(path, "w") as f:
            f.write(unit)
        env = dict(os.environ, MANPATH=self.path("/usr/local/share/man"))
        out = subprocess.run(["systemd-analyze", "verify", path], capture_output=True,
                             text=True, timeout=120, env=env)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stderr.strip(), "", "verify warned")

    def test_uninstall_removes_everything_and_keeps_an_edited_config(self):
        dest = os.path.join(self.tmp, "second")
        self.assertEqual(make("install", "DESTDIR=" + dest).returncode, 0)
        conf = os.path.join(dest, "etc/scipnet/scipnet.conf")
        with open(conf, "a") as f:
            f.write("listen = 0.0.0.0:7019\n")
        again = make("install", "DESTDIR=" + dest)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("keeping", again.stdout)
        with open(conf) as f:
            self.assertIn("0.0.0.0:7019", f.read(), "install overwrote an edited config")
        out = make("uninstall", "DESTDIR=" + dest)
        self.assertEqual(out.returncode, 0, out.stderr)
        left = [os.path.join(d, f) for d, _, fs in os.walk(dest) for f in fs]
        self.assertEqual(left, [conf])
        os.unlink(conf)
        self.assertEqual(make("install", "DESTDIR=" + dest).returncode, 0)
        self.assertEqual(make("uninstall", "DESTDIR=" + dest).returncode, 0)
        left = [os.path.join(d, f) for d, _, fs in os.walk(dest) for f in fs]
        self.assertEqual(left, [], "uninstall left files behind")


class ManPageTest(unittest.TestCase):
    """The pages lint clean and say what the programs do today."""

    def test_man_pages_lint_clean(self):
        for page in MAN_PAGES:
            path = os.path.join(SRC, page)
            if shutil.which("mandoc"):
                cmd = ["mandoc", "-T", "lint", "-W", "warning", path]
            elif shutil.which("groff"):
                cmd = ["groff", "-ww", "-man", "-z", path]
            else:
                self.skipTest("neither mandoc nor groff is installed (apt-get install mandoc)")
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertEqual((out.stdout + out.stderr).strip(), "", page)

    def test_scipnet_conf_5_documents_every_key(self):
        page = source("man/scipnet.conf.5")
        for key in config_keys():
            self.assertIn(".B %s\n" % key, page, key)

    def test_scipnet_1_lists_every_option_and_batch_verb(self):
        page = source("man/scipnet.1").replace("\\-", "-")
        options = re.findall(r'strcmp\(a, "(--[a-z-]+)"\)', source("client/options.c"))
        self.assertIn("--batch", options)
        for opt in options:
            self.assertIn(opt, page, opt)
        verbs = re.findall(r'strcmp\(cmd\[0\], "(\w+)"\)',
                           source("client/batch.c") + source("client/batch_edit.c") +
                           source("client/batch_staff.c"))
        self.assertIn("read", verbs)
        self.assertIn("edit", verbs)
        for verb in verbs:
            self.assertRegex(page, r"\.BI? %s\b" % verb, verb)

    def test_scipnet_server_8_lists_every_flag(self):
        page = source("man/scipnet-server.8").replace("\\-", "-")
        flags = re.findall(r'\{"([a-z-]+)", (?:no|required)_argument', source("server/main.c"))
        self.assertIn("check", flags)
        for flag in flags:
            self.assertIn("--" + flag, page, flag)


class SampleConfigTest(unittest.TestCase):
    """dist/scipnet.conf lists config.c's keys; test_common_sample_conf checks defaults."""

    def test_the_sample_lists_every_key_of_the_table_in_order(self):
        keys = config_keys()
        self.assertGreater(len(keys), 20)
        self.assertEqual(sample_keys(), keys)

    def test_every_key_has_a_line_saying_what_it_does(self):
        lines = source("dist/scipnet.conf").splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^#[a-z0-9_]+ = ?", line):
                self.assertRegex(lines[i - 1], r"^# \S", line)

    def test_check_accepts_the_sample_with_every_key_set(self):
        tmp = tempfile.mkdtemp(prefix="scipnet-sample-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = make_demo_store(tmp)
        conf = os.path.join(tmp, "scipnet.conf")
        with open(conf, "w") as f:
            f.write(re.sub(r"^#([a-z0-9_]+ =)", r"\1", source("dist/scipnet.conf"), flags=re.M))
        out = run("scipnet-server", "--check", "--config", conf, "--db", db)
        self.assertEqual(out.returncode, 0, out.stderr)


class MakefileTest(unittest.TestCase):
    """`make` only builds; `make deps` installs, and demo/test call it."""

    def test_make_only_builds_and_demo_and_test_install_deps(self):
        self.assertNotIn("DEBIAN_FRONTEND", make("-n", "all").stdout)
        self.assertIn("DEBIAN_FRONTEND", make("-n", "demo").stdout)
        self.assertIn("DEBIAN_FRONTEND", make("-n", "test").stdout)

    def test_make_names_the_debian_packages_of_missing_libraries(self):
        env = clean_env({"PKG_CONFIG_LIBDIR": "/nonexistent"})
        out = make("libs", env=env)
        self.assertNotEqual(out.returncode, 0)
        for pkg in ("libsqlite3-dev", "libssl-dev", "libevent-dev", "libsodium-dev",
                    "libjansson-dev", "libinih-dev", "libncurses-dev", "libpq-dev"):
            self.assertIn(pkg, out.stderr)
        self.assertEqual(out.stderr.count("libevent-dev"), 1)
        self.assertEqual(make("libs").returncode, 0)

    def test_deps_lists_the_tools_these_tests_need(self):
        deps = source("Makefile").split("DEB_PKGS  :=", 1)[1].split("\n#", 1)[0].split()
        for pkg in ("mandoc", "systemd"):
            self.assertIn(pkg, deps)


class VersionTest(unittest.TestCase):
    def test_every_program_prints_the_one_version(self):
        version = re.search(r'#define SCIPNET_VERSION\s+"([^"]+)"',
                            source("common/version.h")).group(1)
        for prog in ("scipnet-server", "scipnet", "deepwell"):
            out = run(prog, "--version")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertRegex(out.stdout, r"^%s %s \(" % (prog, re.escape(version)))


class CheckTest(unittest.TestCase):
    """`scipnet-server --check`: exit 0, or 1 with the reason."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-check-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.db = make_demo_store(self.tmp)

    def check(self, *args, env=None):
        return run("scipnet-server", "--check", "--db", self.db, *args, env=env)

    def assertFails(self, out, *reasons):
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        for reason in reasons:
            self.assertIn(reason, out.stderr)

    def test_a_good_configuration_passes_and_says_what_it_would_serve(self):
        out = self.check()
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("listen: 127.0.0.1:7019", out.stdout)
        self.assertIn("store: %s (SQLite, schema version" % self.db, out.stdout)
        self.assertIn("a self-signed one will be made", out.stdout)
        self.assertTrue(out.stdout.endswith("configuration ok\n"), out.stdout)
        self.assertFalse(os.path.exists(self.db + ".key.pem"), "--check made a key")
        # After a first start the certificate exists: --check prints its fingerprint.
        server = Server(self.db).start()
        server.stop()
        out = self.check()
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("fingerprint sha256:%s\n" % server.fingerprint, out.stdout)

    def test_a_bad_config_fails_naming_the_line(self):
        conf = os.path.join(self.tmp, "bad.conf")
        with open(conf, "w") as f:
            f.write("[server]\nlisten = 127.0.0.1:7019\nreaders = lots\n")
        self.assertFails(self.check("--config", conf), conf + ":3:", "readers")
        self.assertFails(self.check("--config", os.path.join(self.tmp, "none.conf")),
                         "cannot read config")

    def test_a_missing_or_broken_store_fails(self):
        self.assertFails(run("scipnet-server", "--check", "--db",
                             os.path.join(self.tmp, "none.db")), "none.db", "deepwell init")
        junk = os.path.join(self.tmp, "junk.db")
        with open(junk, "wb") as f:
            f.write(b"this is not an SQLite database, just some bytes" * 100)
        self.assertFails(run("scipnet-server", "--check", "--db", junk), "junk.db")

    def test_a_store_the_user_cannot_read_fails(self):
        if os.geteuid() != 0 or shutil.which("setpriv") is None:
            self.skipTest("needs root and setpriv to run the check as another user")
        os.chmod(self.tmp, 0o755)  # the store itself stays 0600, owned by root
        out = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                              os.path.join(BIN, "scipnet-server"), "--check", "--db", self.db],
                             env=clean_env(), capture_output=True, text=True, timeout=60)
        if "Permission denied" in out.stderr and "scipnet-server" not in out.stderr:
            self.skipTest("the build directory is not reachable by nobody")
        self.assertFails(out, "cannot read the store", "Permission denied")

    def test_a_key_others_may_read_fails(self):
        cert, key = make_cert(self.tmp)
        self.assertEqual(self.check("--cert", cert, "--key", key).returncode, 0)
        os.chmod(key, 0o644)
        self.assertFails(self.check("--cert", cert, "--key", key),
                         "may be read by others (mode 644)", "chmod 600")
        os.chmod(key, 0o640)
        self.assertFails(self.check("--cert", cert, "--key", key), "(mode 640)")

    def test_a_seal_key_others_may_read_fails(self):
        Server(self.db).start().stop()
        os.chmod(self.db + ".seal.key", 0o644)
        self.assertFails(self.check(), ".seal.key may be read by others")

    def test_a_certificate_that_is_not_its_keys_fails(self):
        cert, _ = make_cert(self.tmp, "one")
        _, key = make_cert(self.tmp, "two")
        self.assertFails(self.check("--cert", cert, "--key", key), "cannot use the certificate")


class KeyModeTest(unittest.TestCase):
    """The server refuses to start on a key its group or others may read, and says so."""

    def test_group_or_world_readable_key_is_refused(self):
        tmp = tempfile.mkdtemp(prefix="scipnet-keymode-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = make_demo_store(tmp)
        cert, key = make_cert(tmp)
        for bad in (0o644, 0o640, 0o604):
            os.chmod(key, bad)
            out = run("scipnet-server", "--db", db, "--listen", "127.0.0.1:0", "--cert", cert,
                      "--key", key)
            self.assertNotEqual(out.returncode, 0, oct(bad))
            self.assertNotIn("listening on", out.stdout)
            self.assertIn("%s may be read by others (mode %03o): chmod 600 it" % (key, bad),
                          out.stderr)
        os.chmod(key, 0o600)
        Server(db, args=["--cert", cert, "--key", key]).start().stop()


class StoreModeTest(unittest.TestCase):
    """Store files hold password and token hashes: 0600 whatever the umask."""

    def test_store_files_are_0600_under_a_permissive_umask(self):
        tmp = tempfile.mkdtemp(prefix="scipnet-umask-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = os.path.join(tmp, "deepwell.db")
        out = run("deepwell", "init", "--db", db, "--demo", umask=0)
        self.assertEqual(out.returncode, 0, out.stderr)
        for p in (db, db + ".audit"):
            self.assertEqual(mode(p), 0o600, p)
        # The server, under umask 0, makes the WAL and shared-memory files, its key and
        # seal key: each 0600 too.
        proc = subprocess.Popen([os.path.join(BIN, "scipnet-server"), "--db", db, "--listen",
                                 "127.0.0.1:0"], env=clean_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, preexec_fn=lambda: os.umask(0))
        try:
            self.assertTrue(proc.stdout.readline().startswith(b"listening on"))
            for suffix in ("-wal", "-shm", ".audit-wal", ".audit-shm", ".key.pem",
                           ".seal.key"):
                self.assertEqual(mode(db + suffix), 0o600, suffix)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            proc.stdout.close()
        backup = os.path.join(tmp, "copy.db")
        out = run("deepwell", "backup", "--db", db, backup, umask=0)
        self.assertEqual(out.returncode, 0, out.stderr)
        for p in (backup, backup + ".audit"):
            self.assertEqual(mode(p), 0o600, p)

    def test_an_existing_store_keeps_its_mode(self):
        tmp = tempfile.mkdtemp(prefix="scipnet-umask-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = make_demo_store(tmp)
        os.chmod(db, 0o640)  # the operator's choice (a backup group) is not undone
        self.assertEqual(run("deepwell", "check", "--db", db).returncode, 0)
        self.assertEqual(mode(db), 0o640)


class NotifyTest(unittest.TestCase):
    """Type=notify: READY=1 once listening, STOPPING=1 on SIGTERM, to $NOTIFY_SOCKET."""

    def serve_with_socket(self, address, bind_to):
        tmp = tempfile.mkdtemp(prefix="scipnet-notify-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = make_demo_store(tmp)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.bind(bind_to(tmp))
        sock.settimeout(20)
        server = Server(db, env={"NOTIFY_SOCKET": address(tmp)}).start()
        self.addCleanup(server.stop)
        ready = sock.recv(4096).decode()
        self.assertEqual(ready.split("\n")[0], "READY=1")
        self.assertIn("STATUS=listening on %s:%d" % (server.host, server.port), ready)
        # Ready means ready: a client is served at once.
        client = server.client()
        self.assertTrue(client.request("hello", token=False)["ok"])
        client.close()
        server.proc.send_signal(signal.SIGTERM)
        self.assertEqual(sock.recv(4096).decode(), "STOPPING=1")
        self.assertEqual(server.stop(), 0)

    def test_ready_and_stopping_reach_a_path_socket(self):
        path = lambda tmp: os.path.join(tmp, "notify.sock")
        self.serve_with_socket(path, path)

    def test_ready_and_stopping_reach_an_abstract_socket(self):
        name = "scipnet-notify-test-%d" % os.getpid()
        self.serve_with_socket(lambda tmp: "@" + name, lambda tmp: "\0" + name)

    def notify_socket(self, env=None):
        """A server with a $NOTIFY_SOCKET (and env), the socket, READY=1 already read."""
        tmp = tempfile.mkdtemp(prefix="scipnet-notify-")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.bind(path)
        sock.settimeout(20)
        server = Server(make_demo_store(tmp), env=dict(env or {}, NOTIFY_SOCKET=path)).start()
        self.addCleanup(server.stop)
        self.assertEqual(sock.recv(4096).decode().split("\n")[0], "READY=1")
        return server, sock

    def test_watchdog_pings_at_half_of_watchdog_usec(self):
        server, sock = self.notify_socket({"WATCHDOG_USEC": "400000"})
        sock.settimeout(5)
        times = []
        while len(times) < 3:
            self.assertEqual(sock.recv(4096).decode(), "WATCHDOG=1")
            times.append(time.monotonic())
        self.assertLess(times[2] - times[1], 0.4)  # well inside the interval
        self.assertGreater(times[2] - times[1], 0.1)

    def test_no_watchdog_pings_for_another_pid(self):
        server, sock = self.notify_socket({"WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"})
        sock.settimeout(1)
        with self.assertRaises(socket.timeout):
            sock.recv(4096)

    def test_sighup_is_reloading_then_ready(self):
        server, sock = self.notify_socket()
        server.proc.send_signal(signal.SIGHUP)
        reloading = sock.recv(4096).decode().split("\n")
        self.assertEqual(reloading[0], "RELOADING=1")
        self.assertRegex(reloading[1], r"^MONOTONIC_USEC=\d+$")
        ready = sock.recv(4096).decode().split("\n")
        self.assertEqual(ready, ["READY=1", "STATUS=certificate reloaded"])
        client = server.client()
        self.assertTrue(client.request("hello", token=False)["ok"])
        client.close()

    def test_an_unusable_notify_socket_is_a_warning_not_a_failure(self):
        tmp = tempfile.mkdtemp(prefix="scipnet-ns-")
        self.addCleanup(shutil.rmtree, tmp, True)
        gone = os.path.join(tmp, "nobody-listens.sock")
        server = Server(make_demo_store(tmp), env={"NOTIFY_SOCKET": gone}).start()
        client = server.client()
        self.assertTrue(client.request("hello", token=False)["ok"])
        client.close()
        self.assertEqual(server.stop(), 0)
        self.assertIn("cannot notify $NOTIFY_SOCKET", server.log())


if __name__ == "__main__":
    unittest.main()
