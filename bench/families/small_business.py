#!/usr/bin/env python3
"""small_business: 5-40 people, one office line, some home offices and phones, over a week or two.

The outsourced IT person logs into many of the accounts from the IT firm's one address
(a support day: mailbox checks, phone set-ups, a password reset, with the odd typo); a
monitoring probe may log in every few minutes; the scanner mails scans; the billing account
sends the month's invoices. Some seeds: the office line fails over to an LTE router for a
few hours, so the whole office appears from a carrier's CGNAT address.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks as A  # noqa: E402
import mix  # noqa: E402
from common import (DAY, HOUR, T_BASE, FAR_FIRST, HOSTING_FIRST, IOS_MAIL, ANDROID, DESKTOP,  # noqa: E402
                    WEBMAIL_CID, PHONE_DAY, OFFICE_DAY, Carrier, Device, HomeLine, Network,
                    Static, User, World, big_message, contacts_for, invoice_run, local_hour,
                    main_args, make_mailer, newsletter, password_change, person, random_password,
                    report, run_device, set_mail_rate, typo_of, unique_login, v4, word_domain)


def build(seed):
    rng = random.Random(seed)
    days = rng.randint(7, 14)
    t0 = T_BASE + rng.randrange(7) * DAY
    w = World("small_business", seed, rng, t0, t0 + days * DAY)
    sp = w.space
    dom = word_domain(rng, ("de", "com", "at", "eu"))
    homes = [Network(sp, rng, "isp%d" % i, 4096) for i in range(2)]
    carriers = []
    for i in range(rng.randint(2, 3)):
        size = rng.choice([32, 128, 512, 2048])
        net = Network(sp, rng, "mno%d" % i, size, n24=max(1, min(size // 8, rng.choice([1, 4, 16]))),
                      v6=rng.random() < 0.7)
        carriers.append(Carrier(net, "cgnat", rng.uniform(0.3, 1.0), rng.uniform(0.2, 1.0),
                                rng.choice([0.0, 0.4, 0.8])))
    foreign = [Network(sp, rng, "far%d" % i, 512, firsts=FAR_FIRST, v6=True, v6_first=0x2400)
               for i in range(2)]
    hosting = [Network(sp, rng, "dc%d" % i, 1024, firsts=HOSTING_FIRST) for i in range(3)]
    office = Static(v4(rng.choice(homes).addr4(rng)), "office")
    msp_ip = v4(rng.choice(hosting + homes).addr4(rng))
    failover = None
    if rng.random() < 0.3:
        a = t0 + rng.randrange(days) * DAY + rng.uniform(8, 14) * HOUR
        failover = (a, a + rng.uniform(2, 8) * HOUR, Carrier(carriers[0].net, "office_lte", 0.2, 0.2, 0.0))

    def at_office(ts):
        if failover and failover[0] <= ts < failover[1]:
            return failover[2]
        return office

    n = rng.randint(5, 40)
    wfh_share = rng.uniform(0.2, 0.6)
    mailer = make_mailer()
    people = []
    for i in range(n):
        f, l = person(rng)
        local = rng.choice(["%s.%s" % (f, l), f, f[0] + l])
        u = w.add_user(User(unique_login(w, rng, local, dom), random_password(rng)))
        people.append(u)
        home = HomeLine(rng.choice(homes), rng, renew=0.003) if rng.random() < wfh_share else None
        wfh_days = set(rng.sample(range(7), rng.randint(1, 3))) if home else set()
        car = rng.choice(carriers)

        def desk(ts, u=u, home=home, wfh=wfh_days):
            tr = u.travel
            if tr and tr[0] <= ts < tr[1]:
                return tr[3]
            if home and (int((ts - w.t0) // DAY) % 7) in wfh:
                return home
            return at_office(ts)

        def phone(ts, u=u, home=home, car=car):
            tr = u.travel
            if tr and tr[0] <= ts < tr[1]:
                return tr[2]
            h = local_hour(ts, w.t0)
            if 8 <= h < 17 and rng.random() < 0.7:
                return at_office(ts)   # office Wi-Fi
            if home and (h >= 18 or h < 8) and rng.random() < 0.8:
                return home
            return car
        u.devices.append(Device("desktop", rng.choice(DESKTOP), "imap", rng.uniform(1, 4), desk))
        if rng.random() < 0.8:
            u.devices.append(Device("phone", rng.choice(IOS_MAIL + ANDROID), "imap",
                                    rng.uniform(0.5, 2), phone))
        if rng.random() < 0.3:
            u.devices.append(Device("laptop", rng.choice(DESKTOP), "imap", rng.uniform(0.3, 1), desk))
        u.contacts = contacts_for(rng, rng.randint(10, 120), dom, [], 0)
        set_mail_rate(u, rng.lognormvariate(1.6, 0.7))
    roles = []
    for local in ["info", "office", "billing"]:
        u = w.add_user(User("%s@%s" % (local, dom), random_password(rng)))
        roles.append(u)
        u.devices.append(Device("desktop", rng.choice(DESKTOP), "imap", rng.uniform(1, 3),
                                lambda ts: at_office(ts)))
        u.contacts = contacts_for(rng, rng.randint(50, 300), dom, [], 0)
        set_mail_rate(u, rng.lognormvariate(1.0, 0.6))
    for p in people:   # colleagues write to each other
        p.contacts += rng.sample([q.login for q in people], min(len(people), 5))
    scanner = w.add_user(User("scanner@" + dom, random_password(rng), kind="machine"))

    nets = {"carrier": [c.net for c in carriers], "home": homes, "foreign": foreign,
            "hosting": hosting}
    t_attack = w.t0 + rng.uniform(1 * DAY, (days - 1.5) * DAY)
    plan = mix.choose(w, [], mix.KINDS, (2, 4), t_attack, nets, scale=3.0,
                      role_accounts=[r.login for r in roles], siege_rate=(4, 40),
                      stuffing_hours=(6, 72))

    # travel: a trade fair abroad for one or two of them
    for u in rng.sample(people, rng.randint(0, max(1, n // 8))):
        a = w.t0 + rng.uniform(0.5, days - 2) * DAY
        net = rng.choice(foreign)
        hotel = Static(v4(net.addr4(rng)), "traveller")
        u.travel = (a, a + rng.uniform(1, 4) * DAY, Carrier(net, "traveller", 0.8, 0.8, 0.5), hotel)
        u.devices.append(Device("webmail", WEBMAIL_CID, "imap", 0.2, lambda ts, h=hotel: h,
                                interactive=True, start=a, end=u.travel[1], seg="traveller"))

    # the IT firm's support day
    support_day = w.t0 + rng.randrange(days) * DAY + rng.uniform(9, 15) * HOUR
    reset = None
    t = support_day
    for u in rng.sample(people + roles, int(len(people + roles) * rng.uniform(0.3, 1.0))):
        pw = u.password_at(t)
        if rng.random() < 0.08:
            w.auth(t, "imap", msp_ip, u.login, typo_of(rng, pw), "Thunderbird 115.16.1", "legit", "it_admin")
            t += rng.uniform(10, 40)
        w.auth(t, rng.choice(["imap", "imap", "submission"]), msp_ip, u.login, pw,
               "Thunderbird 115.16.1", "legit", "it_admin")
        t += rng.uniform(30, 600)
        if reset is None and not u.no_change and u in people and rng.random() < 0.3:
            reset = u
            password_change(w, u, t, [HOUR, 5 * HOUR, 2 * DAY])
            w.auth(t + 20, "imap", msp_ip, u.login, u.password_at(t + 1), "Thunderbird 115.16.1",
                   "legit", "it_admin")
    w.notes["support_day"] = "%.1fh reset=%s" % ((support_day - w.t0) / HOUR, reset is not None)
    if rng.random() < 0.5:   # the IT firm's monitoring probe
        probe = w.add_user(User("monitor@" + dom, random_password(rng), kind="machine"))
        step = rng.choice([300, 600, 900])
        t = w.t0 + rng.uniform(0, step)
        while t < w.t_end:
            w.auth(t, "imap", msp_ip, probe.login, probe.password_at(t), None, "legit", "monitor")
            t += step + rng.uniform(-3, 3)

    for u in list(w.users.values()):
        for d in u.devices:
            run_device(w, u, d, OFFICE_DAY if d.kind == "desktop" else PHONE_DAY, mailer=mailer)
    # scan to email
    scanner_dev = Device("scanner", None, "submission", 0, at_office, sends=False)
    t = w.t0
    while t < w.t_end:
        t += rng.expovariate(1 / (3 * HOUR))
        if 8 <= local_hour(t, w.t0) < 18:
            ip = at_office(t).addr(scanner_dev, rng)
            if w.auth(t, "submission", ip, scanner.login, scanner.password_at(t), None, "legit",
                      "scanner") == "success":
                w.mail(t + 1, scanner.login, ip, scanner.login, [rng.choice(people).login],
                       rng.randint(200000, 3000000), "legit", "scanner")
    # the month's invoices, from the office or from the accounting software's cloud host
    bill = w.users["billing@" + dom]
    t = w.t0 + rng.randrange(days) * DAY + rng.uniform(9, 16) * HOUR
    erp = rng.random() < 0.4
    invoice_run(w, bill, t, v4(rng.choice(hosting).addr4(rng)) if erp else office.ip,
                rng.randint(50, 400), rng.uniform(1, 15), per_conn=rng.choice([1, 10, 50]))
    w.notes["invoices"] = "erp" if erp else "office"
    for u in rng.sample(people, min(len(people), rng.randint(0, 2))):
        t = w.t0 + rng.uniform(0.3, days - 0.5) * DAY
        d = u.devices[0]
        big_message(w, u, t, d.schedule(t).addr(d, rng), rng.randint(30, 150), "invitation", d.cid)
    if rng.random() < 0.3:
        newsletter(w, w.t0 + rng.uniform(0.2, days - 0.5) * DAY, v4(rng.choice(hosting).addr4(rng)),
                   rng.randint(1000, 10000), rng.choice([100, 500]), rng.uniform(1, 2))
    if failover:
        w.notes["lte_failover_h"] = "%.1f-%.1f" % ((failover[0] - w.t0) / HOUR, (failover[1] - w.t0) / HOUR)
    w.notes["users"] = n
    w.index_iplog()
    mix.emit(w, plan)
    # what every mail server on the internet sees all the time: bots trying admin@, info@...
    noise = [A.Exits(w, "hosting", hosting, n_fixed=rng.randint(200, 2000)),
             A.Exits(w, "foreign", foreign)]
    A.siege(w, "internet_noise", w.t0, w.t_end, noise, rng.uniform(2, 10), rng.uniform(0.5, 0.9),
            [r.login for r in roles], (1, 6))
    w.notes["attack_start_h"] = "%.1f" % ((t_attack - w.t0) / HOUR)
    w.notes["kinds"] = "+".join(p["kind"] for p in plan["attacks"])
    return w


if __name__ == "__main__":
    args = main_args(__doc__)
    w = build(args.seed)
    report(w, w.write(args.out))
