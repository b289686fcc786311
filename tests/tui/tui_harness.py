"""Terminal-test harness: a demo store, a real scipnet-server, and the real client driven
through tmux (send-keys, capture-pane) -- what a person would see, at a fixed size.

Python stdlib only.  SCIPNET_BIN names the directory with scipnet, scipnet-server and
deepwell (default <repo>/bin).  Argon2 runs with tiny limits so tests stay fast.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("SCIPNET_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "bin")

FAST_ARGON2 = {"SCIPNET_ARGON2_OPSLIMIT": "1", "SCIPNET_ARGON2_MEMLIMIT_KIB": "8"}


def program(name):
    return os.path.join(BIN, name)


def have_programs(*names):
    return all(os.access(program(n), os.X_OK) for n in names)


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIPNET_")}
    env.update(FAST_ARGON2)
    env.pop("NO_COLOR", None)
    if extra:
        env.update(extra)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_demo_store(directory):
    db = os.path.join(directory, "deepwell.db")
    subprocess.run([program("deepwell"), "init", "--db", db, "--demo"], env=clean_env(),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return db


# The longest password anything takes (FOUNDATION_PASSWORD_MAX), not all one letter.
LONGEST_PASSWORD = ("lamp-post-" * 103)[:1024]


def add_user(db, name, password, clearance=1, title="Researcher"):
    """`deepwell user add` on a store a server may be using."""
    subprocess.run([program("deepwell"), "user", "add", name, "--db", db, "--clearance",
                    str(clearance), "--title", title, "--password-stdin"],
                   input=(password + "\n").encode(), env=clean_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)


class Server:
    """One scipnet-server on 127.0.0.1; port 0 picks a free one, a fixed port survives restarts."""

    def __init__(self, db, port=0, args=()):
        self.db = db
        self.port = port
        self.args = list(args)
        self.proc = None
        self.log_path = db + ".server.log"

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [program("scipnet-server"), "--db", self.db, "--listen", "127.0.0.1:%d" % self.port]
            + self.args,
            stdout=subprocess.PIPE, stderr=log, env=clean_env())
        log.close()
        listening = self.proc.stdout.readline().decode()
        fingerprint = self.proc.stdout.readline().decode()
        if not listening.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError("server did not start: %r\n%s" % (listening, self.log()))
        self.port = int(listening.split()[-1].rsplit(":", 1)[1])
        self.fingerprint = fingerprint.split()[-1]
        self.hostport = "127.0.0.1:%d" % self.port
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""


class Home:
    """A throwaway HOME / XDG_DATA_HOME, so known_hosts starts empty."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="scipnet-home-")
        self.known_hosts = os.path.join(self.dir, "data", "scipnet", "known_hosts")

    def env(self):
        return {"HOME": self.dir, "XDG_DATA_HOME": os.path.join(self.dir, "data"),
                "XDG_STATE_HOME": os.path.join(self.dir, "state")}

    def pin(self, hostport, fingerprint):
        os.makedirs(os.path.dirname(self.known_hosts), exist_ok=True)
        with open(self.known_hosts, "a") as f:
            f.write("%s %s\n" % (hostport, fingerprint))

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Terminal:
    """The client running in a detached tmux session of its own (a private tmux server)."""

    counter = 0

    def __init__(self, args, env, width=80, height=24, term="xterm-256color", lang="C.UTF-8"):
        Terminal.counter += 1
        # A private tmux server whose socket lives (and dies) in the test's HOME.
        self.socket = os.path.join(env["HOME"], "tmux-%d.sock" % Terminal.counter)
        self.exit_file = os.path.join(env["HOME"], "exit-%d" % Terminal.counter)
        run_env = clean_env(env)
        run_env.update({"TERM": term, "LANG": lang, "LC_ALL": lang})
        assigns = " ".join("%s=%s" % (k, shell_quote(v)) for k, v in sorted(run_env.items())
                           if k in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME",
                                    "TERM", "LANG", "LC_ALL", "NO_COLOR")
                           or k.startswith("SCIPNET_"))
        command = "env %s %s; echo $? > %s; sleep 600" % (
            assigns, " ".join(shell_quote(a) for a in [program("scipnet")] + list(args)),
            shell_quote(self.exit_file))
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y",
                  str(height), command, env=run_env)
        self.tmux("set-option", "-t", "t", "status", "off")

    def tmux(self, *args, env=None):
        return subprocess.run(["tmux", "-u", "-S", self.socket] + list(args), env=env or
                              clean_env({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}),
                              check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=10).stdout.decode(errors="replace")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "t")

    def screen_escapes(self):
        """The screen with its colours and attributes as escape sequences (capture-pane -e)."""
        return self.tmux("capture-pane", "-e", "-p", "-t", "t")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))
        deadline = time.monotonic() + 10
        while self.size() != "%dx%d" % (width, height):
            if time.monotonic() > deadline:
                raise AssertionError("tmux did not resize to %dx%d" % (width, height))
            time.sleep(0.05)

    def size(self):
        out = self.tmux("display-message", "-p", "-t", "t", "#{pane_width}x#{pane_height}")
        return out.strip()

    def wait_for(self, *texts, timeout=10.0, absent=(), bottom=None):
        """Poll the screen until every text is on it (and none of absent, and bottom on its
        last row: the client has redrawn at the current size), and it is the same in two
        captures 50 ms apart: a redraw can reach tmux in pieces, and a capture taken
        midway shows a new title over the old body. Returns the screen."""
        deadline = time.monotonic() + timeout
        screen, matched = "", None
        while time.monotonic() < deadline:
            screen = self.screen()
            rows = screen[:-1].split("\n") if screen.endswith("\n") else screen.split("\n")
            if (all(t in screen for t in texts) and not any(a in screen for a in absent)
                    and (bottom is None or bottom in rows[-1])):
                if screen == matched:
                    return screen
                matched = screen
            else:
                matched = None
            time.sleep(0.05)
        raise AssertionError("waited %.0fs for %r (absent %r); the screen shows:\n%s"
                             % (timeout, texts, absent, screen))

    def exit_status(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(self.exit_file) as f:
                    text = f.read().strip()
                    if text:
                        return int(text)
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("the client did not exit; the screen shows:\n" + self.screen())

    def close(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=10)
        try:
            os.unlink(self.socket)
        except OSError:
            pass


def make_ca_and_cert(directory, name):
    """A throwaway CA and a server certificate it signed for 127.0.0.1 / localhost.
    Returns (ca.pem, cert.pem, key.pem)."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60, cwd=directory)
    ca, ca_key = name + "-ca.pem", name + "-ca.key"
    cert, key, csr, ext = name + ".pem", name + ".key", name + ".csr", name + ".ext"
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=%s test CA" % name)
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
        "-out", csr, "-subj", "/CN=127.0.0.1")
    with open(os.path.join(directory, ext), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
        "-days", "2", "-extfile", ext)
    return tuple(os.path.join(directory, n) for n in (ca, cert, key))


def shell_quote(s):
    return "'" + str(s).replace("'", "'\\''") + "'"


def needs_programs(cls):
    """Skip a test class when the programs or tmux are not there."""
    missing = [n for n in ("scipnet", "scipnet-server", "deepwell") if not have_programs(n)]
    if missing:
        return unittest.skip("not built: " + ", ".join(missing))(cls)
    if shutil.which("tmux") is None:
        return unittest.skip("tmux is not installed")(cls)
    return cls


class DemoServerTestCase(unittest.TestCase):
    """A demo store and one real server shared by the tests of a class; a fresh empty Home
    (no pinned fingerprints) for each test."""

    tmp_prefix = "scipnet-tui-"  # names the class's temporary directory, for post-mortems

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix=cls.tmp_prefix)
        cls.db = make_demo_store(cls.dir)
        cls.server = Server(cls.db).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.remove()
