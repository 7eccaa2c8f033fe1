#!/usr/bin/env python3
"""fresh_install: the daemon was installed a moment ago on a hosting provider's mail server
(several customer organisations). No warm-up: it has never seen any user, any address, any
baseline, and the attacks (already running against the server before) start within the first
hour, some at the first second.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mix  # noqa: E402
from common import (DAY, HOUR, T_BASE, FAR_FIRST, HOSTING_FIRST, IOS_MAIL, IPAD_MAIL, ANDROID,  # noqa: E402
                    DESKTOP, WEBMAIL_CID, OUTLOOK_MOBILE, PHONE_DAY, OFFICE_DAY, Carrier, Cloud,
                    Device, HomeLine, Nat, Network, Static, User, World, big_message, contacts_for,
                    invoice_run, local_hour, main_args, make_mailer, newsletter, password_change,
                    person, random_password, report, run_device, set_mail_rate, unique_login, v4,
                    word_domain)


def build(seed):
    rng = random.Random(seed)
    hours = rng.uniform(14, 30)
    # installed at some hour of a weekday: not necessarily midnight
    t0 = T_BASE + rng.randrange(5) * DAY + rng.randrange(24) * HOUR
    w = World("fresh_install", seed, rng, t0, t0 + hours * HOUR)
    sp = w.space
    carriers = []
    for i in range(rng.randint(2, 3)):
        size = rng.choice([32, 128, 512, 2048])
        net = Network(sp, rng, "mno%d" % i, size, n24=max(1, min(size // 8, rng.choice([1, 4, 16]))),
                      v6=rng.random() < 0.7)
        carriers.append(Carrier(net, "cgnat", rng.uniform(0.3, 1.0), rng.uniform(0.2, 1.0),
                                rng.choice([0.0, 0.3, 0.7])))
    homes = [Network(sp, rng, "isp%d" % i, 4096) for i in range(rng.randint(2, 3))]
    foreign = [Network(sp, rng, "far%d" % i, 512, firsts=FAR_FIRST, v6=True, v6_first=0x2400)
               for i in range(3)]
    hosting = [Network(sp, rng, "dc%d" % i, 1024, firsts=HOSTING_FIRST) for i in range(3)]
    ms = Cloud([v4(x) for x in Network(sp, rng, "ms", 48, firsts=[40, 52]).pool], "cloud_fetcher")
    webmail_host = v4(hosting[0].addr4(rng))
    mailer = make_mailer(lambda dev, ip: webmail_host if dev.kind == "webmail" else ip)

    # local hour of the install is (t0 - T_BASE) mod 24; profiles are indexed by t - t0, so shift
    shift = int(((t0 - T_BASE) // HOUR) % 24)

    def rot(profile):
        return profile[shift:] + profile[:shift]

    orgs = []
    n_orgs = rng.randint(4, 14)
    for k in range(n_orgs):
        dom = word_domain(rng)
        size = int(rng.lognormvariate(4.0, 0.8)) + 3
        nat = Nat([v4(rng.choice(homes).addr4(rng)) for _ in range(rng.choice([1, 1, 2, 4]))], "office")
        orgs.append((dom, size, nat))
    inside = []
    for dom, size, nat in orgs:
        inside.extend(nat.ips)
        for i in range(size):
            f, l = person(rng)
            u = w.add_user(User(unique_login(w, rng, "%s.%s" % (f, l), dom), random_password(rng)))
            car = rng.choice(carriers)
            home = HomeLine(rng.choice(homes), rng) if rng.random() < 0.4 else None

            def desk(ts, u=u, nat=nat, home=home):
                tr = u.travel
                if tr and tr[0] <= ts < tr[1]:
                    return tr[3]
                h = (local_hour(ts, w.t0) + shift) % 24
                return nat if (8 <= h < 18 or home is None) else home

            def phone(ts, u=u, nat=nat, home=home, car=car):
                tr = u.travel
                if tr and tr[0] <= ts < tr[1]:
                    return tr[2]
                h = (local_hour(ts, w.t0) + shift) % 24
                if 8 <= h < 18 and rng.random() < 0.5:
                    return nat
                if home is not None and (h >= 18 or h < 8) and rng.random() < 0.8:
                    return home
                return car
            u.devices.append(Device("desktop", rng.choice(DESKTOP), "imap", rng.uniform(0.8, 3), desk))
            if rng.random() < 0.08:
                u.devices.append(Device("phone", OUTLOOK_MOBILE, "imap", rng.uniform(1, 3), lambda ts: ms))
            elif rng.random() < 0.8:
                u.devices.append(Device("phone", rng.choice(IOS_MAIL + ANDROID), "imap",
                                        rng.uniform(0.4, 2), phone))
            if rng.random() < 0.15:
                u.devices.append(Device("tablet", rng.choice(IPAD_MAIL), "imap", 0.4, phone, sends=False))
            if rng.random() < 0.25:
                u.devices.append(Device("webmail", WEBMAIL_CID, "imap", rng.uniform(0.03, 0.2), desk,
                                        interactive=True))
            u.contacts = contacts_for(rng, rng.randint(8, 80), dom, [], 0)
            set_mail_rate(u, rng.lognormvariate(1.2, 0.8))
        for local in ["info", "billing"]:
            u = w.add_user(User("%s@%s" % (local, dom), random_password(rng)))
            u.devices.append(Device("desktop", rng.choice(DESKTOP), "imap", rng.uniform(1, 3),
                                    lambda ts, n=nat: n))
            u.contacts = contacts_for(rng, rng.randint(30, 200), dom, [], 0)
            set_mail_rate(u, rng.lognormvariate(0.5, 0.6))
    users = [u for u in w.users.values() if u.kind == "user"]
    w.notes["orgs"] = "%d orgs, %d accounts" % (n_orgs, len(users))

    nets = {"carrier": [c.net for c in carriers], "home": homes, "foreign": foreign,
            "hosting": hosting, "inside": rng.sample(inside, 1)}
    t_attack = w.t0 + (0 if rng.random() < 0.3 else rng.uniform(0, HOUR))
    plan = mix.choose(w, [], mix.KINDS, (3, 5), t_attack, nets, scale=1.0,
                      role_accounts=[u.login for u in users if u.login.startswith("info@")],
                      stuffing_hours=(2, 12))
    for p in plan["attacks"]:   # everything already running, or starting within the hour
        p["start"] = max(w.t0, min(p["start"], t_attack + rng.uniform(0, HOUR)))

    for u in rng.sample(users, int(len(users) * rng.uniform(0.01, 0.06))):
        a = w.t0 + rng.uniform(-HOUR, hours * HOUR)
        net = rng.choice(foreign)
        hotel = Static(v4(net.addr4(rng)), "traveller")
        u.travel = (a, a + rng.uniform(6, 40) * HOUR, Carrier(net, "traveller", 0.8, 0.8, 0.5), hotel)
    for u in rng.sample(users, len(users) // 60):
        t = w.t0 + rng.uniform(0, hours * HOUR)
        if not u.no_change:
            password_change(w, u, t, [600, 2 * HOUR, DAY])
    for u in rng.sample(users, len(users) // 50):
        t = w.t0 + rng.uniform(0, hours * HOUR)
        d = u.devices[-1]
        u.devices.append(Device("phone", rng.choice(IOS_MAIL[-2:]), "imap", d.rate, d.schedule, start=t))
        d.end = t

    for u in list(w.users.values()):
        for d in u.devices:
            run_device(w, u, d, rot(OFFICE_DAY if d.kind == "desktop" else PHONE_DAY), mailer=mailer)
    for u in rng.sample(users, rng.randint(0, 3)):
        t = w.t0 + rng.uniform(0, hours) * HOUR
        d = u.devices[0]
        big_message(w, u, t, d.schedule(t).addr(d, rng), rng.randint(30, 200), "invitation", d.cid)
    if rng.random() < 0.6:
        dom, size, nat = rng.choice(orgs)
        invoice_run(w, w.users["billing@" + dom], w.t0 + rng.uniform(0, hours - 2) * HOUR,
                    nat.ips[0], rng.randint(50, 300), rng.uniform(1, 10), per_conn=rng.choice([1, 20]))
    if rng.random() < 0.6:
        newsletter(w, w.t0 + rng.uniform(0, max(0.5, hours - 3)) * HOUR, v4(rng.choice(hosting).addr4(rng)),
                   rng.randint(2000, 30000), rng.choice([100, 500, 1000]), rng.uniform(1, 3))
    w.index_iplog()
    mix.emit(w, plan)
    w.notes["attack_start_min"] = "%.0f" % ((min(p["start"] for p in plan["attacks"]) - w.t0) / 60)
    w.notes["kinds"] = "+".join(p["kind"] for p in plan["attacks"])
    w.notes["hours"] = "%.1f" % hours
    return w


if __name__ == "__main__":
    args = main_args(__doc__)
    w = build(args.seed)
    report(w, w.write(args.out))
