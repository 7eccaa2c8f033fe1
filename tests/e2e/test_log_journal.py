"""The log guard on a systemd unit's journal: real journal files, written by Debian's
systemd-journal-remote (no journald needs to run), read by coastguard through libsystemd."""
import os
import re
import subprocess
import time
import urllib.request

from conftest import wait_for

REMOTE = "/lib/systemd/systemd-journal-remote"


def append(journal_dir, entries):
    """Appends (unit, message) entries to the journal file in `journal_dir`."""
    export = os.path.join(journal_dir, "export.txt")
    now = int(time.time() * 1e6)
    with open(export, "w") as f:
        for i, (unit, message) in enumerate(entries):
            f.write(f"__REALTIME_TIMESTAMP={now + i}\n__MONOTONIC_TIMESTAMP={now + i}\n"
                    f"_BOOT_ID=0123456789abcdef0123456789abcdef\n_SYSTEMD_UNIT={unit}\n"
                    f"SYSLOG_IDENTIFIER={unit.split('.')[0]}\n_PID=4242\nMESSAGE={message}\n\n")
    subprocess.run([REMOTE, f"--output={journal_dir}/remote.journal", export], check=True,
                   capture_output=True, timeout=30)


def login(n, ok=True):
    what = "Login" if ok else "Disconnected (auth failed, 1 attempts in 2 secs)"
    return ("dovecot.service", f"imap-login: {what}: user=<carol@example.com>, method=PLAIN, "
            f"rip=192.0.2.{n}, lip=192.0.2.10, TLS, session=<j{n}x{time.monotonic_ns()}>")


def attempts(cg):
    with urllib.request.urlopen(cg.url("/metrics"), timeout=5) as r:
        m = re.search(r"^coastguard_logs_attempts_total (\S+)$", r.read().decode(), re.M)
    return float(m.group(1)) if m else 0.0


def test_a_units_journal_is_followed_from_its_end_and_resumed_at_its_cursor(workdir, coastguard):
    journal_dir = os.path.join(workdir, "journal")
    os.makedirs(journal_dir)
    append(journal_dir, [login(1)])  # history: not replayed at the first start
    cg = coastguard(f"""
[[logs]]
journal = "dovecot.service"
journal_directory = "{journal_dir}"
format = "dovecot"
""")
    append(journal_dir, [login(2), login(3, ok=False), ("postfix.service", "x: y"), login(4)])
    wait_for(lambda: attempts(cg) >= 3, what="the journal's new entries")
    assert attempts(cg) == 3  # the other unit's entry is not this source's
    cg.stop()
    append(journal_dir, [login(5), login(6)])
    cg.start()
    append(journal_dir, [login(7)])
    # The counter starts again at zero: the two entries written while it was down, and one.
    wait_for(lambda: attempts(cg) >= 3, what="the entries written while it was down")
    assert attempts(cg) == 3
