"""Shared fixtures for end-to-end tests: start the real coastguard binary and real peers on
loopback with private configs and free high ports, and wait on events (a port opening, a log
line), never on fixed sleeps."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

BIN = os.environ.get("COASTGUARD_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "release", "src", "coastguard")


_handed_out = set()


def free_port():
    """A port free on the host's loopback and not handed out before in this run: a peer in a
    network namespace holds its port there, where the host's loopback does not see it, and the
    kernel may offer that number again."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def wait_for(predicate, timeout=20.0, what="condition"):
    """Polls `predicate` until true; the bound is a failure deadline, not a synchronisation."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def read_text(path):
    """A log file's text so far ("" before it exists)."""
    try:
        with open(path, "r", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class Coastguard:
    """A running `coastguard serve` with its own data directory and port."""

    def __init__(self, workdir, config_text=None, port=None, data_dir=None, extra_args=(),
                 netns=None, host="127.0.0.1"):
        self.workdir = workdir
        self.netns = netns  # run inside this network namespace (created by the test)
        self.host = host
        self.extra_args = list(extra_args)
        self.port = port or free_port()
        self.data_dir = data_dir or os.path.join(workdir, "data")
        self.config_path = None
        if config_text is not None:
            self.config_path = os.path.join(workdir, "coastguard.toml")
            with open(self.config_path, "w") as f:
                f.write(config_text)
        self.log_path = os.path.join(workdir, f"coastguard-{self.port}.log")
        self.proc = None

    def start(self):
        args = [BIN, "serve", "--listen", f"{self.host}:{self.port}", "--data-dir", self.data_dir]
        if self.netns:
            args = ["ip", "netns", "exec", self.netns] + args
        if self.config_path:
            args += ["--config", self.config_path]
        args += self.extra_args
        # A restart appends to the same log: wait for this run's line, not the last run's.
        offset = len(self.read_log()) if os.path.exists(self.log_path) else 0
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: "listening on" in self.read_log()[offset:] or self.proc.poll() is not None,
                 what="coastguard to listen")
        assert self.proc.poll() is None, self.read_log()
        return self

    def logged(self, text):
        return text in self.read_log()

    def read_log(self):
        return read_text(self.log_path)

    def admin_token(self):
        with open(os.path.join(self.data_dir, "admin_token")) as f:
            return f.read().strip()

    def policy_key(self):
        """The key the daemon generated for the policy endpoints (no [dovecot] credentials)."""
        with open(os.path.join(self.data_dir, "policy_key")) as f:
            return f.read().strip()

    def policy_headers(self):
        return {"X-API-Key": self.policy_key()}

    def dovecot_lines(self):
        """What `coastguard config dovecot` prints for this instance: the lines an operator
        pastes into dovecot.conf."""
        args = [BIN, "config", "dovecot", "--listen", f"127.0.0.1:{self.port}",
                "--data-dir", self.data_dir]
        if self.config_path:
            args += ["--config", self.config_path]
        done = subprocess.run(args, capture_output=True, text=True, timeout=10)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def url(self, path):
        return f"http://{self.host}:{self.port}{path}"

    def stop(self, kill=False):
        if self.proc and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            self.proc.wait(timeout=10)
        if self.proc:
            self.log.close()
        self.proc = None


@pytest.fixture
def workdir():
    path = tempfile.mkdtemp(prefix="coastguard-e2e-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


# Nodes a test started by hand (tests/e2e/shared_nodes.py): stopped after it, pass or fail.
STARTED_NODES = []


@pytest.fixture(autouse=True)
def stop_started_nodes(workdir):
    """A failing test leaves no node running: it would load the machine for the tests after.
    (Stopped before `workdir`, which holds their files, is removed.)"""
    yield
    while STARTED_NODES:
        STARTED_NODES.pop().stop()


@pytest.fixture
def coastguard(workdir):
    instances = []

    def start(config_text=None, **kwargs):
        instance = Coastguard(workdir, config_text, **kwargs).start()
        instances.append(instance)
        return instance

    yield start
    for instance in instances:
        instance.stop()
