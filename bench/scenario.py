#!/usr/bin/python3
"""Writes a labelled event scenario in the replay contract (docs/replay.md).

Legitimate population (label "legit"): ACCOUNTS mailboxes, each with a home connection on one
of a few ISPs, most with a phone (home Wi-Fi, or a mobile carrier's CGNAT pool that changes
address every session), some with an office NAT shared by up to thousands of colleagues,
webmail and SMTP submission logins, typos, devices that keep an old password after a password
change, travellers on hotel networks, new devices. WARMUP_HOURS of legitimate traffic only
(the engine learns who logs in from where), then ATTACK_HOURS in which these attacks run,
each labelled with its name:

  brute_force            one IP per victim, a password list, the right password somewhere in it
  horizontal_guessing    a few IPs, each trying many accounts with a handful of common passwords
  stuffing_concentrated  a few IPs working through a breach combo list
  stuffing_distributed   thousands of proxy IPs, a few combo pairs each
  low_and_slow           one try per IP, spread over the whole attack window
  spraying               one seasonal password across many accounts, a few accounts per IP
  ipv6_rotation          combo pairs, every attempt from a new address in one /48

Mail (label "legit"): messages sent in SMTP sessions from the same devices, mostly to people
written to before; three newsletter runs of 2,000 recipients from the bulk sender; one
300-recipient invitation. Spam: every account an attack had the right password for sends
30-120 messages from the attack's own address minutes later ("spam_stuffing_ip") and again
from a fresh proxy hours later ("spam_fresh_ip"), each run after an SMTP AUTH login.

Combo lists mix accounts that do not exist (unknown_user), stale passwords (bad_password) and
reused ones that work (success). Attack IPs include residential proxies inside the same ISP
ranges our users live in. pwhash is Dovecot's: the first 12 bits of
SHA-256(nonce || login || NUL || password), in hex.

Same parameters and seed, same file.
"""
import argparse
import hashlib
import ipaddress
import json
import random
import sys

NONCE = b"bench-nonce"
MONDAY = 1793577600  # 2026-11-02 00:00:00 UTC, a Monday
# The scenario starts on Sunday at 20:00: the warm-up covers an evening and a night at home
# and the Monday morning commute, the attacks run through the working day.
T0 = MONDAY - 4 * 3600

ISPS = ["81.17.0.0/16", "93.104.0.0/16", "178.24.0.0/16"]          # home broadband
CARRIERS_V4 = ["37.120.0.0/16", "91.64.0.0/16"]                    # CGNAT pools
CARRIER_V6 = "2a02:3100::/32"                                      # mobile IPv6
COMMON_PASSWORDS = ["123456", "password", "qwerty123", "Welcome1", "letmein", "iloveyou"]
SPRAY_PASSWORD = "Autumn2026!"
BULK_SENDER = "newsletter@example.com"  # declared as bulk in bench/coastguard.toml
CLIENTS = {
    "desktop": ["Thunderbird 128.4.0", "Outlook 16.0", "Apple Mail 16.0"],
    # One phone in ten sends no IMAP ID (so Dovecot has no client id for it).
    "phone": ["iPhone Mail (21A350)", "K-9 Mail 6.8", "Gmail 2024.10", "iPhone Mail (21A350)",
              "K-9 Mail 6.8", "Gmail 2024.10", "iPhone Mail (22B83)", "FairEmail 1.2200",
              "Spark 3.1", ""],
    "webmail": ["Roundcube 1.6"],
}


def pwhash(login, password):
    digest = hashlib.sha256(NONCE + login.encode() + b"\0" + password.encode()).digest()
    return f"{(digest[0] << 4) | (digest[1] >> 4):04x}"


def random_ip(rng, network):
    net = ipaddress.ip_network(network)
    return str(net[rng.randrange(1, net.num_addresses - 1)])


