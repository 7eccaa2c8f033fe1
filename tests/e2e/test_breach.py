"""The breach guard end to end: a corpus imported with `coastguard breach import` into a running
daemon, HIBP's range API as a real HIBP client (npm `hibp`) reads it, and a real Dovecot whose
Lua passdb (examples/dovecot/coastguard-breach.lua) reports each successful login's password
hash: a user whose password is in the corpus is marked, the webhook fires and the notification
mail goes through a real Postfix (or the login is refused); a user with a unique password sees
nothing."""
import hashlib
import json
import os
import random
import subprocess
import threading

import pytest

from conftest import BIN, wait_for
from http_util import request, request_json
from mail_clients import imap_login, pop3_login
from peers import USERS, Dovecot, Postfix
from test_postfix_outbound import WebhookReceiver

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
LUA = os.path.join(ROOT, "examples", "dovecot", "coastguard-breach.lua")
BROWSER = os.path.join(ROOT, "tests", "browser")
SECRET = "breach-test-secret"
BREACHED_USER = "alice@example.com"  # her password is in the corpus
UNIQUE_USER = "bob@example.com"      # his is not


def sha1_hex(text):
    return hashlib.sha1(text.encode()).hexdigest().upper()


def write_corpus(path, rng, extra):
    """Random hashes plus `extra` (hex -> count), sorted, CRLF, as HIBP ships them."""
    hashes = {"%040X" % rng.getrandbits(160): rng.randint(1, 5000) for _ in range(20000)}
    hashes.update(extra)
    with open(path, "w", newline="") as f:
        for h in sorted(hashes):
            f.write(f"{h}:{hashes[h]}\r\n")
    return hashes


def import_corpus(db, *inputs):
    done = subprocess.run([BIN, "breach", "import", "--db", db, *inputs], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


def config(postfix_conf, webhook_port, on_login):
    return f"""
[outbound]
webhook_url = "http://127.0.0.1:{webhook_port}/coastguard"
webhook_secret = "{SECRET}"
[breach]
on_login = "{on_login}"
service_words = ["Example Mail"]
notify_command = ["/usr/sbin/sendmail", "-C", "{postfix_conf}", "-t", "-i"]
notify_from = "postmaster@example.com"
"""


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


def start_stack(workdir, coastguard, webhook, on_login):
    postfix_conf = os.path.join(workdir, "postfix", "etc")
    cg = coastguard(config(postfix_conf, webhook.port, on_login))
    with open(LUA) as f:
        script = f.read()
    script = script.replace('"http://127.0.0.1:8084/v1/passwords/report"',
                            f'"{cg.url("/v1/passwords/report")}"')
    script = script.replace('"/var/lib/coastguard/policy_key"',
                            f'"{os.path.join(cg.data_dir, "policy_key")}"')
    assert cg.url("/v1/passwords/report") in script
    lua_path = os.path.join(workdir, "coastguard-breach.lua")
    with open(lua_path, "w") as f:
        f.write(script)
    dovecot = Dovecot(workdir, cg.dovecot_lines(), lua_script=lua_path).start()
    # Mail the guard sends is logged by Postfix with its subject (header_checks WARN).
    checks = os.path.join(workdir, "header_checks")
    with open(checks, "w") as f:
        f.write("/^Subject:/ WARN\n")
    postfix = Postfix(workdir, dovecot, extra_main=f"header_checks = regexp:{checks}").start()
    # The corpus arrives while the daemon runs: it must pick it up without a restart.
    corpus = os.path.join(workdir, "pwned.txt")
    write_corpus(corpus, random.Random(7), {sha1_hex(USERS[BREACHED_USER]): 42})
    import_corpus(os.path.join(cg.data_dir, "breach"), corpus)
    wait_for(lambda: cg.logged("breach: opened"), what="the daemon to open the new corpus")
    return cg, dovecot, postfix


def entity(cg, login):
    status, body = request_json("GET", cg.url(f"/v1/entities/login/{login}"),
                                headers={"Authorization": f"Bearer {cg.admin_token()}"})
    assert status == 200, body
    return body["breach"]


def metric(cg, name):
    """A sample of /metrics: `name` is the family, with its labels if any."""
    _, text = request("GET", cg.url("/metrics"))
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"no {name} in /metrics")


def reports(cg, result):
    return metric(cg, f'coastguard_breach_password_reports_total{{result="{result}"}}')


def breach_events(webhook):
    return [json.loads(body) for _, _, body in webhook.posts
            if json.loads(body).get("event") == "breached_password"]


