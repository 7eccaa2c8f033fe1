"""The log guard end to end: a real Dovecot with no policy hook writes its log, coastguard
follows it and keeps the sources it blocks in an nftables set. Both run in a network namespace
the test creates; the test's own side of a veth pair is the clients' network (two addresses:
an attacker's and a user's)."""
import os
import re
import shutil
import socket
import subprocess
import urllib.request

import pytest

from conftest import wait_for
from peers import USERS, Dovecot

NS = f"cg-logs-{os.getpid()}"
SERVER = "10.77.0.1"
ATTACKER = "10.77.0.2"
USER = "10.77.0.3"
TABLE = "cge2e"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("nft") is None,
                                reason="needs root (network namespaces, nftables) and nft")


def run(*args):
    subprocess.run(args, check=True, capture_output=True, timeout=20)


@pytest.fixture
def netns():
    run("ip", "netns", "add", NS)
    try:
        run("ip", "link", "add", "cgl0", "type", "veth", "peer", "name", "cgl1")
        run("ip", "link", "set", "cgl1", "netns", NS)
        run("ip", "addr", "add", f"{ATTACKER}/24", "dev", "cgl0")
        run("ip", "addr", "add", f"{USER}/24", "dev", "cgl0")
        run("ip", "link", "set", "cgl0", "up")
        run("ip", "netns", "exec", NS, "ip", "addr", "add", f"{SERVER}/24", "dev", "cgl1")
        run("ip", "netns", "exec", NS, "ip", "link", "set", "cgl1", "up")
        run("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up")
        yield NS
    finally:
        subprocess.run(["ip", "link", "del", "cgl0"], capture_output=True)
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)


def imap_login(port, source, user, password, timeout=5.0):
    """One IMAP connection from `source`: LOGIN, then LOGOUT. True if the login succeeded."""
    with socket.create_connection((SERVER, port), timeout=timeout,
                                  source_address=(source, 0)) as s:
        f = s.makefile("rwb")
        assert f.readline().startswith(b"* OK")
        f.write(f'a LOGIN "{user}" "{password}"\r\n'.encode())
        f.flush()
        while True:
            line = f.readline()
            assert line, "connection closed"
            if line.startswith(b"a "):
                ok = line.startswith(b"a OK")
                break
        f.write(b"b LOGOUT\r\n")
        f.flush()
        f.read()
        return ok


