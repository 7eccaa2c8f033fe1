"""The operator's console in Debian's headless Chromium (playwright-core), against a daemon fed a
scenario as Dovecot and Postfix would feed it: logging in (a wrong token refused), the overview
with its charts drawn, the story of an account that was taken over and the release of its held
mail, unblocking a source and its next login allowed. tests/browser/console.mjs reports what the
page showed; the assertions are here. Screenshots go to build/console-screenshots/."""
import http.client
import json
import os
import re
import socket
import subprocess
import time

from conftest import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
SHOTS = os.environ.get("COASTGUARD_SCREENSHOTS",
                       os.path.join(ROOT, "build", "console-screenshots"))
TAKEN_OVER = "dave@example.com"
STUFFER = "203.0.113.50"  # one address trying many accounts: blocked
PROXY = "198.51.100.77"   # the exit the password came through: a few failures, then a success


def scenario():
    """Events in the replay contract's shape, in order: regular users, a combo list run from one
    address, and a stuffing proxy that gets into one account."""
    events = []
    for day in range(3):
        for n in range(20):
            events.append({"protocol": "imap", "ip": f"192.0.2.{10 + n}",
                           "login": f"user{n}@example.com", "client_id": "Thunderbird/115",
                           "outcome": "success"})
    for n in range(40):
        events.append({"protocol": "imap", "ip": STUFFER, "login": f"victim{n}@example.com",
                       "outcome": "bad_password"})
    for n in range(3):
        events.append({"protocol": "imap", "ip": PROXY, "login": f"other{n}@example.com",
                       "outcome": "bad_password"})
    events.append({"protocol": "imap", "ip": PROXY, "login": TAKEN_OVER, "outcome": "success"})
    return events


def feed(cg, events):
    """As Dovecot does: ask before the password check, report after it unless refused."""
    conn = http.client.HTTPConnection("127.0.0.1", cg.port, timeout=10)
    headers = dict(cg.policy_headers(), **{"Content-Type": "application/json"})
    verdicts = []
    for event in events:
        body = dict(event, ts=time.time(), kind="auth")
        outcome = body.pop("outcome")
        conn.request("POST", "/v1/auth/check", json.dumps(body), headers)
        reply = conn.getresponse()
        verdict = json.loads(reply.read())["verdict"]
        assert reply.status == 200
        verdicts.append(verdict)
        if verdict != "reject":
            conn.request("POST", "/v1/auth/report", json.dumps(dict(body, outcome=outcome)),
                         headers)
            reply = conn.getresponse()
            reply.read()
            assert reply.status == 200
    conn.close()
    return verdicts


def send_mail(port, login, n):
    """One message through the Postfix policy delegation: RCPT, then END-OF-MESSAGE."""
    actions = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        for state in ("RCPT", "END-OF-MESSAGE"):
            s.sendall((f"request=smtpd_access_policy\nprotocol_state={state}\n"
                       f"protocol_name=ESMTP\nclient_address=192.0.2.200\nsasl_method=PLAIN\n"
                       f"sasl_username={login}\nsender={login}\n"
                       f"recipient=friend{n}@remote.example\nqueue_id=Q{n}{state[0]}\n\n").encode())
            reply = b""
            while not reply.endswith(b"\n\n"):
                chunk = s.recv(4096)
                assert chunk
                reply += chunk
            actions.append(reply.decode().split("=", 1)[1].strip())
    return actions


def test_console_login_overview_account_story_release_and_unblock(coastguard):
    postfix_port = free_port()
    cg = coastguard(f'[postfix]\nlisten = "127.0.0.1:{postfix_port}"\n')
    verdicts = feed(cg, scenario())
    assert verdicts[-1] == "allow"  # the stolen password got in
    assert "reject" in verdicts
    for n in range(3):
        assert send_mail(postfix_port, "user1@example.com", n)[-1] == "DUNNO"
    held = send_mail(postfix_port, TAKEN_OVER, 9)
    assert held[-1].startswith("HOLD"), held

    os.makedirs(SHOTS, exist_ok=True)
    done = subprocess.run(["node", os.path.join(BROWSER_DIR, "console.mjs"), cg.url(""),
                           cg.admin_token(), cg.policy_key(), SHOTS, TAKEN_OVER, STUFFER],
                          cwd=BROWSER_DIR, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout.strip().splitlines()[-1])
    assert r["console_errors"] == [], r["console_errors"]
    # The wrong token, and the write made without the CSRF token: nothing else failed.
    assert r["failed_requests"] == ["401 /console/login", "401 /v1/blocks"], r["failed_requests"]

    # Logging in: the wrong token gets 401 and no cookie; the right one an HttpOnly,
    # SameSite=Strict cookie that the page's scripts cannot read.
    assert r["wrong_token_status"] == 401
    assert r["wrong_token_message"] == "That is not the admin token."
    assert r["cookies_after_wrong_token"] == 0
    assert r["cookie"] == {"httpOnly": True, "sameSite": "Strict"}
    assert r["page_sees_cookie"] is False

    # The overview: three charts drawn, the refused source and the targeted accounts listed.
    assert [c["title"] for c in r["charts"]] == ["Logins", "Outbound mail", "Web forms"]
    for c in r["charts"]:
        assert c["width"] > 300 and c["inked"] > 1000, c
    assert STUFFER in r["overview_text"]
    assert "203.0.113.0/24" in r["overview_text"]
    assert "victim" in r["overview_text"]

    # The account's story says why its mail is held, and how it got in.
    text = r["account_text"]
    assert "Mail from this account is held" in text
    assert "it came from an address that was failing on other accounts" in text
    assert PROXY in text and "new place" in text
    assert "postsuper -H" in text
    assert "No mail from this account is held." in r["account_text_after_release"]
    assert "No account's mail is held." in r["held_text"]
    suspects = json.loads(urlopen_admin(cg, "/v1/suspects"))["suspects"]
    assert suspects == []

    # Unblocking a source from its page lets its next login through.
    assert r["blocked_verdict_before"] == "reject"
    assert "ip_guessing" not in r["source_text"]  # reasons are in words
    assert "failing on many accounts it has no history with" in r["source_text"]
    assert r["blocked_verdict_after"] == "allow"

    assert "192.0.2.250" in r["blocks_text"]
    # The page says how many blocks are in force (it lists only the newest of a long list).
    assert re.search(r"\b\d+ blocks? in force\.", r["blocks_text"]), r["blocks_text"]
    assert "Breach corpus" in r["system_text"]
    assert r["write_without_csrf"] == 401
    for name in ("login", "overview", "account", "held", "source", "blocks", "system"):
        assert os.path.getsize(os.path.join(SHOTS, f"console-{name}.png")) > 10_000, name


def urlopen_admin(cg, path):
    conn = http.client.HTTPConnection("127.0.0.1", cg.port, timeout=10)
    conn.request("GET", path, headers={"Authorization": f"Bearer {cg.admin_token()}"})
    reply = conn.getresponse()
    body = reply.read()
    assert reply.status == 200
    return body
