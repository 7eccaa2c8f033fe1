"""Form traffic for `make bench` (bench/scenario.py --forms): a site with a sign-up, a contact,
a newsletter and a quiz form. Four days of people only, then a day on which abuse campaigns run
alongside them. Every line is a replay "form" event (docs/replay.md); labels say who sent it.

People: names in many scripts, addresses at big and small providers (a few throwaway ones),
honest links in contact messages (code hosts, videos, encyclopedias, their own sites, the shop's
own pages), render tokens fetched 15 s to hours before they send, offices behind one NAT.

Campaigns (the attack day):
  lure_in_name      the lure (link, bare domain, address, phone) in the sign-up's name field
  unique_link       contact messages with a unique link per recipient on a few fresh domains
  rotating_ips      quiz answers with a crypto pitch and a number to call, one new IP each
  slow_drip         one recipient domain, one message every ~10 minutes, unique links
  header_injection  CR/LF in the name, several addresses or display names in the email field
  naive_bot         a script: no token, the honeypot filled, instant, one address
"""
import hashlib
import hmac
import random

SECRET = "bench-form-secret"  # bench/coastguard.toml [forms] secret: tokens verify in replay
DAY = 86400
START = 1_750_000_000

# Names by script: a person's first and last name come from one list (mostly).
NAMES = {
    "latin": (["Anna", "Zoë", "José", "María", "Søren", "Ørjan", "François", "Łukasz", "Ana",
               "Ahmed", "Fatima", "Liam", "Emma", "Noah", "Olivia", "Mateo", "Sofía", "Jean-Luc",
               "Mary Ann", "Seán", "Siobhán", "Björn", "Ingrid", "Giulia", "Luca", "Chidi",
               "Amara", "Nguyễn Văn", "Trần Thị", "Dvořák"],
              ["Müller", "O'Brien", "García", "Kowalski", "Nielsen", "Haugen", "Dubois", "Rossi",
               "Smith", "An", "Bình", "Okafor", "Al-Sayed", "Novák", "Nowak", "Lindqvist", ""]),
    "greek": (["Αλέξανδρος", "Μαρία", "Γιώργος", "Ελένη"], ["Παπαδόπουλος", "Νικολάου", ""]),
    "cyrillic": (["Олександр", "Анна", "Иван", "Ольга", "Дмитрий"],
                 ["Шевченко", "Петрова", "Иванов", "Ковальчук", ""]),
    "han": (["雷", "芳", "伟", "静"], ["李", "王", "张", "刘"]),
    "japanese": (["太郎", "花子", "さくら"], ["山田", "佐藤", "鈴木"]),
    "hangul": (["민준", "서연", "지호"], ["김", "이", "박"]),
    "arabic": (["محمد", "فاطمة", "علي"], ["العلي", "حسن", ""]),
    "hebrew": (["דוד", "שרה", "נועה"], ["כהן", "לוי", ""]),
    "devanagari": (["अर्जुन", "प्रिया", "राहुल"], ["शर्मा", "पटेल", ""]),
    "thai": (["สมชาย", "สมหญิง"], ["ใจดี", ""]),
}
SCRIPT_WEIGHTS = {"latin": 70, "greek": 3, "cyrillic": 8, "han": 5, "japanese": 3, "hangul": 3,
                  "arabic": 3, "hebrew": 2, "devanagari": 2, "thai": 1}
OPENERS = ["Hello,", "Hi there!", "Good morning.", "Dear shop team,", "Hey,", "", "", "Hallo!"]
CLOSERS = ["Thanks!", "Best regards", "Cheers", "Kind regards", "Thank you in advance.", "",
           "Have a nice day", "Greetings from {place}"]
FIRST = ["Anna", "Zoë", "José", "María", "Søren", "Ørjan", "François", "Łukasz", "Dvořák", "Ana",
         "Nguyễn Văn", "Trần Thị", "Αλέξανδρος", "Μαρία", "Олександр", "Анна", "Иван", "Ольга",
         "李", "王", "山田", "佐藤", "김민준", "이서연", "محمد", "فاطمة", "דוד", "שרה", "अर्जुन", "प्रिया",
         "สมชาย", "Ahmed", "Fatima", "Liam", "Emma", "Noah", "Olivia", "Mateo", "Sofía", "Jean-Luc",
         "Mary Ann", "Seán", "Siobhán", "Björn", "Ingrid", "Giulia", "Luca", "Chidi", "Amara"]
