#!/usr/bin/env python3
"""forms_fresh: the web forms of shop.example right after the form guard was installed.

No history: every link domain is new, every recipient domain is new. Honest traffic
includes popular links that many different people paste into their own messages (a
bug-tracker issue, an event page, a documentation page), each mailing their own address;
classes and offices signing up together from one address; names from everywhere; people who
double-click, leave the tab open for hours, or use a throwaway address. Abuse: one lure to
many strangers from rotating addresses, lures that spell the domain out, unique links per
victim, honeypot bots, replayed tokens, subscription bombing of one address.

Render tokens are signed with bench/coastguard.toml's [forms] secret, as the site would.
"""
import hashlib
import hmac
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (DAY, HOUR, T_BASE, FAR_FIRST, HOSTING_FIRST, FREEMAIL, Network, Space,  # noqa: E402
                    main_args, person, v4, word_domain)

SECRET = b"bench-form-secret"

NAMES = [
    ("Zoë", "Martin"), ("José-María", "García López"), ("Siobhán", "O'Brien"), ("Nguyễn", "Văn An"),
    ("李", "雷"), ("王", "芳"), ("Ørjan", "Søndergård"), ("Αλέξανδρος", "Παπαδόπουλος"),
    ("Олександр", "Шевченко"), ("Анастасия", "Иванова"), ("محمد", "الأحمد"), ("فاطمة", "حسن"),
    ("अर्जुन", "शर्मा"), ("さくら", "田中"), ("Jürgen", "Müller-Lüdenscheidt"), ("Łukasz", "Wiśniewski"),
    ("Çağrı", "Yılmaz"), ("Søren", "Kierkegaard"), ("Dvořák", "Antonín"), ("Björk", "Guðmundsdóttir"),
    ("Mary-Kate", "van der Berg"), ("D'Angelo", "Russo"), ("Ngozi", "Okonjo-Iweala"), ("Thảo", "Trần"),
    ("민준", "김"), ("Yitzhak", "Ben-David"), ("אורי", "כהן"), ("สมชาย", "ใจดี"), ("Ana Lúcia", "Conceição"),
    ("Jean-Luc", "Picard"), ("Ölüm", "Şahin"), ("Hélène", "Lefèvre"), ("Kwabena", "Mensah"),
    ("Ædan", "Mac Gabráin"), ("Ruairí", "Ó Súilleabháin"), ("Dr. Hans", "Meier"), ("Prof. Ingrid", "Larsen"),
]
UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.86 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
]
BOT_UAS = ["python-requests/2.32.3", "", "curl/8.5.0", "Go-http-client/1.1",
           "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36"]

POPULAR = [
    ("issue", "https://github.com/{w1}-{w2}/{w3}/issues/{n}"),
    ("event", "https://www.eventbrite.com/e/{w1}-{w2}-festival-tickets-{n}{n}"),
    ("docs", "https://docs.python.org/3/library/{doc}.html"),
    ("event", "https://www.meetup.com/{w1}-{w2}-group/events/{n}{n}/"),
    ("docs", "https://developer.mozilla.org/en-US/docs/Web/API/{api}"),
    ("issue", "https://gitlab.com/{w1}/{w3}/-/issues/{n}"),
    ("qa", "https://stackoverflow.com/questions/{n}{n}/{w1}-{w2}-{w3}"),
    ("video", "https://www.youtube.com/watch?v={yt}"),
]
TEXT_OPENERS = ["Hi,", "Hello there,", "Good morning,", "Dear team,", "Hey!", "Hallo,", "Bonjour,",
                "Hi shop team,", "", "Greetings,"]
