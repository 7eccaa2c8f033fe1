"""Shared building blocks of the independent scenario families (bench/families/).

Written without reading the detectors or the project's own scenario generators: the
only contract used is docs/replay.md (event lines) and docs/forms.md (form checks).

Everything is deterministic for a given random.Random: no set iteration, no hash(),
no wall clock.
"""
import bisect
import hashlib
import json
import math
import os
import sys

INF = float("inf")
HOUR = 3600.0
DAY = 86400.0
# 2026-11-02 00:00 UTC, a Monday; families shift it by whole days per seed.
T_BASE = 1793577600 + DAY

# ---------------------------------------------------------------- client ids
IOS_MAIL = ["iPhone Mail (21A350)", "iPhone Mail (21G93)", "iPhone Mail (22A3354)",
            "iPhone Mail (22B83)", "iPhone Mail (20H240)"]
IPAD_MAIL = ["iPad Mail (21F90)", "iPad Mail (22B83)"]
ANDROID = ["K-9 Mail 6.804", "FairEmail 1.2228", "Samsung Email 6.1.97.1", "Android Mail 2024.10",
           "Thunderbird for Android 8.1"]
DESKTOP = ["Thunderbird 128.4.0", "Thunderbird 128.3.1", "Thunderbird 115.16.1",
           "Mac OS X Mail 16.0 (3774.600.62)", "Mac OS X Mail 16.0 (3826.200.121)",
           "eM Client 10.0.3530.0", "Evolution 3.52.4", ""]  # "" = Outlook desktop: no ID
WEBMAIL_CID = "Roundcube Webmail 1.6.9"
POPULAR_ATTACK_CIDS = ["iPhone Mail (21A350)", "Thunderbird 128.4.0", "iPhone Mail (22B83)",
                       "Mac OS X Mail 16.0 (3774.600.62)", "K-9 Mail 6.804"]
OUTLOOK_MOBILE = "Outlook-iOS-Android/1.0"

# ---------------------------------------------------------------- names
FIRST = ["anna", "lukas", "maria", "jonas", "sofia", "elias", "emma", "noah", "mia", "leon",
         "lea", "paul", "hanna", "felix", "lina", "ben", "clara", "max", "julia", "tim",
         "sara", "david", "nina", "jan", "laura", "tom", "eva", "finn", "ida", "ole",
         "mohammed", "fatima", "ali", "aisha", "omar", "leyla", "yusuf", "zeynep", "emre",
         "wei", "li", "jun", "mei", "hiro", "yuki", "sakura", "kenji", "min", "ji", "seo",
         "olga", "ivan", "dmitri", "anastasia", "oksana", "piotr", "agnieszka", "lukasz",
         "jose", "maria-jose", "lucia", "pablo", "carmen", "diego", "joao", "ana", "pedro",
         "marco", "giulia", "luca", "francesca", "pierre", "camille", "louis", "chloe",
         "arjun", "priya", "rahul", "ananya", "kwame", "amara", "chidi", "ngozi", "tunde",
         "erik", "ingrid", "lars", "astrid", "bjorn", "siobhan", "liam", "aoife", "sean"]
LAST = ["mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker",
        "schulz", "hoffmann", "koch", "richter", "klein", "wolf", "neumann", "schwarz",
        "yilmaz", "kaya", "demir", "sahin", "nguyen", "tran", "le", "pham", "wang", "zhang",
        "chen", "liu", "tanaka", "suzuki", "sato", "kim", "park", "lee", "kowalski", "nowak",
        "ivanov", "petrova", "garcia", "martinez", "lopez", "silva", "santos", "rossi",
        "russo", "bianchi", "martin", "bernard", "dubois", "sharma", "patel", "singh",
        "okafor", "mensah", "adeyemi", "hansen", "johansson", "nielsen", "murphy", "kelly",
        "obrien", "smith", "jones", "brown", "taylor", "wilson", "evans", "walker", "green"]
FREEMAIL = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "gmx.de", "web.de",
            "hotmail.com", "t-online.de", "proton.me", "aol.com", "mail.ru", "yandex.ru",
            "qq.com", "163.com", "naver.com", "orange.fr", "libero.it", "wp.pl", "seznam.cz"]