LAST = ["Müller", "O'Brien", "García", "Kowalski", "Nielsen", "Haugen", "Dubois", "Rossi", "Smith",
        "An", "Bình", "Παπαδόπουλος", "Шевченко", "Петрова", "雷", "芳", "太郎", "花子", "", "",
        "Okafor", "Al-Sayed", "Cohen", "Sharma", "Patel", "Jaidee", "Novák", "Nowak", "Lindqvist"]
PROVIDERS = ["gmail.com"] * 8 + ["outlook.com"] * 3 + ["yahoo.com"] * 2 + [
    "web.de", "gmx.de", "mail.ru", "yandex.ru", "qq.com", "163.com", "naver.com", "orange.fr",
    "libero.it", "seznam.cz", "wp.pl", "icloud.com", "proton.me", "fastmail.com"]
THROWAWAY = ["mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com"]
HONEST_LINKS = ["https://github.com/{w}/{w2}/issues/{n}", "https://www.youtube.com/watch?v={id}",
                "https://en.wikipedia.org/wiki/{W}", "https://shop.example/orders/{n}",
                "https://shop.example/products/{w}", "https://docs.python.org/3/library/{w}.html",
                "https://stackoverflow.com/questions/{n}", "https://{w}{n}.blogspot.com/",
                "https://www.{w}-{w2}.com/", "https://maps.google.com/?q={w}"]
WORDS = ["kettle", "lamp", "garden", "river", "blue", "order", "parcel", "invoice", "size",
         "colour", "delivery", "refund", "gift", "winter", "bike", "camera", "chair", "book",
         "recipe", "course", "ticket", "table", "printer", "laptop", "sofa", "jacket", "boots"]
SENTENCES = [
    "I ordered the {w} {n} days ago and it has not arrived yet.",
    "Could you tell me whether the {w} comes in another {w2}?",
    "My order number is {n}, the {w} arrived damaged.",
    "Do you ship to {place}?", "Thanks for the quick help with my {w} last week!",
    "Is there a discount for ordering {n} {w}s?", "I would like to return the {w}.",
    "The {w} I bought in {month} stopped working, what can I do?",
    "Can I pick up the {w} in the store on {day}?", "Please change my delivery address.",
    "Your {w} page shows two different prices.", "When will the {w} be back in stock?",
    "I love the {w}, my {rel} wants one too.", "Could you send me an invoice for order {n}?",
    "{link}",
]
# People who link something say so in their own words: a sentence is built from parts.
LINK_LEADS = ["Here is what I mean:", "The manual says otherwise, see", "I found this on",
              "My {rel} sent me", "Compare", "Is this the same {w}?", "Look at", "Like this one:",
              "Same as", "I saw it here", "Photo of the {w}:", "Reference:", "Found it:",
              "Do you stock this?", "Someone recommended", "As shown at", "Details:"]
LINK_TAILS = ["", "", "and wondered if you sell it.", "— is it yours?", "but in {w2}.",
              "(the {w} part).", "from {month}.", "Thanks.", "if that helps.", "what do you think?"]
PLACES = ["Norway", "Vietnam", "Chile", "Kenya", "Japan", "Poland", "Québec", "Greece"]
MONTHS = ["January", "March", "May", "August", "October", "December"]
DAYS = ["Monday", "Thursday", "Saturday"]
RELS = ["sister", "father", "neighbour", "colleague", "son"]
BROWSERS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"]
ROLES = {
    "signup": {"first_name": "name", "last_name": "name", "email": "email", "password": "secret",
               "website": "honeypot"},
    "contact": {"name": "name", "email": "email", "subject": "subject", "message": "text",
                "website": "honeypot"},
    "newsletter": {"email": "email", "website": "honeypot"},
    "quiz": {"name": "name", "email": "email", "answer": "text", "website": "honeypot"},
}


def token(form, issued, rng):
    nonce = "%032x" % rng.getrandbits(128)
    message = f"coastguard-form-token\n{form}\n{issued}\n{nonce}".encode()
    signature = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    return f"{issued}.{nonce}.{signature}"


