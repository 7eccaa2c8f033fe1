#!/usr/bin/env python3
"""Independent scorer for replayed families.

  score.py EVENTS DECISIONS [--json] [--name NAME]   score one replay (table, or JSON)
  score.py --line SCORE.json                        one summary line of a saved JSON score
  score.py --worst SCORE.json...                    the worst case over many saved scores

Events and decision lines are aligned by line number (docs/replay.md). Definitions:
  logins     per attack label: accounts it had the right password for (an auth line of that
             label with outcome success) and accounts it got into (such a line decided allow
             or delay); prevented = 1 - got/right. Overall: union of accounts over labels.
  friction   legit auth lines with outcome success decided reject or delay / all of them
             (also shown for the "traveller" segment: hotels, foreign carriers, roaming eSIMs).
  mail       spam (any non-legit mail label) stopped = decided anything but allow;
             legit messages affected = not allow / all legit messages; legit accounts
             affected = accounts never attacked (no attack had their right password) whose
             legit mail was ever not allowed / such accounts that sent legit mail.
  forms      abuse stopped = not accept, per label and overall; legit hurt = not accept / all.
"""
import json
import sys


def pct(a, b):
    return None if not b else 100.0 * a / b


def fmt(p):
    return "   -  " if p is None else "%5.1f%%" % p


