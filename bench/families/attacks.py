"""Attackers shared by the families. Each one takes the world after its legit traffic was
generated (so it can exit from the addresses the victims used), appends labelled auth lines,
and records the accounts it got the right password for, for the spam that follows."""
from common import (HOUR, DAY, INF, POPULAR_ATTACK_CIDS, FREEMAIL, FIRST, LAST, WORDS, v4,
                    random_password, person, word_domain, User)

# ---------------------------------------------------------------- where attempts come from


class Exits:
    """kind: 'mobile' (the carriers' own CGNAT pools and IPv6 /64s), 'residential' (the home
    ISPs' /24s the users live in), 'hosting' (a fixed set of servers), 'foreign' (far-away
    carriers and ISPs, some of them the ones travellers roam on)."""

    def __init__(self, w, kind, nets, overlap=0.0, window=6 * HOUR, v6_share=0.0, n_fixed=0,
                 sticky=1, min_reuse=0.0, fixed_ips=None):
        self.w, self.kind, self.nets = w, kind, nets
        self.overlap, self.window, self.v6_share = overlap, window, v6_share
        self.sticky, self.min_reuse = sticky, min_reuse
        self.fixed = list(fixed_ips or [])
        if kind == "hosting" and not self.fixed:
            for _ in range(max(1, n_fixed)):
                net = w.rng.choice(nets)
                self.fixed.append(v4(net.addr4(w.rng)))
        self.cur, self.left = None, 0
        self.last_use = {}
        self.overlap_hits = 0
        self.used = 0

    def _fresh(self, login, ts):
        rng = self.w.rng
        if self.overlap > 0 and login is not None and rng.random() < self.overlap:
            recent = self.w.recent_ips(login, ts, self.window)
            if recent:
                self.overlap_hits += 1
                return rng.choice(recent)
        if self.fixed:
            return rng.choice(self.fixed)
        net = rng.choice(self.nets)
        if net.v6 is not None and rng.random() < self.v6_share:
            return net.addr6(rng)
        if self.kind == "residential" and rng.random() < 0.6:
            return v4(net.neighbour4(rng))
        return v4(net.addr4(rng))

    def pick(self, login, ts):
        self.used += 1
        if self.left > 0 and self.cur is not None:
            self.left -= 1
            return self.cur
        ip = self._fresh(login, ts)
        if self.min_reuse > 0:
            for _ in range(25):
                if ts - self.last_use.get(ip, -INF) >= self.min_reuse:
                    break
                ip = self._fresh(None, ts)
            self.last_use[ip] = ts
        self.cur, self.left = ip, self.sticky - 1
        return ip


def pick_proto(rng, weights):
    r = rng.random() * sum(v for _, v in weights)
    for k, v in weights:
        r -= v
        if r <= 0:
            return k
    return weights[-1][0]


def cid_picker(rng, mode):
    fixed = rng.choice(POPULAR_ATTACK_CIDS)
    if mode == "popular":
        return lambda: rng.choice(POPULAR_ATTACK_CIDS)
    if mode == "fixed":
        return lambda: fixed
    if mode == "mixed":
        return lambda: rng.choice(POPULAR_ATTACK_CIDS + [None, None])
    return lambda: None


def real_users(w):
    return [u for u in w.users.values() if u.kind == "user"]


def guessed_logins(rng, w, n):
    doms = sorted(set(u.domain for u in real_users(w))) or ["example.com"]
    out = []
    for _ in range(n):
        f, l = person(rng)
        local = rng.choice([f, f + "." + l, f[0] + l, l, f + l[0], f + str(rng.randint(1, 99)),
                            rng.choice(["admin", "info", "test", "office", "sales", "support",
                                        "webmaster", "postmaster", "kontakt", "user"])])
        login = "%s@%s" % (local, rng.choice(doms))
        if login not in w.users:
            out.append(login)
    return out


def tweaks(pw):
    return [pw + "1", pw + "!", pw.capitalize() + "1", pw + "2024", pw[:-1]]