WORDS = ["alpha", "nord", "sun", "blue", "green", "river", "stone", "tech", "data", "home",
         "bau", "logistik", "consult", "media", "design", "haus", "werk", "partner", "group",
         "trade", "solutions", "systems", "garten", "bike", "food", "legal", "dental", "print"]


def word_domain(rng, tlds=("com", "de", "net", "eu", "org", "io", "at", "ch", "nl")):
    return "%s%s.%s" % (rng.choice(WORDS), rng.choice(WORDS + ["", "", "24", "-online"]),
                        rng.choice(tlds))


def person(rng):
    return rng.choice(FIRST), rng.choice(LAST)


def random_password(rng):
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!$%&"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(9, 16)))


def typo_of(rng, pw):
    """A mistyped password: one character changed, dropped, doubled or case-flipped."""
    if not pw:
        return "x"
    i = rng.randrange(len(pw))
    op = rng.randrange(4)
    if op == 0:
        return pw[:i] + rng.choice("qwertzuiop1234") + pw[i + 1:]
    if op == 1 and len(pw) > 1:
        return pw[:i] + pw[i + 1:]
    if op == 2:
        return pw[:i] + pw[i] + pw[i:]
    return pw[:i] + pw[i].swapcase() + pw[i + 1:] if pw[i].isalpha() else pw + "1"


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


