"""The Debian package: `make deb` builds it with Debian's helpers, lintian finds no errors, and
once installed with dpkg -i, /usr/bin/coastguard serve runs as the package's own user on the
packaged configuration and answers /healthz. The package is purged afterwards."""
import glob
import grp
import os
import pwd
import shutil
import stat
import subprocess
import urllib.request

import pytest

from conftest import free_port, wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = "/var/lib/coastguard"


def package():
    """The package of this tree: built once per run (make test builds from a clean clone)."""
    found = glob.glob(os.path.join(ROOT, "build", "deb", "coastguard_*_amd64.deb"))
    if not found:
        done = subprocess.run(["make", "-C", ROOT, "deb"], capture_output=True, text=True,
                              timeout=1800)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
        found = glob.glob(os.path.join(ROOT, "build", "deb", "coastguard_*_amd64.deb"))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def deb():
    return package()


def test_lintian_reports_no_errors(deb):
    done = subprocess.run(["lintian", "--fail-on", "error", deb], capture_output=True, text=True,
                          timeout=600)
    errors = [line for line in done.stdout.splitlines() if line.startswith("E:")]
    assert errors == [] and done.returncode == 0, done.stdout + done.stderr


def test_the_package_holds_the_daemon_its_unit_config_and_man_pages(deb):
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True,
                             check=True).stdout
    for path in ("./usr/bin/coastguard", "./etc/coastguard/coastguard.toml",
                 "./lib/systemd/system/coastguard.service",
                 "./usr/share/man/man8/coastguard.8.gz",
                 "./usr/share/man/man5/coastguard.toml.5.gz",
                 "./usr/lib/sysusers.d/coastguard.conf"):
        assert path in listing, path
    info = subprocess.run(["dpkg-deb", "-I", deb, "conffiles"], capture_output=True, text=True,
                          check=True).stdout
    assert "/etc/coastguard/coastguard.toml" in info


def test_installed_package_serves_as_its_own_user_on_the_packaged_config(deb, tmp_path):
    had_state = os.path.exists(STATE)
    subprocess.run(["dpkg", "-i", deb], capture_output=True, text=True, check=True, timeout=300)
    proc = None
    try:
        if os.path.isdir("/run/systemd/system"):
            # On a machine run by systemd the postinst has started the unit; this test runs the
            # daemon by hand on the same state directory, so the unit makes way.
            subprocess.run(["systemctl", "stop", "coastguard.service"], capture_output=True,
                           timeout=60)
        user = pwd.getpwnam("coastguard")
        assert user.pw_uid != 0
        assert grp.getgrgid(user.pw_gid).gr_name == "coastguard"
        st = os.stat(STATE)
        assert st.st_uid == user.pw_uid and stat.S_IMODE(st.st_mode) == 0o750

        # The packaged config is the embedded defaults, as the daemon checks it.
        check = subprocess.run(["/usr/bin/coastguard", "config", "--check",
                                "/etc/coastguard/coastguard.toml"], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout + check.stderr

        if shutil.which("systemd-analyze"):
            verify = subprocess.run(["systemd-analyze", "verify",
                                     "/lib/systemd/system/coastguard.service"],
                                    capture_output=True, text=True)
            # Only the unit's own problems: a machine without systemd as PID 1 adds others.
            own = [line for line in verify.stderr.splitlines()
                   if line.startswith("/lib/systemd/system/coastguard.service:")]
            assert own == [], verify.stderr

        port = free_port()
        log = open(tmp_path / "serve.log", "wb")
        proc = subprocess.Popen(["runuser", "-u", "coastguard", "--", "/usr/bin/coastguard",
                                 "serve", "--config", "/etc/coastguard/coastguard.toml",
                                 "--listen", f"127.0.0.1:{port}"],
                                stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: "listening on" in (tmp_path / "serve.log").read_text()
                 or proc.poll() is not None, what="the packaged daemon to listen")
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
            assert reply.status == 200 and reply.read() == b'{"status":"ok"}'
        token = os.stat(os.path.join(STATE, "admin_token"))
        assert token.st_uid == user.pw_uid and stat.S_IMODE(token.st_mode) == 0o600
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        subprocess.run(["dpkg", "--purge", "coastguard"], capture_output=True, timeout=300)
        if not had_state:
            shutil.rmtree(STATE, ignore_errors=True)