# ---------------------------------------------------------------- credential stuffing
def stuffing(w, label, t_start, t_end, exits, n_entries, p_exists, p_right, pacing, cid_mode,
             protos, p_tweak=0.2, rate=1.0):
    """A combo list from someone else's breach. p_right of the existing accounts reused the
    leaked password here. pacing: 'burst' (rate/s), 'steady' (mean gap 1/rate s), 'slow'
    (spread over the whole window, each account at most twice a day, each exit at most once
    an hour: the exits object enforces that)."""
    rng = w.rng
    users = real_users(w)
    rng.shuffle(users)
    n_exist = min(len(users), int(n_entries * p_exists))
    candidates = [u for u in users[:n_exist]]
    stable = [u for u in candidates if len(u.pw_hist) == 1]
    n_right = max(1, int(round(len(candidates) * p_right))) if candidates else 0
    right = set(u.login for u in stable[:n_right])
    entries = []   # (login, [passwords in order])
    for u in candidates:
        if u.login in right:
            pw = u.pw_hist[0][1]
            seq = [pw]
            if rng.random() < p_tweak:   # the leak held an older variant; the tweak hits
                seq = [pw[:-1] + "0", pw]
        else:
            leaked = u.pw_hist[0][1] if (len(u.pw_hist) > 1 and rng.random() < 0.5) \
                else random_password(rng)
            seq = [leaked]
            if rng.random() < p_tweak:
                seq += tweaks(leaked)[:rng.randint(1, 3)]
        login = u.login
        if rng.random() < 0.05:   # combo lists often hold the address in another case
            login = login[0].upper() + login[1:]
        entries.append((login, seq))
    for login in guessed_logins(rng, w, max(0, n_entries - len(entries))):
        entries.append((login, [random_password(rng)]))
    rng.shuffle(entries)
    pick_cid = cid_picker(rng, cid_mode)
    dur = max(60.0, t_end - t_start)
    attempts = []   # (ts, login, pw)
    if pacing == "slow":
        for login, seq in entries:
            t = t_start + rng.random() * dur
            for pw in seq[:2]:
                attempts.append((t, login, pw))
                t += rng.uniform(12 * HOUR, 30 * HOUR)
    else:
        t = t_start
        for login, seq in entries:
            for pw in seq:
                attempts.append((t, login, pw))
                t += rng.expovariate(rate)
    attempts.sort()
    n_ok = 0
    for ts, login, pw in attempts:
        if ts >= t_end:
            break
        ip = exits.pick(login, ts)
        proto = pick_proto(rng, protos)
        out = w.auth(ts, proto, ip, login, pw, pick_cid(), label)
        if out == "success":
            n_ok += 1
            w.compromised.append((label, login.lower(), ts, ip))
    w.notes[label] = "%s/%s entries=%d exist=%d right=%d exits=%s overlap_hits=%d" % (
        pacing, cid_mode, len(entries), len(candidates), len(right), exits.kind, exits.overlap_hits)
    return right


# ---------------------------------------------------------------- password spraying
SPRAY_PASSWORDS = ["Winter2025!", "Sommer2025", "Welcome1!", "Password1", "Herbst2025!",
                   "Passwort123", "Company2025", "Qwertz123!", "Start1234", "Autumn2025"]


def prepare_spray(w, n_weak, n_passwords):
    rng = w.rng
    pws = rng.sample(SPRAY_PASSWORDS, n_passwords)
    users = [u for u in real_users(w) if not u.no_change and not u.weak]
    weak = rng.sample(users, min(len(users), n_weak))
    for u in weak:
        u.pw_hist = [(-INF, rng.choice(pws))]
        u.no_change = u.weak = True
    return pws, weak