TOPIC = {
    "issue": ["I think I hit the same bug as {u} - the export stops at 99%.",
              "Is {u} the reason my order page is blank? Same error here.",
              "your app crashes like in {u}, any workaround?",
              "following up on {u}: still happens with the latest version for me"],
    "event": ["Will your stand be at {u}? I'd love to see the new range.",
              "saw you're listed on {u} - can I pick up my order there?",
              "Are you sponsoring {u} again this year? We met there last time.",
              "I registered for {u}, is there a discount code for attendees?"],
    "docs": ["Your API integration guide points to {u} but the example fails.",
             "According to {u} this should work, but the webhook never fires.",
             "I followed {u} and get a timeout on the callback."],
    "qa": ["Found {u} which describes my checkout problem exactly.",
           "{u} suggests clearing cookies, did not help though."],
    "video": ["Loved your review video {u} - do you ship to Norway?",
              "Is the product in {u} still available?"],
}
FILLER = ["Order number is {o}.", "Thanks a lot!", "Best regards", "Cheers", "Kind regards,",
          "My account email is the one above.", "Could you call me back tomorrow?",
          "Please reply when you can.", "I'm using Firefox on Windows.", "Sent from my phone, sorry for typos",
          "The parcel arrived damaged.", "Can I change the delivery address?", "Do you have it in blue?",
          "I would like to return item {o}.", "Is there a student discount?", "Merci beaucoup!",
          "Vielen Dank im Voraus.", "Gracias!", "I have been a customer for years."]


def token(form, issued_ms, nonce):
    msg = "coastguard-form-token\n%s\n%d\n%s" % (form, issued_ms, nonce)
    return "%d.%s.%s" % (issued_ms, nonce, hmac.new(SECRET, msg.encode(), hashlib.sha256).hexdigest())


class Site:
    def __init__(self, rng):
        self.rng = rng
        self.events = []
        self.n = 0
        forms = ["signup"] + rng.sample(["contact", "newsletter", "event"], rng.randint(1, 3))
        if "contact" not in forms and rng.random() < 0.7:
            forms.append("contact")
        self.forms = forms
        self.hp = {f: rng.choice(["website_url", "fax", "address2", "nickname", "company_site",
                                  "hp_field"]) for f in forms}

    def new_token(self, form, ts_issue):
        nonce = "%032x" % self.rng.getrandbits(128)
        return token(form, int(ts_issue * 1000), nonce)

    def submit(self, ts, form, ip, ua, recipient, values, label, seg, tok, hp_value=""):
        """values: role -> value (name, name2, email, subject, text, text2, url)."""
        fields, roles = {}, {}
        if form == "signup":
            fields = {"first_name": values.get("name", ""), "last_name": values.get("name2", ""),
                      "email": recipient, "password": "x" * 12}
            roles = {"first_name": "name", "last_name": "name", "email": "email", "password": "secret"}
        elif form == "contact":
            fields = {"name": values.get("name", ""), "email": recipient,
                      "subject": values.get("subject", ""), "message": values.get("text", "")}
            roles = {"name": "name", "email": "email", "subject": "subject", "message": "text"}
            if values.get("url"):
                fields["website"] = values["url"]
                roles["website"] = "url"
        elif form == "newsletter":
            fields = {"email": recipient, "name": values.get("name", "")}
            roles = {"email": "email", "name": "name"}
        else:
            fields = {"full_name": (values.get("name", "") + " " + values.get("name2", "")).strip(),
                      "email": recipient, "organisation": values.get("text2", ""),
                      "comment": values.get("text", "")}
            roles = {"full_name": "name", "email": "email", "organisation": "text", "comment": "text"}
        hp = self.hp[form]
        fields[hp] = hp_value
        roles[hp] = "honeypot"
        self.n += 1
        d = {"ts": round(ts, 3), "kind": "form", "form": form, "ip": ip}
        if ua is not None:
            d["user_agent"] = ua
        d.update({"recipient": recipient, "id": "s%d" % self.n, "fields": fields, "roles": roles})
        if tok:
            d["token"] = tok
        d["label"] = label
        d["seg"] = seg
        self.events.append((ts, len(self.events), d))


def email_for(rng, first, last, dom=None):
    def ascii(s):
        out = "".join(c for c in s.lower() if "a" <= c <= "z")
        return out or "user%d" % rng.randint(1, 9999)
    a, b = ascii(first), ascii(last)
    local = rng.choice(["%s.%s" % (a, b), a + b, a[0] + b, "%s%d" % (a, rng.randint(1, 99)), b + a[:1]])
    if rng.random() < 0.03:
        local += "+shop"
    return "%s@%s" % (local, dom or rng.choice(FREEMAIL))


def human_fill(rng):
    return min(600.0, max(8.0, rng.lognormvariate(3.8, 0.8)))