class Scenario:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        # Mail has its own stream, so that adding or removing it leaves the logins unchanged.
        self.mail_rng = random.Random(args.seed * 7919 + 1)
        self.events = []
        self.accounts = []
        self.make_population()

    # ---- population -------------------------------------------------------------------

    def make_population(self):
        rng = self.rng
        n = self.args.accounts
        offices = [("198.51.100.10", int(n * 0.5))]  # one big office NAT: 2,000 people
        for i in range(12):
            offices.append((f"192.0.2.{20 + i}", int(n * 0.02)))
        office_slots = []
        for ip, size in offices:
            office_slots += [ip] * size
        rng.shuffle(office_slots)
        for i in range(n):
            login = f"user{i:05d}@example.com"
            weak = rng.random() < 0.05
            password = rng.choice(COMMON_PASSWORDS) if weak and rng.random() < 0.4 else (
                f"pw-{rng.getrandbits(40):010x}")
            if rng.random() < 0.015:
                password = SPRAY_PASSWORD
            account = {
                "login": login,
                "password": password,
                "home": random_ip(rng, rng.choice(ISPS)),
                "office": office_slots[i] if i < len(office_slots) else None,
                "carrier": rng.choice(CARRIERS_V4 + [CARRIER_V6]) if rng.random() < 0.6 else None,
                "devices": [],
                "activity": rng.choice([0.3, 0.7, 1.0, 1.5, 2.5]),  # sessions per device-hour
            }
            account["devices"].append(("desktop", rng.choice(CLIENTS["desktop"])))
            if rng.random() < 0.8:
                account["devices"].append(("phone", rng.choice(CLIENTS["phone"])))
            if rng.random() < 0.3:
                account["devices"].append(("webmail", CLIENTS["webmail"][0]))
            self.accounts.append(account)

    def emit(self, ts, ip, login, outcome, label, protocol="imap", password=None, client_id=""):
        if protocol == "smtp":
            client_id = ""  # SMTP AUTH through Postfix and Dovecot SASL carries no client id
        event = {"ts": round(ts, 3), "kind": "auth", "protocol": protocol, "ip": ip,
                 "login": login, "pwhash": pwhash(login, password or ""),
                 "client_id": client_id, "outcome": outcome, "label": label}
        self.events.append(event)

    # ---- legitimate traffic -----------------------------------------------------------

    def carrier_ip(self, carrier):
        rng = self.rng
        if ":" in carrier:
            # Mobile IPv6: a new /64 from the carrier's /32 every session.
            prefix = ipaddress.ip_network(carrier)
            base = int(prefix.network_address) + (rng.getrandbits(32) << 64)
            return str(ipaddress.ip_address(base + rng.getrandbits(64)))
        return random_ip(rng, carrier)  # CGNAT: any address of the pool

    def usual_places(self, account, device):
        places = []
        if device == "desktop":
            places.append("office" if account["office"] else "home")
        else:
            places.append("home")
            if account["office"]:
                places.append("office")
            if device == "phone" and account["carrier"]:
                places.append("carrier")
        return places

    def place_ip(self, account, place):
        if place == "home":
            return account["home"]
        if place == "office":
            return account["office"]
        if place == "carrier":
            return self.carrier_ip(account["carrier"])
        return place  # a literal address (hotel, cafe)

    def place_now(self, account, device, t, traveller_until, hotel):
        rng = self.rng
        hour = int((t - MONDAY) // 3600) % 24
        weekday = int((t - MONDAY) // 86400) % 7
        if t < traveller_until and device != "desktop":
            return hotel
        at_work = account["office"] and weekday < 5 and 8 <= hour < 17
        if device == "desktop":
            return "office" if account["office"] else "home"
        if device == "phone":
            if rng.random() < 0.02:
                # A cafe, a friend's flat, a train: somewhere never seen before.
                return (f"{rng.randrange(11, 223)}.{rng.randrange(256)}."
                        f"{rng.randrange(256)}.{rng.randrange(1, 255)}")
            if account["carrier"] and rng.random() < (0.5 if at_work else 0.3):
                return "carrier"
        return "office" if at_work else "home"

    def legit(self):
        """Each device logs in at its usual places. The warm-up stands in for the weeks of
        history a production engine has: every device is seen at each of its usual places
        before the attacks (on a carrier, at a few of the pool's addresses, as weeks of roaming
        would show), then sessions follow the time of day."""
        rng = self.rng
        warmup_end = T0 + self.args.warmup_hours * 3600
        end = T0 + (self.args.warmup_hours + self.args.attack_hours) * 3600
        for account in self.accounts:
            login = account["login"]
            # Some accounts change their password during the attack window; one device keeps
            # the old one for a few hours and retries it (a stale device).
            change_at = stale_device = None
            if rng.random() < 0.03 and len(account["devices"]) > 1:
                change_at = warmup_end + rng.uniform(0, self.args.attack_hours * 3600 * 0.6)
                stale_device = rng.choice([d for d in account["devices"] if d[0] != "webmail"])
                stale_until = change_at + rng.uniform(1, 6) * 3600
            traveller_until = 0
            hotel = None
            if rng.random() < 0.02:
                traveller_until = warmup_end + rng.uniform(0, 4) * 3600
                hotel = random_ip(rng, f"{rng.randrange(11, 220)}.{rng.randrange(256)}.0.0/16")
            for device, client_id in account["devices"]:
                for place in self.usual_places(account, device):
                    for _ in range(3 if place == "carrier" else 1):
                        t = T0 + rng.uniform(0, self.args.warmup_hours * 3600)
                        self.session(account, device, client_id, t,
                                     self.place_ip(account, place), change_at, stale_device)
                rate = account["activity"] * (0.25 if device == "webmail" else 1.0)
                t = T0 + rng.expovariate(rate) * 3600
                while t < end:
                    hour = int((t - MONDAY) // 3600) % 24
                    if 7 <= hour < 23 or rng.random() < 0.15:
                        place = self.place_now(account, device, t, traveller_until + (
                            6 * 3600 if traveller_until else 0), hotel)
                        self.session(account, device, client_id, t,
                                     self.place_ip(account, place), change_at, stale_device)
                    t += rng.expovariate(rate) * 3600
            if change_at is not None:
                t = change_at
                ip = self.place_ip(account, self.usual_places(account, stale_device[0])[0])
                while t < stale_until:
                    self.emit(t, ip, login, "bad_password", "legit", password=account["password"],
                              client_id=stale_device[1])
                    t += rng.uniform(300, 900)

    def session(self, account, device, client_id, t, ip, change_at, stale_device):
        """One stay of a device on a network: an IMAP login, sometimes mail sent over SMTP
        AUTH from the same address a few minutes later."""
        rng = self.rng
        login = account["login"]
        password = account["password"]
        if change_at is not None and t >= change_at:
            if (device, client_id) == stale_device:
                return  # covered by the stale-device loop
            password += "-new"
        if device == "webmail" or rng.random() < 0.01:
            # A person types: sometimes wrong first.
            for _ in range(rng.choice([0] * 30 + [1] * 2 + [2])):
                self.emit(t, ip, login, "bad_password", "legit", "imap",
                          password + rng.choice(["x", "1", "!"]), client_id)
                t += rng.uniform(3, 20)
        self.emit(t, ip, login, "success", "legit", "imap", password, client_id)
        if device != "webmail" and rng.random() < 0.2:
            t_smtp = t + rng.uniform(30, 900)
            self.emit(t_smtp, ip, login, "success", "legit", "smtp", password)
            # Mail sent in that session: replies and notes, mostly to people written to before.
            for _ in range(self.mail_rng.choice([1, 1, 1, 2, 2, 3])):
                t_smtp += self.mail_rng.uniform(5, 300)
                self.mail(t_smtp, ip, login, self.legit_recipients(account), "legit")

    def legit_recipients(self, account):
        rng = self.mail_rng
        contacts = account.setdefault("contacts", [
            f"{rng.choice(['anna', 'ben', 'chris', 'dora', 'eli', 'fay'])}{rng.randrange(1000)}@"
            f"{rng.choice(['gmail.example', 'web.example', 'corp.example', 'example.com'])}"
            for _ in range(12)])
        count = rng.choice([1] * 12 + [2] * 3 + [3, 5])
        return [rng.choice(contacts) for _ in range(count)]

    def mail(self, ts, ip, login, recipients, label):
        self.events.append({"ts": round(ts, 3), "kind": "mail", "sasl_user": login, "ip": ip,
                            "sender": login, "recipients": recipients,
                            "size": self.rng.randrange(2000, 200000), "label": label})

    # ---- attacks ----------------------------------------------------------------------

    def attack_window(self, share_start, share_length):
        start = T0 + self.args.warmup_hours * 3600
        length = self.args.attack_hours * 3600
        return start + share_start * length, share_length * length

    def proxy_ip(self):
        """A residential proxy: usually anywhere, sometimes inside our users' own ISPs."""
        rng = self.rng
        if rng.random() < 0.2:
            return random_ip(rng, rng.choice(ISPS))
        return f"{rng.randrange(11, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"

    def combo(self, count, reuse=0.04, unknown=0.4):
        """Breach pairs aimed at our domain: some logins do not exist, most passwords are
        stale, a few are reused and work."""
        rng = self.rng
        pairs = []
        for _ in range(count):
            r = rng.random()
            if r < unknown:
                pairs.append((f"{rng.choice(['info', 'sales', 'j.smith', 'admin', 'x'])}"
                              f"{rng.randrange(100000)}@example.com", "whatever1", "unknown_user"))
            else:
                account = rng.choice(self.accounts)
                if r < unknown + reuse:
                    pairs.append((account["login"], account["password"], "success"))
                else:
                    pairs.append((account["login"], f"old-{rng.getrandbits(24):06x}",
                                  "bad_password"))
        return pairs

    def attempt(self, ts, ip, login, password, outcome, label, protocol="imap"):
        self.emit(ts, ip, login, outcome, label, protocol, password, "")

    def outcome_for(self, account, password):
        return "success" if password == account["password"] else "bad_password"

    def brute_force(self):
        rng = self.rng
        start, length = self.attack_window(0.05, 0.9)
        victims = rng.sample(self.accounts, 40)
        for victim in victims:
            ip = self.proxy_ip()
            words = [f"guess-{rng.getrandbits(32):08x}" for _ in range(300)]
            words.insert(rng.randrange(len(words) + 1), victim["password"])
            t = start + rng.uniform(0, length * 0.5)
            for word in words:
                outcome = self.outcome_for(victim, word)
                self.attempt(t, ip, victim["login"], word, outcome, "brute_force",
                             rng.choice(["imap", "pop3", "smtp"]))
                if outcome == "success":
                    break
                t += rng.uniform(2, 12)

    def horizontal(self):
        rng = self.rng
        start, length = self.attack_window(0.1, 0.5)
        for _ in range(10):
            ip = self.proxy_ip()
            t = start + rng.uniform(0, length * 0.5)
            for account in rng.sample(self.accounts, 400):
                for password in COMMON_PASSWORDS[:3]:
                    outcome = self.outcome_for(account, password)
                    self.attempt(t, ip, account["login"], password, outcome,
                                 "horizontal_guessing")
                    t += rng.uniform(1, 4)
                    if outcome == "success":
                        break

    def stuffing_concentrated(self):
        rng = self.rng
        start, length = self.attack_window(0.2, 0.4)
        for _ in range(5):
            ip = self.proxy_ip()
            t = start + rng.uniform(0, length * 0.3)
            for login, password, outcome in self.combo(1000):
                self.attempt(t, ip, login, password, outcome, "stuffing_concentrated")
                t += rng.uniform(0.5, 3)

    def stuffing_distributed(self):
        rng = self.rng
        start, length = self.attack_window(0.0, 1.0)
        pairs = self.combo(12000)
        i = 0
        while i < len(pairs):
            ip = self.proxy_ip()
            n = rng.randint(2, 6)
            t = start + rng.uniform(0, length)
            for login, password, outcome in pairs[i:i + n]:
                self.attempt(t, ip, login, password, outcome, "stuffing_distributed",
                             rng.choice(["imap", "pop3", "smtp"]))
                t += rng.uniform(5, 120)
            i += n

    def low_and_slow(self):
        rng = self.rng
        start, length = self.attack_window(0.0, 1.0)
        pairs = self.combo(2500)
        for k, (login, password, outcome) in enumerate(pairs):
            t = start + length * (k + rng.random()) / len(pairs)
            self.attempt(t, self.proxy_ip(), login, password, outcome, "low_and_slow")

    def spraying(self):
        rng = self.rng
        start, length = self.attack_window(0.3, 0.5)
        targets = rng.sample(self.accounts, 2400)
        i = 0
        while i < len(targets):
            ip = self.proxy_ip()
            n = rng.randint(2, 4)
            t = start + rng.uniform(0, length)
            for account in targets[i:i + n]:
                self.attempt(t, ip, account["login"], SPRAY_PASSWORD,
                             self.outcome_for(account, SPRAY_PASSWORD), "spraying",
                             rng.choice(["imap", "smtp"]))
                t += rng.uniform(10, 60)
            i += n

    def ipv6_rotation(self):
        rng = self.rng
        start, length = self.attack_window(0.5, 0.3)
        site = int(ipaddress.ip_address("2001:db8:4400::")) + (rng.getrandbits(16) << 80)
        t = start
        for login, password, outcome in self.combo(1500):
            address = site + (rng.getrandbits(16) << 64) + rng.getrandbits(64)
            self.attempt(t, str(ipaddress.ip_address(address)), login, password, outcome,
                         "ipv6_rotation")
            t += rng.uniform(0.5, 4)

    def bulk_and_invitation(self):
        """The configured bulk sender's newsletter runs (BULK_SENDER in bench/coastguard.toml)
        and one person's 300-recipient invitation."""
        rng = self.rng
        server = "198.51.100.80"
        for run in range(3):
            t = T0 + rng.uniform(2, 20) * 3600
            self.emit(t, server, BULK_SENDER, "success", "legit", "smtp", "bulk-secret", "")
            for batch in range(40):
                recipients = [f"subscriber{rng.randrange(200000)}@"
                              f"{rng.choice(['gmail.example', 'web.example', 'mail.example'])}"
                              for _ in range(50)]
                self.mail(t + batch * 2, server, BULK_SENDER, recipients, "legit")
        host = self.accounts[7]
        t = T0 + (self.args.warmup_hours + 3) * 3600
        self.emit(t, host["home"], host["login"], "success", "legit", "smtp", host["password"])
        self.mail(t + 60, host["home"], host["login"],
                  [f"guest{i}@{rng.choice(['gmail.example', 'web.example'])}" for i in range(300)],
                  "legit")

    def spam(self):
        """Spam from every account an attack got the right password for: from the attack's own
        address minutes later, and hours later from fresh proxies."""
        rng = self.mail_rng
        end = T0 + (self.args.warmup_hours + self.args.attack_hours + 2) * 3600
        broken = [e for e in self.events
                  if e["kind"] == "auth" and e["label"] != "legit" and e["outcome"] == "success"]
        for e in broken:
            login = e["login"]
            password = next(a["password"] for a in self.accounts if a["login"] == login)
            fresh = f"{rng.randrange(11, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            for label, ip, delay in (("spam_stuffing_ip", e["ip"], rng.uniform(120, 600)),
                                     ("spam_fresh_ip", fresh, rng.uniform(3600, 4 * 3600))):
                t = e["ts"] + delay
                if t > end:
                    continue
                self.emit(t, ip, login, "success", label, "smtp", password, "")
                for _ in range(rng.randint(30, 120)):
                    t += rng.uniform(2, 30)
                    recipients = [f"{rng.getrandbits(40):010x}@{rng.choice(['gmail.example', 'web.example', 'mail.example', 'corp.example'])}"
                                  for _ in range(rng.choice([1, 1, 2, 5, 10]))]
                    self.mail(t, ip, login, recipients, label)

    def write(self, out):
        self.legit()
        self.bulk_and_invitation()
        attacks = {
            "brute_force": self.brute_force,
            "horizontal_guessing": self.horizontal,
            "stuffing_concentrated": self.stuffing_concentrated,
            "stuffing_distributed": self.stuffing_distributed,
            "low_and_slow": self.low_and_slow,
            "spraying": self.spraying,
            "ipv6_rotation": self.ipv6_rotation,
        }
        for name in self.args.attacks.split(","):
            if name:
                attacks[name]()
        if self.args.mail:
            self.spam()
        else:
            self.events = [e for e in self.events if e["kind"] != "mail"]
        # Ties keep generation order, so the file is reproducible.
        self.events.sort(key=lambda e: e["ts"])
        for event in self.events:
            out.write(json.dumps(event, separators=(", ", ": ")))
            out.write("\n")
        return len(self.events)


ALL_ATTACKS = ("brute_force,horizontal_guessing,stuffing_concentrated,stuffing_distributed,"
               "low_and_slow,spraying,ipv6_rotation")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=4000)
    parser.add_argument("--warmup-hours", type=int, default=12)
    parser.add_argument("--attack-hours", type=int, default=10)
    parser.add_argument("--attacks", default=ALL_ATTACKS,
                        help="comma-separated attack kinds (default: all); empty for none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-mail", dest="mail", action="store_false",
                        help="auth lines only (no legit mail, bulk runs or spam)")
    parser.add_argument("--forms", action="store_true",
                        help="form traffic instead (bench/forms_scenario.py): 4 days of people, "
                             "then a day of abuse campaigns")
    parser.add_argument("--out", default="-", help="output file (default: stdout)")
    args = parser.parse_args()
    if args.forms:
        import forms_scenario
        out = sys.stdout if args.out == "-" else open(args.out, "w")
        count, attack_start = forms_scenario.Forms(args.seed).write(out)
        if out is not sys.stdout:
            out.close()
        print(f"scenario: {count} form events, campaigns from ts {attack_start}", file=sys.stderr)
        return
    scenario = Scenario(args)
    out = sys.stdout if args.out == "-" else open(args.out, "w")
    count = scenario.write(out)
    if out is not sys.stdout:
        out.close()
    print(f"scenario: {count} events, {args.accounts} accounts", file=sys.stderr)


if __name__ == "__main__":
    main()