def score(events_path, decisions_path):
    auth = {}      # label -> dict
    right, got = {}, {}
    legit = {"success": 0, "hurt": 0, "by_seg": {}, "verdicts": {}}
    mail = {}
    legit_mail = {"n": 0, "affected": 0, "by_seg": {}}
    mail_accounts = {}   # legit sender account -> ever affected
    forms = {}
    legit_forms = {"n": 0, "hurt": 0, "by_seg": {}, "verdicts": {}}
    n = 0
    with open(events_path, encoding="utf-8") as fe, open(decisions_path, encoding="utf-8") as fd:
        for line in fe:
            dline = fd.readline()
            n += 1
            if not dline:
                raise SystemExit("%s: fewer decision lines than events (%d)" % (decisions_path, n))
            e = json.loads(line)
            d = json.loads(dline)
            v = d.get("verdict")
            label = e.get("label", "legit")
            kind = e.get("kind")
            seg = e.get("seg", "-")
            if kind == "auth":
                if label == "legit":
                    if e["outcome"] == "success":
                        legit["success"] += 1
                        s = legit["by_seg"].setdefault(seg, [0, 0])
                        s[1] += 1
                        if v in ("reject", "delay"):
                            legit["hurt"] += 1
                            s[0] += 1
                            for r in d.get("reasons", []):
                                legit["verdicts"][r] = legit["verdicts"].get(r, 0) + 1
                    continue
                a = auth.setdefault(label, {"attempts": 0, "rejected": 0, "delayed": 0})
                a["attempts"] += 1
                if v == "reject":
                    a["rejected"] += 1
                elif v == "delay":
                    a["delayed"] += 1
                if e["outcome"] == "success":
                    lg = e["login"].lower()
                    right.setdefault(label, set()).add(lg)
                    if v in ("allow", "delay"):
                        got.setdefault(label, set()).add(lg)
            elif kind == "mail":
                stopped = v != "allow"
                if label == "legit":
                    legit_mail["n"] += 1
                    s = legit_mail["by_seg"].setdefault(seg, [0, 0])
                    s[1] += 1
                    acct = (e.get("sasl_user") or e.get("sender") or "").lower()
                    mail_accounts[acct] = mail_accounts.get(acct, False) or stopped
                    if stopped:
                        legit_mail["affected"] += 1
                        s[0] += 1
                else:
                    m = mail.setdefault(label, {"n": 0, "stopped": 0, "held": 0, "deferred": 0, "rejected": 0})
                    m["n"] += 1
                    if stopped:
                        m["stopped"] += 1
                        m[{"hold": "held", "defer": "deferred"}.get(v, "rejected")] += 1
            elif kind == "form":
                ok = v == "accept"
                if label == "legit":
                    legit_forms["n"] += 1
                    s = legit_forms["by_seg"].setdefault(seg, [0, 0])
                    s[1] += 1
                    if not ok:
                        legit_forms["hurt"] += 1
                        s[0] += 1
                        legit_forms["verdicts"][v] = legit_forms["verdicts"].get(v, 0) + 1
                else:
                    f = forms.setdefault(label, {"n": 0, "stopped": 0, "challenge": 0, "hold": 0, "reject": 0})
                    f["n"] += 1
                    if not ok:
                        f["stopped"] += 1
                        f[v] = f.get(v, 0) + 1
        if fd.readline():
            raise SystemExit("%s: more decision lines than events" % decisions_path)

    out = {"lines": n}
    all_right, all_got = set(), set()
    for label, a in auth.items():
        r, g = right.get(label, set()), got.get(label, set())
        all_right |= r
        all_got |= g
        a.update({"right": len(r), "got": len(g), "prevented": pct(len(r) - len(g), len(r)),
                  "rejected_pct": pct(a["rejected"], a["attempts"])})
    if auth or legit["success"]:
        out["auth"] = {"labels": auth,
                       "overall": {"right": len(all_right), "got": len(all_got),
                                   "prevented": pct(len(all_right) - len(all_got), len(all_right))},
                       "legit": dict(legit, friction=pct(legit["hurt"], legit["success"]))}
    if mail or legit_mail["n"]:
        for m in mail.values():
            m["stopped_pct"] = pct(m["stopped"], m["n"])
        sn = sum(m["n"] for m in mail.values())
        ss = sum(m["stopped"] for m in mail.values())
        never = {a: hurt for a, hurt in mail_accounts.items() if a not in all_right}
        na = sum(1 for h in never.values() if h)
        out["mail"] = {"labels": mail, "spam": {"n": sn, "stopped": ss, "stopped_pct": pct(ss, sn)},
                       "legit": dict(legit_mail, affected_pct=pct(legit_mail["affected"], legit_mail["n"])),
                       "accounts": {"never_attacked": len(never), "affected": na,
                                    "affected_pct": pct(na, len(never))}}
    if forms or legit_forms["n"]:
        for f in forms.values():
            f["stopped_pct"] = pct(f["stopped"], f["n"])
        an = sum(f["n"] for f in forms.values())
        ast = sum(f["stopped"] for f in forms.values())
        out["forms"] = {"labels": forms, "abuse": {"n": an, "stopped": ast, "stopped_pct": pct(ast, an)},
                        "legit": dict(legit_forms, hurt_pct=pct(legit_forms["hurt"], legit_forms["n"]))}
    return out


def segs(by_seg, limit=8):
    items = sorted(by_seg.items(), key=lambda kv: (-(kv[1][0] / kv[1][1] if kv[1][1] else 0), kv[0]))
    return ", ".join("%s %d/%d" % (k, h, t) for k, (h, t) in items[:limit])


