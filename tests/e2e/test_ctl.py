"""`coastguard ctl` against a real daemon: every subcommand, human and --json output, and the
exit codes scripts rely on."""
import json
import os
import subprocess
import time
import urllib.request

from conftest import BIN, free_port


def ctl(cg, *args, token_file=None, url=None):
    cmd = [BIN, "ctl"]
    if url:
        cmd += ["--url", url, "--token-file", token_file or os.path.join(cg.data_dir, "admin_token")]
    else:
        cmd += ["--listen", f"127.0.0.1:{cg.port}", "--data-dir", cg.data_dir]
    done = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=30)
    return done.returncode, done.stdout, done.stderr


def test_every_subcommand_in_human_and_json_output_with_its_exit_code(coastguard):
    cg = coastguard()
    # status
    code, out, _ = ctl(cg, "status")
    assert code == 0 and "under attack:     no" in out and "blocks in force:  0" in out
    code, out, _ = ctl(cg, "--json", "status")
    assert code == 0 and json.loads(out)["service"]["under_attack"] is False

    # block, top, explain, unblock (twice: the second finds nothing)
    code, out, _ = ctl(cg, "block", "ip", "203.0.113.9", "--ttl", "2h", "--reason", "abuse desk")
    assert code == 0 and out.strip() == "blocked ip 203.0.113.9 for 7200s"
    code, out, _ = ctl(cg, "--json", "block", "network", "198.51.100.0/24")
    assert code == 0 and json.loads(out)["block"]["subject"] == "198.51.100.0/24"
    code, out, _ = ctl(cg, "top", "1")
    assert code == 0 and len(out.strip().splitlines()) == 2  # header and one block
    code, out, _ = ctl(cg, "--json", "top")
    assert code == 0 and {b["subject"] for b in json.loads(out)["blocks"]} == {
        "203.0.113.9 (abuse desk)", "198.51.100.0/24"}
    code, out, _ = ctl(cg, "status")
    assert "blocks in force:  2" in out
    code, out, _ = ctl(cg, "explain", "ip", "203.0.113.9")
    assert code == 0 and "blocks:" in out and "203.0.113.9" in out
    code, out, _ = ctl(cg, "--json", "explain", "ip", "203.0.113.9")
    assert code == 0 and json.loads(out)["blocks"][0]["active"] is True
    code, out, _ = ctl(cg, "--json", "explain", "login", "alice+tag@example.com")
    assert code == 0 and isinstance(json.loads(out), dict)
    code, out, _ = ctl(cg, "unblock", "ip", "203.0.113.9")
    assert code == 0 and out.startswith("removed")
    code, out, _ = ctl(cg, "unblock", "ip", "203.0.113.9")
    assert code == 1 and out.startswith("not found")
    code, out, _ = ctl(cg, "--json", "unblock", "network", "198.51.100.0/24")
    assert code == 0 and json.loads(out) == {"removed": True}

    # allow, allow --remove
    code, out, _ = ctl(cg, "allow", "network", "10.0.0.0/8")
    assert code == 0 and out.strip() == "allowed network 10.0.0.0/8"
    code, out, _ = ctl(cg, "allow")
    assert code == 0 and "network 10.0.0.0/8" in out
    code, out, _ = ctl(cg, "allow", "--remove", "network", "10.0.0.0/8")
    assert code == 0
    code, out, _ = ctl(cg, "--json", "allow")
    assert code == 0 and "10.0.0.0/8" not in json.loads(out)["networks"]

    # suspects, release: an account that got in from an address guessing other accounts
    code, out, _ = ctl(cg, "--json", "suspects")
    assert code == 0 and json.loads(out) == {"suspects": []}
    code, out, _ = ctl(cg, "release", "dave@example.com")
    assert code == 1 and "not a suspect" in out

    def report(login, outcome):
        body = json.dumps({"ts": time.time(), "kind": "auth", "protocol": "imap",
                           "ip": "203.0.113.50", "login": login, "outcome": outcome}).encode()
        req = urllib.request.Request(cg.url("/v1/auth/report"), data=body, method="POST",
                                     headers=cg.policy_headers())
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200

    for n in range(12):
        report(f"u{n}@example.com", "bad_password")
    report("dave@example.com", "success")
    code, out, _ = ctl(cg, "suspects")
    assert code == 0 and "dave@example.com" in out and "from_guessing_source" in out
    code, out, _ = ctl(cg, "--json", "suspects")
    assert code == 0 and json.loads(out)["suspects"][0]["login"] == "dave@example.com"
    code, out, _ = ctl(cg, "release", "dave@example.com")
    assert code == 0 and out.startswith("released dave@example.com")
    code, out, _ = ctl(cg, "--json", "suspects")
    assert code == 0 and json.loads(out) == {"suspects": []}


def test_exit_codes_for_bad_usage_a_refused_token_and_no_daemon(coastguard, workdir):
    cg = coastguard()
    assert ctl(cg, "frobnicate")[0] == 2
    assert ctl(cg, "block", "host", "x")[0] == 2
    assert ctl(cg, "block", "ip", "203.0.113.9", "--ttl", "soon")[0] == 2
    code, _, err = ctl(cg, "block", "ip", "not-an-address")
    assert code == 5 and "HTTP 400" in err
    wrong = os.path.join(workdir, "wrong-token")
    with open(wrong, "w") as f:
        f.write("not-the-token\n")
    code, _, err = ctl(cg, "status", url=cg.url(""), token_file=wrong)
    assert code == 4 and "refused" in err
    code, _, err = ctl(cg, "status", url=f"http://127.0.0.1:{free_port()}")
    assert code == 3
