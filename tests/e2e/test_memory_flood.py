"""One memory budget over every table: a real daemon with the smallest budget (16 MiB) is fed
distinct keys in every table it has (IPv4 and IPv6 sources, logins, familiar places, login
evidence, operator blocks, sasl usernames, form recipients, links, texts, tokens and ALTCHA
proofs) well past each table's share. Each must stay within its capacity and say it evicted,
the tables within the budget, and the process's memory must stop growing."""
import base64
import hashlib
import http.client
import json
import socket
import os
import subprocess
import threading

from conftest import BIN, free_port, wait_for
from http_util import get, http_pipeline, post
from test_faults import rss_kib

BUDGET_MB = 16
# Limits out of reach (a limit of 0 would count nothing) so that every submission is accepted and leaves its campaign keys: the flood that
# costs the most memory, not the one the guard refuses first.
CONFIG = f"""
[memory]
budget_mb = {BUDGET_MB}
[forms]
altcha_max_number = 100
form_per_10m = 1000000000
surge_factor = 1000
ip_per_hour = 1000000000
prefix_per_hour = 1000000000
recipient_per_day = 1000000000
recipient_domain_per_day = 1000000000
new_recipient_domain_per_day = 1000000000
min_fill = "0s"
[breach]
max_accounts = 100
"""
# The one password of the breach corpus the flood's logins all "use".
BREACHED_SHA1 = hashlib.sha1(b"flood-password").hexdigest().upper()


