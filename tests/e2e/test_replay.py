"""`coastguard replay` as evaluations run it: separate processes, the same decisions."""
import hashlib
import json
import os
import subprocess
import sys

from conftest import BIN

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def replay(events, config, out):
    done = subprocess.run([BIN, "replay", events, "--config", config, "--decisions", out],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with open(out, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest(), done.stderr


def test_two_processes_give_byte_identical_decisions(workdir):
    # Logins, mail and forms: every table whose digests or eviction could depend on the process.
    events = os.path.join(workdir, "events.jsonl")
    with open(events, "w") as out:
        for extra in ([], ["--forms"]):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "scenario.py"),
                            "--accounts", "800", "--warmup-hours", "2", "--attack-hours", "1",
                            "--attacks",
                            "brute_force,stuffing_concentrated,stuffing_distributed,ipv6_rotation"]
                           + extra,
                           stdout=out, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
    config = os.path.join(workdir, "replay.toml")
    with open(config, "w") as f:
        f.write('[forms]\nsecret = "bench-form-secret"\ntoken_required = true\n')
    first, summary = replay(events, config, os.path.join(workdir, "a.jsonl"))
    second, _ = replay(events, config, os.path.join(workdir, "b.jsonl"))
    assert first == second
    assert " 0 bad" in summary, summary
    with open(os.path.join(workdir, "a.jsonl")) as f:
        decisions = f.read().splitlines()
    with open(events) as f:
        assert len(decisions) == sum(1 for _ in f)
    # Not trivially equal: the attacks were refused, some of the people were not.
    assert any('"reject"' in d for d in decisions) and any('"allow"' in d for d in decisions)


def test_holds_name_the_login_behind_them_and_change_no_decision(workdir):
    # An address fails on three accounts, then gets into carol's; carol's mail is held.
    t = 1_793_577_600
    lines = [{"ts": t + i, "kind": "auth", "protocol": "imap", "ip": "45.9.9.9",
              "login": f"victim{i}@example.com", "pwhash": f"{i:04x}", "outcome": "bad_password"}
             for i in range(3)]
    lines.append({"ts": t + 10, "kind": "auth", "protocol": "imap", "ip": "45.9.9.9",
                  "login": "carol@example.com", "pwhash": "0abc", "outcome": "success"})
    lines.append({"ts": t + 12, "kind": "mail", "sasl_user": "carol@example.com",
                  "ip": "45.9.9.9", "sender": "carol@example.com",
                  "recipients": ["someone@remote.example"]})
    lines.append({"ts": t + 20, "kind": "auth", "protocol": "imap", "ip": "81.17.5.20",
                  "login": "dave@example.com", "pwhash": "0def", "outcome": "success"})
    lines.append({"ts": t + 22, "kind": "mail", "sasl_user": "dave@example.com",
                  "ip": "81.17.5.20", "sender": "dave@example.com",
                  "recipients": ["friend@remote.example"]})
    events = os.path.join(workdir, "events.jsonl")
    with open(events, "w") as f:
        f.writelines(json.dumps(line) + "\n" for line in lines)
    config = os.path.join(workdir, "replay.toml")
    with open(config, "w") as f:
        f.write("")
    holds = os.path.join(workdir, "holds.jsonl")
    done = subprocess.run([BIN, "replay", events, "--config", config, "--decisions",
                           os.path.join(workdir, "with.jsonl"), "--holds", holds],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    without, _ = replay(events, config, os.path.join(workdir, "without.jsonl"))
    with open(os.path.join(workdir, "with.jsonl"), "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == without
    with open(os.path.join(workdir, "with.jsonl")) as f:
        decisions = [json.loads(line) for line in f]
    assert decisions[4]["verdict"] == "hold" and decisions[6]["verdict"] == "allow"
    with open(holds) as f:
        held = [json.loads(line) for line in f]
    assert len(held) == 1, held
    assert held[0]["event"] == "hold"
    assert held[0]["account"] == "carol@example.com"
    assert held[0]["reason"] == "compromised_login"
    assert held[0]["ts"] == t + 12
    assert "45.9.9.9" in held[0]["evidence"] and "failed on other accounts" in held[0]["evidence"]


def test_an_unwritable_holds_file_is_a_usage_error(workdir):
    events = os.path.join(workdir, "events.jsonl")
    with open(events, "w") as f:
        f.write("")
    done = subprocess.run([BIN, "replay", events, "--holds",
                           os.path.join(workdir, "missing", "holds.jsonl")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "holds.jsonl" in done.stderr


def test_holds_and_decisions_may_not_share_a_file(workdir):
    events = os.path.join(workdir, "events.jsonl")
    with open(events, "w") as f:
        f.write("")
    same = os.path.join(workdir, "out.jsonl")
    done = subprocess.run([BIN, "replay", events, "--decisions", same, "--holds", same],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "different files" in done.stderr
    assert not os.path.exists(same)