def spraying(w, label, t_start, t_end, passwords, exits, p_targets, n_guessed, wave_hours,
             protos, cid_mode, gap_hours):
    """One wave per password over a slice of the accounts (harvested addresses plus guessed
    ones), each account tried once per wave, from many sources."""
    rng = w.rng
    targets = [u.login for u in real_users(w) if rng.random() < p_targets]
    weak = [u.login for u in real_users(w) if u.weak]
    for lg in weak:   # the harvested list includes them (that is how they fall)
        if lg not in targets:
            targets.append(lg)
    targets += guessed_logins(rng, w, n_guessed)
    pick_cid = cid_picker(rng, cid_mode)
    t = t_start
    for pw in passwords:
        order = list(targets)
        rng.shuffle(order)
        span = wave_hours * HOUR
        times = sorted(t + rng.random() * span for _ in order)
        for ts, login in zip(times, order):
            if ts >= t_end:
                break
            ip = exits.pick(login, ts)
            out = w.auth(ts, pick_proto(rng, protos), ip, login, pw, pick_cid(), label)
            if out == "success":
                w.compromised.append((label, login.lower(), ts, ip))
        t += span + gap_hours * HOUR
    w.notes[label] = "passwords=%d targets=%d weak=%d waves=%.1fh exits=%s" % (
        len(passwords), len(targets), len(weak), wave_hours, exits.kind)


# ---------------------------------------------------------------- brute force
def dictionary(n):
    base = ["password", "passwort", "hallo", "sommer", "winter", "schatz", "qwertz", "qwerty",
            "dragon", "monkey", "master", "football", "fussball", "sunshine", "princess",
            "letmein", "admin", "welcome", "baseball", "shadow", "michael", "daniel", "thomas",
            "hannover", "berlin", "muenchen", "hamburg", "iloveyou", "ficken", "killer"]
    suffix = ["", "1", "12", "123", "1234", "!", "2023", "2024", "2025", "01", "99", "#", "?"]
    out = []
    for s in suffix:
        for b in base:
            out.append(b + s)
            out.append(b.capitalize() + s)
    return out[:n]


