"""`coastguard replay` as evaluations run it: separate processes, the same decisions."""
import hashlib
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