# ---------------------------------------------------------------- addresses
def v4(n):
    return "%d.%d.%d.%d" % ((n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255)


def v6(groups):
    return ":".join("%x" % g for g in groups)


EUROPE_FIRST = [2, 5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
                91, 92, 93, 94, 95, 109, 151, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217]
FAR_FIRST = [1, 14, 27, 36, 39, 42, 49, 58, 60, 101, 103, 110, 111, 112, 113, 114, 115, 116,
             117, 118, 119, 120, 121, 122, 123, 124, 125, 175, 180, 182, 183, 186, 187, 189,
             190, 191, 200, 201]
HOSTING_FIRST = [45, 51, 64, 66, 69, 104, 107, 138, 139, 142, 143, 144, 146, 149, 157, 159,
                 161, 162, 164, 165, 167, 168, 170, 173, 199, 204, 205, 206, 207, 208]


class Space:
    """Hands out disjoint /16s (IPv4) and /32s (IPv6) to the parties of one world."""

    def __init__(self, rng):
        self.rng = rng
        self.used4 = set()
        self.used6 = set()

    def block16(self, firsts=EUROPE_FIRST):
        while True:
            key = (self.rng.choice(firsts), self.rng.randrange(256))
            if key not in self.used4:
                self.used4.add(key)
                return (key[0] << 24) | (key[1] << 16)

    def prefix32(self, first=0x2a00, spread=0x1ff):
        while True:
            key = (first + self.rng.randrange(spread), self.rng.randrange(1, 0xffff))
            if key not in self.used6:
                self.used6.add(key)
                return key


class Network:
    """Addresses of one operator: an IPv4 pool (CGNAT or dynamic residential), optional IPv6."""

    def __init__(self, space, rng, name, v4_size, n24=None, firsts=EUROPE_FIRST, v6=False,
                 v6_first=0x2a00):
        self.name = name
        base = space.block16(firsts)
        n24 = n24 or max(1, min(64, (v4_size + 255) // 256))
        third = rng.sample(range(256), n24)
        per = max(1, v4_size // n24)
        pool = []
        for t in third:
            hosts = rng.sample(range(1, 255), min(254, per))
            pool.extend(base | (t << 8) | h for h in hosts)
        self.pool = pool[:max(1, v4_size)]
        self.prefixes24 = sorted(set(p >> 8 for p in self.pool))
        self.base16 = base
        self.v6 = space.prefix32(v6_first) if v6 else None

    def addr4(self, rng):
        return rng.choice(self.pool)

    def neighbour4(self, rng):
        """An address in one of the pool's /24s, not necessarily in the pool (a proxy exit next door)."""
        return (rng.choice(self.prefixes24) << 8) | rng.randrange(1, 255)

    def prefix64(self, rng):
        a, b = self.v6
        return (a, b, rng.randrange(0x10000), rng.randrange(0x10000))

    def addr6(self, rng, p64=None):
        p = p64 or self.prefix64(rng)
        return v6(p + tuple(rng.randrange(0x10000) for _ in range(4)))


# ---------------------------------------------------------------- places
class Place:
    seg = "other"

    def addr(self, dev, rng):
        raise NotImplementedError


class Static(Place):
    def __init__(self, ip, seg):
        self.ip, self.seg = ip, seg

    def addr(self, dev, rng):
        return self.ip


class HomeLine(Place):
    """A residential line: one address that the ISP reassigns now and then."""

    def __init__(self, net, rng, seg="home", renew=0.01):
        self.net, self.seg, self.renew = net, seg, renew
        self.cur = v4(net.addr4(rng))

    def addr(self, dev, rng):
        if rng.random() < self.renew:
            self.cur = v4(self.net.addr4(rng))
        return self.cur


class Nat(Place):
    """A NAT with a few public addresses; a device mostly keeps its mapping."""

    def __init__(self, ips, seg, keep=0.8):
        self.ips, self.seg, self.keep = ips, seg, keep

    def addr(self, dev, rng):
        key = ("nat", id(self))
        cur = dev.state.get(key)
        if cur is None or rng.random() > self.keep:
            cur = rng.choice(self.ips)
            dev.state[key] = cur
        return cur


class Carrier(Place):
    """Mobile data: CGNAT IPv4 that changes between sessions, or an IPv6 /64 per attach."""

    def __init__(self, net, seg, p_new4, p_new64, v6_share):
        self.net, self.seg = net, seg
        self.p_new4, self.p_new64, self.v6_share = p_new4, p_new64, v6_share

    def addr(self, dev, rng):
        key = ("cg", id(self))
        st = dev.state.get(key)
        if st is None:
            st = {"v6": self.net.v6 is not None and rng.random() < self.v6_share,
                  "a4": None, "p64": None}
            dev.state[key] = st
        if st["v6"]:
            if st["p64"] is None or rng.random() < self.p_new64:
                st["p64"] = self.net.prefix64(rng)
            return self.net.addr6(rng, st["p64"])
        if st["a4"] is None or rng.random() < self.p_new4:
            st["a4"] = v4(self.net.addr4(rng))
        return st["a4"]


class Cloud(Place):
    """A provider that logs in on the user's behalf (Outlook mobile, Gmail's POP fetcher)."""

    def __init__(self, ips, seg):
        self.ips, self.seg = ips, seg

    def addr(self, dev, rng):
        return rng.choice(self.ips)


# ---------------------------------------------------------------- people
class Device:
    __slots__ = ("kind", "cid", "proto", "rate", "interactive", "start", "end", "schedule",
                 "state", "stale_until", "login_as", "sends", "seg")

    def __init__(self, kind, cid, proto, rate, schedule, interactive=False, start=-INF, end=INF,
                 sends=True, seg=None):
        self.kind, self.cid, self.proto, self.rate = kind, cid, proto, rate
        self.schedule = schedule      # f(ts) -> Place
        self.interactive = interactive
        self.start, self.end = start, end
        self.state = {}
        self.stale_until = None       # (change_ts, until_ts): still sends the old password
        self.login_as = None
        self.sends = sends
        self.seg = seg


class User:
    __slots__ = ("login", "domain", "pw_hist", "devices", "contacts", "mail_rate", "kind",
                 "travel", "no_change", "weak", "sender")

    def __init__(self, login, pw, kind="user"):
        self.login = login
        self.domain = login.split("@", 1)[1]
        self.pw_hist = [(-INF, pw)]
        self.devices = []
        self.contacts = []
        self.mail_rate = 0.0          # messages per active session
        self.kind = kind
        self.travel = None
        self.no_change = False        # password fixed (attack victims keep theirs)
        self.weak = False
        self.sender = login

    def password_at(self, ts):
        pw = self.pw_hist[0][1]
        for t, p in self.pw_hist:
            if t <= ts:
                pw = p
        return pw

    def change_password(self, ts, new):
        self.pw_hist.append((ts, new))

    def device_password(self, dev, ts):
        if dev.stale_until is not None:
            changed, until = dev.stale_until
            if changed <= ts < until:
                return self.password_at(changed - 1e-3)
        return self.password_at(ts)


# ---------------------------------------------------------------- the world
class World:
    def __init__(self, family, seed, rng, t0, t_end):
        self.family, self.seed, self.rng = family, seed, rng
        self.t0, self.t_end = t0, t_end
        self.nonce = hashlib.sha256(("%s/%d" % (family, seed)).encode()).digest()[:16]
        self.events = []
        self.users = {}
        self.iplog = {}
        self._ph = {}
        self.space = Space(rng)
        self.notes = {}
        self.compromised = []         # (label, login, ts, ip)

    def add_user(self, u):
        self.users[u.login] = u
        return u

    def ph(self, login, pw):
        key = (login, pw)
        h = self._ph.get(key)
        if h is None:
            d = hashlib.sha256(self.nonce + login.encode() + b"\0" + pw.encode()).digest()
            h = "%04x" % (((d[0] << 8) | d[1]) >> 4)
            self._ph[key] = h
        return h

    def outcome(self, login, pw, ts):
        u = self.users.get(login.lower())
        if u is None:
            return "unknown_user"
        return "success" if u.password_at(ts) == pw else "bad_password"

    def auth(self, ts, proto, ip, login, pw, cid, label, seg=None, outcome=None):
        if ts < self.t0 or ts >= self.t_end:
            return None
        if outcome is None:
            outcome = self.outcome(login, pw, ts)
        d = {"ts": round(ts, 3), "kind": "auth", "protocol": proto, "ip": ip, "login": login,
             "pwhash": self.ph(login, pw)}
        if cid:
            d["client_id"] = cid
        d["outcome"] = outcome
        d["label"] = label
        if seg:
            d["seg"] = seg
        self.events.append((ts, len(self.events), d))
        if label == "legit" and outcome == "success":
            self.iplog.setdefault(login.lower(), []).append((ts, ip))
        return outcome

    def mail(self, ts, sasl_user, ip, sender, rcpts, size, label, seg=None):
        if ts < self.t0 or ts >= self.t_end:
            return
        d = {"ts": round(ts, 3), "kind": "mail", "sasl_user": sasl_user, "ip": ip,
             "sender": sender, "recipients": rcpts[:10000], "size": int(size), "label": label}
        if seg:
            d["seg"] = seg
        self.events.append((ts, len(self.events), d))

    def index_iplog(self):
        for v in self.iplog.values():
            v.sort()

    def recent_ips(self, login, ts, window):
        log = self.iplog.get(login.lower())
        if not log:
            return []
        i = bisect.bisect_left(log, (ts,))
        j = bisect.bisect_left(log, (ts - window,))
        return [ip for _, ip in log[j:i]]

    def write(self, path):
        self.events.sort(key=lambda e: (e[0], e[1]))
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        tmp = path + ".tmp"
        counts = {}
        with open(tmp, "w", encoding="utf-8") as f:
            for _, _, e in self.events:
                f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")))
                f.write("\n")
                counts[e["label"]] = counts.get(e["label"], 0) + 1
        os.replace(tmp, path)
        return counts


# ---------------------------------------------------------------- legit behaviour
def hour_weight(profile, ts, t0):
    """Activity multiplier from a 24-value profile; weekends (days 5, 6 from t0) at 60%."""
    h = int((ts - t0) // HOUR)
    day = (h // 24) % 7
    w = profile[h % 24]
    return w * (0.6 if day >= 5 else 1.0)


PHONE_DAY = [0.25, 0.15, 0.1, 0.1, 0.1, 0.2, 0.6, 1.2, 1.5, 1.3, 1.2, 1.2, 1.4, 1.3, 1.2,
             1.2, 1.3, 1.5, 1.6, 1.5, 1.4, 1.2, 0.9, 0.5]
OFFICE_DAY = [0, 0, 0, 0, 0, 0, 0.1, 0.6, 1.6, 1.8, 1.8, 1.6, 1.2, 1.6, 1.8, 1.7, 1.5, 1.0,
              0.4, 0.2, 0.1, 0.1, 0, 0]
EVENING = [0.3, 0.1, 0, 0, 0, 0, 0.1, 0.4, 0.4, 0.3, 0.3, 0.3, 0.4, 0.3, 0.3, 0.3, 0.5, 0.9,
           1.5, 2.0, 2.2, 2.0, 1.4, 0.7]


def run_device(w, user, dev, profile, peak=None, mailer=None, typo=0.04):
    """Sessions of one device: Poisson per hour from its rate and the profile."""
    rng = w.rng
    start = max(w.t0, dev.start)
    end = min(w.t_end, dev.end)
    h = math.floor(start / HOUR) * HOUR
    first = True
    while h < end:
        lam = dev.rate * hour_weight(profile, h, w.t0)
        n = poisson(rng, lam)
        if first and dev.start > w.t0 and dev.start < end:
            n = max(n, 1)
        times = []
        for _ in range(n):
            if peak is not None and rng.random() < peak:
                t = h + rng.uniform(0, 600)
            else:
                t = h + rng.random() * HOUR
            times.append(t)
        if first and dev.start > w.t0:
            times.append(max(start, h) + rng.uniform(0, 60))
        times.sort()
        for t in times:
            if t < start or t >= end:
                continue
            session(w, user, dev, t, mailer, typo, new=first and dev.start > w.t0)
            first = False
        h += HOUR


def session(w, user, dev, ts, mailer, typo, new=False):
    rng = w.rng
    place = dev.schedule(ts)
    ip = place.addr(dev, rng)
    seg = dev.seg or place.seg
    if new and dev.start > w.t0:
        seg = "new_device"
    pw = user.device_password(dev, ts)
    stale = pw != user.password_at(ts)
    if stale:
        seg = "stale_password"
    login = dev.login_as or user.login
    if (dev.interactive or new) and not stale and rng.random() < (typo * (3 if new else 1)):
        for k in range(1 if rng.random() < 0.75 else 2):
            if rng.random() < 0.07:   # misspelt login: no such user
                bad_login = login.replace("@", rng.choice(["", "x@", "@@"]), 1) if rng.random() < 0.5 \
                    else login.split("@")[0]
                w.auth(ts - 20 + k * 6, dev.proto, ip, bad_login, pw, dev.cid, "legit", seg)
            else:
                w.auth(ts - 20 + k * 6, dev.proto, ip, login, typo_of(rng, pw), dev.cid, "legit", seg)
    out = w.auth(ts, dev.proto, ip, login, pw, dev.cid, "legit", seg)
    if out == "success" and dev.sends and mailer is not None and user.mail_rate > 0:
        for _ in range(poisson(rng, user.mail_rate)):
            mailer(w, user, dev, ts + rng.uniform(5, 1500), ip, seg)


def contacts_for(rng, n, local_domain, locals_pool, p_local=0.3):
    out = []
    for _ in range(n):
        if locals_pool and rng.random() < p_local:
            out.append(rng.choice(locals_pool))
        else:
            f, l = person(rng)
            dom = rng.choice(FREEMAIL) if rng.random() < 0.55 else word_domain(rng)
            out.append("%s.%s@%s" % (f, l, dom))
    return out


def pick_recipients(rng, user):
    r = rng.random()
    k = 1 if r < 0.72 else (rng.randint(2, 4) if r < 0.96 else rng.randint(5, 15))
    if not user.contacts:
        return ["someone@%s" % word_domain(rng)]
    out = []
    for _ in range(k):
        out.append(rng.choice(user.contacts) if rng.random() < 0.9
                   else "%s.%s@%s" % (person(rng) + (rng.choice(FREEMAIL),)))
    return sorted(set(out))


def make_mailer(submit_ip_for=None):
    """Legit mail: SMTP submission AUTH from the device's address (or the webmail host's),
    then the message."""
    def mailer(w, user, dev, ts, ip, seg):
        rng = w.rng
        sip = submit_ip_for(dev, ip) if submit_ip_for else ip
        pw = user.device_password(dev, ts)
        out = w.auth(ts, "submission", sip, user.login, pw, dev.cid, "legit", seg)
        if out != "success":
            return
        rc = pick_recipients(rng, user)
        w.mail(ts + rng.uniform(0.3, 4), user.login, sip, user.sender, rc,
               rng.lognormvariate(10, 1.2), "legit", seg)
    return mailer


def password_change(w, user, ts, lag_choices):
    """The user changes the password at ts (in webmail or at a service desk); every other
    device keeps sending the old one for a while (the same wrong password, again and again)."""
    rng = w.rng
    user.change_password(ts, random_password(rng))
    for d in user.devices:
        if d.interactive:
            continue
        d.stale_until = (ts, ts + rng.choice(lag_choices))


def big_message(w, user, ts, ip, n, seg, cid=None):
    rng = w.rng
    rc = list(user.contacts)
    rng.shuffle(rc)
    rc = rc[:n]
    while len(rc) < n:
        f, l = person(rng)
        rc.append("%s.%s%d@%s" % (f, l, rng.randint(1, 99), rng.choice(FREEMAIL)))
    pw = user.password_at(ts)
    if w.auth(ts, "submission", ip, user.login, pw, cid, "legit", seg) == "success":
        w.mail(ts + 2, user.login, ip, user.sender, sorted(set(rc)), rng.randint(20000, 400000),
               "legit", seg)


def invoice_run(w, user, t_start, ip, n, gap, seg="invoice", per_conn=1, cid=None):
    """A business account mailing one invoice to each of n customers (mostly new addresses)."""
    rng = w.rng
    t = t_start
    pw = user.password_at(t_start)
    customers = list(user.contacts)
    sent = 0
    while sent < n:
        if w.auth(t, "submission", ip, user.login, pw, cid, "legit", seg) != "success":
            return
        for _ in range(per_conn):
            if sent >= n:
                break
            if customers and rng.random() < 0.3:
                rc = rng.choice(customers)
            else:
                f, l = person(rng)
                rc = "%s@%s" % (rng.choice([f, f + "." + l, "info", "buchhaltung", "accounts",
                                            "office"]), word_domain(rng))
            t += rng.uniform(0.5, 2) + gap * rng.uniform(0.5, 1.5)
            w.mail(t, user.login, ip, user.sender, [rc], rng.randint(60000, 250000), "legit", seg)
            sent += 1
        t += rng.uniform(1, 5)


def newsletter(w, t_start, ip, total, per_msg, hours, seg="bulk"):
    """newsletter@example.com, declared bulk in bench/coastguard.toml."""
    rng = w.rng
    login = "newsletter@example.com"
    if login not in w.users:
        w.add_user(User(login, random_password(rng), kind="bulk"))
    pw = w.users[login].password_at(t_start)
    n_msgs = max(1, total // per_msg)
    step = hours * HOUR / n_msgs
    t = t_start
    k = 0
    for i in range(n_msgs):
        if i % 20 == 0:
            if w.auth(t, "submission", ip, login, pw, None, "legit", seg) != "success":
                return
        rc = ["sub%06d@%s" % (k + j, FREEMAIL[(k + j) % len(FREEMAIL)]) for j in range(per_msg)]
        k += per_msg
        w.mail(t + 1, login, ip, login, rc, rng.randint(30000, 90000), "legit", seg)
        t += step * rng.uniform(0.7, 1.3)


def main_args(doc):
    import argparse
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    return ap.parse_args()


def report(w, counts, extra=""):
    n = sum(counts.values())
    lab = ", ".join("%s %d" % (k, v) for k, v in sorted(counts.items()))
    notes = "; ".join("%s=%s" % (k, v) for k, v in sorted(w.notes.items()))
    sys.stderr.write("%s seed %d: %d lines (%s)\n  %s%s\n" % (w.family, w.seed, n, lab, notes, extra))


def mean_weight(profile):
    return sum(profile) / 24.0


def set_mail_rate(u, per_day):
    """Spread per_day messages over the sessions of the devices that send."""
    sess = 0.0
    for d in u.devices:
        if d.sends:
            sess += d.rate * 24 * 0.85
    u.mail_rate = per_day / sess if sess > 0 else 0.0


def local_hour(ts, t0):
    return int((ts - t0) // HOUR) % 24


def unique_login(w, rng, local, domain):
    login = "%s@%s" % (local, domain)
    while login in w.users:
        login = "%s%d@%s" % (local, rng.randint(1, 99), domain)
    return login