def prepare_brute(w, targets, p_weak, n_dict):
    rng = w.rng
    words = dictionary(n_dict)
    weak_at = None
    if targets and rng.random() < p_weak:
        u = rng.choice(targets)
        k = rng.randrange(len(words) // 3, len(words))
        u.pw_hist = [(-INF, words[k])]
        u.no_change = u.weak = True
        weak_at = (u.login, k)
    return words, weak_at


def brute_force(w, label, t_start, t_end, targets, words, exits, gap, protos, stop_on_hit=True):
    rng = w.rng
    for u in targets:
        t = t_start + rng.uniform(0, 2 * HOUR)
        for pw in words:
            if t >= t_end:
                break
            ip = exits.pick(u.login, t)
            out = w.auth(t, pick_proto(rng, protos), ip, u.login, pw, None, label)
            if out == "success":
                w.compromised.append((label, u.login, t, ip))
                if stop_on_hit:
                    break
            t += rng.expovariate(1.0 / gap)
    w.notes[label] = "targets=%d dict=%d gap=%.1fs exits=%s n=%d" % (
        len(targets), len(words), gap, exits.kind, len(exits.fixed) or exits.used)


# ---------------------------------------------------------------- keeping the service "under attack"
def siege(w, label, t_start, t_end, exits_list, per_5min, p_unknown, lockout_targets=(),
          per_ip_burst=(1, 3)):
    """Constant background failures from many places, never the right password: it only
    wants the service to stay in attack mode (and unfamiliar travellers refused). Optional
    lockout_targets get extra wrong passwords from many networks."""
    rng = w.rng
    users = [u.login for u in real_users(w)]
    unknown = guessed_logins(rng, w, 400)
    t = t_start
    rate = per_5min / 300.0
    while t < t_end:
        exits = rng.choice(exits_list)
        ip = exits.pick(None, t)
        for k in range(rng.randint(*per_ip_burst)):
            if lockout_targets and rng.random() < 0.3:
                login = rng.choice(lockout_targets)
            elif rng.random() < p_unknown or not users:
                login = rng.choice(unknown)
            else:
                login = rng.choice(users)
            pw = random_password(rng)
            w.auth(t + k * rng.uniform(1, 8), rng.choice(["imap", "imap", "pop3", "smtp"]), ip,
                   login, pw, rng.choice([None, None, "Thunderbird 128.4.0"]), label)
        t += rng.expovariate(rate / ((per_ip_burst[0] + per_ip_burst[1]) / 2.0))
    w.notes[label] = "per5min=%d unknown=%.2f lockout=%d" % (per_5min, p_unknown,
                                                             len(lockout_targets))


# ---------------------------------------------------------------- spam from broken-into accounts
def spam_rcpts(rng, n):
    out = []
    for _ in range(n):
        f, l = person(rng)
        out.append("%s%s%d@%s" % (f, rng.choice([".", "_", ""]), rng.randint(1, 9999),
                                  rng.choice(FREEMAIL + ["gmail.com"] * 5)))
    return sorted(set(out))


def spam_after(w, variant, exits, delay, max_accounts=None):
    """For every account an attacker got into (right password, success line), the operator
    comes back later and sends. variant per seed: 'burst', 'trickle', 'contacts', 'checker'
    (a test mail at once from the checking address, the run later from elsewhere),
    'rotating' (a new address for every connection)."""
    rng = w.rng
    seen = set()
    n_msgs = 0
    for label, login, ts, ip in sorted(w.compromised, key=lambda c: c[2]):
        if login in seen:
            continue
        if max_accounts is not None and len(seen) >= max_accounts:
            break
        seen.add(login)
        u = w.users[login]
        slabel = "spam_" + label
        pw = u.password_at(ts)
        cid = rng.choice([None, "Microsoft Outlook 16.0"])
        sender = u.login if rng.random() < 0.8 else "%s@%s" % (rng.choice(FIRST), u.domain)
        t = ts + rng.uniform(*delay)
        if variant == "checker":
            if w.auth(ts + rng.uniform(2, 30), "submission", ip, u.login, pw, None, label) == "success":
                w.mail(ts + 35, u.login, ip, u.login, ["chk%d@%s" % (rng.randint(1, 99), rng.choice(FREEMAIL))],
                       1500, slabel)
                n_msgs += 1
            sip = exits.pick(login, t)
            n_msgs += _burst(w, u, sip, pw, t, rng.randint(60, 300), (20, 80), (1, 6), slabel,
                             label, cid, sender)
        elif variant == "burst":
            sip = ip if rng.random() < 0.5 else exits.pick(login, t)
            n_msgs += _burst(w, u, sip, pw, t, rng.randint(40, 400), (10, 100), (0.5, 5), slabel,
                             label, cid, sender)
        elif variant == "trickle":
            # just under a plausible per-account limit: a message every 40-90 s, 1-4 recipients
            sip = ip if rng.random() < 0.5 else exits.pick(login, t)
            n_msgs += _burst(w, u, sip, pw, t, rng.randint(100, 600), (1, 4), (40, 90), slabel,
                             label, cid, sender, per_conn=rng.randint(5, 30))
        elif variant == "contacts":
            sip = ip
            rc = list(u.contacts) or spam_rcpts(rng, 20)
            if w.auth(t, "submission", sip, u.login, pw, cid, label) == "success":
                for i in range(0, len(rc), 5):
                    w.mail(t + 2 + i * 3, u.login, sip, u.login, sorted(rc[i:i + 5]), 9000, slabel)
                    n_msgs += 1
        else:   # rotating
            for c in range(rng.randint(10, 60)):
                sip = exits.pick(None, t)
                n_msgs += _burst(w, u, sip, pw, t, rng.randint(3, 10), (5, 40), (1, 10), slabel,
                                 label, cid, sender)
                t += rng.uniform(60, 900)
    w.notes["spam"] = "%s accounts=%d messages=%d" % (variant, len(seen), n_msgs)


def _burst(w, u, ip, pw, t, n, rc_range, gap, slabel, label, cid, sender, per_conn=None):
    rng = w.rng
    sent = 0
    per_conn = per_conn or rng.randint(5, 40)
    while sent < n and t < w.t_end:
        if w.auth(t, "submission", ip, u.login, pw, cid, label) != "success":
            return sent
        for _ in range(per_conn):
            if sent >= n:
                break
            t += rng.uniform(*gap)
            w.mail(t, u.login, ip, sender, spam_rcpts(rng, rng.randint(*rc_range)),
                   rng.randint(3000, 30000), slabel)
            sent += 1
        t += rng.uniform(1, 20)
    return sent
