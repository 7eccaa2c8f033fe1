"""Which attackers a family's seed gets, with what parameters. Two phases: choose() before
the legit traffic is generated (spraying and brute-force victims need their weak password
from the start), emit() after it (stuffing exits from the addresses victims just used)."""
import attacks as A
from common import HOUR, DAY

KINDS = ["stuffing_mobile_proxy", "stuffing_residential", "stuffing_slow", "stuffing_inside_nat",
         "spraying", "brute_force", "siege"]


def choose(w, must, menu, k_extra, t_attack, nets, scale=1.0, role_accounts=(),
           siege_rate=(20, 250), stuffing_hours=(4, 20)):
    """nets: dict with 'carrier', 'home', 'foreign', 'hosting' lists of common.Network."""
    rng = w.rng
    kinds = list(must)
    others = [k for k in menu if k not in kinds and (k != "stuffing_inside_nat" or "inside" in nets)]
    rng.shuffle(others)
    kinds += others[:rng.randint(*k_extra)]
    kinds.sort(key=KINDS.index)
    users = A.real_users(w)
    n = len(users)
    plan = []
    for kind in kinds:
        p = {"kind": kind, "start": t_attack if not plan else t_attack + rng.uniform(0, 4 * HOUR)}
        if kind.startswith("stuffing"):
            p["n_entries"] = int(rng.uniform(0.3, 1.5) * n * scale) + rng.randint(20, 200)
            p["p_exists"] = rng.uniform(0.25, 0.8)
            p["p_right"] = rng.uniform(0.004, 0.03)
            p["cid_mode"] = rng.choice(["popular", "fixed", "none", "mixed"])
            p["protos"] = rng.choice([[("imap", 1)], [("imap", 6), ("pop3", 1), ("submission", 2)],
                                      [("submission", 3), ("smtp", 1), ("imap", 1)]])
            p["p_tweak"] = rng.uniform(0, 0.4)
            if kind == "stuffing_slow":
                p["pacing"] = "slow"
            else:
                p["pacing"] = rng.choice(["burst", "steady", "steady"])
            p["rate"] = rng.uniform(0.2, 3.0) if p["pacing"] == "burst" else 1.0 / rng.uniform(5, 90)
        elif kind == "spraying":
            n_pw = rng.choice([1, 2])
            n_weak = max(1, int(round(n * rng.uniform(0.002, 0.012))))
            p["passwords"], weak = A.prepare_spray(w, n_weak, n_pw)
            p["p_targets"] = rng.uniform(0.3, 1.0)
            p["n_guessed"] = rng.randint(0, max(10, n // 3))
            p["wave_hours"] = rng.uniform(0.5, 10)
            p["gap_hours"] = rng.uniform(0.5, 8)
            p["exits_kind"] = rng.choice(["hosting", "residential", "mobile"])
            p["protos"] = rng.choice([[("imap", 1)], [("submission", 1)], [("imap", 2), ("pop3", 1)]])
            p["cid_mode"] = rng.choice(["none", "fixed", "popular"])
        elif kind == "brute_force":
            pool = [w.users[r] for r in role_accounts if r in w.users] + users
            k = rng.randint(1, 4)
            targets = []
            for u in pool:
                if len(targets) >= k:
                    break
                if u not in targets and not u.weak and (u.login in role_accounts or rng.random() < 0.05):
                    targets.append(u)
            if not targets:
                targets = [rng.choice(users)]
            p["targets"] = targets
            p["words"], p["weak_at"] = A.prepare_brute(w, targets, rng.uniform(0.3, 0.9),
                                                       rng.randint(300, 1500))
            p["mode"] = rng.choice(["single", "few", "distributed"])
            p["gap"] = {"single": rng.uniform(2, 20), "few": rng.uniform(5, 40),
                        "distributed": rng.uniform(5, 60)}[p["mode"]]
            p["protos"] = rng.choice([[("imap", 1)], [("pop3", 1)], [("smtp", 1), ("submission", 1)]])
        elif kind == "siege":
            p["start"] = max(w.t0, t_attack - rng.uniform(0, 6 * HOUR))
            p["per_5min"] = rng.uniform(*siege_rate)
            p["p_unknown"] = rng.uniform(0.1, 0.8)
            p["lockout"] = [u.login for u in rng.sample(users, min(n, rng.randint(3, 40)))] \
                if rng.random() < 0.5 else []
            p["burst"] = rng.choice([(1, 1), (1, 3), (2, 5)])
        plan.append(p)
    spam = {"variant": rng.choice(["burst", "trickle", "contacts", "checker", "rotating"]),
            "delay": rng.choice([(60, 600), (600, 3 * HOUR), (2 * HOUR, 12 * HOUR)]),
            "exits_kind": rng.choice(["mobile", "residential", "hosting"])}
    return {"attacks": plan, "spam": spam, "nets": nets, "stuffing_hours": stuffing_hours}


def _exits(w, kind, nets, **kw):
    if kind == "mobile":
        return A.Exits(w, "mobile", nets["carrier"], **kw)
    if kind == "residential":
        return A.Exits(w, "residential", nets["home"], **kw)
    if kind == "foreign":
        return A.Exits(w, "foreign", nets["foreign"], **kw)
    return A.Exits(w, "hosting", nets["hosting"], n_fixed=kw.pop("n_fixed", 20), **kw)


def emit(w, plan):
    rng = w.rng
    nets = plan["nets"]
    end = w.t_end
    for p in plan["attacks"]:
        kind, start = p["kind"], p["start"]
        if kind == "stuffing_mobile_proxy":
            ex = _exits(w, "mobile", nets, overlap=rng.uniform(0.05, 0.4), window=6 * HOUR,
                        v6_share=rng.uniform(0, 0.5), sticky=rng.choice([1, 1, 3, 10]))
        elif kind == "stuffing_residential":
            ex = _exits(w, "residential", nets, overlap=rng.uniform(0.0, 0.2), window=12 * HOUR,
                        sticky=rng.choice([1, 2, 5]))
        elif kind == "stuffing_slow":
            ex = _exits(w, rng.choice(["mobile", "residential"]), nets,
                        overlap=rng.uniform(0.0, 0.3), window=24 * HOUR, min_reuse=HOUR)
        elif kind == "stuffing_inside_nat":
            # an infected laptop behind the shared NAT, or the webmail login form
            ex = A.Exits(w, "inside", [], fixed_ips=nets["inside"])
        if kind.startswith("stuffing"):
            s_end = end if p["pacing"] == "slow" else min(end, start + rng.uniform(*plan["stuffing_hours"]) * HOUR)
            A.stuffing(w, kind, start, s_end, ex, p["n_entries"], p["p_exists"], p["p_right"],
                       p["pacing"], p["cid_mode"], p["protos"], p["p_tweak"], p["rate"])
        elif kind == "spraying":
            ek = p["exits_kind"]
            ex = _exits(w, ek, nets, n_fixed=rng.randint(3, 60)) if ek == "hosting" else \
                _exits(w, ek, nets, sticky=rng.choice([1, 4, 20]))
            A.spraying(w, kind, start, end, p["passwords"], ex, p["p_targets"], p["n_guessed"],
                       p["wave_hours"], p["protos"], p["cid_mode"], p["gap_hours"])
        elif kind == "brute_force":
            if p["mode"] == "single":
                ex = _exits(w, "hosting", nets, n_fixed=1)
            elif p["mode"] == "few":
                ex = _exits(w, "hosting", nets, n_fixed=rng.randint(2, 5), sticky=rng.randint(5, 50))
            else:
                ex = _exits(w, rng.choice(["residential", "mobile"]), nets, sticky=rng.randint(1, 4))
            A.brute_force(w, kind, start, end, p["targets"], p["words"], ex, p["gap"], p["protos"])
            if p["weak_at"]:
                w.notes[kind] += " weak=%s@%d" % (p["weak_at"][0].split("@")[0], p["weak_at"][1])
        elif kind == "siege":
            exl = [_exits(w, "mobile", nets), _exits(w, "foreign", nets),
                   _exits(w, "hosting", nets, n_fixed=rng.randint(50, 600)),
                   _exits(w, "residential", nets)]
            A.siege(w, kind, start, end, exl, p["per_5min"], p["p_unknown"], p["lockout"], p["burst"])
    s = plan["spam"]
    ex = _exits(w, s["exits_kind"], nets, n_fixed=rng.randint(1, 30))
    A.spam_after(w, s["variant"], ex, s["delay"], max_accounts=rng.randint(3, 20))
