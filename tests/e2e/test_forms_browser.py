"""The contact-form demo in Debian's headless Chromium, driven by playwright-core, and ALTCHA
interoperability with npm's altcha-lib in both directions (tests/browser/*.mjs report what
happened as JSON; the assertions are here)."""
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
DEMO_DIR = os.path.join(ROOT, "examples", "contact-form")
SECRET = "e2e-form-secret"
# The person in the test types for about three and a half seconds; the bot posts at once.
CONFIG = f'[postfix]\nlisten = ""\n[forms]\nsecret = "{SECRET}"\nmin_fill = "2s"\n'


def run_node(script, cg):
    done = subprocess.run(["node", os.path.join(BROWSER_DIR, script), cg.url(""), SECRET,
                           cg.policy_key()],
                          cwd=BROWSER_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_demo_person_passes_bot_is_stopped_and_the_widget_proof_verifies(coastguard):
    cg = coastguard(CONFIG, extra_args=["--demo", DEMO_DIR])
    assert cg.logged("contact-form demo at")
    result = run_node("contact_form.mjs", cg)
    assert result["person"]["verdict"] == "accept", result
    assert result["widget_payload_verifies_with_altcha_lib"] is True
    bot = result["bot"]
    assert bot["verdict"] == "reject", bot
    for reason in ("url_in_name", "honeypot", "too_fast"):
        assert reason in bot["reasons"], bot


def test_altcha_interoperates_with_altcha_lib_both_ways(coastguard):
    cg = coastguard(CONFIG)
    result = run_node("altcha_interop.mjs", cg)
    assert result["coastguard_challenge_verified_by_altcha_lib"] is True
    assert result["coastguard_challenge_checked"]["verdict"] == "accept", result
    assert result["altcha_lib_challenge_checked"]["verdict"] == "accept", result
    assert "altcha_reused" in result["replayed_payload_checked"]["reasons"]
    tampered = result["tampered_payload_checked"]
    assert tampered["verdict"] == "reject" and "altcha_invalid" in tampered["reasons"]
