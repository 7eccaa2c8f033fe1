#!/usr/bin/python3
"""The console on a daemon with a whole scenario behind it: bench/scenario.py's logins (by
default 12 warm-up hours and 10 hours of overlapping attacks, 4,000 accounts) are fed to a live
`coastguard serve` as Dovecot feeds it (check, then report unless refused) over several
connections, then every admin endpoint the console reads is timed (median and worst of 20) with
the size of its answer, and the daemon's RSS is read.

Live traffic is stamped with the clock, so the scenario's hours arrive in minutes: the per-minute
history is then denser than it would be, while every table (blocks, recent decisions, top lists,
entities) holds what the whole scenario puts into it.

usage: bench/console_load.py [--events FILE] [--workers N] [--bin PATH]
"""
import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def feed(args):
    """One connection's share of the events, in their order."""
    port, key, lines = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    refused = 0
    for line in lines:
        event = json.loads(line)
        outcome = event.pop("outcome")
        event.pop("label", None)
        event["ts"] = time.time()  # live: the daemon's clock decides, as for Dovecot's requests
        conn.request("POST", "/v1/auth/check", json.dumps(event), headers)
        reply = conn.getresponse()
        answer = json.loads(reply.read())
        if "verdict" not in answer:
            raise RuntimeError(f"/v1/auth/check answered {reply.status} {answer} to {event}")
        verdict = answer["verdict"]
        if verdict == "reject":
            refused += 1
            continue
        conn.request("POST", "/v1/auth/report", json.dumps(dict(event, outcome=outcome)), headers)
        conn.getresponse().read()
    conn.close()
    return refused


def timed(port, token, path, repeats=20):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    took, size = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        reply = conn.getresponse()
        body = reply.read()
        took.append(time.perf_counter() - start)
        assert reply.status == 200, (path, reply.status, body[:200])
        size = len(body)
    conn.close()
    return statistics.median(took), max(took), size, body


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", help="a replay file (default: bench/scenario.py --no-mail)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build/release/src/coastguard"))
    a = parser.parse_args()

    work = tempfile.mkdtemp(prefix="coastguard-console-bench-")
    proc = None
    try:
        events = a.events
        if events is None:
            events = os.path.join(work, "auth.jsonl")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench/scenario.py"), "--no-mail",
                            "--out", events], check=True, stdout=subprocess.DEVNULL)
        with open(events) as f:
            lines = [line for line in f if '"kind": "auth"' in line or '"kind":"auth"' in line]

        port, postfix = free_port(), free_port()
        config = os.path.join(work, "coastguard.toml")
        with open(config, "w") as f:
            f.write(f'[postfix]\nlisten = "127.0.0.1:{postfix}"\n')
        data = os.path.join(work, "data")
        log = open(os.path.join(work, "serve.log"), "wb")
        proc = subprocess.Popen([a.bin, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir",
                                 data, "--config", config], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while not os.path.exists(os.path.join(data, "admin_token")) or not _open(port):
            if proc.poll() is not None or time.time() > deadline:
                sys.exit("coastguard serve did not start: see " + log.name)
            time.sleep(0.05)
        key = open(os.path.join(data, "policy_key")).read().strip()
        token = open(os.path.join(data, "admin_token")).read().strip()

        # Round-robin by account keeps each account's logins in their order on one connection.
        shares = [[] for _ in range(a.workers)]
        for line in lines:
            login = json.loads(line)["login"]
            shares[hash(login) % a.workers].append(line)
        start = time.perf_counter()
        with multiprocessing.Pool(a.workers) as pool:
            refused = sum(pool.map(feed, [(port, key, s) for s in shares]))
        fed = time.perf_counter() - start
        print(f"fed {len(lines)} logins in {fed:.1f} s ({len(lines) / fed:,.0f}/s, "
              f"{refused} refused) over {a.workers} connections")

        _, _, _, body = timed(port, token, "/v1/blocks?limit=1", 1)
        blocks = json.loads(body)["total"]
        _, _, _, body = timed(port, token, "/v1/history?minutes=1440", 1)
        top = json.loads(body)
        print(f"state: {blocks} blocks in force, RSS {rss_kib(proc.pid) / 1024:.0f} MiB")
        victim = next((e["subject"] for e in top.get("top_targeted_logins", [])), "user00001@example.com")
        source = next((e["subject"] for e in top.get("top_refused_sources", [])), "192.0.2.1")
        paths = ["/v1/history?minutes=180", "/v1/history?minutes=1440", "/v1/service",
                 "/v1/system", "/v1/suspects", "/v1/blocks?limit=500", "/v1/blocks",
                 "/v1/allow", "/v1/forms/events", f"/v1/entities/login/{victim}",
                 f"/v1/entities/ip/{source}", "/console/", "/console/app.js"]
        print(f"{'endpoint':44} {'median':>9} {'worst':>9} {'bytes':>11}")
        for path in paths:
            median, worst, size, _ = timed(port, token, path)
            print(f"{path[:44]:44} {median * 1000:7.2f}ms {worst * 1000:7.2f}ms {size:11,}")
        print(f"RSS after the console's reads: {rss_kib(proc.pid) / 1024:.0f} MiB")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def _open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


if __name__ == "__main__":
    main()