def test_a_breached_password_at_login_marks_the_account_and_tells_the_user(
        workdir, coastguard, webhook):
    cg, dovecot, postfix = start_stack(workdir, coastguard, webhook, "notify")
    try:
        assert imap_login(dovecot.imap_port, BREACHED_USER, USERS[BREACHED_USER]) is None
        assert pop3_login(dovecot.pop3_port, UNIQUE_USER, USERS[UNIQUE_USER]) is None
        wait_for(lambda: breach_events(webhook), what="the breached-password webhook")
        [event] = breach_events(webhook)
        assert event["login"] == BREACHED_USER and event["breach_count"] == 42
        assert event["service"] == "imap"
        path, signature, body = next(p for p in webhook.posts if b"breached_password" in p[2])
        import hmac
        assert signature == "sha256=" + hmac.new(SECRET.encode(), body, "sha256").hexdigest()
        marked = entity(cg, BREACHED_USER)
        assert marked["breached"] is True and marked["breach_count"] == 42
        assert marked["notified"] is not None
        assert entity(cg, UNIQUE_USER) == {"breached": False}
        # Both logins were reported: bob's as clean (the script ran for him, and nothing showed).
        assert reports(cg, "breached") == 1 and reports(cg, "clean") == 1
        assert metric(cg, "coastguard_breach_accounts_marked") == 1
        # The notification went through the real Postfix, to her, with the template's subject.
        wait_for(lambda: f"to=<{BREACHED_USER}>" in postfix.read_log(),
                 what="Postfix to deliver the notification")
        log = postfix.read_log()
        assert "Subject: Please change your mail password" in log
        assert f"to=<{UNIQUE_USER}>" not in log
        # Logging in again the same day: the Lua script does not ask again, nothing repeats.
        # (Each auth worker keeps its own day; Dovecot reuses the one that answered.)
        assert imap_login(dovecot.imap_port, BREACHED_USER, USERS[BREACHED_USER]) is None
        assert len(breach_events(webhook)) == 1
        assert reports(cg, "breached") == 1
        # Nothing the daemon logged holds the password or its hash.
        for secret in (USERS[BREACHED_USER], sha1_hex(USERS[BREACHED_USER]),
                       sha1_hex(USERS[BREACHED_USER]).lower()):
            assert secret not in cg.read_log()
    finally:
        postfix.stop()
        dovecot.stop()


def test_refuse_mode_refuses_the_breached_password_only(workdir, coastguard, webhook):
    cg, dovecot, postfix = start_stack(workdir, coastguard, webhook, "refuse")
    try:
        reply = imap_login(dovecot.imap_port, BREACHED_USER, USERS[BREACHED_USER])
        assert reply is not None, "a breached password must be refused"
        assert imap_login(dovecot.imap_port, UNIQUE_USER, USERS[UNIQUE_USER]) is None
        assert entity(cg, BREACHED_USER)["breached"] is True
        assert entity(cg, UNIQUE_USER) == {"breached": False}
        assert reports(cg, "clean") == 1  # bob's login was checked, and went on
    finally:
        postfix.stop()
        dovecot.stop()


def test_a_real_hibp_client_reads_the_range_api(workdir, coastguard):
    cg = coastguard()
    corpus = os.path.join(workdir, "pwned.txt")
    write_corpus(corpus, random.Random(3), {sha1_hex("password"): 10434004,
                                            sha1_hex("hunter2"): 17})
    ntlm = os.path.join(workdir, "ntlm.txt")
    with open(ntlm, "w", newline="") as f:
        f.write("8846F7EAEE8FB117AD06BDD830B7586C:9\r\n")  # NTLM of "password"
    import_corpus(os.path.join(cg.data_dir, "breach"), corpus)
    import_corpus(os.path.join(cg.data_dir, "breach"), ntlm)
    wait_for(lambda: cg.read_log().count("breach: opened") >= 2, what="both corpora opened")
    script = f"""
import {{ pwnedPassword, pwnedPasswordRange }} from "hibp";
const baseUrl = "{cg.url("")}";
const out = {{
  password: await pwnedPassword("password", {{ baseUrl }}),
  padded: await pwnedPassword("hunter2", {{ baseUrl, addPadding: true }}),
  unique: await pwnedPassword("violet staple orbit canyon", {{ baseUrl }}),
  ntlm: (await pwnedPasswordRange("8846F", {{ baseUrl, mode: "ntlm" }}))["7EAEE8FB117AD06BDD830B7586C"],
}};
console.log(JSON.stringify(out));
"""
    done = subprocess.run(["node", "--input-type=module", "-e", script], cwd=BROWSER,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"password": 10434004, "padded": 17, "unique": 0, "ntlm": 9}


def test_breach_query_answers_each_line_as_it_comes_and_names_bad_ones(workdir):
    rng = random.Random(11)
    known = {sha1_hex("hunter2"): 321}
    corpus = os.path.join(workdir, "pwned.txt")
    write_corpus(corpus, rng, known)
    db = os.path.join(workdir, "db")
    import_corpus(db, corpus)
    absent = sha1_hex("a password no one has ever used 7f3a")
    for args, present_answer in ((["--db", db], "321"), (["--db", db, "--filter"], "1")):
        query = subprocess.Popen([BIN, "breach", "query", *args], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Should an answer never come, the reads below end (and fail) instead of hanging.
        watchdog = threading.Timer(30, query.kill)
        watchdog.start()
        try:
            # One line in, its answer out, while stdin stays open: a script can ask and wait.
            query.stdin.write(sha1_hex("hunter2").lower() + "\n")
            query.stdin.flush()
            assert query.stdout.readline() == f"{sha1_hex('hunter2')}:{present_answer}\n"
            query.stdin.write("not a hash\n" + absent + "\r\n")
            query.stdin.flush()
            assert query.stdout.readline() == f"{absent}:0\n"
            query.stdin.close()
            assert query.wait(timeout=30) == 1  # a bad line makes the exit status 1
            assert query.stdout.read() == ""
            assert "stdin:2: not a sha1 hash" in query.stderr.read()
        finally:
            watchdog.cancel()
            query.kill()
            query.wait()
