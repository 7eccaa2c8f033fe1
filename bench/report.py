#!/usr/bin/python3
"""Formats benchmark outputs for `make bench`.

  report.py quality SUMMARY.json      per-attack protection and legit friction, against the bars
  report.py mail SUMMARY.json SCENARIO DECISIONS BULK_LOGIN   spam stopped, legit mail affected
  report.py http COASTGUARD.txt CEILING.txt   wrk results side by side
"""
import json
import re
import sys

BARS = {
    "brute_force": 95.0,
    "horizontal_guessing": 95.0,
    "stuffing_concentrated": 95.0,
    "spraying": 95.0,
    "stuffing_distributed": 80.0,
    "low_and_slow": 80.0,
    "ipv6_rotation": 80.0,
}
FRICTION_BAR = 0.1  # percent of legit right-password attempts


def quality(path):
    summary = json.load(open(path))
    labels = summary["labels"]
    print(f"{'attack':24} {'would-be':>9} {'got in':>7} {'protected':>10}  bar")
    for name, bar in BARS.items():
        s = labels.get(name)
        if s is None:
            print(f"{name:24} {'-':>9}")
            continue
        would, got = s["would_be_compromised"], s["compromised"]
        share = 100.0 * (would - got) / would if would else 100.0
        verdict = "ok" if share >= bar else "BELOW BAR"
        print(f"{name:24} {would:9d} {got:7d} {share:9.1f}%  >= {bar:.0f}% {verdict}")
    legit = labels["legit"]
    hurt, total = legit["right_password_hurt_since_attack"], legit["right_password_since_attack"]
    share = 100.0 * hurt / total if total else 0.0
    verdict = "ok" if share <= FRICTION_BAR else "ABOVE BAR"
    print(f"legit friction since the first attack: {hurt} of {total} right-password attempts "
          f"rejected or delayed = {share:.3f}% (bar <= {FRICTION_BAR}%) {verdict}")
    episodes = summary.get("attack_episodes", [])
    hours = sum(end - start for start, end in episodes) / 3600
    print(f"service attack mode: {len(episodes)} episode(s), {hours:.2f} h")


SPAM_BAR = 98.0          # percent of spam messages held, deferred or rejected
LEGIT_MAIL_BAR = 0.1     # percent of legit messages affected


def mail(summary_path, scenario_path, decisions_path, bulk_login):
    labels = json.load(open(summary_path))["labels"]
    spam_total = spam_stopped = 0
    print(f"{'mail label':18} {'messages':>9} {'allowed':>8} {'deferred':>9} {'held':>7} "
          f"{'rejected':>9}  notes")
    for name, s in labels.items():
        m = s.get("mail")
        if not m:
            continue
        note = ""
        if name != "legit":
            spam_total += m["messages"]
            spam_stopped += m["messages"] - m["allowed"]
            note = (f"got out before the account's first hold: {m['out_before_first_hold']}, "
                    f"from accounts never held: {m['out_from_accounts_never_held']}")
        print(f"{name:18} {m['messages']:9d} {m['allowed']:8d} {m['deferred']:9d} {m['held']:7d} "
              f"{m['rejected']:9d}  {note}")
    share = 100.0 * spam_stopped / spam_total if spam_total else 100.0
    verdict = "ok" if share >= SPAM_BAR else "BELOW BAR"
    print(f"spam messages held, deferred or rejected: {spam_stopped} of {spam_total} = "
          f"{share:.2f}% (bar >= {SPAM_BAR}%) {verdict}")
    legit = labels["legit"]["mail"]
    hurt = legit["messages"] - legit["allowed"]
    share = 100.0 * hurt / legit["messages"] if legit["messages"] else 0.0
    verdict = "ok" if share <= LEGIT_MAIL_BAR else "ABOVE BAR"
    print(f"legit messages affected: {hurt} of {legit['messages']} = {share:.3f}% "
          f"(bar <= {LEGIT_MAIL_BAR}%) {verdict}")
    bulk = bulk_hurt = 0
    with open(scenario_path) as events, open(decisions_path) as decisions:
        for event_line, decision_line in zip(events, decisions):
            if bulk_login not in event_line or '"mail"' not in event_line:
                continue
            event = json.loads(event_line)
            if event["kind"] == "mail" and event["sasl_user"] == bulk_login:
                bulk += 1
                bulk_hurt += json.loads(decision_line)["verdict"] != "allow"
    print(f"bulk sender {bulk_login}: {bulk_hurt} of {bulk} messages affected (bar: none) "
          f"{'ok' if bulk_hurt == 0 else 'ABOVE BAR'}")


def forms(scenario_path, decisions_path, attack_start):
    """Abusive submissions stopped (anything but accept, at check time) per campaign kind, and
    legit ones hurt, overall and on the attack day."""
    import collections
    total, stopped = collections.Counter(), collections.Counter()
    legit_day, legit_day_hurt = 0, 0
    for event_line, decision_line in zip(open(scenario_path), open(decisions_path)):
        event, decision = json.loads(event_line), json.loads(decision_line)
        label = event.get("label", "legit")
        hurt = decision["verdict"] != "accept"
        total[label] += 1
        stopped[label] += hurt
        if label == "legit" and event["ts"] >= attack_start:
            legit_day += 1
            legit_day_hurt += hurt
    abusive = sum(n for label, n in total.items() if label != "legit")
    abusive_stopped = sum(n for label, n in stopped.items() if label != "legit")
    for label in sorted(total):
        if label == "legit":
            continue
        print(f"{label:<20} stopped {stopped[label]:>4} / {total[label]:<4} "
              f"({100 * stopped[label] / total[label]:.2f}%)")
    print(f"{'all campaigns':<20} stopped {abusive_stopped:>4} / {abusive:<4} "
          f"({100 * abusive_stopped / abusive:.2f}%)   bar: >= 98%")
    print(f"legit hurt on the campaign day: {legit_day_hurt} / {legit_day} "
          f"({100 * legit_day_hurt / max(legit_day, 1):.3f}%)   bar: <= 0.2%")
    print(f"legit hurt over all five days:  {stopped['legit']} / {total['legit']} "
          f"({100 * stopped['legit'] / max(total['legit'], 1):.3f}%)  (includes the first day of a "
          f"fresh install, when no link domain is established yet)")


def parse_wrk(path):
    text = open(path).read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def latency(percent):
        m = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rate, latency(50), latency(99), int(errors.group(1)) if errors else 0


def http(coastguard_path, ceiling_path):
    cg, ceiling = parse_wrk(coastguard_path), parse_wrk(ceiling_path)
    for name, (rate, p50, p99, errors) in (("coastguard", cg), ("epoll ceiling", ceiling)):
        print(f"{name:14} {rate:10.0f} req/s  p50 {p50:.3f} ms  p99 {p99:.3f} ms  non-2xx {errors}")
    print(f"coastguard / ceiling = {100.0 * cg[0] / ceiling[0]:.0f}% (target >= 60%)")


if __name__ == "__main__":
    if sys.argv[1] == "forms":
        forms(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif sys.argv[1] == "quality":
        quality(sys.argv[2])
    elif sys.argv[1] == "http":
        http(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "mail":
        mail(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