def metric(cg, name):
    with urllib.request.urlopen(cg.url("/metrics"), timeout=5) as r:
        text = r.read().decode()
    m = re.search(rf"^{name} (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def in_set(address):
    out = subprocess.run(["ip", "netns", "exec", NS, "nft", "list", "set", "inet", TABLE,
                          "blocked4"], capture_output=True, text=True, timeout=10).stdout
    return address in out


def test_a_brute_force_from_the_log_is_dropped_at_the_firewall_and_rotation_loses_nothing(
        netns, workdir, coastguard):
    dovecot = Dovecot(workdir, policy_lines="", netns=netns, listen=SERVER).start()
    try:
        cg = coastguard(f"""
[[logs]]
path = "{dovecot.log_path}"
format = "dovecot"

[firewall]
nftables = true
table = "{TABLE}"
ports = ["{dovecot.imap_port}"]
""", netns=netns, host=SERVER)
        port = dovecot.imap_port
        carol = "carol@example.com"
        expected = 0

        # A user at home: her address becomes a place she knows.
        for _ in range(3):
            assert imap_login(port, USER, carol, USERS[carol])
            expected += 1
        wait_for(lambda: metric(cg, "coastguard_logs_attempts_total") >= expected,
                 what="the user's logins to be read")

        # Rotation by rename mid-run: Dovecot reopens its log; no line is lost or read twice.
        os.rename(dovecot.log_path, dovecot.log_path + ".1")
        # Written to the renamed file: Dovecot has not reopened its log yet.
        assert imap_login(port, USER, carol, USERS[carol])
        expected += 1
        run("doveadm", "-c", dovecot.config, "log", "reopen")
        wait_for(lambda: os.path.exists(dovecot.log_path), what="dovecot to reopen its log")
        for _ in range(2):
            assert imap_login(port, USER, carol, USERS[carol])
            expected += 1
        wait_for(lambda: metric(cg, "coastguard_logs_attempts_total") >= expected,
                 what="the logins after the rename to be read")
        # copytruncate: the file is copied, then emptied in place (lines written between the
        # two are lost to any reader: logrotate documents it).
        shutil.copy(dovecot.log_path, dovecot.log_path + ".2")
        os.truncate(dovecot.log_path, 0)
        assert imap_login(port, USER, carol, USERS[carol])
        expected += 1
        wait_for(lambda: metric(cg, "coastguard_logs_attempts_total") >= expected,
                 what="the logins after rotation to be read")
        assert metric(cg, "coastguard_logs_attempts_total") == expected
        assert metric(cg, "coastguard_logs_rotations_total") >= 1
        assert metric(cg, "coastguard_logs_truncations_total") >= 1

        # A brute force on one account from the attacker's address: wrong passwords until the
        # address is in the set (a log-only server cannot refuse the next guess; the firewall
        # can).
        tries = 0
        while not in_set(ATTACKER):
            assert tries < 60, cg.read_log()
            assert not imap_login(port, ATTACKER, "alice@example.com", f"guess-{tries}")
            tries += 1
            expected += 1
        # Its next connection is dropped: no answer at all, not a refusal.
        with pytest.raises((socket.timeout, TimeoutError)):
            imap_login(port, ATTACKER, "alice@example.com", "one-more", timeout=2.0)
        # The user behind an address of the same network keeps working, and her logins are
        # still read (exactly once each).
        assert imap_login(port, USER, carol, USERS[carol])
        expected += 1
        wait_for(lambda: metric(cg, "coastguard_logs_attempts_total") >= expected,
                 what="every attempt to be read")
        assert metric(cg, "coastguard_logs_attempts_total") == expected
        assert not in_set(USER)
    finally:
        dovecot.stop()


def test_an_address_its_users_log_in_from_is_never_dropped(netns, workdir, coastguard):
    """The office NAT: one address, a user who logs in from it, and someone behind it guessing
    another account. The guesses are blocked as the pair, but the address stays off the
    firewall, and the user keeps working."""
    dovecot = Dovecot(workdir, policy_lines="", netns=netns, listen=SERVER).start()
    try:
        cg = coastguard(f"""
[[logs]]
path = "{dovecot.log_path}"
format = "dovecot"

[firewall]
nftables = true
table = "{TABLE}"
""", netns=netns, host=SERVER)
        port = dovecot.imap_port
        carol = "carol@example.com"
        assert imap_login(port, ATTACKER, carol, USERS[carol])
        wait_for(lambda: metric(cg, "coastguard_logs_attempts_total") >= 1,
                 what="the user's login to be read")
        for n in range(12):
            assert not imap_login(port, ATTACKER, "alice@example.com", f"stale-{n}")
        wait_for(lambda: metric(cg, "coastguard_logs_attempts_total") >= 13,
                 what="the guesses to be read")
        wait_for(lambda: metric(cg, "coastguard_firewall_spared_total") >= 1,
                 what="the pair block to be spared at the firewall")
        assert not in_set(ATTACKER)
        assert imap_login(port, ATTACKER, carol, USERS[carol])
    finally:
        dovecot.stop()


def test_a_restart_neither_rereads_nor_skips_even_across_a_rotation(netns, workdir, coastguard):
    dovecot = Dovecot(workdir, policy_lines="", netns=netns, listen=SERVER).start()
    try:
        config = f"""
[[logs]]
path = "{dovecot.log_path}"
format = "dovecot"
"""
        cg = coastguard(config, netns=netns, host=SERVER)
        port = dovecot.imap_port
        carol = "carol@example.com"
        for _ in range(2):
            assert imap_login(port, USER, carol, USERS[carol])
        wait_for(lambda: metric(cg, "coastguard_logs_attempts_total") >= 2,
                 what="the first logins to be read")
        cg.stop()
        # While it is down: one login in the old file, a rotation, two in the new one.
        assert imap_login(port, USER, carol, USERS[carol])
        os.rename(dovecot.log_path, dovecot.log_path + ".1")
        run("doveadm", "-c", dovecot.config, "log", "reopen")
        wait_for(lambda: os.path.exists(dovecot.log_path), what="dovecot to reopen its log")
        for _ in range(2):
            assert imap_login(port, USER, carol, USERS[carol])
        cg.start()
        assert imap_login(port, USER, carol, USERS[carol])
        # The counters start again at zero: exactly the four logins it had not read.
        wait_for(lambda: metric(cg, "coastguard_logs_attempts_total") >= 4,
                 what="the logins made while it was down to be read")
        assert metric(cg, "coastguard_logs_attempts_total") == 4
    finally:
        dovecot.stop()


def test_an_operators_block_reaches_the_set_and_the_table_goes_with_the_daemon(
        netns, workdir, coastguard):
    cg = coastguard(f"""
[firewall]
nftables = true
table = "{TABLE}"
""", netns=netns, host=SERVER)
    listed = subprocess.run(["ip", "netns", "exec", NS, "nft", "list", "table", "inet", TABLE],
                            capture_output=True, text=True, timeout=10)
    assert listed.returncode == 0 and "blocked6" in listed.stdout
    # An operator's block reaches the set; an unblock takes it out.
    token = cg.admin_token()
    req = urllib.request.Request(cg.url("/v1/blocks"), method="POST",
                                 data=b'{"network": "198.51.100.0/24", "ttl_seconds": 3600}',
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.status in (200, 201)
    wait_for(lambda: in_set("198.51.100.0/24"), what="the operator's block in the set")
    cg.stop()
    listed = subprocess.run(["ip", "netns", "exec", NS, "nft", "list", "table", "inet", TABLE],
                            capture_output=True, text=True, timeout=10)
    assert listed.returncode != 0  # removed at stop