def table(s):
    o = []
    if "auth" in s:
        a = s["auth"]
        o.append("LOGINS  %-28s %9s %9s %7s %7s %10s" % ("label", "attempts", "rejected", "right", "got in", "prevented"))
        for label in sorted(a["labels"]):
            x = a["labels"][label]
            o.append("        %-28s %9d %9s %7d %7d %10s" % (label, x["attempts"], fmt(x["rejected_pct"]),
                                                         x["right"], x["got"], fmt(x["prevented"])))
        ov = a["overall"]
        o.append("        %-28s %9s %9s %7d %7d %10s" % ("ALL ATTACKS (accounts)", "", "", ov["right"], ov["got"],
                                                     fmt(ov["prevented"])))
        lg = a["legit"]
        o.append("FRICTION legit right-password logins refused/delayed: %d/%d = %s" % (
            lg["hurt"], lg["success"], fmt(lg["friction"]).strip()))
        o.append("         by segment (worst first): " + segs(lg["by_seg"]))
        if lg["verdicts"]:
            o.append("         reasons: " + ", ".join("%s %d" % kv for kv in
                                                     sorted(lg["verdicts"].items(), key=lambda kv: -kv[1])[:6]))
    if "mail" in s:
        m = s["mail"]
        o.append("MAIL    %-28s %9s %9s %7s %7s %7s" % ("label", "messages", "stopped", "held", "defer", "reject"))
        for label in sorted(m["labels"]):
            x = m["labels"][label]
            o.append("        %-28s %9d %9s %7d %7d %7d" % (label, x["n"], fmt(x["stopped_pct"]), x["held"],
                                                         x["deferred"], x["rejected"]))
        o.append("        %-28s %9d %9s" % ("ALL SPAM", m["spam"]["n"], fmt(m["spam"]["stopped_pct"])))
        lg = m["legit"]
        o.append("        legit messages affected: %d/%d = %s; by segment: %s" % (
            lg["affected"], lg["n"], fmt(lg["affected_pct"]).strip(), segs(lg["by_seg"], 6)))
        ac = m["accounts"]
        o.append("        legit accounts affected (never attacked): %d/%d = %s" % (
            ac["affected"], ac["never_attacked"], fmt(ac["affected_pct"]).strip()))
    if "forms" in s:
        f = s["forms"]
        o.append("FORMS   %-28s %9s %9s %7s %7s %7s" % ("label", "submitted", "stopped", "chall", "hold", "reject"))
        for label in sorted(f["labels"]):
            x = f["labels"][label]
            o.append("        %-28s %9d %9s %7d %7d %7d" % (label, x["n"], fmt(x["stopped_pct"]), x["challenge"],
                                                         x["hold"], x["reject"]))
        o.append("        %-28s %9d %9s" % ("ALL ABUSE", f["abuse"]["n"], fmt(f["abuse"]["stopped_pct"])))
        lg = f["legit"]
        o.append("        legit hurt: %d/%d = %s (%s); by segment: %s" % (
            lg["hurt"], lg["n"], fmt(lg["hurt_pct"]).strip(),
            ", ".join("%s %d" % kv for kv in sorted(lg["verdicts"].items())), segs(lg["by_seg"], 6)))
    return "\n".join(o)


def metrics(s):
    """(name, value, higher_is_worse) of the headline metrics of one score."""
    out = []
    a, m, f = s.get("auth"), s.get("mail"), s.get("forms")
    out.append(("logins_prevented", a["overall"]["prevented"] if a else None, False))
    out.append(("legit_friction", a["legit"]["friction"] if a else None, True))
    tr = a["legit"]["by_seg"].get("traveller") if a else None
    out.append(("traveller_friction", pct(tr[0], tr[1]) if tr else None, True))
    out.append(("spam_stopped", m["spam"]["stopped_pct"] if m else None, False))
    out.append(("legit_mail_affected", m["legit"]["affected_pct"] if m else None, True))
    out.append(("legit_accounts_affected", m["accounts"]["affected_pct"] if m else None, True))
    out.append(("forms_abuse_stopped", f["abuse"]["stopped_pct"] if f else None, False))
    out.append(("forms_legit_hurt", f["legit"]["hurt_pct"] if f else None, True))
    return out


def kinds(s):
    """(section, label, value) for each attack label: lower is worse."""
    out = []
    for label, x in (s.get("auth", {}).get("labels", {}) or {}).items():
        if x["prevented"] is not None:
            out.append(("logins", label, x["prevented"], "%d/%d got in" % (x["got"], x["right"]), x["right"]))
    for label, x in (s.get("mail", {}).get("labels", {}) or {}).items():
        out.append(("spam", label, x["stopped_pct"], "%d msgs" % x["n"], x["n"]))
    for label, x in (s.get("forms", {}).get("labels", {}) or {}).items():
        out.append(("forms", label, x["stopped_pct"], "%d subs" % x["n"], x["n"]))
    return out


