#!/usr/bin/env python3
"""Adversarial web-form traffic generator (independent of the guard's internals).

  forms_adversary.py --seed N --out FILE [--secret bench-form-secret] [--stats]

Writes JSON lines of kind "form", sorted by ts: one site's forms over 24-48 h from a fresh
install. Honest traffic is deliberately messy; attackers adapt (fresh valid tokens, human fill
times, real browser UAs, residential/mobile/IPv6 rotation, spun and obfuscated lures).
Standard library only.
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import math
import random
import re
import sys
import unicodedata

# --------------------------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------------------------

def W(s):
    return s.split()

LOCALES = {
    # code: (firsts, lasts, providers, tz offset from UTC, script)
    "en": (W("James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara "
             "Richard Susan Joseph Jessica Thomas Sarah Chris Karen Daniel Nancy Matthew Lisa Anthony "
             "Betty Mark Sandra Steven Ashley Paul Emily Andrew Donna Josh Michelle Kevin Amanda Brian "
             "Melissa Liam Olivia Noah Emma Oliver Ava Ethan Sophia Aiden Chloe Grace Harper Wyatt Zoe "
             "Siobhan Aoife Niamh Declan Rhys Bethan Jo Al Ed Mo"),
           W("Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
             "Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill "
             "Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans "
             "Edwards Collins O'Brien McDonald Murphy Kelly Sullivan Ng Li O'Neill St.John Fitzgerald-Hughes"),
           W("gmail.com gmail.com gmail.com outlook.com hotmail.com yahoo.com icloud.com aol.com "
             "comcast.net btinternet.com sky.com proton.me fastmail.com hotmail.co.uk live.com"), -5, "latin"),
    "de": (W("Lukas Leon Finn Jonas Paul Felix Lena Hannah Anna Mia Lea Laura Julia Sophie Katharina "
             "Jürgen Uwe Sabine Petra Birgit Klaus Stefan Andreas Jörg Günther Björn Maximilian Süleyman"),
           W("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
             "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann "
             "Lange Weiß von_Bülow"),
           W("gmx.de gmx.de web.de web.de t-online.de gmail.com posteo.de outlook.de freenet.de mailbox.org"), 1, "latin"),
    "es": (W("José Juan Carlos Luis Javier Miguel Alejandro Sofía Lucía María Carmen Ana Isabel Laura "
             "Pablo Diego Sergio Álvaro Íñigo Nuria Pilar Begoña María_José"),
           W("García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz "
             "Hernández Díaz Moreno Muñoz Álvarez Romero Navarro Torres Domínguez Vázquez Ramos Gil "
             "de_la_Cruz Núñez"),
           W("gmail.com gmail.com hotmail.es yahoo.es outlook.es telefonica.net"), 1, "latin"),
    "fr": (W("Jean Pierre Michel Philippe Nicolas Julien Camille Léa Manon Chloé Inès Élodie Hélène "
             "François Amélie Benoît Gaëlle Jérôme Céline Zoé Théo Jean-Baptiste Anne-Sophie"),
           W("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
             "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
             "Dupont Lambert Bonnet"),
           W("orange.fr free.fr laposte.net gmail.com sfr.fr wanadoo.fr hotmail.fr"), 1, "latin"),
    "it": (W("Giuseppe Giovanni Antonio Mario Luigi Francesco Alessandro Marco Giulia Chiara "
             "Francesca Sara Martina Valentina Federica Elena Niccolò Lucia"),
           W("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
             "De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti"),
           W("libero.it virgilio.it gmail.com alice.it tiscali.it hotmail.it"), 1, "latin"),
    "pl": (W("Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Łukasz Anna Katarzyna Małgorzata "
             "Agnieszka Barbara Ewa Magdalena Joanna Zofia Wojciech Grzegorz"),
           W("Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
             "Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk"),
           W("wp.pl o2.pl onet.pl interia.pl gmail.com"), 1, "latin"),
    "pt": (W("João Pedro Lucas Gabriel Matheus Rafael Ana Maria Juliana Fernanda Beatriz Larissa "
             "Camila Letícia Thiago Vinícius Luíza Júlia Gonçalo"),
           W("Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro "
             "Martins Carvalho Araújo Rocha Almeida Nascimento"),
           W("uol.com.br bol.com.br gmail.com gmail.com hotmail.com yahoo.com.br terra.com.br"), -3, "latin"),
    "tr": (W("Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Fatma Ayşe Emine Hatice Zeynep Elif "
             "Özge Çağla Gökhan Şule"),
           W("Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç "
             "Aslan Çetin Kara Koç Kurt"),
           W("gmail.com hotmail.com yandex.com.tr outlook.com"), 3, "latin"),
    "vi": (W("An Bình Cường Dũng Hà Hương Lan Linh Minh Ngọc Phương Quang Thảo Trang Tuấn"),
           W("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ"),
           W("gmail.com yahoo.com.vn gmail.com"), 7, "latin"),
}

# non-Latin: (native, romanised) pairs
NONLATIN = {
    "zh": ([("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
            ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"),
            ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("子涵", "zihan"), ("浩然", "haoran")],
           [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
            ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("欧阳", "ouyang")],
           W("163.com qq.com 126.com gmail.com foxmail.com sina.com"), 8, "han"),
    "ja": ([("翔太", "shota"), ("陽菜", "hina"), ("結衣", "yui"), ("大翔", "hiroto"), ("美咲", "misaki"),
            ("健太", "kenta"), ("さくら", "sakura"), ("蓮", "ren"), ("葵", "aoi"), ("悠真", "yuma")],
           [("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"), ("伊藤", "ito"),
            ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"), ("小林", "kobayashi")],
           W("docomo.ne.jp ezweb.ne.jp yahoo.co.jp gmail.com icloud.com softbank.ne.jp"), 9, "jp"),
    "ko": ([("민준", "minjun"), ("서연", "seoyeon"), ("지훈", "jihoon"), ("하은", "haeun"), ("도윤", "doyoon"),
            ("지우", "jiwoo"), ("예준", "yejun"), ("수빈", "subin")],
           [("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"), ("강", "kang")],
           W("naver.com daum.net gmail.com hanmail.net"), 9, "hangul"),
    "ru": ([("Дмитрий", "dmitry"), ("Алексей", "alexey"), ("Сергей", "sergey"), ("Андрей", "andrey"),
            ("Ольга", "olga"), ("Наталья", "natalia"), ("Екатерина", "ekaterina"), ("Анна", "anna"),
            ("Иван", "ivan"), ("Татьяна", "tatiana"), ("Юлия", "yulia"), ("Олександр", "oleksandr")],
           [("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"), ("Попов", "popov"),
            ("Петренко", "petrenko"), ("Соколов", "sokolov"), ("Шевченко", "shevchenko")],
           W("mail.ru yandex.ru gmail.com bk.ru inbox.ru ukr.net"), 3, "cyrillic"),
    "ar": ([("محمد", "mohammed"), ("أحمد", "ahmed"), ("علي", "ali"), ("عمر", "omar"), ("فاطمة", "fatima"),
            ("عائشة", "aisha"), ("مريم", "maryam"), ("يوسف", "youssef"), ("نور", "nour")],
           [("العلي", "alali"), ("الحسن", "alhassan"), ("الشمري", "alshammari"), ("المصري", "elmasry"),
            ("حداد", "haddad"), ("خوري", "khoury")],
           W("gmail.com hotmail.com yahoo.com outlook.sa"), 3, "arabic"),
    "el": ([("Γιώργος", "giorgos"), ("Μαρία", "maria"), ("Ελένη", "eleni"), ("Δημήτρης", "dimitris"),
            ("Νίκος", "nikos"), ("Κατερίνα", "katerina")],
           [("Παπαδόπουλος", "papadopoulos"), ("Γεωργίου", "georgiou"), ("Νικολάου", "nikolaou"),
            ("Οικονόμου", "oikonomou")],
           W("gmail.com yahoo.gr otenet.gr hotmail.com"), 2, "greek"),
    "hi": ([("प्रिया", "priya"), ("राहुल", "rahul"), ("अमित", "amit"), ("नेहा", "neha"), ("अंजलि", "anjali"),
            ("विक्रम", "vikram")],
           [("शर्मा", "sharma"), ("वर्मा", "verma"), ("गुप्ता", "gupta"), ("सिंह", "singh"), ("पटेल", "patel")],
           W("gmail.com rediffmail.com yahoo.co.in outlook.com"), 5, "devanagari"),
}

NICKS = W("darkwolf sunnygirl mrbean gamer4life pixiedust kittylover bluesky tigerlily dragonslayer "
          "coffeeaddict techguy soccermom harleyrider moonchild nightowl bookworm surferdude "
          "cheekymonkey lazycat rainbowunicorn grumpybear skaterboi vinylhead trailrunner "
          "pizzalover cloud9 bigfoot stargazer misspiggy jedimaster")
ROLE_LOCALS = W("info info sales office contact hello admin accounts team bookings enquiries "
                "reception orders support billing hr events")
TITLES = ["Dr. ", "Prof. ", "Dr.-Ing. ", "Mr ", "Mrs. ", "Ms ", "Rev. ", "Sir ", "Dott. ", "Mag. ",
          "Prof. Dr. ", "Capt. ", "Hon. ", "Fr. ", "Sr. "]
SUFFIXES = [" Jr.", " III", ", PhD", " MD", " Sr.", ", Esq.", " (retd.)"]
EMOJI = ["🙂", "😊", "🙏", "👍", "❤️", "🌸", "✨", "🎉", "😅", "🐶", "☕", "🇺🇸", "🇩🇪", "🇧🇷", "💪", "😂"]
COMPANY_WORDS = W("bright lane north star blue river oak stone green field silver peak harbor "
                  "maple cedar summit anchor pixel nova vertex atlas orbit quill copper iron "
                  "meadow lumen kite bay fox hollow")
COMPANY_SUFFIX = W("consulting design labs studio solutions logistics media group partners bau "
                   "immobilien tech works dental legal")
TLDS_OK = W("com com com co.uk de fr io net org es it nl com.au ca pl")
TLDS_BAD = W("top xyz shop click online site live icu buzz rest cfd sbs quest lol bond pw cc info")
LURE_WORDS = W("prize gift bonus lucky win claim cash reward star gold prime mega quick safe secure "
               "verify account parcel post track delivery crypto coin wallet pay date love meet chat "
               "promo vip club")
SHORTENERS = W("bit.ly tinyurl.com is.gd t.ly cutt.ly rebrand.ly shorturl.at s.id")
CITIES = W("Leeds Austin Porto Lyon Graz Utrecht Cork Bristol Denver Malmö Gdańsk Bologna")
COUNTRIES = W("Canada Ireland Norway Australia Mexico Japan Switzerland Poland Brazil Iceland")
ITEMS = ["the blue kettle", "a gift voucher", "the trail shoes", "model X200", "the 2-day pass",
         "the winter course", "your starter kit", "the large print", "a family ticket", "the desk lamp"]

UAS = [
    # weight, device, ua
    (14, "d", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36"),
    (5, "d", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 Edg/%d.0.0.0"),
    (3, "d", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0"),
    (5, "d", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.%d Safari/605.1.15"),
    (4, "d", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36"),
    (1, "d", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0"),
    (1, "d", "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36"),
    (1, "d", "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36"),
    (16, "m", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.%d Mobile/15E148 Safari/604.1"),
    (14, "m", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36"),
    (4, "m", "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36"),
    (2, "m", "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Mobile/15E148 Safari/604.1"),
    (2, "a", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/478.0.0.42.108;FBBV/%d;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.6.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]"),
    (2, "a", "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/%d.0.6778.135 Mobile Safari/537.36 Instagram 361.0.0.35.82 Android (33/13; 450dpi; 1080x2177; samsung; SM-A536B; a53x; s5e8825; en_GB; 674675155)"),
    (1, "a", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.%d(0x18003029) NetType/4G Language/zh_CN"),
]
NAIVE_UAS = ["python-requests/2.32.3", "curl/8.5.0", "Go-http-client/1.1",
             "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", ""]

RESI_FIRST = [2, 5, 24, 31, 37, 46, 47, 50, 62, 67, 68, 69, 70, 71, 72, 73, 75, 76, 77, 78, 79, 80, 81,
              82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 108, 109, 112, 115,
              116, 118, 119, 121, 122, 124, 125, 151, 174, 176, 177, 178, 179, 180, 181, 182, 183, 186,
              187, 188, 189, 190, 191, 200, 201, 210, 211, 212, 213, 217, 218, 219, 220, 221, 222, 223]
DC_PREFIX = [(3,), (13,), (18,), (34,), (35,), (44,), (52,), (54,), (138, 197), (139, 59), (142, 93),
             (143, 198), (157, 245), (159, 65), (159, 89), (161, 35), (164, 90), (165, 22), (167, 71),
             (167, 99), (178, 62), (188, 166), (206, 189), (45, 32), (45, 63), (45, 76), (66, 42),
             (95, 179), (108, 61), (149, 28), (5, 161), (78, 46), (88, 198), (95, 216), (116, 202),
             (135, 181), (136, 243), (138, 201), (144, 76), (148, 251), (51, 15), (51, 38), (51, 68),
             (51, 77), (51, 89), (51, 91), (54, 36), (137, 74), (141, 94), (146, 59), (147, 135),
             (149, 56)]
VPN_PREFIX = [(185, 159, 156), (185, 159, 157), (185, 159, 158), (146, 70), (89, 187), (37, 19),
              (193, 176), (45, 87), (169, 150), (212, 102)]
RELAY_PREFIX = [(172, 225), (172, 226), (104, 28), (146, 75)]
V6_RESI = ["2a02:8108::/32", "2003:e2::/32", "2a01:cb00::/24", "2600:1700::/28", "2601::/20",
           "2a00:23c5::/32", "2001:818::/32", "2a02:a03f::/32"]
V6_MOBILE = ["2607:fb90::/32", "2a01:598::/32", "2a02:3030::/32", "2600:387::/32"]
V6_HOST = ["2a01:4f8::/32", "2001:19f0::/32", "2a03:b0c0::/32", "2604:a880::/32", "2001:41d0::/32"]

HOURLY = [0.15, 0.08, 0.05, 0.04, 0.04, 0.06, 0.15, 0.35, 0.6, 0.85, 1.0, 1.0, 0.9, 0.95, 1.0, 0.95,
          0.9, 0.85, 0.8, 0.85, 0.9, 0.8, 0.55, 0.3]

# --------------------------------------------------------------------------------------------
# forms of the site
# --------------------------------------------------------------------------------------------

FORM_SPECS = {
    # key: (id variants, [(slot, [field name variants; None = field absent])])
    "contact": (["contact", "contact-us", "kontakt"],
                [("name", ["name", "your_name", "full_name"]), ("email", ["email", "your_email", "email_address"]),
                 ("subject", ["subject", "topic", None]), ("message", ["message", "comments", "your_message"])]),
    "signup": (["signup", "register", "create-account"],
               [("first", ["first_name", "firstname", "given_name"]), ("last", ["last_name", "surname", None]),
                ("email", ["email", "login_email"]), ("password", ["password", "pass"]),
                ("company", ["company", "organisation", None])]),
    "newsletter": (["newsletter", "subscribe", "mailing-list"],
                   [("email", ["email", "EMAIL", "subscriber_email"]), ("first", ["FNAME", "first_name", None])]),
    "event": (["event-registration", "rsvp", "workshop-signup"],
              [("name", ["attendee_name", "full_name", "name"]), ("email", ["email", "attendee_email"]),
               ("company", ["organisation", "affiliation", None]),
               ("message", ["dietary_requirements", "notes", "comments", None])]),
    "comment": (["comment", "blog-comment"],
                [("name", ["author", "name"]), ("email", ["email"]), ("url", ["url", "website"]),
                 ("message", ["comment"])]),
    "quote": (["quote-request", "get-a-quote"],
              [("name", ["contact_name", "name"]), ("company", ["company_name", "business"]),
               ("email", ["work_email", "email"]), ("url", ["company_website", None]),
               ("message", ["project_details", "requirements"])]),
    "reset": (["password-reset", "forgot-password"], [("email", ["email", "account_email"])]),
    "invite": (["tell-a-friend", "invite"],
               [("name", ["your_name", "sender_name"]), ("friend_email", ["friend_email", "colleague_email"]),
                ("message", ["personal_note", "note"])]),
}
ROLE_OF = {"name": "name", "first": "name", "last": "name", "company": "name", "email": "email",
           "friend_email": "email", "message": "text", "subject": "subject", "url": "url",
           "password": "secret", "honeypot": "honeypot"}
HONEYPOTS = W("nickname fax address2 hp_website confirm_email middle_name phone2 homepage")
HUMAN_FILL = {"contact": 75, "signup": 50, "newsletter": 14, "event": 60, "comment": 100, "quote": 150,
              "reset": 12, "invite": 45}


class Form:
    def __init__(self, key, fid, fields):
        self.key, self.id, self.fields = key, fid, fields  # fields: [(slot, name)]
        self.slots = {s for s, _ in fields}


# --------------------------------------------------------------------------------------------
# generator
# --------------------------------------------------------------------------------------------

class Gen:
    def __init__(self, seed, secret):
        self.r = r = random.Random(seed)
        self.secret = secret
        self.events = []
        self.t0 = 1794200000.0 + r.randint(0, 40 * 86400) + r.random()
        self.hours = r.uniform(24, 48)
        self.t1 = self.t0 + self.hours * 3600
        self.start_hour = r.uniform(0, 24)        # primary audience's local hour at t0
        prim = r.choice(["en", "en", "en", "de", "es", "fr", "it", "pl", "pt", "tr", "ru", "ja", "zh"])
        mix = {k: r.random() ** 2 for k in list(LOCALES) + list(NONLATIN)}
        share = r.uniform(0.45, 0.85)
        tot = sum(v for k, v in mix.items() if k != prim)
        self.locale_w = {k: (share if k == prim else (1 - share) * v / tot) for k, v in mix.items()}
        self.prim_tz = (LOCALES.get(prim) or NONLATIN[prim])[3]
        # site
        keys = ["contact"] + r.sample(["signup", "newsletter", "event", "comment", "quote", "reset", "invite"],
                                      r.randint(2, 5))
        self.forms = {}
        hp = r.choice(HONEYPOTS)
        for k in keys:
            ids, spec = FORM_SPECS[k]
            fields = [(s, r.choice(v)) for s, v in spec]
            fields = [(s, n) for s, n in fields if n]
            if r.random() < 0.75:
                fields.append(("honeypot", hp))
            self.forms[k] = Form(k, r.choice(ids), fields)
        wt = {"contact": 3, "signup": 3, "newsletter": 3, "event": 2, "comment": 1.5, "quote": 0.7,
              "reset": 1.2, "invite": 0.4}
        self.form_w = {k: wt[k] * r.uniform(0.4, 1.6) for k in keys}
        # networks
        self.carriers = []
        for _ in range(r.randint(3, 7)):
            a = r.choice(RESI_FIRST)
            b = r.randint(0, 255)
            self.carriers.append([(a, b, r.randint(0, 255)) for _ in range(r.randint(1, 5))])
        self.companies = [self.company_domain() for _ in range(r.randint(40, 160))]
        self.schools = ["students.%s.k12.%s.us" % (r.choice(COMPANY_WORDS) + "isd", r.choice(W("tx ca oh ny wa"))),
                        "%s.sch.uk" % (r.choice(COMPANY_WORDS) + "-primary"), "stu.%s.edu" % r.choice(COMPANY_WORDS),
                        "schueler.%s-gymnasium.de" % r.choice(COMPANY_WORDS), "eleve.ac-%s.fr" % r.choice(W("lyon nantes lille"))]
        self.honest_people = []
        self.lure_victims = []      # (ts, person, lure text)
        self.nonces = set()

    # ---------------- primitives
    def pick(self, weights):
        r = self.r.random() * sum(weights.values())
        for k, w in weights.items():
            r -= w
            if r <= 0:
                return k
        return k

    def hexs(self, n):
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def rid(self, n, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def company_domain(self):
        r = self.r
        w = r.choice(COMPANY_WORDS)
        if r.random() < 0.5:
            w += r.choice(["", "-"]) + r.choice(COMPANY_WORDS + COMPANY_SUFFIX)
        return "%s.%s" % (w, r.choice(TLDS_OK))

    def token(self, form_id, issued, nonce=None, key=None):
        issued_ms = int(round(issued * 1000))
        if nonce is None:
            nonce = self.hexs(32)
            while nonce in self.nonces:
                nonce = self.hexs(32)
            self.nonces.add(nonce)
        msg = ("coastguard-form-token\n%s\n%d\n%s" % (form_id, issued_ms, nonce)).encode()
        mac = hmac.new(key or self.secret, msg, hashlib.sha256).hexdigest()
        return "%d.%s.%s" % (issued_ms, nonce, mac)

    def local_hour(self, ts, tz_delta=0):
        return ((ts - self.t0) / 3600 + self.start_hour + tz_delta) % 24

    def human_time(self, lo=None, hi=None, tz_delta=0):
        lo = self.t0 if lo is None else max(lo, self.t0)
        hi = self.t1 if hi is None else min(hi, self.t1)
        if hi <= lo:
            return lo
        for _ in range(200):
            t = self.r.uniform(lo, hi)
            if self.r.random() < HOURLY[int(self.local_hour(t, tz_delta))]:
                return t
        return t

    def fill(self, fk, mode="human"):
        r = self.r
        med = HUMAN_FILL.get(fk, 60)
        if mode == "human":
            f = med * math.exp(r.gauss(0, 0.65))
            return max(f, 8.0 + r.random() * 4 if med > 20 else 5.5 + r.random() * 4)
        if mode == "minfill":
            return r.uniform(8.0, 11.0)
        if mode == "slow":
            return r.uniform(90, 600)
        if mode == "stockpile":
            return r.uniform(300, 3600)
        if mode == "stale":
            return r.uniform(3600, 14 * 3600)
        raise ValueError(mode)

    def ua(self, kind=None, prefer=None):
        r = self.r
        pool = [u for u in UAS if (kind is None or u[1] in kind)]
        tot = sum(u[0] for u in pool)
        x = r.random() * tot
        for w, _, s in pool:
            x -= w
            if x <= 0:
                break
        n = s.count("%d")
        vals = []
        for _ in range(n):
            vals.append(r.randint(128, 133) if "Chrome/%d" in s or "rv:%d" in s or "Edg/%d" in s
                        else r.randint(0, 6) if "18_%d" in s or "18.%d" in s or "17.%d" in s
                        else r.randint(40, 700000))
        if "rv:%d" in s:
            vals = [vals[0]] * n
        if "Edg/%d" in s:
            vals = [vals[0]] * n
        if "18_%d" in s:
            vals = [vals[0]] * n
        return s % tuple(vals) if n else s

    # ---------------- addresses
    def v4(self, a=None, b=None, c=None):
        r = self.r
        a = r.choice(RESI_FIRST) if a is None else a
        b = r.randint(0, 255) if b is None else b
        c = r.randint(0, 255) if c is None else c
        return "%d.%d.%d.%d" % (a, b, c, r.randint(1, 254))

    def v6(self, net, plen=None):
        n = ipaddress.ip_network(net)
        plen = plen or n.prefixlen
        base = int(n.network_address) | (self.r.getrandbits(128 - plen) if plen < 128 else 0)
        return str(ipaddress.IPv6Address(base))

    def ip_of(self, net):
        r = self.r
        if net == "home":
            return self.v4()
        if net == "home6":
            return self.v6(r.choice(V6_RESI))
        if net == "mobile":
            return self.v4(*r.choice(r.choice(self.carriers)))
        if net == "mobile6":
            return self.v6(r.choice(V6_MOBILE))
        if net == "vpn":
            p = r.choice(VPN_PREFIX)
            return self.v4(*p)
        if net == "relay":
            return self.v4(*r.choice(RELAY_PREFIX))
        if net == "dc":
            return self.v4(*r.choice(DC_PREFIX))
        raise ValueError(net)

    # ---------------- people
    def person(self, loc=None, addr=None):
        r = self.r
        loc = loc or self.pick(self.locale_w)
        p = {"loc": loc, "traits": []}
        if loc in NONLATIN:
            firsts, lasts, provs, tz, script = NONLATIN[loc]
            f, fr = r.choice(firsts)
            l, lr = r.choice(lasts)
            if loc in ("zh", "ko"):
                name = l + f
            elif loc == "ja":
                name = l + r.choice([" ", "\u3000", ""]) + f
            else:
                name = f + " " + l
            if loc == "hi" and r.random() < 0.7:
                name = fr.capitalize() + " " + lr.capitalize()
            elif loc == "zh" and r.random() < 0.25:
                eng = r.choice(W("Kevin Vivian Jack Cindy Eric Tina Leo Grace"))
                name = r.choice([eng + " " + lr.capitalize(), name + " (" + eng + ")"])
                fr = eng.lower()
            if any(ord(ch) > 0x2ff for ch in name):
                p["traits"].append("non_latin_name")
        else:
            firsts, lasts, provs, tz, script = LOCALES[loc]
            f = r.choice(firsts).replace("_", " ")
            l = r.choice(lasts).replace("_", " ")
            fr, lr = self.ascii(f), self.ascii(l)
            name = f + " " + l
        p.update(first=name.split(" ")[0], last=" ".join(name.split(" ")[1:]), fr=fr, lr=lr,
                 tz=tz - self.prim_tz + r.choice([0, 0, 0, 0, -1, 1]), provs=provs)
        # how they type their name
        x = r.random()
        if x < 0.05:
            name = r.choice(TITLES) + name
            p["traits"].append("titled_name")
        elif x < 0.08:
            name = name + r.choice(SUFFIXES)
            p["traits"].append("titled_name")
        elif x < 0.14:
            name = name.lower()
        elif x < 0.17:
            name = name.split(" ")[0]
        elif x < 0.19:
            name = name.upper()
        elif x < 0.22:
            name = (name + " " + r.choice(EMOJI)) if r.random() < 0.7 else (r.choice(EMOJI) + name + r.choice(EMOJI))
            p["traits"].append("emoji")
        elif x < 0.24 and script == "latin":
            name = name.split(" ")[0][0] + ". " + " ".join(name.split(" ")[1:])
        p["name"] = name
        p["email"] = addr or self.address(p)
        return p

    @staticmethod
    def ascii(s):
        s = s.replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("đ", "d").replace("ı", "i")
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
        s = re.sub(r"[^A-Za-z0-9]", "", s)
        return s.lower() or "user"

    def address(self, p):
        r = self.r
        f, l = p["fr"], p["lr"]
        prov = r.choice(p["provs"])
        x = r.random()
        if p["loc"] == "zh" and x < 0.3:
            return "%d@qq.com" % r.randint(10**7, 10**10)
        if x < 0.50:
            yy = r.choice(["", "", str(r.randint(60, 99)), str(r.randint(1, 99)), str(r.randint(1960, 2008))])
            local = r.choice([f + "." + l, f + l, f[0] + l, f + "_" + l, l + "." + f, f + yy, f[0] + "." + l])
            if r.random() < 0.4:
                local += yy
            return local + "@" + prov
        if x < 0.66:
            p["traits"].append("nickname_addr")
            return r.choice(NICKS) + r.choice(["", str(r.randint(1, 999)), "_" + str(r.randint(70, 99))]) + "@" + prov
        if x < 0.74:
            p["traits"].append("work_addr")
            return r.choice([f + "." + l, f[0] + l, f]) + "@" + r.choice(self.companies)
        if x < 0.81:
            p["traits"].append("role_addr")
            return r.choice(ROLE_LOCALS) + "@" + r.choice(self.companies)
        if x < 0.86:
            p["traits"].append("shared_family_addr")
            other = self.ascii(r.choice(LOCALES["en"][0]))
            return r.choice(["the%ss" % l, "%sfamily" % l, "%s.and.%s" % (f, other), "%s%s%s" % (f[0], other[0], l),
                             "%sandco%d" % (other, r.randint(1, 99))]) + "@" + prov
        if x < 0.90:
            p["traits"].append("kid_school_addr")
            kid = self.ascii(r.choice(LOCALES["en"][0]))
            return r.choice(["%s.%s%d" % (kid, l, r.randint(10, 40)), "s%d" % r.randint(100000, 999999),
                             "%s%s" % (kid[0], l)]) + "@" + r.choice(self.schools)
        if x < 0.94:
            p["traits"].append("alias_addr")
            return r.choice(["%s@privaterelay.appleid.com" % self.rid(10),
                             "%s.%s%d@duck.com" % (r.choice(COMPANY_WORDS), r.choice(LURE_WORDS[:12]), r.randint(10, 99)),
                             "%s.%s@simplelogin.com" % (self.rid(6, "abcdefghijklmnopqrstuvwxyz"), self.rid(4)),
                             "%s+%s@%s" % (f, r.choice(W("shop news site web 2025 forms")), prov)])
        return f + l[:1] + str(r.randint(1, 9999)) + "@" + prov

    # ---------------- text
    def typo(self, s, p=0.04):
        r = self.r
        out = []
        for ch in s:
            if ch.isalpha() and r.random() < p:
                k = r.random()
                if k < 0.4:
                    continue
                if k < 0.7:
                    out.append(ch + ch)
                    continue
                out.append(r.choice("qwertyuiopasdfghjklzxcvbnm"))
                continue
            out.append(ch)
        return "".join(out)

    def honest_message(self, p, fk):
        r = self.r
        loc = p["loc"]
        item, order = r.choice(ITEMS), "%d%d" % (r.randint(10, 99), r.randint(1000, 99999))
        native = {
            "de": ["Hallo, ich habe %s bestellt (Bestellnr. %s) und noch keine Versandbestätigung bekommen." % (item, order),
                   "Guten Tag, gibt es den Workshop auch am Wochenende? Viele Grüße"],
            "es": ["Hola, ¿hacéis envíos a Canarias? Gracias!", "Buenas, quería saber si %s sigue disponible." % item],
            "fr": ["Bonjour, est-ce que l'atelier est accessible en fauteuil roulant ? Merci d'avance.",
                   "Je n'ai pas reçu ma facture pour la commande %s." % order],
            "ru": ["Здравствуйте! Подскажите, пожалуйста, есть ли доставка в Казахстан?",
                   "Добрый день, не пришло письмо с подтверждением заказа %s." % order],
            "zh": ["您好，请问可以寄到上海吗？运费多少？谢谢", "订单%s还没有发货，请帮忙查一下。" % order],
            "ja": ["はじめまして。イベントの駐車場はありますか？よろしくお願いします。",
                   "注文番号%sの配送状況を教えてください。" % order],
            "ko": ["안녕하세요, 해외 배송 가능한가요? 감사합니다."],
            "ar": ["مرحبا، هل يوجد شحن إلى الإمارات؟ شكرا"],
            "el": ["Καλησπέρα, υπάρχει αποστολή στην Κύπρο;"],
            "pl": ["Dzień dobry, czy jest możliwość odbioru osobistego? Pozdrawiam"],
            "it": ["Buongiorno, vorrei sapere se spedite in Svizzera. Grazie mille"],
            "pt": ["Olá! Vocês entregam em Portugal? Obrigada 😊"],
            "tr": ["Merhaba, siparişim %s hâlâ kargoya verilmedi." % order],
        }
        if fk == "event":
            return r.choice(["", "", "", "Vegetarian please", "vegan 🌱", "Can I bring my son (12)?",
                             "Wheelchair access needed", "no nuts pls", "Gluten free", "I'll arrive ~20 min late",
                             "Coming with 2 colleagues who will register separately"])
        if fk == "comment":
            return r.choice(["Great post, thanks! Tried it and it worked first time.",
                             "Does this still work with the 2025 version? I get an error at step 3.",
                             "I disagree with point 2 — in my experience it's the other way round.",
                             "Thank you!! %s" % r.choice(EMOJI), "Bookmarked. My grandma loved the recipe 😂",
                             "Small typo in the second paragraph: 'teh' -> 'the'."])
        if fk == "quote":
            return r.choice(["We need %d units of %s delivered to %s by end of month. Please quote incl. VAT." % (r.randint(5, 500), item, r.choice(CITIES)),
                             "Looking for a redesign of our website (approx. 15 pages) + hosting. Budget around 5k.",
                             "Could you quote for weekly office cleaning, ~300 m2, %s city centre?" % r.choice(CITIES)])
        if fk == "invite":
            return r.choice(["Thought you'd like this!", "Let's go together?", "", "This is the one I told you about",
                             "Saw this and thought of you 😊", "Mum - this is the course"])
        if loc in native and r.random() < 0.6:
            msg = r.choice(native[loc])
        else:
            msg = r.choice([
                "Hi, I ordered %s last week and haven't received a tracking number yet. Order #%s. Thanks" % (item, order),
                "Hello, do you offer discounts for %s?" % r.choice(["students", "seniors", "schools", "charities", "groups of 10+"]),
                "Can you tell me your opening hours over the holidays?",
                "I'd like to return %s, it arrived damaged. What should I do?" % item,
                "Your website says %s is out of stock, when will it be back?" % item,
                "I was charged twice for order %s, please help" % order,
                "hello i cant log in to my account it says wrong password but I reset it already",
                "Could you send me a quote for %d units of %s?" % (r.randint(2, 200), item),
                "Just wanted to say thank you, %s is great! %s" % (item, r.choice(EMOJI)),
                "Do you ship to %s? And how much would shipping cost?" % r.choice(COUNTRIES),
                "Please remove me from your mailing list.",
                "Please delete my account and all my data (GDPR art. 17).",
                "Is there parking near the venue?",
                "Can I change the name on my booking %s to my husband's?" % order,
                "Hi there! My daughter's school is doing a project on local businesses, could she interview you for 10 minutes?",
                "I'm a journalist at the %s Gazette, can I get a comment on the new store opening?" % r.choice(CITIES),
                "Hi, is the %s position still open? My CV: %s" % (r.choice(["part-time", "weekend", "warehouse"]),
                                                                  r.choice(["https://drive.google.com/file/d/%s/view?usp=sharing" % self.rid(33),
                                                                            "https://www.linkedin.com/in/%s-%s" % (p["fr"], p["lr"]),
                                                                            "attached (can email)"])),
                "My invoice shows the wrong address, it should be %d %s Street." % (r.randint(1, 200), r.choice(COMPANY_WORDS).capitalize()),
            ])
        if r.random() < 0.3:
            msg = r.choice(["Hi, ", "Hello! ", "Dear team, ", "Hey ", "Good morning, "]) + msg[0].lower() + msg[1:]
        if r.random() < 0.35:
            msg += r.choice(["\n\nThanks, %s" % p["first"], "\nRegards\n%s" % p["name"], " Cheers", "\n-- \nSent from my iPhone",
                             "\n%s\n%s" % (p["name"], r.choice(["+44 7700 900%03d" % r.randint(0, 999), "Tel. 0171 %07d" % r.randint(0, 9999999)]))])
        if r.random() < 0.2:
            msg = self.typo(msg)
        if r.random() < 0.06:
            msg += " " + r.choice(EMOJI)
        return msg

    def subject(self, msg):
        r = self.r
        return r.choice(["", "", "Question", "Order", "Hello", "Re: my order", "Enquiry", "Help!!",
                         "Anfrage", "Pregunta", "Feedback", "Booking", "?", msg[:30]])

    # ---------------- emitting
    def emit(self, ts, fk, ip, ua, slots, label="legit", seg="plain", fill=None, token=None, recipient=None,
             issued=None):
        form = self.forms[fk]
        fields, roles = {}, {}
        name = slots.get("name", "")
        for slot, fname in form.fields:
            if slot in slots:
                v = slots[slot]
            elif slot == "first":
                v = name.split(" ")[0] if name else ""
            elif slot == "last":
                v = " ".join(name.split(" ")[1:]) if name else ""
            elif slot == "name":
                v = (slots.get("first", "") + " " + slots.get("last", "")).strip()
            elif slot == "password":
                v = self.rid(self.r.randint(8, 16), "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%")
            else:
                v = ""
            fields[fname] = v
            roles[fname] = ROLE_OF[slot]
        if recipient is None:
            recipient = slots.get("friend_email") if "friend_email" in form.slots else slots.get("email", "")
        if token is None:
            if issued is None:
                issued = ts - (fill if fill is not None else self.fill(fk))
            issued = max(issued, self.t0 + 0.5)
            if issued >= ts:
                ts = issued + 5.5
            token = self.token(form.id, issued)
        if ts > self.t1:
            return None
        ev = {"ts": round(ts, 3), "kind": "form", "form": form.id, "ip": ip, "user_agent": ua,
              "recipient": recipient, "fields": fields, "roles": roles, "token": token,
              "label": label, "seg": seg}
        self.events.append(ev)
        return ev

    def has(self, fk, slot):
        return fk in self.forms and slot in self.forms[fk].slots

    def form_for_person(self, exclude=()):
        w = {k: v for k, v in self.form_w.items() if k not in exclude}
        return self.pick(w)

    def person_slots(self, p, fk, msg=None):
        r = self.r
        s = {"name": p["name"], "email": p["email"]}
        if " " in p["name"] and not p.get("first_override"):
            s["first"], s["last"] = p["name"].split(" ")[0], " ".join(p["name"].split(" ")[1:])
            if "titled_name" in p["traits"] and r.random() < 0.8:
                s["first"], s["last"] = p["first"], p["last"]
        if self.has(fk, "message"):
            s["message"] = msg if msg is not None else self.honest_message(p, fk)
        if self.has(fk, "subject"):
            s["subject"] = self.subject(s.get("message", ""))
        if self.has(fk, "company"):
            x = r.random()
            if "work_addr" in p["traits"] or "role_addr" in p["traits"]:
                dom = p["email"].split("@")[1]
                s["company"] = r.choice([dom, dom.split(".")[0].replace("-", " ").title(), dom.split(".")[0].title() + " Ltd"])
            elif x < 0.2:
                s["company"] = r.choice(["self-employed", "freelance", "n/a", "-", "University of " + r.choice(CITIES)])
        if self.has(fk, "url") and r.random() < 0.35:
            s["url"] = r.choice(["https://%s.wordpress.com" % (p["fr"] + p["lr"]), "https://www.%s" % r.choice(self.companies),
                                 "http://%s.blogspot.com" % p["fr"], "https://github.com/%s%s" % (p["fr"][:1], p["lr"])])
        if p.get("honeypot_fill") and self.has(fk, "honeypot"):
            s["honeypot"] = p["name"].split(" ")[0]
        if fk == "invite":
            s["friend_email"] = self.person()["email"]
        return s

    @staticmethod
    def seg_of(p, default="plain"):
        for t in ("kid_school_addr", "shared_family_addr", "role_addr", "alias_addr", "nickname_addr",
                  "non_latin_name", "titled_name", "emoji", "work_addr"):
            if t in p["traits"]:
                return t
        return p.get("netseg") or default

    def session_net(self, p):
        r = self.r
        if "net" not in p:
            p["net"] = self.pick({"home": 50, "home6": 10, "mobile": 26, "mobile6": 5, "vpn": 3, "relay": 3,
                                  "dc": 0.5})
            if p["net"] in ("vpn", "relay", "dc"):
                p["netseg"] = {"vpn": "vpn_user", "relay": "private_relay", "dc": "cloud_desktop"}[p["net"]]
            elif p["net"] in ("mobile", "mobile6"):
                p["netseg"] = "cgnat_mobile"
            elif p["net"] == "home6":
                p["netseg"] = "ipv6_home"
            p["home_ip"] = self.ip_of(p["net"])
            p["ua"] = self.ua("m" if p["net"].startswith("mobile") or p["net"] == "relay" else None)
        if p["net"] in ("home", "dc"):
            return p["home_ip"]
        if p["net"] == "home6":       # privacy extensions: same /64, new interface id now and then
            if r.random() < 0.5:
                return p["home_ip"]
            hi = int(ipaddress.IPv6Address(p["home_ip"])) >> 64
            return str(ipaddress.IPv6Address((hi << 64) | r.getrandbits(64)))
        return self.ip_of(p["net"])

    # ---------------- honest behaviours
    def honest_individual(self):
        r = self.r
        p = self.person()
        self.honest_people.append(p)
        fk = self.form_for_person()
        t = self.human_time(tz_delta=p["tz"])
        ip = self.session_net(p)
        seg = self.seg_of(p)
        n = 1
        beh = r.random()
        if r.random() < 0.008 and self.has(fk, "honeypot"):
            p["honeypot_fill"] = True
            seg = "autofill_honeypot"
        slots = self.person_slots(p, fk)
        if fk == "invite":
            seg = "invite_friend"
        if beh < 0.02:                                   # tab left open for hours
            f = self.fill(fk, "stale")
            self.emit(t, fk, ip, p["ua"], slots, seg="stale_tab", fill=f)
            return 1
        if beh < 0.03 and fk in ("signup", "newsletter", "reset"):   # email typo, then fixed
            bad = dict(slots)
            e = p["email"]
            lp, dom = e.split("@")
            bad["email"] = r.choice([lp + "@" + dom.replace("gmail", "gmial").replace("hotmail", "hotmial").replace(".com", ".con"),
                                     lp[:-1] + "@" + dom if len(lp) > 2 else lp + "@" + dom + "m", lp + dom.split(".")[0] + "." + dom.split(".")[-1]])
            self.emit(t, fk, ip, p["ua"], bad, seg="typo_then_fix")
            t2 = t + r.uniform(60, 1800)
            self.emit(t2, fk, ip, p["ua"], slots, seg="typo_then_fix")
            return 2
        ev = self.emit(t, fk, ip, p["ua"], slots, seg=seg)
        if ev is None:
            return 0
        if 0.03 <= beh < 0.04:                           # double-click: same token, within a second
            e2 = json.loads(json.dumps(ev))
            e2["ts"] = round(ev["ts"] + r.uniform(0.15, 1.2), 3)
            e2["seg"] = ev["seg"] = "double_click"
            self.events.append(e2)
            n += 1
        elif beh < 0.045 and fk in ("contact", "quote", "event"):   # back button, edit, resubmit old page
            e2 = json.loads(json.dumps(ev))
            e2["ts"] = round(ev["ts"] + r.uniform(40, 400), 3)
            for fname, role in e2["roles"].items():
                if role == "text":
                    e2["fields"][fname] += " " + r.choice(["PS: order number is %d" % r.randint(1000, 9999), "(sorry forgot this)", "Thanks again"])
            e2["seg"] = ev["seg"] = "back_button_resubmit"
            if e2["ts"] < self.t1:
                self.events.append(e2)
                n += 1
        elif beh < 0.075:                                # submits again same day, reloaded page
            slots2 = self.person_slots(p, fk)
            ev["seg"] = "resubmit_same_day"
            if self.emit(t + r.uniform(120, 5 * 3600), fk, self.session_net(p), p["ua"], slots2, seg="resubmit_same_day"):
                n += 1
        elif beh < 0.11:                                 # comes back next day (maybe other form, other network)
            ev["seg"] = "return_next_day"
            fk2 = fk if r.random() < 0.5 else self.form_for_person()
            slots2 = self.person_slots(p, fk2)
            if "message" in slots2 and r.random() < 0.6:
                slots2["message"] = r.choice(["I wrote yesterday but got no reply. ", "Following up on my message from yesterday. ",
                                              "Sorry, me again! "]) + slots2["message"]
            if r.random() < 0.5:
                p.pop("net", None)
            t2 = self.human_time(t + 16 * 3600, t + 32 * 3600, p["tz"])
            if self.emit(t2, fk2, self.session_net(p), p["ua"], slots2, seg="return_next_day"):
                n += 1
        return n

    def faq_wave(self, count):
        r = self.r
        q = r.choice([
            "How do I reset my password? The link in the email doesn't work.",
            "When does registration close?",
            "Is the event wheelchair accessible?",
            "Do you ship internationally?",
            "Where is my order? It says processing since Monday.",
            "Can I get an invoice with my company VAT number on it?",
            "Will the webinar be recorded?",
            "Why was my card declined at checkout?",
        ])
        fk = "contact" if r.random() < 0.8 else r.choice([k for k in self.forms if self.has(k, "message")])
        peak = self.human_time()
        n = 0
        for _ in range(count):
            p = self.person()
            self.honest_people.append(p)
            x = r.random()
            if x < 0.35:
                msg = q
            elif x < 0.6:
                msg = r.choice(["Hi, ", "Hello, ", "hi ", "", "Quick question: "]) + q[0].lower() + q[1:]
            elif x < 0.8:
                msg = q.lower().replace("?", "") + r.choice(["??", " ?", "", " thx", " pls"])
            else:
                msg = self.typo(q, 0.06) + r.choice(["", " Thanks", " Thank you!", "\n" + p["name"]])
            t = peak + r.expovariate(1 / 5400.0) if r.random() < 0.6 else self.human_time(tz_delta=p["tz"])
            if self.emit(t, fk, self.session_net(p), p["ua"], self.person_slots(p, fk, msg), seg="faq_same_question"):
                n += 1
        return n

    def shared_link_wave(self, count):
        r = self.r
        kind = r.choice(["video", "news", "bug", "charity", "event"])
        vid = self.rid(11, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        base = {
            "video": r.choice(["https://youtu.be/%s" % vid, "https://www.youtube.com/watch?v=%s" % vid]),
            "news": "https://www.%s/news/%s-%s-%d" % (r.choice(["bbc.co.uk", "theguardian.com", "spiegel.de", "lemonde.fr", "nytimes.com"]),
                                                    r.choice(COMPANY_WORDS), r.choice(W("store closing expansion recall award")), r.randint(10**7, 10**8)),
            "bug": "https://github.com/%s/%s/issues/%d" % (r.choice(COMPANY_WORDS), r.choice(COMPANY_WORDS) + "-app", r.randint(100, 9999)),
            "charity": "https://www.justgiving.com/page/%s-%s-%d" % (r.choice(COMPANY_WORDS), r.choice(W("fun-run swim bake-sale walk")), r.randint(2024, 2026)),
            "event": r.choice(["https://www.eventbrite.com/e/%s-tickets-%d" % (r.choice(COMPANY_WORDS), r.randint(10**11, 10**12)),
                               "https://forms.gle/%s" % self.rid(17, "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ123456789")]),
        }[kind]
        fk = "contact" if r.random() < 0.7 or not self.has("comment", "message") else "comment"
        trigger = self.human_time(self.t0, self.t1 - 3 * 3600)
        n = 0
        for _ in range(count):
            p = self.person()
            self.honest_people.append(p)
            link = base
            if kind == "video" and r.random() < 0.6:
                link += ("&" if "?" in link else "?") + r.choice(["si=" + self.rid(16, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"),
                                                             "t=%ds" % r.randint(10, 900)])
            elif r.random() < 0.25:
                link += ("&" if "?" in link else "?") + "utm_source=" + r.choice(W("facebook twitter whatsapp newsletter ig"))
            if r.random() < 0.15:
                link = link.replace("https://", "").replace("www.", "")
            core = {
                "video": r.choice(["Just watched this review %s and want to buy the %s. Is the discount code still valid?",
                                   "saw you in this video!! %s do you still have the %s?",
                                   "Hi, the guy in %s said the %s was on sale, is that right?"]),
                "news": r.choice(["Is this true? %s Are you closing the %s store?", "Read this: %s - congrats on the %s news!",
                                  "Saw the article %s. Does this affect my order for %s?"]),
                "bug": r.choice(["Same problem as %s here, the %s crashes on start. Any workaround?",
                                 "I think I'm hitting %s with %s. Please fix!", "%s <- this. Also happens with %s."]),
                "charity": r.choice(["We're doing a fundraiser %s, could you donate %s as a raffle prize?",
                                     "Hi! Would you sponsor me? %s Anything helps, even %s",
                                     "Our school PTA is raising money: %s - maybe %s for the tombola?"]),
                "event": r.choice(["Is this your event? %s I want to bring %s", "Registered via %s but no confirmation yet for %s",
                                   "Friends sent me %s - is %s included?"]),
            }[kind] % (link, r.choice(ITEMS))
            if r.random() < 0.3:
                core = r.choice(["Hi, ", "Hello! ", "Hey there, "]) + core
            if r.random() < 0.3:
                core += r.choice([" Thanks!", " " + p["first"], " 🙏", "\n\nBest, " + p["name"]])
            if r.random() < 0.15:
                core = self.typo(core, 0.03)
            t = trigger + r.expovariate(1 / r.choice([1800.0, 3600.0, 7200.0]))
            ua = self.ua("a") if r.random() < 0.3 else None
            ip = self.session_net(p)
            if self.emit(t, fk, ip, ua or p["ua"], self.person_slots(p, fk, core), seg="shared_popular_link"):
                n += 1
        return n

    def office_group(self, count, kind):
        """Office / school / CGNAT cluster: many people behind one IP or /24."""
        r = self.r
        a = r.choice(RESI_FIRST)
        net = (a, r.randint(0, 255), r.randint(0, 255))
        ips = [self.v4(*net) for _ in range(r.randint(1, 3))]
        dom = r.choice(self.companies) if kind == "office" else r.choice(self.schools)
        okf = ("event", "newsletter", "signup", "contact", "quote") if kind == "office" else ("event", "newsletter", "signup", "contact")
        fk = r.choice([k for k in self.forms if k in okf] or ["contact"])
        if kind == "office":
            start = self.human_time()
            spread = r.choice([1800, 3 * 3600, 8 * 3600])
        else:
            start = self.human_time()
            spread = r.uniform(600, 2400)            # a class registers together
        ua_fleet = self.ua("d")
        n = 0
        for i in range(count):
            p = self.person(loc=self.pick(self.locale_w))
            if kind == "school":
                kid = r.choice(LOCALES["en"][0])
                p["name"] = r.choice([kid + " " + p["last"], kid.lower(), kid + " " + p["last"][:1] + "."]) if p["last"] else kid
                p["email"] = r.choice(["%s.%s%d" % (self.ascii(kid), p["lr"], r.randint(10, 40)), "s%d" % r.randint(100000, 999999)]) + "@" + dom
            else:
                p["email"] = (r.choice([p["fr"] + "." + p["lr"], p["fr"][0] + p["lr"], p["fr"]]) if r.random() < 0.8 else r.choice(ROLE_LOCALS)) + "@" + dom
            self.honest_people.append(p)
            t = start + r.uniform(0, spread)
            ua = ua_fleet if r.random() < 0.6 else self.ua()
            slots = self.person_slots(p, fk)
            if "company" in slots or self.has(fk, "company"):
                slots["company"] = dom.split(".")[0].replace("-", " ").title() if kind == "office" else ""
            if self.emit(t, fk, r.choice(ips), ua, slots, seg="office_nat" if kind == "office" else "school_class_nat"):
                n += 1
        return n

    def group_registrar(self, count):
        """One person registers several others (club secretary, teacher, PA) from one device."""
        r = self.r
        fk = "event" if "event" in self.forms else r.choice(list(self.forms))
        boss = self.person()
        ip = self.session_net(boss)
        t = self.human_time()
        n = 0
        for i in range(count):
            m = self.person()
            self.honest_people.append(m)
            t += r.uniform(25, 150)
            slots = self.person_slots(m, fk)
            if "message" in slots:
                slots["message"] = r.choice(["", "", "Registered by %s" % boss["name"], "member of %s club" % r.choice(COMPANY_WORDS)])
            if self.emit(t, fk, ip, boss["ua"], slots, seg="group_registrar", fill=r.uniform(20, 70)):
                n += 1
        return n

    def flash_crowd(self, count):
        """Site mentioned on TV / big newsletter: burst of honest newsletter/sign-ups."""
        r = self.r
        fk = r.choice([k for k in ("newsletter", "signup", "event") if k in self.forms])
        t0 = self.human_time(self.t0 + 3600, self.t1 - 4 * 3600)
        n = 0
        for _ in range(count):
            p = self.person()
            self.honest_people.append(p)
            t = t0 + r.expovariate(1 / 2400.0)
            ua = self.ua("a") if r.random() < 0.25 else None
            if self.emit(t, fk, self.session_net(p), ua or p["ua"], self.person_slots(p, fk), seg="flash_crowd"):
                n += 1
        return n

    def company_in_name(self, count):
        r = self.r
        n = 0
        for _ in range(count):
            p = self.person(loc="en" if r.random() < 0.5 else None)
            dom = r.choice(self.companies)
            p["name"] = r.choice(["%s | %s" % (p["name"], dom), "%s from %s" % (p["first"], dom.split(".")[0].title() + "." + dom.split(".")[-1]),
                                  "%s (%s)" % (p["name"], dom), "%s.%s" % (dom.split(".")[0].title(), dom.split(".")[-1]),
                                  "Booking.com partner - %s" % p["name"]])
            p["email"] = r.choice([p["fr"], r.choice(ROLE_LOCALS)]) + "@" + dom
            self.honest_people.append(p)
            fk = self.form_for_person()
            slots = self.person_slots(p, fk)
            if self.emit(self.human_time(tz_delta=p["tz"]), fk, self.session_net(p), p["ua"], slots, seg="company_in_name"):
                n += 1
        return n

    def reporting_phish(self, count, samples):
        """Honest people who paste a suspicious mail/link and ask if it's from the site."""
        r = self.r
        n = 0
        for _ in range(count):
            p = self.person()
            self.honest_people.append(p)
            lure = r.choice(samples) if samples else "You have won a gift card, click https://prize-claim.top/x8"
            msg = r.choice(["Is this email from you? \"%s\" Looks like phishing to me.",
                            "FYI someone is sending this in your name: %s",
                            "I got this text: %s -- is it legit?? I almost clicked"]) % lure
            if self.emit(self.human_time(tz_delta=p["tz"]), "contact", self.session_net(p), p["ua"],
                         self.person_slots(p, "contact", msg), seg="reporting_phish"):
                n += 1
        return n

    def victim_complaints(self, rate):
        """Lure victims write to the site from their own address, quoting the lure."""
        r = self.r
        n = 0
        for (t, v, lure) in self.lure_victims:
            if r.random() >= rate:
                continue
            fk = "contact"
            t2 = t + r.uniform(600, 20 * 3600)
            if t2 > self.t1:
                continue
            q = lure[:160]
            msg = r.choice(["I never signed up on your site but I got an email saying: \"%s\". Please remove my address!",
                            "Why is your website sending me this?? \"%s\" STOP",
                            "Your form is being abused, I received: %s",
                            "Someone used my email on your site. The mail said %s -- delete my data please."]) % q
            v = dict(v)
            if self.emit(t2, fk, self.session_net(v), v.get("ua") or self.ua(), self.person_slots(v, fk, msg),
                         seg="victim_complaint"):
                n += 1
        return n

    # ---------------- attack helpers
    def times(self, n, pacing):
        r = self.r
        span = self.t1 - self.t0
        if pacing == "burst":
            dur = r.uniform(0.5, 4) * 3600
            s = r.uniform(self.t0 + r.choice([0, 600, 3600, 6 * 3600]), max(self.t0 + 1, self.t1 - dur))
            return sorted(s + r.uniform(0, dur) for _ in range(n))
        if pacing == "waves":
            k = r.randint(3, 8)
            starts = [r.uniform(self.t0, self.t1 - 3600) for _ in range(k)]
            return sorted(r.choice(starts) + r.uniform(0, r.uniform(600, 2400)) for _ in range(n))
        if pacing == "steady":
            dur = r.uniform(0.4, 0.95) * span
            s = r.uniform(self.t0, self.t1 - dur)
            return sorted(s + r.uniform(0, dur) for _ in range(n))
        if pacing == "diurnal":
            return sorted(self.human_time() for _ in range(n))
        if pacing == "drip":
            gap = r.uniform(8, 45) * 60
            t, out = self.t0 + r.uniform(0, 3600), []
            while t < self.t1 and len(out) < n:
                if r.random() < HOURLY[int(self.local_hour(t))] + 0.2:
                    out.append(t)
                t += gap * r.uniform(0.7, 1.3)
            return out
        raise ValueError(pacing)

    def rotator(self, mode):
        """Returns a function giving (ip, ua) per request."""
        r = self.r
        sticky = {}
        v6base = ipaddress.ip_network(r.choice(V6_RESI + V6_HOST))
        v6_48 = str(ipaddress.IPv6Network((int(v6base.network_address) | (r.getrandbits(48 - v6base.prefixlen) << 80), 48)))
        dc_nets = []
        for _ in range(r.randint(3, 30)):
            p = r.choice(DC_PREFIX)
            dc_nets.append(p + tuple(r.randint(0, 255) for _ in range(3 - len(p))))
        resi_pool = [self.v4() for _ in range(r.randint(200, 4000))]
        ua_mode = r.choice(["rotate", "sticky", "sticky"])

        def nxt():
            m = mode if mode != "mixed" else r.choice(["resi", "mobile", "ipv6", "dc", "resi"])
            if m == "resi":
                ip = self.v4() if r.random() < 0.7 else r.choice(resi_pool)
            elif m == "resi_sticky":
                ip = r.choice(resi_pool[:max(20, len(resi_pool) // 10)])
            elif m == "mobile":
                ip = self.ip_of("mobile") if r.random() < 0.85 else self.ip_of("mobile6")
            elif m == "ipv6":
                ip = self.v6(v6_48) if r.random() < 0.8 else self.v6(str(v6base))
            elif m == "dc":
                ip = self.v4(*r.choice(dc_nets))
            elif m == "vpn":
                ip = self.ip_of(r.choice(["vpn", "vpn", "relay"]))
            else:
                raise ValueError(m)
            if ua_mode == "sticky":
                if ip not in sticky:
                    sticky[ip] = self.ua()
                return ip, sticky[ip]
            return ip, self.ua()
        return nxt

    def victims(self, n, mode):
        r = self.r
        if mode == "one_company":
            dom = r.choice(self.companies)
            out = []
            for _ in range(n):
                v = self.person(loc=self.pick(self.locale_w))
                v["email"] = r.choice([v["fr"] + "." + v["lr"], v["fr"][0] + v["lr"], v["fr"]]) + "@" + dom
                out.append(v)
            return out
        if mode == "one_provider":
            prov = r.choice(["gmail.com", "gmail.com", "yahoo.com", "outlook.com", "qq.com", "gmx.de", "mail.ru"])
            out = []
            for _ in range(n):
                v = self.person()
                lp = v["email"].split("@")[0]
                if lp in ROLE_LOCALS:
                    lp = v["fr"] + str(r.randint(1, 999))
                v["email"] = lp + "@" + prov
                out.append(v)
            return out
        out = [self.person() for _ in range(n)]
        if self.honest_people:
            for i in range(n):
                if r.random() < 0.04:
                    out[i] = r.choice(self.honest_people)   # leaked list overlaps the site's own users
        return out

    def domain_like(self, style):
        r = self.r
        if style == "bad":
            a, b = r.choice(LURE_WORDS), r.choice(LURE_WORDS + COMPANY_WORDS)
            return r.choice(["%s%s%d" % (a, b, r.randint(1, 999)), "%s-%s" % (a, b), "%s%s" % (a, self.rid(3)),
                             "%s-%s-%s" % (a, b, self.rid(2))]) + "." + r.choice(TLDS_BAD)
        return self.company_domain()

    def link(self, style, same=None):
        r = self.r
        if style == "same":
            return same
        if style == "unique_domain":
            return ("https://" if r.random() < 0.6 else "") + self.domain_like("bad") + (("/" + self.rid(r.randint(3, 8))) if r.random() < 0.6 else "")
        if style == "shortener":
            return "https://%s/%s" % (r.choice(SHORTENERS), self.rid(r.randint(5, 8), "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
        if style == "trusted_host":
            u = self.rid(r.randint(6, 12), "abcdefghijklmnopqrstuvwxyz0123456789")
            return r.choice(["https://sites.google.com/view/%s" % u, "https://docs.google.com/forms/d/e/1FAIpQL%s/viewform" % self.rid(40),
                             "https://forms.gle/%s" % self.rid(17), "https://%s.web.app" % u, "https://%s.pages.dev" % u,
                             "https://%s.netlify.app" % u, "https://telegra.ph/%s-%02d-%02d" % (r.choice(W("Bonus Prize Claim Gift Offer")), r.randint(1, 12), r.randint(1, 28)),
                             "https://%s.github.io/%s" % (u, self.rid(4)), "https://linktr.ee/%s" % u, "https://t.me/%s" % u,
                             "https://drive.google.com/file/d/%s/view" % self.rid(33), "https://storage.googleapis.com/%s/index.html" % u,
                             "https://%s.notion.site/%s" % (u, self.rid(32, "0123456789abcdef")), "https://%s.wixsite.com/%s" % (u, self.rid(5))])
        if style == "compromised":
            return "https://www.%s/wp-content/uploads/%d/%02d/%s.html" % (self.company_domain(), r.randint(2019, 2025), r.randint(1, 12), self.rid(8))
        if style == "phone":
            return r.choice(["call +1 (8%d%d) 555-%04d" % (r.randint(0, 8), r.randint(0, 9), r.randint(0, 9999)),
                             "WhatsApp +44 7%03d %06d" % (r.randint(100, 999), r.randint(0, 999999)),
                             "text %d%d%d-%d%d%d-%04d" % tuple([r.randint(2, 9)] + [r.randint(0, 9) for _ in range(5)] + [r.randint(0, 9999)])])
        if style == "handle":
            return r.choice(["Telegram @%s" % (r.choice(W("anna kate olga lisa crypto btc vip lucky")) + "_" + self.rid(4)),
                             "tg: %s%d" % (r.choice(W("bonus_desk claimhelp payout_agent")), r.randint(1, 99)),
                             "search \"%s\" on Google and enter code %d" % (r.choice(LURE_WORDS) + r.choice(LURE_WORDS), r.randint(1000, 9999))])
        raise ValueError(style)

    FULLW = {c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./:-"}
    CYR = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ", "j": "ј", "h": "һ"}

    def obfuscate(self, link, mode):
        r = self.r
        if mode == "none" or not re.search(r"[a-z0-9]\.[a-z]", link):
            return link
        if mode == "mixed":
            mode = r.choice(["none", "dot_word", "bracket", "fullwidth", "zwsp", "cyrillic", "spaced", "odd_dot"])
        m = re.match(r"^(https?://)?([^/]+)(.*)$", link)
        scheme, host, path = m.group(1) or "", m.group(2), m.group(3)
        if mode == "dot_word":
            sep = r.choice([" dot ", " DOT ", "(dot)", " [dot] ", " . "])
            return host.replace(".", sep) + path
        if mode == "bracket":
            return (scheme.replace("http", "hxxp") if r.random() < 0.5 else "") + host.replace(".", r.choice(["[.]", "(.)", "{.}"])) + path
        if mode == "fullwidth":
            return "".join(self.FULLW.get(c, c) for c in host) + path
        if mode == "zwsp":
            z = r.choice(["\u200b", "\u200c", "\u2060", "\u00ad", "\u200d"])
            return scheme + "".join(c + (z if r.random() < 0.5 else "") for c in host) + path
        if mode == "cyrillic":
            return scheme + "".join(self.CYR.get(c, c) if r.random() < 0.6 else c for c in host) + path
        if mode == "spaced":
            return " ".join(host) + path
        if mode == "odd_dot":
            return scheme + host.replace(".", r.choice(["。", "．", "․", " ,", "・"])) + path
        return link

    def spin(self, text):
        r = self.r
        while True:
            m = re.search(r"\{([^{}]*)\}", text)
            if not m:
                return re.sub(r"  +", " ", text).strip()
            text = text[:m.start()] + r.choice(m.group(1).split("|")) + text[m.end():]

    NAME_LURES = [
        "{🎁 |💰 |🔥 ||}{Congrats|Congratulations|Winner|Good news}{!|!!|,|:} {claim|collect|get|redeem} your {$|€|}{500|750|1000|1,000} {reward|prize|bonus|gift card} {at|on|via|→|➜|-} LINK",
        "{BTC|Bitcoin|USDT|ETH} {transfer|payout|withdrawal} {pending|waiting|on hold} {0.38|1.2|12,450|0.074}{:| -| >>} LINK",
        "{Your|Ur} {parcel|package|delivery} {is on hold|could not be delivered|is waiting}{,|:|.} {pay|confirm} {fee|shipping} {at|here} LINK",
        "{Hi|Hey|Hello}{!|,|} {I saw your profile|you looked cute|we matched} {😘|💋|❤️|} {see my pics|my photos|chat with me} LINK",
        "{Account|Your account} {suspended|locked|on hold}{!|.|:} {verify|confirm|restore} {now|today|within 24h} LINK",
        "{You have|You've got} {1|2|3} {unread|new|pending} {messages|notifications} {from|by} {Anna|Kate|Olga} LINK",
        "VICTIM, {your|ur} {$|€}{250|500|900} {refund|cashback|bonus} {is ready|awaits|was approved}{:| →} LINK",
    ]
    MSG_LURES = [
        "{Hello|Hi|Dear} {VICTIM|customer|friend|user}{,|!|}\n{We are pleased to inform you|Good news|This is to confirm} that you {have been selected|qualified|were chosen} for a {$|€}{500|750|1000} {reward|gift card|bonus payment}. {To claim it|To receive it|Claim it}{,|} {visit|go to|open} LINK {within 24 hours|today|before it expires}.\n{Regards|Best wishes|Thank you}",
        "{Your|The} {account|wallet} has {0.38|0.74|1.2} {BTC|ETH} {awaiting withdrawal|pending|ready for payout}. {Confirm|Complete} {your identity|the transfer} {here|at} LINK {to avoid losing funds|or it will be cancelled}.",
        "{Hi|Hey} {VICTIM|there|babe} {😘|❤️|}\n{I'm Anna|My name is Kate|It's Olga}, {we chatted|we met} {last week|on Tinder|online}. {My new photos are|Here are my pics|Find me} LINK {😉|xx|}",
        "{Thank you for your registration|Thanks for signing up}! {To activate|To unlock} your {free|complimentary} {bonus|credit|trial} {please|} {follow|use} LINK. {This message was sent automatically.|Do not reply.|}",
        "{Hello|Good day}, {I am interested in your products|I have a question about delivery}. {By the way|Also|PS}{,|:} {you won|you can get} a {free iPhone|gift card|cash bonus}{ here|} LINK",
    ]

    def lure_text(self, kind, victim, link, maxlen=None):
        r = self.r
        tmpl = r.choice(self.NAME_LURES if kind == "name" else self.MSG_LURES)
        vname = victim["first"] if victim["first"] and r.random() < 0.8 else victim["email"].split("@")[0]
        t = self.spin(tmpl).replace("VICTIM", vname)
        if r.random() < 0.2:
            t = t.replace("!", r.choice(["!", "!!", "❗", "."]))
        if r.random() < 0.1 and kind == "name":
            t = t.upper().replace("LINK", "LINK")
        t = t.replace("LINK", link)
        if maxlen and len(t) > maxlen:
            t = t[:maxlen]
        return t

    def name_from_email(self, addr):
        lp = addr.split("@")[0].split("+")[0]
        lp = re.sub(r"\d+$", "", lp)
        parts = [x for x in re.split(r"[._\-]", lp) if x]
        if not parts:
            return lp.capitalize() or "User"
        if len(parts) == 1 and len(parts[0]) > 6 and self.r.random() < 0.5:
            s = parts[0]
            k = self.r.randint(3, len(s) - 3)
            parts = [s[:k], s[k:]]
        return " ".join(x.capitalize() for x in parts[:2])

    # ---------------- attacks
    def lure_campaign(self, label, n):
        r = self.r
        tac = {
            "ip": r.choice(["resi", "resi", "mobile", "ipv6", "dc", "mixed", "resi_sticky", "vpn"]),
            "pacing": "drip" if label == "lure_drip" else r.choice(["burst", "waves", "steady", "diurnal"]),
            "link": r.choice(["unique_domain", "unique_domain", "shortener", "trusted_host", "compromised", "same",
                              "phone", "handle"]),
            "obf": r.choice(["none", "none", "dot_word", "bracket", "fullwidth", "zwsp", "cyrillic", "spaced", "odd_dot", "mixed"]),
            "fill": r.choice(["human", "human", "human", "minfill", "slow", "stockpile"]),
            "victims": r.choice(["mix", "mix", "one_company", "one_provider"]),
            "where": {"lure_in_name": "name", "lure_in_message": "message", "lure_mimic_name": "message",
                      "lure_drip": r.choice(["name", "message"])}[label],
            "naive": r.random() < 0.12,
        }
        where = tac["where"]
        forms = [k for k in self.forms if (self.has(k, "name") or self.has(k, "first") or self.has(k, "company"))] if where == "name" \
            else [k for k in self.forms if self.has(k, "message")]
        if not forms:
            forms = ["contact"]
        forms = r.sample(forms, r.randint(1, len(forms)))
        same = self.link("unique_domain") if tac["link"] == "same" else None
        ts = self.times(n, tac["pacing"])
        vs = self.victims(len(ts), tac["victims"])
        nxt = self.rotator(tac["ip"])
        seg = "%s/%s/%s/%s" % (tac["ip"], tac["pacing"], tac["link"], tac["obf"]) + ("/naive" if tac["naive"] else "")
        fill_mode = tac["fill"]
        cnt = 0
        for t, v in zip(ts, vs):
            fk = r.choice(forms)
            ip, ua = nxt()
            if tac["naive"]:
                ua = r.choice(NAIVE_UAS)
            link = self.obfuscate(self.link(tac["link"], same), tac["obf"])
            email = v["email"]
            if r.random() < 0.05:
                email = email.upper() if r.random() < 0.5 else email[0].upper() + email[1:]
            slots = {"email": email, "friend_email": email}
            if where == "name":
                lure = self.lure_text("name", v, link, maxlen=r.choice([None, 64, 100]))
                split = self.has(fk, "first") and self.has(fk, "last") and r.random() < 0.4
                if split:
                    cut = lure.rfind(" ", 0, max(1, len(lure) // 2)) if " " in lure else len(lure) // 2
                    slots["first"], slots["last"] = lure[:cut].strip(), lure[cut:].strip()
                    slots["name"] = lure
                elif self.has(fk, "company") and not (self.has(fk, "name") or self.has(fk, "first")):
                    slots["company"] = lure
                    slots["name"] = ""
                else:
                    slots["name"] = lure
                    slots["first"], slots["last"] = lure, ""
                    if self.has(fk, "company") and r.random() < 0.3:
                        slots["company"], slots["name"] = lure, self.name_from_email(email)
                        slots["first"], slots["last"] = slots["name"].split(" ")[0], " ".join(slots["name"].split(" ")[1:])
                if self.has(fk, "message"):
                    slots["message"] = r.choice(["", "", "Hello", "thanks", self.honest_message(v, fk)])
            else:
                lure = self.lure_text("message", v, link)
                if label == "lure_mimic_name":
                    nm = self.name_from_email(email)
                else:
                    nm = r.choice([self.person()["name"], "Customer Service", "Support Team", "Anna", "Rewards Desk", "Kate 💋", ""])
                slots["name"] = nm
                slots["first"], slots["last"] = nm.split(" ")[0] if nm else "", " ".join(nm.split(" ")[1:])
                slots["message"] = lure
                slots["subject"] = self.spin("{Your reward|Re: your account|Important|Payment confirmation|Hi|}")
            if tac["naive"] and self.has(fk, "honeypot") and r.random() < 0.5:
                slots["honeypot"] = self.rid(6)
            if self.has(fk, "url") and r.random() < 0.3:
                slots["url"] = self.link("unique_domain")
            f = self.fill(fk, fill_mode if fill_mode != "human" else "human")
            ev = self.emit(t, fk, ip, ua, slots, label=label, seg=seg, fill=f)
            if ev:
                cnt += 1
                self.lure_victims.append((t, v, lure))
        return cnt

    def gmail_variants(self, lp, dom):
        r = self.r
        core = lp.replace(".", "")
        out = set()
        for _ in range(400):
            s = "".join(ch + ("." if r.random() < 0.3 and i < len(core) - 1 else "") for i, ch in enumerate(core))
            k = r.random()
            if k < 0.3:
                s += "+" + self.rid(r.randint(2, 8))
            if k > 0.8:
                s = "".join(ch.upper() if r.random() < 0.3 else ch for ch in s)
            d = dom if r.random() < 0.85 else ("googlemail.com" if dom == "gmail.com" else dom.upper())
            out.add(s + "@" + d)
        return sorted(out)

    def sub_bomb(self, n):
        r = self.r
        targets = [self.person() for _ in range(r.randint(1, 3))]
        for tg in targets:
            if r.random() < 0.6:
                tg["email"] = self.ascii(tg["fr"]) + "." + self.ascii(tg["lr"]) + "@gmail.com"
        pacing = r.choice(["burst", "burst", "steady", "waves", "drip"])
        ts = self.times(n, pacing)
        nxt = self.rotator(r.choice(["resi", "mobile", "dc", "mixed", "ipv6"]))
        forms = [k for k in self.forms if k != "invite"]
        namemode = r.choice(["target", "random", "junk"])
        variants = {}
        seg = "%s/%s" % (pacing, namemode)
        cnt = 0
        for t in ts:
            tg = r.choice(targets)
            lp, dom = tg["email"].split("@")
            if tg["email"] not in variants:
                if dom == "gmail.com":
                    variants[tg["email"]] = self.gmail_variants(lp, dom)
                else:
                    vs = set()
                    for _ in range(200):
                        x = r.random()
                        if x < 0.4:
                            vs.add(lp + "+" + self.rid(r.randint(2, 6)) + "@" + dom)
                        elif x < 0.6:
                            vs.add(lp + "@" + dom.upper())
                        elif x < 0.8:
                            vs.add("".join(c.upper() if r.random() < 0.4 else c for c in lp) + "@" + dom)
                        else:
                            vs.add(r.choice([" ", ""]) + lp + "@" + dom + r.choice([" ", "", "."]))
                    variants[tg["email"]] = sorted(vs) + [tg["email"]]
            email = r.choice(variants[tg["email"]]) if r.random() < 0.85 else tg["email"]
            fk = r.choice(forms)
            ip, ua = nxt()
            nm = {"target": tg["name"], "random": self.person()["name"], "junk": self.rid(r.randint(4, 10), "abcdefghijklmnopqrstuvwxyz")}[namemode]
            slots = {"name": nm, "email": email, "message": r.choice(["", "please send info", "Hello", self.honest_message(tg, fk)]),
                     "subject": r.choice(["", "Info", "Hi"])}
            ev = self.emit(t, fk, ip, ua, slots, label="subscription_bomb", seg=seg, fill=self.fill(fk, r.choice(["human", "minfill"])),
                           recipient=email)
            if ev:
                cnt += 1
        # the target complains
        for tg in targets:
            if r.random() < 0.5 and ts:
                t2 = ts[len(ts) // 2] + r.uniform(600, 7200)
                self.emit(t2, "contact", self.session_net(tg), tg.get("ua") or self.ua(),
                          self.person_slots(tg, "contact", "I'm getting hundreds of sign-up emails from your site that I never requested. "
                                            "Please block my address %s from all lists." % tg["email"]), seg="bomb_target_complaint")
        return cnt

    def token_replay(self, n):
        r = self.r
        mode = self.pick({"reuse_one": 3, "reuse_pool": 3, "cross_form": 2, "stale_pool": 2, "forged": 1})
        forms = [k for k in self.forms if self.has(k, "message") or self.has(k, "name") or self.has(k, "first")] or ["contact"]
        pacing = r.choice(["burst", "steady", "waves"])
        ts = self.times(n, pacing)
        if not ts:
            return 0
        nxt = self.rotator(r.choice(["resi", "mobile", "dc", "mixed"]))
        harvest_t = max(self.t0 + 1, ts[0] - r.uniform(5, 900)) if mode != "stale_pool" else self.t0 + r.uniform(1, 3600)
        pool = []
        k = 1 if mode == "reuse_one" else r.randint(3, 25)
        for _ in range(k):
            src = r.choice(list(self.forms)) if mode == "cross_form" else r.choice(forms)
            issued = harvest_t + r.uniform(0, 300)
            if mode == "forged":
                tok = self.token(self.forms[src].id, issued, key=b"coastguard-replay" if r.random() < 0.5 else b"secret")
            else:
                tok = self.token(self.forms[src].id, issued)
            pool.append((src, tok, issued))
        seg = "%s/%s" % (mode, pacing)
        vs = self.victims(len(ts), "mix")
        cnt = 0
        for t, v in zip(ts, vs):
            src, tok, issued = r.choice(pool)
            fk = src
            if mode == "cross_form":
                fk = r.choice(forms)
            if t <= issued:
                t = issued + r.uniform(8, 60)
            ip, ua = nxt()
            link = self.obfuscate(self.link(r.choice(["unique_domain", "shortener", "trusted_host"])), r.choice(["none", "mixed"]))
            lure_n = self.lure_text("name", v, link, maxlen=90)
            slots = {"email": v["email"], "friend_email": v["email"], "name": lure_n, "first": lure_n, "last": "",
                     "message": self.lure_text("message", v, link)}
            ev = self.emit(t, fk, ip, ua, slots, label="token_replay", seg=seg, token=tok)
            if ev:
                cnt += 1
                self.lure_victims.append((t, v, lure_n))
        return cnt

    def link_spam(self, n):
        r = self.r
        forms = [k for k in self.forms if self.has(k, "message")] or ["contact"]
        ts = self.times(n, r.choice(["steady", "diurnal", "waves"]))
        nxt = self.rotator(r.choice(["dc", "resi", "mixed", "vpn"]))
        cnt = 0
        for t in ts:
            fk = r.choice(forms)
            ip, ua = nxt()
            links = [self.link(r.choice(["unique_domain", "compromised", "shortener"])) for _ in range(r.randint(1, 8))]
            body = self.spin("{Hi|Hello|Good day}{,|!} {I noticed your website|Your site} {could rank higher|has SEO issues|is missing traffic}. ") + \
                " ".join(r.choice(["Check", "See", "->", "Visit", ""]) + " " + l for l in links)
            sender = self.person()
            slots = {"name": r.choice([sender["name"], "SEO Expert", "Best Casino Bonus", "Mike " + sender["last"]]),
                     "email": r.choice([sender["email"], "%s@%s" % (self.rid(8), self.domain_like("bad"))]),
                     "message": body, "url": links[0], "subject": r.choice(["SEO", "Partnership", "Backlinks", "Question"])}
            if self.emit(t, fk, ip, ua, slots, label="link_spam", seg="seo", fill=self.fill(fk, r.choice(["human", "minfill"]))):
                cnt += 1
        return cnt

    # ---------------- driver
    def run(self):
        r = self.r
        per_day = r.choice([900, 1600, 2600, 3800, 5500]) * r.uniform(0.8, 1.2)
        H = int(min(11000, max(1800, per_day * self.hours / 24)))
        A = int(min(max(400, H * r.uniform(0.08, 0.6)), 14000 - H, 6000))
        plan = {}
        # honest groups first
        nh = 0
        for _ in range(r.randint(1, 3)):
            nh += self.faq_wave(r.randint(10, max(12, H // 60)))
        for _ in range(r.randint(1, 4)):
            nh += self.shared_link_wave(r.randint(15, max(20, H // 40)))
        for _ in range(r.randint(1, 4)):
            nh += self.office_group(r.randint(5, 40), "office")
        for _ in range(r.randint(0, 2)):
            nh += self.office_group(r.randint(15, 35), "school")
        for _ in range(r.randint(0, 4)):
            nh += self.group_registrar(r.randint(3, 20))
        if r.random() < 0.6 and any(k in self.forms for k in ("newsletter", "signup", "event")):
            nh += self.flash_crowd(r.randint(80, max(100, H // 12)))
        nh += self.company_in_name(r.randint(3, max(5, H // 150)))
        while nh < H:
            nh += self.honest_individual()
        # attacks
        kinds = ["lure_in_name", "lure_in_message", "lure_mimic_name", "lure_drip", "subscription_bomb",
                 "token_replay", "link_spam"]
        chosen = [r.choice(["lure_in_name", "lure_in_message", "lure_mimic_name"])]
        chosen += r.sample([k for k in kinds if k != chosen[0]], r.randint(2, 5))
        if r.random() < 0.4:
            chosen.append(r.choice(["lure_in_name", "lure_in_message", "lure_mimic_name"]))  # a second campaign
        wts = [r.uniform(0.3, 1.5) * (0.15 if k in ("lure_drip", "link_spam") else 0.5 if k in ("subscription_bomb", "token_replay") else 1)
               for k in chosen]
        tot = sum(wts)
        for k, w in zip(chosen, wts):
            n = max(20, int(A * w / tot))
            if k.startswith("lure_"):
                c = self.lure_campaign(k, n)
            elif k == "subscription_bomb":
                c = self.sub_bomb(n)
            elif k == "token_replay":
                c = self.token_replay(n)
            else:
                c = self.link_spam(n)
            plan[k] = plan.get(k, 0) + c
        samples = [l for _, _, l in self.lure_victims[:50]]
        self.reporting_phish(r.randint(1, 8), samples)
        self.victim_complaints(r.uniform(0.005, 0.025))
        self.events.sort(key=lambda e: e["ts"])
        for i, e in enumerate(self.events):
            e["id"] = "s%d" % (i + 1)
        return plan


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--secret", default="bench-form-secret", help="render-token HMAC key")
    ap.add_argument("--stats", action="store_true", help="print counts per label and segment to stderr")
    a = ap.parse_args()
    g = Gen(a.seed, a.secret.encode())
    g.run()
    keys = ["ts", "kind", "form", "ip", "user_agent", "recipient", "id", "fields", "roles", "token", "label", "seg"]
    with open(a.out, "w", encoding="utf-8") as f:
        for e in g.events:
            f.write(json.dumps({k: e[k] for k in keys}, ensure_ascii=False, separators=(",", ":")) + "\n")
    if a.stats:
        c = {}
        for e in g.events:
            c.setdefault(e["label"], {}).setdefault(e["seg"], 0)
            c[e["label"]][e["seg"]] += 1
        sys.stderr.write("seed %d: %d events, %.1f h, forms %s\n" % (a.seed, len(g.events), g.hours,
                                                                      ",".join(fm.id for fm in g.forms.values())))
        for lab in sorted(c):
            sys.stderr.write("  %-18s %6d  %s\n" % (lab, sum(c[lab].values()),
                                                     ", ".join("%s=%d" % kv for kv in sorted(c[lab].items(), key=lambda kv: -kv[1])[:12])))


if __name__ == "__main__":
    main()
