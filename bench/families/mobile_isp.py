#!/usr/bin/env python3
"""mobile_isp: a mail provider whose users are mostly on two to four mobile carriers.

Phones reach the server through the carriers' CGNAT pools (one public IPv4 address shared by
many subscribers at once, usually a different one each session) or through a fresh IPv6 /64
per attach; few users have a home line. Attackers rent mobile proxies that exit from the very
same pools.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mix  # noqa: E402
from common import (DAY, HOUR, T_BASE, EUROPE_FIRST, FAR_FIRST, HOSTING_FIRST, IOS_MAIL,  # noqa: E402
                    IPAD_MAIL, ANDROID, DESKTOP, WEBMAIL_CID, OUTLOOK_MOBILE, PHONE_DAY, EVENING,
                    OFFICE_DAY, Carrier, Cloud, Device, HomeLine, Network, Static, User, World,
                    big_message, contacts_for, invoice_run, local_hour, main_args, make_mailer,
                    newsletter, password_change, person, random_password, report, run_device,
                    set_mail_rate, unique_login, v4, word_domain)


def build(seed):
    rng = random.Random(seed)
    days = rng.choice([1.5, 1.75, 2.0])
    t0 = T_BASE + rng.randrange(5) * DAY
    w = World("mobile_isp", seed, rng, t0, t0 + days * DAY)
    sp = w.space

    # ------------------------------------------------------------ networks
    carriers = []
    for i in range(rng.randint(2, 4)):
        size = rng.choice([16, 32, 64, 128, 256, 512, 1024])
        n24 = max(1, min(size // 8, rng.choice([1, 2, 4, 8, 16])))
        net = Network(sp, rng, "mno%d" % i, size, n24=n24, v6=rng.random() < 0.75)
        carriers.append(Carrier(net, "cgnat", p_new4=rng.uniform(0.3, 1.0),
                                p_new64=rng.uniform(0.2, 1.0),
                                v6_share=rng.choice([0.0, 0.2, 0.5, 0.8])))
    cweights = [rng.uniform(0.2, 1.0) for _ in carriers]
    homes = [Network(sp, rng, "isp%d" % i, rng.choice([1024, 2048, 4096]))
             for i in range(rng.randint(1, 3))]
    foreign = [Network(sp, rng, "far%d" % i, rng.choice([64, 256, 1024]), firsts=FAR_FIRST,
                       v6=rng.random() < 0.5, v6_first=0x2400) for i in range(3)]
    esim = Network(sp, rng, "esim", rng.choice([16, 64, 256]))
    hosting = [Network(sp, rng, "dc%d" % i, 1024, firsts=HOSTING_FIRST) for i in range(3)]
    hotel_net = Network(sp, rng, "hotels", 512)
    ms = Cloud([v4(x) for x in Network(sp, rng, "ms", rng.choice([24, 96]), firsts=[40, 52]).pool],
               "cloud_fetcher")
    google = Cloud([v4(x) for x in Network(sp, rng, "goog", 32, firsts=[209, 74]).pool],
                   "cloud_fetcher")
    webmail_host = v4(homes[0].addr4(rng))
    foreign_places = [Carrier(n, "traveller", 0.7, 0.7, 0.5) for n in foreign] + \
        [Carrier(esim, "traveller", 0.9, 0.9, 0.0)]
    w.notes["carriers"] = "/".join("%d@%dx/24%s" % (len(c.net.pool), len(c.net.prefixes24),
                                                     "+v6" if c.net.v6 else "")
                                   for c in carriers)

    # ------------------------------------------------------------ people
    n_users = rng.randint(800, 2200)
    home_share = rng.uniform(0.05, 0.25)
    outlook_share = rng.uniform(0.0, 0.12)
    gmail_share = rng.uniform(0.0, 0.04)
    webmail_share = rng.uniform(0.15, 0.5)
    domains = ["example.com"] * 4 + ["example.net"]
    mailer = make_mailer(lambda dev, ip: webmail_host if dev.kind == "webmail" else ip)
    locals_pool = []

    def pick_carrier():
        return rng.choices(carriers, cweights)[0]

    def mk_sched(u, base, home, travel_slot):
        def f(ts):
            tr = u.travel
            if tr and tr[0] <= ts < tr[1] and tr[travel_slot] is not None:
                return tr[travel_slot]
            if home is not None:
                h = local_hour(ts, w.t0)
                if (h >= 19 or h < 8) and rng.random() < 0.85:
                    return home
            return base
        return f

    for i in range(n_users):
        f, l = person(rng)
        u = w.add_user(User(unique_login(w, rng, "%s.%s" % (f, l), rng.choice(domains)),
                            random_password(rng)))
        locals_pool.append(u.login)
        car = pick_carrier()
        home = HomeLine(rng.choice(homes), rng) if rng.random() < home_share else None
        if rng.random() < outlook_share:
            u.devices.append(Device("phone", OUTLOOK_MOBILE, "imap", rng.uniform(1, 3),
                                    lambda ts: ms))
        else:
            cid = rng.choice(IOS_MAIL) if rng.random() < 0.55 else rng.choice(ANDROID)
            u.devices.append(Device("phone", cid, "imap", rng.uniform(0.5, 2.0),
                                    mk_sched(u, car, home, 2)))
        if rng.random() < 0.2:
            u.devices.append(Device("tablet", rng.choice(IPAD_MAIL), "imap", rng.uniform(0.2, 0.6),
                                    mk_sched(u, home or car, None, 3), sends=False))
        if rng.random() < 0.25:
            u.devices.append(Device("laptop", rng.choice(DESKTOP), rng.choice(["imap"] * 5 + ["pop3"]),
                                    rng.uniform(0.5, 1.5), mk_sched(u, home or car, None, 3)))
        if rng.random() < gmail_share:
            u.devices.append(Device("fetcher", None, "pop3", rng.choice([2, 4, 6]),
                                    lambda ts: google, sends=False))
        if rng.random() < webmail_share:
            u.devices.append(Device("webmail", WEBMAIL_CID, "imap", rng.uniform(0.02, 0.15),
                                    mk_sched(u, home or car, None, 3), interactive=True))
        u.contacts = contacts_for(rng, rng.randint(5, 60), u.domain, locals_pool, 0.15)
        set_mail_rate(u, rng.lognormvariate(0.7, 0.9))

    # hosted small-business domains: an office line each, a billing account
    offices = []
    for i in range(rng.randint(1, 4)):
        dom = word_domain(rng)
        office = Static(v4(rng.choice(homes).addr4(rng)), "office")
        offices.append((dom, office))
        for local in ["info", "billing"] + ["%s.%s" % person(rng) for _ in range(rng.randint(1, 5))]:
            u = w.add_user(User(unique_login(w, rng, local, dom), random_password(rng)))
            u.devices.append(Device("desktop", rng.choice(DESKTOP), "imap", rng.uniform(1, 3),
                                    lambda ts, o=office: o))
            u.devices.append(Device("phone", rng.choice(IOS_MAIL + ANDROID), "imap",
                                    rng.uniform(0.5, 1.5), mk_sched(u, pick_carrier(), None, 2)))
            u.contacts = contacts_for(rng, rng.randint(10, 120), dom, [], 0)
            set_mail_rate(u, rng.lognormvariate(1.5, 0.7))

    # ------------------------------------------------------------ attackers (phase 1)
    nets = {"carrier": [c.net for c in carriers], "home": homes, "foreign": foreign + [esim],
            "hosting": hosting}
    t_attack = w.t0 + rng.uniform(8 * HOUR, days * DAY - 10 * HOUR)
    plan = mix.choose(w, ["stuffing_mobile_proxy"], mix.KINDS, (1, 3), t_attack, nets,
                      role_accounts=[u for u in w.users if u.startswith("info@")])

    # ------------------------------------------------------------ life events
    users = [u for u in w.users.values() if u.kind == "user"]
    travellers = rng.sample(users, int(len(users) * rng.uniform(0.02, 0.08)))
    conf_hotel = Static(v4(hotel_net.addr4(rng)), "traveller") if rng.random() < 0.5 else None
    conf_start = w.t0 + rng.uniform(0, days * DAY - 12 * HOUR)
    for k, u in enumerate(travellers):
        if conf_hotel is not None and k < len(travellers) // 3:
            a, hotel = conf_start + rng.uniform(-2, 2) * HOUR, conf_hotel
        else:
            a = w.t0 + rng.uniform(0, days * DAY - 6 * HOUR)
            hotel = Static(v4(hotel_net.addr4(rng)), "traveller")
        phone = None if rng.random() < 0.35 else rng.choice(foreign_places)  # None: home-routed roaming
        u.travel = (a, a + rng.uniform(8, 48) * HOUR, phone, hotel)
        if rng.random() < 0.5:   # webmail from the hotel, typed by hand
            u.devices.append(Device("webmail", WEBMAIL_CID, "imap", rng.uniform(0.1, 0.4),
                                    lambda ts, h=hotel: h, interactive=True, start=a, end=u.travel[1],
                                    seg="traveller"))
    w.notes["travellers"] = len(travellers)
    for u in rng.sample(users, max(1, len(users) // 50)):   # new phone
        old = u.devices[0]
        t = w.t0 + rng.uniform(HOUR, days * DAY - 2 * HOUR)
        old.end = t
        cid = rng.choice(IOS_MAIL[-2:] + ANDROID[:2])
        nd = Device("phone", cid, "imap", old.rate, old.schedule, start=t)
        if rng.random() < 0.2:
            nd.login_as = u.login[0].upper() + u.login[1:]   # autocapitalised on the phone
        u.devices.append(nd)
    changers = [u for u in users if not u.no_change and rng.random() < rng.uniform(0.005, 0.03)]
    for u in changers:
        t = w.t0 + rng.uniform(HOUR, days * DAY - HOUR)
        password_change(w, u, t, [600, HOUR, 6 * HOUR, 2 * DAY])
        place = u.devices[0].schedule(t)
        w.auth(t - 30, "imap", place.addr(u.devices[0], rng), u.login, u.password_at(t - 60),
               WEBMAIL_CID, "legit", "pw_change")
    w.notes["pw_changes"] = len(changers)

    # ------------------------------------------------------------ legit traffic
    for u in list(w.users.values()):
        for d in u.devices:
            prof = OFFICE_DAY if d.kind == "desktop" else (EVENING if d.kind in ("laptop", "tablet")
                                                           else PHONE_DAY)
            run_device(w, u, d, prof, mailer=mailer)
    for u in rng.sample(users, rng.randint(1, 4)):   # a party, a funeral, a class reunion
        t = w.t0 + rng.uniform(8, days * 24 - 4) * HOUR
        d = u.devices[0]
        big_message(w, u, t, d.schedule(t).addr(d, rng), rng.randint(40, 200), "invitation", d.cid)
    if rng.random() < 0.7:
        dom, office = rng.choice(offices)
        t = w.t0 + rng.uniform(6, days * 24 - 4) * HOUR
        invoice_run(w, w.users["billing@" + dom], t, office.ip, rng.randint(50, 300),
                    rng.uniform(2, 20))
    if rng.random() < 0.8:
        ip = v4(rng.choice(hosting).addr4(rng))
        newsletter(w, w.t0 + rng.uniform(2, days * 24 - 5) * HOUR, ip, rng.randint(3000, 30000),
                   rng.choice([50, 200, 500]), rng.uniform(1, 3))
    w.index_iplog()

    # ------------------------------------------------------------ attackers (phase 2)
    mix.emit(w, plan)
    w.notes["attack_start_h"] = "%.1f" % ((t_attack - w.t0) / HOUR)
    w.notes["kinds"] = "+".join(p["kind"] for p in plan["attacks"])
    return w


if __name__ == "__main__":
    args = main_args(__doc__)
    w = build(args.seed)
    report(w, w.write(args.out))
