#!/usr/bin/python3
"""Writes a log for the log guard's parse benchmark: --kind dovecot (a Dovecot log as syslog
writes it: logins, failed logins, no-auth disconnects, auth_verbose lines, session ends) or
--kind mixed (a mail.log: Postfix's smtpd, cleanup, qmgr and smtp lines with SASL failures,
rejects and deliveries, Dovecot lines, and other daemons). Randomised per seed."""
import argparse
import random

p = argparse.ArgumentParser()
p.add_argument("--kind", choices=["dovecot", "mixed"], required=True)
p.add_argument("--lines", type=int, default=1_000_000)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--out", required=True)
a = p.parse_args()
r = random.Random(a.seed)


def ip():
    return f"{r.choice([198, 203, 192])}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"


def user():
    return f"user{r.randint(1, 50000)}@example.com"


def session():
    return "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                   for _ in range(16))


def dovecot(t):
    s = session()
    svc = r.choice(["imap-login", "imap-login", "pop3-login", "submission-login"])
    k = r.random()
    if k < 0.35:
        return (f"{t} mx1 dovecot: {svc}: Login: user=<{user()}>, method=PLAIN, rip={ip()}, "
                f"lip=192.0.2.10, mpid={r.randint(1000, 99999)}, TLS, session=<{s}>")
    if k < 0.6:
        n = r.randint(1, 3)
        return (f"{t} mx1 dovecot: {svc}: Disconnected: Connection closed (auth failed, {n} "
                f"attempts in {r.randint(1, 30)} secs): user=<{user()}>, method=PLAIN, "
                f"rip={ip()}, lip=192.0.2.10, TLS, session=<{s}>")
    if k < 0.75:
        return (f"{t} mx1 dovecot: {svc}: Disconnected: Connection closed (no auth attempts in "
                f"{r.randint(0, 60)} secs): user=<>, rip={ip()}, lip=192.0.2.10, TLS, "
                f"session=<{s}>")
    if k < 0.85:
        return f"{t} mx1 dovecot: auth: passwd-file({user()},{ip()},<{s}>): unknown user"
    return (f"{t} mx1 dovecot: imap({user()})<{r.randint(1000, 99999)}><{s}>: Disconnected: "
            f"Logged out in={r.randint(10, 9999)} out={r.randint(100, 99999)}")


def mixed(t):
    k = r.random()
    pid = r.randint(1000, 99999)
    q = "".join(r.choice("0123456789ABCDEF") for _ in range(10))
    if k < 0.4:
        return dovecot(t)
    if k < 0.5:
        return f"{t} mx1 postfix/smtpd[{pid}]: connect from unknown[{ip()}]"
    if k < 0.58:
        return (f"{t} mx1 postfix/submission/smtpd[{pid}]: warning: unknown[{ip()}]: SASL LOGIN "
                f"authentication failed: UGFzc3dvcmQ6, sasl_username={user()}")
    if k < 0.64:
        return (f"{t} mx1 postfix/submission/smtpd[{pid}]: {q}: client=unknown[{ip()}], "
                f"sasl_method=PLAIN, sasl_username={user()}")
    if k < 0.72:
        return (f"{t} mx1 postfix/smtpd[{pid}]: NOQUEUE: reject: RCPT from unknown[{ip()}]: 554 "
                f"5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org; "
                f"from=<a@example.net> to=<{user()}> proto=ESMTP helo=<x>")
    if k < 0.8:
        return f"{t} mx1 postfix/qmgr[{pid}]: {q}: from=<{user()}>, size={r.randint(500, 90000)}, nrcpt=1 (queue active)"
    if k < 0.88:
        return (f"{t} mx1 postfix/smtp[{pid}]: {q}: to=<x@example.org>, relay=mx.example.org"
                f"[{ip()}]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 ok)")
    if k < 0.94:
        return f"{t} mx1 postfix/smtpd[{pid}]: disconnect from unknown[{ip()}] ehlo=1 auth=0/1 quit=1 commands=2/3"
    return f"{t} mx1 CRON[{pid}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"


make = dovecot if a.kind == "dovecot" else mixed
with open(a.out, "w") as f:
    for i in range(a.lines):
        sec = i // 2000
        t = f"2026-11-27T{9 + sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{r.randint(0, 999999):06d}+00:00"
        f.write(make(t) + "\n")