def tables(cg):
    """{table: {"keys", "capacity", "evictions", "memory", "share"}} from /metrics."""
    conn = http.client.HTTPConnection("127.0.0.1", cg.port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    out = {}
    names = {"coastguard_keys": "keys", "coastguard_table_capacity": "capacity",
             "coastguard_evictions_total": "evictions", "coastguard_table_memory_bytes": "memory",
             "coastguard_table_budget_bytes": "share"}
    memory = {}
    for line in text.splitlines():
        name, _, rest = line.partition("{")
        if name == "coastguard_memory_bytes":
            memory[rest.split('"')[1]] = float(line.split()[-1])
        if name not in names or not rest.startswith('table="'):
            continue
        table = rest.split('"')[1]
        if table == "blocks_refused":
            table = "blocks"
        out.setdefault(table, {})[names[name]] = float(line.split()[-1])
    return out, memory


def address(i):
    """IPv4 addresses and IPv6 /48s in turn: every source level fills."""
    if i % 2 == 0:
        return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    return f"2a01:{(i >> 16) & 0xffff:x}:{i & 0xffff:x}::1"


def words(i):
    out = []
    x = (i * 2654435761) & 0xffffffff
    for w in range(12):
        y = x ^ (w * 40503)
        out.append("".join(chr(97 + (y // 26 ** c) % 26) for c in range(6)))
    return " ".join(out)


def solve(challenge):
    for number in range(challenge["maxnumber"] + 1):
        digest = hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest()
        if digest == challenge["challenge"]:
            payload = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
            payload["number"] = number
            return base64.b64encode(json.dumps(payload).encode()).decode()
    raise AssertionError("unsolvable challenge")


def postfix_pipeline(port, count, offset):
    """RCPT requests with a new sasl_username each, pipelined; returns the replies."""
    payload = b"".join(
        (f"request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
         f"client_address={address(offset + n)}\nsasl_method=PLAIN\n"
         f"sasl_username=sasl{offset + n}@example.com\nsender=s@example.com\n"
         f"recipient=r{n}@d{n}.example\nqueue_id=Q{n}\n\n").encode() for n in range(count))
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    writer = threading.Thread(target=s.sendall, args=(payload,), daemon=True)
    writer.start()
    received = b""
    while received.count(b"\n\n") < count:
        data = s.recv(1 << 20)
        assert data, "the Postfix listener closed the connection"
        received += data
    writer.join(timeout=30)
    s.close()
    return received.split(b"\n\n")[:-1]


def flood(cg, postfix_port, sizes, offset):
    """Drives every table past the capacity it reports, starting key numbers at `offset`."""
    policy = cg.policy_headers()
    admin = {"Authorization": f"Bearer {cg.admin_token()}"}
    # Logins: each twice from two places; half succeed both times (familiarity, then evidence).
    n = 4 * int(max(sizes["familiarity_logins"], 2 * sizes["evidence"])) + 1000
    reports = []
    for i in range(offset, offset + n):
        success = (i // 2) % 2 == 0
        reports.append(post("/?command=report",
                            {"login": f"flood{i // 2}@example.com", "remote": address(i),
                             "protocol": "imap", "success": success, "policy_reject": False},
                            policy))
    replies = http_pipeline(cg.port, reports)
    assert all(status == 200 for status, _ in replies)

    blocks = [post("/v1/blocks", {"ip": address(i), "ttl_seconds": 3600, "reason": "flood"}, admin)
              for i in range(offset, offset + int(sizes["blocks"]) + 500)]
    statuses = {status for status, _ in http_pipeline(cg.port, blocks)}
    assert 507 in statuses and statuses <= {201, 507}, statuses  # full: refused, with a reason

    # Accounts logging in with a breached password: a table with its own cap.
    breached = [post("/v1/passwords/report",
                     {"login": f"breached{i}-".ljust(200, "x") + "@example.com",
                      "sha1": BREACHED_SHA1, "ip": address(i), "service": "imap"}, policy)
                for i in range(offset, offset + int(2 * sizes["breached_logins"]) + 100)]
    replies = http_pipeline(cg.port, breached)
    assert all(status == 200 and json.loads(body)["breached"] for status, body in replies)

    replies = postfix_pipeline(postfix_port, int(2 * sizes["outbound_accounts"]) + 1000, offset)
    assert all(r.startswith(b"action=") for r in replies)

    forms = int(2 * max(sizes[t] for t in sizes if t.startswith("form_"))) + 1000
    tokens = [json.loads(body)["token"]
              for _, body in http_pipeline(cg.port, [get("/v1/forms/token?form=contact")] * forms)]
    altcha_count = int(sizes["form_altcha"]) + 1000
    challenges = [json.loads(body)
                  for _, body in http_pipeline(cg.port, [get("/v1/forms/challenge")] * altcha_count)]
    proofs = [solve(c) for c in challenges]
    checks = []
    for k in range(forms):
        i = offset + k
        email = f"p{i}@m{i}.example"
        # Each link twice (short of a campaign) and ids as long as the API allows: the ids a
        # campaign keeps to name in its event are held to its share too.
        link = f"https://l{i // 2}.example/{i // 2}"
        body = {"form": "contact", "ip": address(i), "user_agent": "Mozilla/5.0 Firefox/128.0",
                "recipient": email, "id": f"{i}-".ljust(128, "x"), "token": tokens[k],
                "fields": {"email": email, "comment": f"see {link} {words(i)}"},
                "roles": {"email": "email", "comment": "text"}}
        if k < len(proofs):
            body["altcha"] = proofs[k]
        checks.append(post("/v1/forms/check", body, policy))
    replies = http_pipeline(cg.port, checks)
    assert all(status == 200 for status, _ in replies)
    accepted = sum(json.loads(body)["verdict"] == "accept" for _, body in replies)
    assert accepted > forms // 2, [json.loads(b) for _, b in replies[:3]]


def test_a_flood_of_distinct_keys_stays_within_every_tables_share(coastguard):
    postfix_port = free_port()
    cg = coastguard(CONFIG + f'[postfix]\nlisten = "127.0.0.1:{postfix_port}"\n')
    corpus = os.path.join(cg.workdir, "pwned.txt")
    with open(corpus, "w") as f:
        f.write(f"{BREACHED_SHA1}:5\r\n")
    done = subprocess.run([BIN, "breach", "import", "--db", os.path.join(cg.data_dir, "breach"),
                           corpus], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    wait_for(lambda: cg.logged("breach: opened"), what="the daemon to open the corpus")
    before, _ = tables(cg)
    sizes = {t: v["capacity"] for t, v in before.items() if "capacity" in v}
    expected = {"sources", "logins", "login_ip", "familiarity_logins", "blocks", "evidence",
                "outbound_accounts", "form_nonces", "form_altcha", "form_ips", "form_prefixes",
                "form_recipients", "form_recipient_domains", "form_campaigns", "form_text_bands",
                "breached_logins"}  # the last has its own cap and byte bound, beside the budget
    assert set(sizes) == expected, sorted(sizes)
    rss_before = rss_kib(cg.proc.pid)

    flood(cg, postfix_port, sizes, 0)
    rss_first = rss_kib(cg.proc.pid)
    # What the block list and the evidence hold is measured once a second, not per scrape.
    wait_for(lambda: tables(cg)[0]["evidence"]["memory"] > before["evidence"]["memory"],
             what="the tables' heap to be measured")
    after, memory = tables(cg)
    for table in sorted(expected):
        t = after[table]
        assert t["keys"] <= t["capacity"], (table, t)
        assert t["memory"] <= t["share"], (table, t)
        assert t["evictions"] > 0, (table, t)  # blocks: refused, never evicted while in force
    own = after["breached_logins"]["share"]
    assert memory["tables"] <= memory["budget"] + own and memory["budget"] == BUDGET_MB << 20, memory

    # A second flood of new keys costs no more memory: the tables are full and evict.
    flood(cg, postfix_port, sizes, 10_000_000)
    rss_second = rss_kib(cg.proc.pid)
    print(f"RSS {rss_before / 1024:.0f} MiB before, after one flood {rss_first / 1024:.0f} MiB, "
          f"after two {rss_second / 1024:.0f} MiB; tables ~{memory['tables'] / 2**20:.0f} MiB")
    assert rss_second - rss_first < 4 * 1024, (rss_first, rss_second)
    # The budget, plus what the allocator keeps aside and the connections' own buffers.
    assert rss_second - rss_before < (BUDGET_MB + 8) * 1024, (rss_before, rss_second)
