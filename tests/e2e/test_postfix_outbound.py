"""The outbound guard with a real Postfix: submission on a high loopback port, Dovecot SASL,
check_policy_service in the recipient and end-of-data restrictions, driven with smtplib."""
import hashlib
import hmac
import http.server
import json
import smtplib
import subprocess
import threading

import pytest

from conftest import free_port, wait_for
from mail_clients import imap_login, smtp_login
from peers import USERS, Dovecot, Postfix


def policy_restrictions(port):
    service = f"check_policy_service {{ inet:127.0.0.1:{port}, timeout=2s, default_action=DUNNO }}"
    return (f"smtpd_recipient_restrictions = {service}, permit_sasl_authenticated, reject\n"
            f"smtpd_end_of_data_restrictions = {service}\n")


WEBHOOK_SECRET = "e2e-webhook-secret"


def config(postfix_port, webhook_port):
    return f"""
[postfix]
listen = "127.0.0.1:{postfix_port}"
[outbound]
recipients_per_hour = 5
webhook_url = "http://127.0.0.1:{webhook_port}/coastguard"
webhook_secret = "{WEBHOOK_SECRET}"
"""


class WebhookReceiver:
    """An operator's endpoint: records each POST with its signature header."""

    def __init__(self):
        self.posts = []
        received = self.posts

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.path, self.headers["X-Coastguard-Signature"], body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def stack(workdir, coastguard, webhook):
    policy_port = free_port()
    cg = coastguard(config(policy_port, webhook.port))
    dovecot = Dovecot(workdir, cg.dovecot_lines()).start()
    postfix = Postfix(workdir, dovecot, extra_main=policy_restrictions(policy_port)).start()
    yield cg, dovecot, postfix
    postfix.stop()
    dovecot.stop()


def send(postfix, user, recipients, source="127.0.0.1"):
    with smtplib.SMTP("127.0.0.1", postfix.port, source_address=(source, 0), timeout=30) as c:
        c.ehlo("client.example.net")
        c.login(user, USERS[user])
        message = f"From: {user}\r\nSubject: test\r\n\r\nhello\r\n"
        return c.sendmail(user, recipients, message)


def queue(postfix):
    result = subprocess.run(["/usr/sbin/postqueue", "-c", postfix.config_dir, "-j"],
                            capture_output=True, text=True, check=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_normal_sending_passes(stack):
    _, _, postfix = stack
    assert send(postfix, "alice@example.com", ["friend@remote.example"]) == {}


def test_a_burst_beyond_the_limit_gets_coastguards_4xx(stack):
    _, _, postfix = stack
    recipients = [f"r{i}@remote.example" for i in range(7)]
    refused = send(postfix, "bob@example.com", recipients)
    assert sorted(refused) == recipients[5:]
    code, text = refused[recipients[5]]
    assert code == 450 and b"Sending rate limit exceeded" in text


def test_mail_from_an_account_that_logged_in_from_a_stuffing_ip_is_held(stack, webhook):
    cg, dovecot, postfix = stack
    stuffer = "127.0.0.70"
    # The stuffing source fails on other accounts, then gets into dave's over SMTP AUTH.
    for user in ("alice@example.com", "bob@example.com", "carol@example.com"):
        assert imap_login(dovecot.imap_port, user, "from-a-breach", stuffer) is not None
    assert send(postfix, "dave@example.com", ["target@remote.example"], stuffer) == {}
    # Postfix files the message after it answers: wait for it to land in the hold queue.
    wait_for(lambda: any(m["queue_name"] == "hold" for m in queue(postfix)),
             what="the message in Postfix's hold queue")
    held = [m for m in queue(postfix) if m["queue_name"] == "hold"]
    assert len(held) == 1 and held[0]["sender"] == "dave@example.com"
    wait_for(lambda: "hold account=dave@example.com" in cg.read_log(), what="the hold event")
    assert held[0]["queue_id"] in cg.read_log()
    # The same event reached the operator's webhook, signed.
    wait_for(lambda: webhook.posts, what="the webhook")
    path, signature, body = webhook.posts[0]
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert path == "/coastguard" and hmac.compare_digest(signature, expected)
    event = json.loads(body)
    assert event["event"] == "hold" and event["account"] == "dave@example.com"
    assert event["reason"] == "compromised_login" and event["queue_id"] == held[0]["queue_id"]


def test_mail_flows_with_coastguard_stopped_and_the_fail_open_setting(stack):
    cg, _, postfix = stack
    cg.stop()
    assert send(postfix, "erin@example.com", ["friend@remote.example"]) == {}
    assert not [m for m in queue(postfix) if m["queue_name"] == "hold"]
