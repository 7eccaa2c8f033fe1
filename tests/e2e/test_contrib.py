"""contrib/: the Prometheus alert rules pass promtool's check and their unit tests, and every
coastguard metric the rules and the Grafana dashboard name is one the daemon exports."""
import json
import os
import re
import shutil
import subprocess
import urllib.request

import pytest

CONTRIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "contrib")
RULES = os.path.join(CONTRIB, "prometheus", "coastguard-alerts.yml")
RULE_TESTS = os.path.join(CONTRIB, "prometheus", "coastguard-alerts.test.yml")
DASHBOARD = os.path.join(CONTRIB, "grafana", "coastguard-dashboard.json")
PROMTOOL = shutil.which("promtool")


@pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian's prometheus) is not installed")
def test_the_alert_rules_pass_promtool_and_their_unit_tests():
    done = subprocess.run([PROMTOOL, "check", "rules", RULES], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run([PROMTOOL, "test", "rules", os.path.basename(RULE_TESTS)],
                          cwd=os.path.dirname(RULE_TESTS), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def names_in(text):
    return set(re.findall(r"\b(coastguard_[a-z_]+?)(?:_bucket)?\b", text))


def test_every_metric_the_rules_and_dashboard_name_is_exported(coastguard):
    # With the parts whose metrics appear only when configured: followed logs, a webhook.
    cg = coastguard("""
[outbound]
webhook_url = "http://127.0.0.1:9/"
webhook_secret = "contrib-test-secret"

[[logs]]
path = "/nonexistent/mail.log"
""")
    with urllib.request.urlopen(cg.url("/metrics"), timeout=5) as r:
        exported = set(re.findall(r"^# TYPE (coastguard_[a-z_]+) ", r.read().decode(), re.M))
    with open(DASHBOARD) as f:
        dashboard = json.load(f)
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    with open(RULES) as f:
        rules = f.read()
    wanted = names_in(exprs) | names_in(rules)
    # The firewall's metrics appear only while it runs (nftables needs a namespace: the log
    # guard's e2e test covers them).
    wanted -= {"coastguard_firewall_networks", "coastguard_firewall_errors_total"}
    assert wanted, "no metric found in contrib/"
    assert wanted <= exported, sorted(wanted - exported)
