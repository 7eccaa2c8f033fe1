#!/usr/bin/env python3
"""university: thousands of students behind a handful of campus NAT addresses.

Lecture-hour peaks (laptops opened in the first minutes of each block), shared lab machines
used by a different student every hour, webmail-heavy students (some seeds: every webmail
login arrives from the webmail server's own address), shared flats and a dorm NAT, exchange
students abroad, staff at a conference hotel; on a semester-start seed many first-year
students log in for the first time with their initial password and change it.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mix  # noqa: E402
from common import (DAY, HOUR, T_BASE, FAR_FIRST, HOSTING_FIRST, IOS_MAIL, ANDROID, DESKTOP,  # noqa: E402
                    WEBMAIL_CID, PHONE_DAY, OFFICE_DAY, INF, Carrier, Device, HomeLine, Nat, Network,
                    Static, User, World, big_message, contacts_for, local_hour, main_args,
                    make_mailer, newsletter, password_change, person, random_password, report,
                    run_device, set_mail_rate, unique_login, v4)

# lectures start at 8, 10, 12, 14, 16 (two-hour blocks); breaks between
LECTURE = [0.3, 0.15, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 2.2, 1.2, 2.2, 1.2, 2.0, 1.2, 2.2, 1.2,
           1.8, 1.0, 0.8, 0.9, 1.0, 1.0, 0.8, 0.5]
STUDENT_HOME = [0.6, 0.3, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.4, 0.4, 0.5, 0.5, 0.6, 0.6, 0.6,
                0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.7, 1.4, 1.0]


def build(seed):
    rng = random.Random(seed)
    days = rng.choice([1.5, 2.0, 2.5])
    t0 = T_BASE + rng.randrange(4) * DAY
    w = World("university", seed, rng, t0, t0 + days * DAY)
    sp = w.space

    uni = Network(sp, rng, "uni", 4096, n24=16)
    nat_ips = [v4(x) for x in rng.sample(uni.pool, rng.randint(1, 6))]
    campus = Nat(nat_ips, "campus_nat", keep=rng.uniform(0.4, 0.95))
    dorm = Nat([v4(x) for x in rng.sample(uni.pool, rng.randint(1, 4))], "dorm", keep=0.9)
    lab_ips = [v4(x) for x in rng.sample(uni.pool, rng.randint(20, 80))]
    webmail_host = v4(uni.addr4(rng))
    webmail_mode = "host" if rng.random() < 0.4 else "forwarded"
    carriers = []
    for i in range(rng.randint(2, 3)):
        size = rng.choice([64, 256, 1024])
        net = Network(sp, rng, "mno%d" % i, size, n24=max(1, min(size // 8, rng.choice([1, 4, 16]))),
                      v6=rng.random() < 0.7)
        carriers.append(Carrier(net, "cgnat", rng.uniform(0.3, 1.0), rng.uniform(0.2, 1.0),
                                rng.choice([0.0, 0.3, 0.7])))
    homes = [Network(sp, rng, "isp%d" % i, 2048) for i in range(rng.randint(2, 3))]
    foreign = [Network(sp, rng, "far%d" % i, rng.choice([256, 1024]), firsts=FAR_FIRST,
                       v6=rng.random() < 0.5, v6_first=0x2400) for i in range(4)]
    hosting = [Network(sp, rng, "dc%d" % i, 1024, firsts=HOSTING_FIRST) for i in range(3)]
    hotel = Static(v4(rng.choice(homes).addr4(rng)), "traveller")
    w.notes["nat"] = "%d addrs, %d lab, webmail=%s" % (len(nat_ips), len(lab_ips), webmail_mode)

    def wm_place(real):
        return Static(webmail_host, "webmail") if webmail_mode == "host" else real

    mailer = make_mailer(lambda dev, ip: webmail_host if dev.kind in ("webmail", "lab") else ip)
    n_students = rng.randint(2500, 6500)
    n_staff = rng.randint(250, 800)
    semester_start = rng.random() < 0.45
    freshers = rng.uniform(0.15, 0.4) if semester_start else 0.0
    flats = [HomeLine(rng.choice(homes), rng, renew=0.002) for _ in range(n_students // 3)]
    locals_pool = []

    def sched(u, kind, off_campus, lecture_days):
        def f(ts):
            tr = u.travel
            if tr and tr[0] <= ts < tr[1]:
                return tr[2] if kind == "phone" else tr[3]
            h = local_hour(ts, w.t0)
            on_campus = 8 <= h < 18 and ((int((ts - w.t0) // DAY) % 7) in lecture_days)
            if on_campus and rng.random() < 0.85:
                return campus
            if kind == "phone" and rng.random() < 0.5:
                return u_car[u.login]
            return off_campus
        return f

    u_car = {}
    students = []
    for i in range(n_students):
        f, l = person(rng)
        u = w.add_user(User(unique_login(w, rng, "%s.%s" % (f, l), "student.example.edu"),
                            random_password(rng)))
        students.append(u)
        locals_pool.append(u.login)
        u_car[u.login] = rng.choice(carriers)
        off = dorm if rng.random() < 0.25 else rng.choice(flats)
        lecture_days = rng.sample(range(5), rng.randint(2, 5))
        if rng.random() < 0.03:   # exchange student abroad for the whole file
            net = rng.choice(foreign)
            off = HomeLine(net, rng, seg="abroad")
            u_car[u.login] = Carrier(net, "abroad", 0.8, 0.8, 0.3)
            lecture_days = []
        if rng.random() < 0.6:
            cid = rng.choice(IOS_MAIL) if rng.random() < 0.5 else rng.choice(ANDROID)
            u.devices.append(Device("phone", cid, "imap", rng.uniform(0.3, 1.2),
                                    sched(u, "phone", off, lecture_days)))
        if rng.random() < 0.3:
            u.devices.append(Device("laptop", rng.choice(DESKTOP[:6]), "imap", rng.uniform(0.3, 1.0),
                                    sched(u, "laptop", off, lecture_days)))
        if rng.random() < 0.75 or not u.devices:
            s = sched(u, "laptop", off, lecture_days)
            u.devices.append(Device("webmail", WEBMAIL_CID, "imap", rng.uniform(0.04, 0.2),
                                    lambda ts, s=s: wm_place(s(ts)), interactive=True))
        if rng.random() < 0.25:
            lab_dev = Device("lab", rng.choice(["Thunderbird 115.16.1", WEBMAIL_CID]), "imap",
                             rng.uniform(0.01, 0.06), lambda ts: Static(rng.choice(lab_ips), "lab"),
                             interactive=True)
            u.devices.append(lab_dev)
        if rng.random() < freshers:
            # first login with the initial password from the enrolment letter, then a change
            t_first = w.t0 + rng.uniform(7, 20) * HOUR + rng.choice([0, 0, DAY]) if days > 1.5 else \
                w.t0 + rng.uniform(7, 20) * HOUR
            initial = "Init-%06d" % rng.randrange(10 ** 6)
            new = u.pw_hist[0][1]
            u.pw_hist = [(-INF, initial), (t_first + 90, new)]
            u.no_change = True
            first_place = wm_place(campus if rng.random() < 0.6 else off)
            ip = first_place.addr(u.devices[-1], rng)
            if rng.random() < 0.15:   # typed the initial password wrong first
                w.auth(t_first - 25, "imap", ip, u.login, initial.replace("0", "O"), WEBMAIL_CID,
                       "legit", "first_login")
            w.auth(t_first, "imap", ip, u.login, initial, WEBMAIL_CID, "legit", "first_login")
            for d in u.devices:
                d.start = t_first + rng.uniform(120, 2 * DAY)
        u.contacts = contacts_for(rng, rng.randint(3, 25), u.domain, locals_pool, 0.5)
        set_mail_rate(u, rng.lognormvariate(-0.6, 0.9))

    staff = []
    for i in range(n_staff):
        f, l = person(rng)
        u = w.add_user(User(unique_login(w, rng, "%s.%s" % (f, l), "example.edu"),
                            random_password(rng)))
        staff.append(u)
        u_car[u.login] = rng.choice(carriers)
        desk = Static(v4(uni.addr4(rng)), "office")
        home = HomeLine(rng.choice(homes), rng)

        def staff_sched(ts, u=u, desk=desk, home=home):
            tr = u.travel
            if tr and tr[0] <= ts < tr[1]:
                return tr[3]
            h = local_hour(ts, w.t0)
            return desk if 8 <= h < 18 else home
        u.devices.append(Device("desktop", rng.choice(DESKTOP), "imap", rng.uniform(0.8, 2.5),
                                staff_sched))
        if rng.random() < 0.7:
            u.devices.append(Device("phone", rng.choice(IOS_MAIL + ANDROID), "imap",
                                    rng.uniform(0.4, 1.2), sched(u, "phone", home, range(5))))
        if rng.random() < 0.3:
            u.devices.append(Device("webmail", WEBMAIL_CID, "imap", rng.uniform(0.02, 0.1),
                                    lambda ts, s=staff_sched: wm_place(s(ts)), interactive=True))
        u.contacts = contacts_for(rng, rng.randint(10, 80), u.domain, locals_pool, 0.4)
        set_mail_rate(u, rng.lognormvariate(1.2, 0.8))
    locals_pool.extend(s.login for s in staff)

    nets = {"carrier": [c.net for c in carriers], "home": homes, "foreign": foreign,
            "hosting": hosting, "inside": nat_ips if webmail_mode == "forwarded" else [webmail_host]}
    t_attack = w.t0 + rng.uniform(6 * HOUR, days * DAY - 8 * HOUR)
    plan = mix.choose(w, [], mix.KINDS, (2, 4), t_attack, nets, scale=0.5,
                      role_accounts=["info@example.edu", "admin@example.edu"])
    for role in ["info@example.edu", "admin@example.edu"]:
        if role not in w.users:
            u = w.add_user(User(role, random_password(rng)))
            d = Static(v4(uni.addr4(rng)), "office")
            u.devices.append(Device("desktop", "Thunderbird 128.4.0", "imap", 1.0, lambda ts, d=d: d))

    # travel: exchange weekends, a conference, random trips
    travellers = rng.sample(students, int(len(students) * rng.uniform(0.01, 0.04)))
    conf = rng.sample(staff, int(len(staff) * rng.uniform(0.02, 0.08)))
    conf_start = w.t0 + rng.uniform(0, days * DAY - 8 * HOUR)
    for u in travellers:
        a = w.t0 + rng.uniform(0, days * DAY - 6 * HOUR)
        net = rng.choice(foreign)
        u.travel = (a, a + rng.uniform(10, 60) * HOUR, Carrier(net, "traveller", 0.8, 0.8, 0.3),
                    Static(v4(net.addr4(rng)), "traveller"))
    for u in conf:
        a = conf_start + rng.uniform(-3, 3) * HOUR
        u.travel = (a, a + rng.uniform(24, 72) * HOUR, hotel, hotel)
    w.notes["travellers"] = "%d+%d conf" % (len(travellers), len(conf))

    changers = [u for u in students + staff if not u.no_change and rng.random() < 0.01]
    for u in changers:
        t = w.t0 + rng.uniform(HOUR, days * DAY - HOUR)
        password_change(w, u, t, [300, HOUR, 8 * HOUR, 3 * DAY])
    for u in rng.sample(students, len(students) // 80):   # a new laptop set up in the library
        t = w.t0 + rng.uniform(8, days * 24 - 4) * HOUR
        d = Device("laptop", "Thunderbird 128.4.0", "imap", rng.uniform(0.3, 1.0),
                   lambda ts: campus, start=t)
        if rng.random() < 0.3:
            d.login_as = u.login.split("@")[0].capitalize() + "@" + u.domain
        u.devices.append(d)
    w.notes["semester_start"] = "%s freshers=%.2f" % (semester_start, freshers)

    for u in list(w.users.values()):
        for d in u.devices:
            if d.kind == "desktop":
                prof, peak = OFFICE_DAY, None
            elif d.kind in ("lab",):
                prof, peak = LECTURE, 0.6
            elif u in staff:
                prof, peak = PHONE_DAY, None
            else:
                prof, peak = (LECTURE if d.kind != "phone" else STUDENT_HOME), 0.35
            run_device(w, u, d, prof, peak=peak, mailer=mailer, typo=0.05)
    for u in rng.sample(staff, rng.randint(2, 6)):   # a lecturer writes to the course list
        t = w.t0 + rng.uniform(8, days * 24 - 4) * HOUR
        d = u.devices[0]
        rc = rng.sample(locals_pool, min(len(locals_pool), rng.randint(80, 400)))
        u.contacts = u.contacts + rc
        big_message(w, u, t, d.schedule(t).addr(d, rng), len(rc), "course_list", d.cid)
    if rng.random() < 0.5:
        newsletter(w, w.t0 + rng.uniform(2, days * 24 - 5) * HOUR, v4(rng.choice(hosting).addr4(rng)),
                   rng.randint(2000, 20000), rng.choice([100, 500, 1000]), rng.uniform(1, 3))
    w.index_iplog()
    mix.emit(w, plan)
    w.notes["attack_start_h"] = "%.1f" % ((t_attack - w.t0) / HOUR)
    w.notes["kinds"] = "+".join(p["kind"] for p in plan["attacks"])
    return w


if __name__ == "__main__":
    args = main_args(__doc__)
    w = build(args.seed)
    report(w, w.write(args.out))