def build(seed):
    rng = random.Random(seed)
    hours = rng.uniform(24, 40)
    t0 = T_BASE + rng.randrange(7) * DAY + rng.randrange(24) * HOUR
    t_end = t0 + hours * HOUR
    site = Site(rng)
    sp = Space(rng)
    homes = [Network(sp, rng, "isp%d" % i, 4096, v6=True) for i in range(3)]
    mobile = [Network(sp, rng, "mno%d" % i, rng.choice([64, 512]), v6=True) for i in range(2)]
    far = [Network(sp, rng, "far%d" % i, 1024, firsts=FAR_FIRST) for i in range(2)]
    dc = [Network(sp, rng, "dc%d" % i, 1024, firsts=HOSTING_FIRST) for i in range(2)]
    notes = {}

    def human_ip():
        r = rng.random()
        if r < 0.45:
            return v4(rng.choice(homes).addr4(rng))
        if r < 0.6:
            return rng.choice(homes).addr6(rng)
        if r < 0.85:
            return v4(rng.choice(mobile).addr4(rng))   # CGNAT: shared with strangers
        if r < 0.92:
            return rng.choice(mobile).addr6(rng)
        return v4(rng.choice(far).addr4(rng))

    def person_name():
        if rng.random() < 0.35:
            f, l = rng.choice(NAMES)
            seg = "intl_name"
        else:
            f, l = person(rng)
            f, l = f.capitalize(), l.capitalize()
            seg = "plain"
            r = rng.random()
            if r < 0.05:
                f, l = f.lower(), l.lower()
            elif r < 0.08:
                f, l = f.upper(), l.upper()
            elif r < 0.1:
                l = l + " (" + rng.choice(["ACME GmbH", "Nordbau AG", "self-employed", "Uni Bonn"]) + ")"
            elif r < 0.12:
                f = f + " " + rng.choice(["🌸", "☕", "🙂"])
        return f, l, seg

    # ---------------------------------------------------------------- honest people
    popular = []
    for kind, tmpl in rng.sample(POPULAR, rng.randint(2, 5)):
        url = tmpl.format(w1=rng.choice(["open", "shop", "nord", "data", "green"]),
                          w2=rng.choice(["tools", "fest", "devs", "makers", "expo"]),
                          w3=rng.choice(["cart", "app", "sdk", "plugin"]), n=rng.randint(100, 9999),
                          doc=rng.choice(["json", "asyncio", "csv", "urllib.request"]),
                          api=rng.choice(["Fetch_API", "Web_Storage_API", "WebSocket"]),
                          yt="".join(rng.choice("abcdefghijkXYZ0123456789_-") for _ in range(11)))
        popular.append((kind, url, rng.randint(5, 60)))
    notes["popular"] = len(popular)
    rate = rng.uniform(60, 500)   # honest submissions per hour at peak
    prof = [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 0.9, 1.0, 1.0, 1.0, 0.9, 0.9, 1.0, 1.0,
            1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 0.7, 0.4]
    shares = {"signup": 1.0, "contact": 0.6, "newsletter": 0.8, "event": 0.5}
    weights = [shares[f] for f in site.forms]
    pop_left = [[k, u, n] for k, u, n in popular]
    taken = set()
    t = t0
    n_legit = 0
    while t < t_end:
        h = int((t - t0) // HOUR + (t0 - T_BASE) // HOUR) % 24
        t += rng.expovariate(rate * max(0.05, prof[h]) / HOUR)
        if t >= t_end:
            break
        form = rng.choices(site.forms, weights)[0]
        f, l, seg = person_name()
        r = rng.random()
        rcpt = email_for(rng, f, l)
        while rcpt.lower() in taken:   # two people with one name have two mailboxes
            local, dom = rcpt.split("@")
            rcpt = "%s%d@%s" % (local, rng.randint(1, 999), dom)
        taken.add(rcpt.lower())
        if r < 0.02:
            rcpt = rcpt.split("@")[0] + "@" + rng.choice(["mailinator.com", "guerrillamail.com",
                                                          "10minutemail.com", "yopmail.com"])
            seg = "disposable"
        values = {"name": f, "name2": l}
        if form in ("contact", "event"):
            parts = [rng.choice(TEXT_OPENERS)]
            open_pop = [p for p in pop_left if p[2] > 0]
            if open_pop and rng.random() < 0.25:
                p = rng.choice(open_pop)
                p[2] -= 1
                parts.append(rng.choice(TOPIC[p[0]]).format(u=p[1]))
                seg = "popular_link"
            elif rng.random() < 0.1:
                parts.append("About my order https://shop.example/orders/%d - " % rng.randint(10000, 99999))
                seg = "own_link"
            elif rng.random() < 0.05:
                parts.append("like this one https://en.wikipedia.org/wiki/%s" % rng.choice(
                    ["Bicycle", "Espresso", "Teapot", "Raincoat", "Backpack"]))
                seg = "other_link"
            parts += [rng.choice(FILLER).format(o=rng.randint(10000, 99999)) for _ in range(rng.randint(1, 4))]
            values["text"] = " ".join(p for p in parts if p)
            values["subject"] = rng.choice(["Question", "Order", "Return", "Hello", "Problem with my order",
                                            "Wholesale", ""])
            values["text2"] = rng.choice(["", "", "ACME GmbH", "Freelancer", "Universität Wien", "n/a"])
            if form == "contact" and rng.random() < 0.1:
                values["url"] = "https://%s/" % word_domain(rng)
        ua = rng.choice(UAS)
        ip = human_ip()
        fill = human_fill(rng)
        if rng.random() < 0.03:
            fill = rng.uniform(1.5, 6) * HOUR   # the tab stayed open
            seg = "tab_left_open"
        tok = site.new_token(form, t - fill)
        site.submit(t, form, ip, ua, rcpt, values, "legit", seg, tok)
        n_legit += 1
        if rng.random() < 0.006:   # double click: the same token posted twice
            site.submit(t + rng.uniform(0.2, 1.5), form, ip, ua, rcpt, values, "legit", "double_submit", tok)
    # a class or an office signing up together
    bursts = rng.randint(1, 4)
    for b in range(bursts):
        tb = t0 + rng.uniform(0.5, hours - 1) * HOUR
        ip = v4(rng.choice(homes).addr4(rng))
        dom = rng.choice([word_domain(rng, ("edu", "ac.uk", "de", "school.nz")), None])
        form = rng.choice([f for f in site.forms if f != "contact"] or ["signup"])
        k = rng.randint(3, 25)
        for i in range(k):
            f, l, _ = person_name()
            ts = tb + rng.uniform(0, rng.choice([120, 600, 1200]))
            rcpt = email_for(rng, f, l, dom)
            while rcpt.lower() in taken:
                local, d = rcpt.split("@")
                rcpt = "%s%d@%s" % (local, rng.randint(1, 999), d)
            taken.add(rcpt.lower())
            site.submit(ts, form, ip, rng.choice(UAS), rcpt,
                        {"name": f, "name2": l, "text": "", "text2": "Class 7b" if dom else ""},
                        "legit", "office_burst", site.new_token(form, ts - human_fill(rng)))
    notes["office_bursts"] = bursts

    # ---------------------------------------------------------------- abuse
    t_abuse = t0 + rng.uniform(0.5, min(20, hours - 6)) * HOUR
    kinds = ["lure_campaign", "lure_spelled", "lure_unique", "honeypot_bot", "token_replay",
             "subscription_bomb"]
    chosen = ["lure_campaign"] + rng.sample(kinds[1:], rng.randint(2, 5))
    notes["abuse"] = "+".join(chosen)
    notes["abuse_start_h"] = "%.1f" % ((t_abuse - t0) / HOUR)
    lure_form = [f for f in site.forms if f in ("signup", "event", "contact")] or ["signup"]

    def victims(n):
        out = []
        for _ in range(n):
            f, l = person(rng)
            out.append(email_for(rng, f, l, rng.choice(FREEMAIL + [word_domain(rng)])))
        return out

    def bot_ip(kind):
        if kind == "resi":
            return v4(rng.choice(homes).addr4(rng)) if rng.random() < 0.8 else rng.choice(homes).addr6(rng)
        if kind == "mobile":
            return v4(rng.choice(mobile).addr4(rng))
        return v4(rng.choice(dc).addr4(rng))

    def lure_domain():
        return "%s-%s.%s" % (rng.choice(["prize", "gift", "claim", "bonus", "crypto", "win", "promo"]),
                             rng.choice(["hub", "desk", "center", "now", "zone", "x"]),
                             rng.choice(["top", "xyz", "click", "shop", "live", "icu"]))

    def run(label, count, make, pacing_s, src, fill_mode, ua_mode, start):
        t = start
        ua_fixed = rng.choice(UAS + BOT_UAS)
        for i in range(count):
            t += rng.expovariate(1.0 / pacing_s)
            if t >= t_end:
                break
            form, rcpt, values, hp = make(i)
            fill = rng.uniform(0.1, 2.0) if fill_mode == "instant" else rng.uniform(3.5, 40)
            ua = ua_fixed if ua_mode == "fixed" else (rng.choice(UAS) if ua_mode == "browser" else rng.choice(BOT_UAS))
            site.submit(t, form, bot_ip(src), ua, rcpt, values, label, "abuse", site.new_token(form, t - fill), hp)

    for kind in chosen:
        start = t_abuse + rng.uniform(0, 6 * HOUR)
        src = rng.choice(["resi", "mobile", "dc"])
        fill_mode = rng.choice(["instant", "patient"])
        ua_mode = rng.choice(["browser", "fixed", "bot"])
        if kind == "lure_campaign":
            for c in range(rng.randint(1, 3)):
                dom = lure_domain()
                lure = rng.choice(["url", "url", "phone", "address"])
                text = {"url": "Congratulations! Claim your reward at https://%s/r/%d" % (dom, rng.randint(100, 999)),
                        "phone": "Your refund is ready, call +1 (888) 555-%04d today" % rng.randint(0, 9999),
                        "address": "Winner! Write to claims.desk%d@%s now" % (rng.randint(1, 99), dom)}[lure]
                where = rng.choice(["name", "name", "text"])
                vs = victims(rng.randint(40, 500))
                form = rng.choice(lure_form)

                def make(i, vs=vs, text=text, where=where, form=form):
                    v = {"name": text, "name2": ""} if where == "name" else \
                        {"name": person(rng)[0].capitalize(), "name2": "", "text": text + " " + rng.choice(FILLER).format(o=i)}
                    return form, vs[i], v, ""
                run(kind, len(vs), make, rng.uniform(5, 120), src, fill_mode, ua_mode, start)
                start += rng.uniform(1, 6) * HOUR
        elif kind == "lure_spelled":
            base = lure_domain()
            name, tld = base.rsplit(".", 1)
            fw = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in base)
            spell = [name + " dot " + tld, name + "[.]" + tld, " ".join(base), fw,
                     name[:3] + "\u200b" + name[3:] + "." + tld, name + "(dot)" + tld,
                     name + " . " + tld, base.replace("o", "\u043e"), name.upper() + " DOT " + tld.upper(),
                     name + "\u2024" + tld]
            variants = rng.sample(spell, rng.randint(3, len(spell)))
            vs = victims(rng.randint(40, 400))
            form = rng.choice(lure_form)

            def make(i, vs=vs, variants=variants, form=form):
                sp_ = rng.choice(variants)
                return form, vs[i], {"name": rng.choice(["Visit ", "Go to ", "Claim at ", "🎁 "]) + sp_,
                                     "name2": rng.choice(["", "now", "today"])}, ""
            run(kind, len(vs), make, rng.uniform(5, 90), src, fill_mode, ua_mode, start)
        elif kind == "lure_unique":
            vs = victims(rng.randint(100, 800))
            form = rng.choice(lure_form)
            greet = ["Hi", "Hello", "Dear friend", "Attention", "Good news"]
            body = ["your parcel is waiting", "you have an unclaimed bonus", "your account needs verification",
                    "a payment of 450 EUR is pending", "you were selected"]

            def make(i, vs=vs, form=form):
                link = "https://%s%d.%s/%x" % (rng.choice(["go", "my", "get", "verify"]), rng.randint(10, 99999),
                                               rng.choice(["top", "xyz", "site", "online"]), rng.getrandbits(32))
                t = "%s, %s: %s" % (rng.choice(greet), rng.choice(body), link)
                if form in ("contact", "event") and rng.random() < 0.5:
                    return form, vs[i], {"name": person(rng)[0].capitalize(), "text": t}, ""
                return form, vs[i], {"name": t, "name2": ""}, ""
            run(kind, len(vs), make, rng.uniform(3, 60), src, fill_mode, ua_mode, start)
        elif kind == "honeypot_bot":
            n = rng.randint(50, 600)
            tok_mode = rng.choice(["valid", "none", "stale"])
            for i in range(n):
                start += rng.expovariate(1.0 / rng.uniform(10, 200))
                if start >= t_end:
                    break
                form = rng.choice(site.forms)
                f, l = person(rng)
                tok = None if tok_mode == "none" else site.new_token(
                    form, start - (rng.uniform(0.1, 5) if tok_mode == "valid" else rng.uniform(3, 30) * HOUR))
                site.submit(start, form, bot_ip(src), rng.choice(BOT_UAS + UAS[:1]),
                            email_for(rng, f, l), {"name": f.capitalize(), "name2": l.capitalize(),
                                                   "text": "Nice site " + rng.choice(FILLER).format(o=i),
                                                   "subject": "hello", "url": "https://%s/" % word_domain(rng)},
                            kind, "abuse", tok, hp_value=rng.choice(["http://%s/" % word_domain(rng), "1", f]))
            notes["honeypot_tokens"] = tok_mode
        elif kind == "token_replay":
            form = rng.choice(site.forms)
            mode = rng.choice(["one", "few", "other_form"])
            toks = [site.new_token(form, start - rng.uniform(5, 60)) for _ in range(1 if mode == "one" else 5)]
            if mode == "other_form":
                other = [f for f in ["signup", "contact", "newsletter", "event"] if f != form][0]
                toks = [site.new_token(other, start - 10)]
            lure_dom = lure_domain()
            for i in range(rng.randint(30, 400)):
                start += rng.expovariate(1.0 / rng.uniform(5, 120))
                if start >= t_end:
                    break
                f, l = person(rng)
                name = f.capitalize() if rng.random() < 0.6 else "Cheap deals at %s" % lure_dom
                site.submit(start, form, bot_ip(src), rng.choice(UAS), email_for(rng, f, l),
                            {"name": name, "name2": l.capitalize(), "text": "hello " + f, "subject": "hi"},
                            kind, "abuse", rng.choice(toks))
            notes["replay"] = mode
        elif kind == "subscription_bomb":
            for v in range(rng.randint(1, 3)):
                f, l = person(rng)
                victim = email_for(rng, f, l, rng.choice(["gmail.com", "outlook.com", word_domain(rng)]))
                local, dom = victim.split("@")
                n = rng.randint(15, 200)
                t = start
                for i in range(n):
                    t += rng.expovariate(1.0 / rng.uniform(20, 300))
                    if t >= t_end:
                        break
                    r = rng.random()
                    addr = victim if r < 0.5 else ("%s+%d@%s" % (local, rng.randint(1, 999), dom) if r < 0.75 else
                                                   (victim.upper() if r < 0.85 else
                                                    ".".join(local) + "@" + dom if dom == "gmail.com" else victim.capitalize()))
                    form = rng.choice([x for x in site.forms if x != "contact"] or site.forms)
                    g, m = person(rng)
                    site.submit(t, form, bot_ip(src), rng.choice(UAS), addr,
                                {"name": g.capitalize(), "name2": m.capitalize(), "text": ""}, kind, "abuse",
                                site.new_token(form, t - rng.uniform(4, 60)))
                start += rng.uniform(0.5, 4) * HOUR
    events = [e for e in site.events if t0 <= e[0] < t_end]
    events.sort(key=lambda e: (e[0], e[1]))
    return events, notes, seed


def main():
    args = main_args(__doc__)
    events, notes, seed = build(args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    counts = {}
    with open(args.out + ".tmp", "w", encoding="utf-8") as f:
        for _, _, e in events:
            f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")
            counts[e["label"]] = counts.get(e["label"], 0) + 1
    os.replace(args.out + ".tmp", args.out)
    sys.stderr.write("forms_fresh seed %d: %d lines (%s)\n  %s\n" % (
        seed, len(events), ", ".join("%s %d" % kv for kv in sorted(counts.items())),
        "; ".join("%s=%s" % kv for kv in sorted(notes.items()))))


if __name__ == "__main__":
    main()
