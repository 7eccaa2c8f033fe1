"""A real Dovecot (IMAP, POP3) and a real Postfix submission service (Dovecot SASL) asking
coastguard before every password check, driven with imaplib, poplib and smtplib."""
import time

import pytest

from http_util import request, request_json
from mail_clients import imap_login, pop3_login, smtp_login
from peers import USERS, Dovecot, Postfix

# Single delays would make Dovecot tarpit whole seconds; the tests want the block itself.
CONFIG = """
[brute_force]
delay_from = 6
block_at = 6
[dovecot]
reject_message = "Blocked by coastguard test"
"""


@pytest.fixture
def stack(workdir, coastguard):
    cg = coastguard(CONFIG)
    dovecot = Dovecot(workdir, cg.dovecot_lines()).start()
    postfix = Postfix(workdir, dovecot).start()
    yield cg, dovecot, postfix
    postfix.stop()
    dovecot.stop()


def checks(cg):
    _, text = request("GET", cg.url("/metrics"))
    for line in text.splitlines():
        if line.startswith("coastguard_checks_total "):
            return float(line.split()[1])
    raise AssertionError("no coastguard_checks_total in /metrics")


def test_good_logins_succeed_over_imap_pop3_and_smtp(stack):
    cg, dovecot, postfix = stack
    assert imap_login(dovecot.imap_port, "alice@example.com", USERS["alice@example.com"]) is None
    assert pop3_login(dovecot.pop3_port, "bob@example.com", USERS["bob@example.com"]) is None
    assert smtp_login(postfix.port, "carol@example.com", USERS["carol@example.com"]) is None
    # Dovecot consulted coastguard for each (allow before and after the password check).
    assert checks(cg) >= 6


def test_brute_force_from_one_ip_is_rejected_with_coastguard_message(stack):
    cg, dovecot, _ = stack
    attacker = "127.0.0.66"
    for i in range(6):
        reply = imap_login(dovecot.imap_port, "alice@example.com", f"guess-{i}", attacker)
        assert reply is not None and "Blocked by coastguard test" not in reply
    # Even the right password is refused now, with coastguard's message in the IMAP reply.
    reply = imap_login(dovecot.imap_port, "alice@example.com", USERS["alice@example.com"],
                       attacker)
    assert reply is not None and "Blocked by coastguard test" in reply
    # Nobody else is affected: alice from elsewhere, and other users from the same IP.
    assert imap_login(dovecot.imap_port, "alice@example.com", USERS["alice@example.com"],
                      "127.0.0.1") is None
    assert imap_login(dovecot.imap_port, "bob@example.com", USERS["bob@example.com"],
                      attacker) is None
    headers = {"Authorization": "Bearer " + cg.admin_token()}
    _, blocks = request_json("GET", cg.url("/v1/blocks"), headers=headers)
    assert [(b["kind"], b["reason"]) for b in blocks["blocks"]] == [("login_ip", "brute_force")]


def test_brute_force_over_smtp_auth_is_rejected(stack):
    _, _, postfix = stack
    attacker = "127.0.0.67"
    for i in range(6):
        assert smtp_login(postfix.port, "erin@example.com", f"guess-{i}", attacker) is not None
    reply = smtp_login(postfix.port, "erin@example.com", USERS["erin@example.com"], attacker)
    assert reply is not None and reply.startswith("535")
    assert smtp_login(postfix.port, "erin@example.com", USERS["erin@example.com"]) is None


def test_a_known_accounts_first_send_from_a_new_place_waits_for_its_client_to_read_there(stack):
    cg, dovecot, postfix = stack
    user, password = "dave@example.com", USERS["dave@example.com"]
    assert imap_login(dovecot.imap_port, user, password) is None  # his usual place
    elsewhere = "127.0.5.5"  # another /24, where the account never logged in
    # A stolen password's spam run logs straight into submission: refused, password unchecked.
    reply = smtp_login(postfix.port, user, password, elsewhere)
    assert reply is not None and reply.startswith("535"), reply
    headers = {"Authorization": "Bearer " + cg.admin_token()}
    _, entity = request_json("GET", cg.url(f"/v1/entities/ip/{elsewhere}"), headers=headers)
    refused = [v for v in entity["recent_verdicts"] if v["login"] == user]
    assert refused and "stranger_sending" in refused[-1]["reasons"], entity["recent_verdicts"]
    # The owner's client reads there first; its sends pass from then on.
    assert imap_login(dovecot.imap_port, user, password, elsewhere) is None
    assert smtp_login(postfix.port, user, password, elsewhere) is None


def test_stale_password_device_does_not_block_its_ip_for_other_users(stack):
    _, dovecot, _ = stack
    office = "127.0.0.10"
    port = dovecot.imap_port
    assert imap_login(port, "carol@example.com", USERS["carol@example.com"], office) is None
    assert imap_login(port, "bob@example.com", USERS["bob@example.com"], office) is None
    # Carol's phone keeps trying last week's password from the office NAT.
    for _ in range(25):
        assert imap_login(port, "carol@example.com", "carol-old-pass", office) is not None
    assert imap_login(port, "bob@example.com", USERS["bob@example.com"], office) is None
    assert imap_login(port, "dave@example.com", USERS["dave@example.com"], office) is None
    assert imap_login(port, "carol@example.com", USERS["carol@example.com"], office) is None


def test_logins_succeed_with_coastguard_stopped(workdir, coastguard):
    cg = coastguard(CONFIG)
    dovecot = Dovecot(workdir, cg.dovecot_lines()).start()
    postfix = Postfix(workdir, dovecot).start()
    try:
        cg.stop()
        # Dovecot's auth_policy_reject_on_fail defaults to no: fail-open.
        assert imap_login(dovecot.imap_port, "alice@example.com",
                          USERS["alice@example.com"]) is None
        assert smtp_login(postfix.port, "bob@example.com", USERS["bob@example.com"]) is None
        assert "Policy server HTTP error" in dovecot.read_log()
    finally:
        postfix.stop()
        dovecot.stop()


RETURNING_CONFIG = CONFIG + """
[returning_device]
after = "2s"
"""


def test_a_new_user_behind_an_office_nat_blocked_for_a_machine_there_gets_in_on_return(
        workdir, coastguard):
    """The office NAT is blocked for strangers because a machine behind it tries a combo list;
    a colleague who never logged in before is refused, then let through when the client comes
    back with the same password (Dovecot asks before and after the password check)."""
    cg = coastguard(RETURNING_CONFIG)
    dovecot = Dovecot(workdir, cg.dovecot_lines()).start()
    try:
        port, office = dovecot.imap_port, "127.0.0.20"
        for user in ("alice@example.com", "bob@example.com", "carol@example.com",
                     "dave@example.com"):
            assert imap_login(port, user, USERS[user], office) is None
        for i in range(6):
            assert imap_login(port, f"combo{i}@example.com", f"leaked-{i}", office) is not None
        erin = "erin@example.com"
        first = imap_login(port, erin, USERS[erin], office)
        assert first is not None and "Blocked by coastguard test" in first
        assert imap_login(port, "alice@example.com", USERS["alice@example.com"], office) is None
        # A tool's immediate retry is still refused.
        assert imap_login(port, erin, USERS[erin], office) is not None
        # The client's next poll, past `after` (2 s here; live decisions use the clock).
        time.sleep(2.5)
        before = checks(cg)
        assert imap_login(port, erin, USERS[erin], office) is None
        assert checks(cg) >= before + 2  # asked before and after the password check
        # Now a place of its own: in at once.
        assert imap_login(port, erin, USERS[erin], office) is None
    finally:
        dovecot.stop()