class Forms:
    def __init__(self, seed):
        self.rng = random.Random(seed * 7919 + 17)
        self.events = []
        self.offices = [f"192.0.2.{i}" for i in range(10, 15)]

    def fill(self, text):
        r = self.rng
        return text.format(w=r.choice(WORDS), w2=r.choice(WORDS), W=r.choice(WORDS).title(),
                           n=r.randint(2, 99999), id="%011x" % r.getrandbits(44),
                           place=r.choice(PLACES), month=r.choice(MONTHS), day=r.choice(DAYS),
                           rel=r.choice(RELS), link="{link}")

    def person_ip(self):
        r = self.rng
        if r.random() < 0.1:
            return r.choice(self.offices)
        if r.random() < 0.15:
            return "2001:db8:%x:%x::%x" % (r.randrange(1 << 16), r.randrange(1 << 16), r.randrange(1 << 16))
        return "%d.%d.%d.%d" % (r.choice([31, 46, 77, 84, 89, 95, 101, 176, 188, 203]),
                                r.randrange(256), r.randrange(256), r.randrange(1, 255))

    def address(self, name):
        r = self.rng
        local = "".join(c for c in name.lower() if c.isascii() and c.isalnum()) or "user"
        local = f"{local}{r.randint(1, 9999)}"
        domain = r.choice(THROWAWAY) if r.random() < 0.01 else (
            r.choice(PROVIDERS) if r.random() < 0.8 else f"{r.choice(WORDS)}{r.randint(1, 500)}.example")
        return f"{local}@{domain}"

    def emit(self, ts, form, ip, agent, fields, label, issued=None, recipient=None):
        event = {"ts": round(ts, 3), "kind": "form", "form": form, "ip": ip, "user_agent": agent,
                 "fields": fields, "roles": ROLES[form]}
        if label != "legit":
            event["label"] = label
        if recipient is not None:
            event["recipient"] = recipient
        if issued is not None:
            event["token"] = token(form, int(issued * 1000), self.rng)  # milliseconds
        self.events.append(event)

    def person_name(self):
        r = self.rng
        script = r.choices(list(SCRIPT_WEIGHTS), list(SCRIPT_WEIGHTS.values()))[0]
        first, last = NAMES[script]
        return r.choice(first), r.choice(last)

    def message(self):
        r = self.rng
        parts = [self.fill(r.choice(OPENERS))]
        parts += [self.fill(r.choice(SENTENCES)) for _ in range(r.randint(1, 3))]
        parts.append(self.fill(r.choice(CLOSERS)))
        text = " ".join(p for p in parts if p)
        if "{link}" in text:
            link = " ".join(p for p in (self.fill(r.choice(LINK_LEADS)),
                                        self.fill(r.choice(HONEST_LINKS)),
                                        self.fill(r.choice(LINK_TAILS))) if p)
            text = text.replace("{link}", link, 1).replace("{link}", "")
        return text

    def people(self, days, every_s):
        r = self.rng
        t = START
        while t < START + days * DAY:
            t += r.expovariate(1 / every_s)
            name, last = self.person_name()
            email = self.address(name)
            ip, agent = self.person_ip(), r.choice(BROWSERS)
            # Time from rendering the page to sending: mostly a minute or two, some leave the
            # tab open for hours (their token has expired: a small signal, not a refusal).
            fill = min(r.lognormvariate(4.2, 0.9), 6 * 3600) + 4
            form = r.choices(["signup", "contact", "newsletter", "quiz"], [3, 4, 2, 1])[0]
            if form == "signup":
                fields = {"first_name": name, "last_name": last, "email": email,
                          "password": "correct horse %d" % r.randrange(10**6), "website": ""}
            elif form == "contact":
                fields = {"name": f"{name} {last}".strip(), "email": email,
                          "subject": self.fill("About my {w}"), "message": self.message(),
                          "website": ""}
            elif form == "newsletter":
                fields = {"email": email, "website": ""}
            else:
                fields = {"name": name, "email": email,
                          "answer": self.fill("My favourite is the {w}, because of the {w2}."),
                          "website": ""}
            self.emit(t, form, ip, agent, fields, "legit", issued=t - fill)

    def proxy_ip(self):
        r = self.rng
        return "%d.%d.%d.%d" % (r.choice([5, 37, 45, 91, 103, 185, 194]), r.randrange(256),
                                r.randrange(256), r.randrange(1, 255))

    def victim(self, domain=None):
        r = self.rng
        return f"{r.choice(WORDS)}.{r.choice(WORDS)}{r.randint(1, 99999)}@" + (
            domain or r.choice(PROVIDERS + ["corp%d.example" % r.randint(1, 300)]))

    def campaign_times(self, start, count, spread):
        return sorted(start + self.rng.uniform(0, spread) for _ in range(count))

    def lure_in_name(self, start):
        r = self.rng
        lures = ["WIN $5000 now: https://prize-{n}.example.com/claim", "Your payout at cashwin{n}.top",
                 "Write win{n}@gmail.com for your reward", "Call +1 (555) 01{n} to claim",
                 "Bitcoin x10 👉 t.me/cryptosignals{n}", "<a href=//promo{n}.example>gift</a>"]
        for t in self.campaign_times(start, 400, 20 * 3600):
            fields = {"first_name": r.choice(lures).format(n=r.randint(10, 99)), "last_name": "",
                      "email": self.victim(), "password": "x", "website": ""}
            self.emit(t, "signup", self.proxy_ip(), r.choice(BROWSERS), fields, "lure_in_name",
                      issued=t - r.uniform(2, 30))

    def unique_link(self, start):
        r = self.rng
        domains = ["secure-verify-account.com", "parcel-redelivery.net", "acct-confirm.info"]
        for t in self.campaign_times(start, 300, 20 * 3600):
            name = f"{r.choice(FIRST)} {r.choice(LAST)}".strip()
            link = f"https://{r.choice(domains)}/c/{r.getrandbits(48):012x}"
            fields = {"name": name, "email": self.victim(), "subject": "Your account",
                      "message": f"Hello {name}, your account is on hold until you confirm your "
                                 f"details at {link} within 24 hours, thank you.",
                      "website": ""}
            self.emit(t, "contact", self.proxy_ip(), r.choice(BROWSERS), fields, "unique_link",
                      issued=t - r.uniform(20, 120))

    def rotating_ips(self, start):
        r = self.rng
        for t in self.campaign_times(start, 300, 20 * 3600):
            fields = {"name": r.choice(FIRST), "email": self.victim(),
                      "answer": f"Earn {r.randint(2, 9)}0% a week with our crypto trading bot, "
                                f"call our advisers on +44 20 7946 {r.randint(1000, 9999)} or "
                                f"join at coinmax-profit.io today",
                      "website": ""}
            self.emit(t, "quiz", self.proxy_ip(), r.choice(BROWSERS), fields, "rotating_ips",
                      issued=t - r.uniform(10, 90))

    def slow_drip(self, start):
        r = self.rng
        t = start
        for _ in range(150):
            t += r.uniform(300, 900)
            name = r.choice(FIRST)
            fields = {"name": name, "email": self.victim("victimcorp.example"),
                      "subject": "Invoice", "message": f"Dear {name}, please find the invoice "
                      f"for your order at https://invoice-share{r.randint(1, 3)}.net/d/"
                      f"{r.getrandbits(40):010x} and pay within three days.", "website": ""}
            self.emit(t, "contact", self.proxy_ip(), r.choice(BROWSERS), fields, "slow_drip",
                      issued=t - r.uniform(30, 200))

    def header_injection(self, start):
        r = self.rng
        for t in self.campaign_times(start, 200, 20 * 3600):
            kind = r.randrange(3)
            victim = self.victim()
            name, email = r.choice(FIRST), victim
            if kind == 0:
                name = f"{name}\r\nBcc: {self.victim()}, {self.victim()}"
            elif kind == 1:
                email = f"{victim}, {self.victim()}, {self.victim()}"
            else:
                email = f"\"Prize department\" <{victim}>"
            fields = {"name": name, "email": email, "subject": "Hi", "message": "Hello",
                      "website": ""}
            self.emit(t, "contact", self.proxy_ip(), r.choice(BROWSERS), fields,
                      "header_injection", issued=t - r.uniform(5, 60), recipient=victim)

    def naive_bot(self, start):
        r = self.rng
        ip = self.proxy_ip()
        for t in self.campaign_times(start, 300, 3 * 3600):
            fields = {"email": self.victim(), "website": "https://seo-links.example/"}
            self.emit(t, "newsletter", ip, "python-requests/2.31", fields, "naive_bot")

    def write(self, out, warmup_days=4):
        import json
        self.people(warmup_days + 1, every_s=30)
        attack_start = START + warmup_days * DAY
        for campaign in (self.lure_in_name, self.unique_link, self.rotating_ips, self.slow_drip,
                         self.header_injection, self.naive_bot):
            campaign(attack_start + self.rng.uniform(0, 3600))
        self.events.sort(key=lambda e: e["ts"])
        for event in self.events:
            out.write(json.dumps(event, ensure_ascii=False, separators=(", ", ": ")))
            out.write("\n")
        return len(self.events), attack_start