SHORT = {"logins_prevented": "prev", "legit_friction": "fric", "traveller_friction": "trav",
         "spam_stopped": "spam", "legit_mail_affected": "mail", "legit_accounts_affected": "accts",
         "forms_abuse_stopped": "fabuse", "forms_legit_hurt": "fhurt"}
LEGEND = ("prev = attacker logins prevented (got in/right pw); fric = legit friction; trav = travellers' "
          "friction;\nspam = spam stopped; mail = legit mail affected; accts = legit accounts affected "
          "(never attacked);\nfabuse = form abuse stopped; fhurt = form legit hurt; worst = lowest "
          "attack kind of the run")


def line(s):
    parts = []
    for k, v, _ in metrics(s):
        if v is not None:
            parts.append("%s %s" % (SHORT[k], fmt(v).strip()))
    a = s.get("auth")
    if a:
        parts[0] += " (%d/%d)" % (a["overall"]["got"], a["overall"]["right"])
    ks = [k for k in kinds(s) if k[2] is not None]
    if ks:
        w = min(ks, key=lambda k: (k[2], -k[4]))
        parts.append("worst %s %s (%s)" % (w[1], fmt(w[2]).strip(), w[3].replace(" got in", "")))
    return "%-17s %s" % (s.get("name", "?"), " | ".join(parts))


def worst(scores):
    o = []
    parts = []
    for i, (k, _, worse_high) in enumerate(metrics(scores[0])):
        vals = [(metrics(s)[i][1], s.get("name", "?")) for s in scores if metrics(s)[i][1] is not None]
        if not vals:
            continue
        v, name = (max if worse_high else min)(vals, key=lambda x: x[0])
        parts.append("%s %s [%s]" % (SHORT[k], fmt(v).strip(), name))
    allk = []
    for s in scores:
        for sec, label, v, info, weight in kinds(s):
            if v is not None:
                allk.append((v, -weight, sec, label, s.get("name", "?"), info))
    if allk:
        v, _, sec, label, name, info = min(allk)
        parts.append("worst single attack kind %s:%s %s [%s, %s]" % (sec, label, fmt(v).strip(), name, info))
    o.append("WORST CASE: " + " | ".join(parts))
    o[-1] = o[-1].replace(" | worst single", "\n  worst single")
    per = {}
    for v, negw, sec, label, name, info in sorted(allk):
        key = (sec, label)
        if key not in per:
            per[key] = (v, name, info)
    for sec in ("logins", "spam", "forms"):
        items = sorted(((k[1], x) for k, x in per.items() if k[0] == sec), key=lambda kv: kv[1][0])
        if items:
            o.append("  worst by kind (%s): " % sec + ", ".join(
                "%s %s [%s]" % (lab, fmt(x[0]).strip(), x[1]) for lab, x in items))
    return "\n".join(o)


def main(argv):
    if len(argv) >= 2 and argv[0] == "--line":
        with open(argv[1]) as f:
            print(line(json.load(f)))
        return
    if argv[:1] == ["--legend"]:
        print(LEGEND)
        return
    if len(argv) >= 2 and argv[0] == "--worst":
        scores = []
        for p in argv[1:]:
            with open(p) as f:
                scores.append(json.load(f))
        print(worst(scores))
        return
    args = [a for a in argv if not a.startswith("--")]
    name = None
    if "--name" in argv:
        name = argv[argv.index("--name") + 1]
        args.remove(name)
    if len(args) != 2:
        raise SystemExit(__doc__)
    s = score(args[0], args[1])
    if name:
        s["name"] = name
    if "--json" in argv:
        print(json.dumps(s, indent=1, sort_keys=True))
    else:
        print(table(s))


if __name__ == "__main__":
    main(sys.argv[1:])
