#!/usr/bin/python3
"""Follow-mode latency of the log guard: from the write of a log burst (a brute force on one
account from one address, as Dovecot logs it) to the address's element in the nftables set,
seen by `nft monitor`. Runs coastguard in a network namespace it creates. Prints p50/p99/max.
Needs root; prints why and exits 0 otherwise."""
import os
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "release", "src",
                   "coastguard")
NS = f"cg-bench-{os.getpid()}"
TABLE = "cgbench"
SAMPLES = int(os.environ.get("FOLLOW_SAMPLES", "200"))


def main():
    if os.geteuid() != 0:
        print("log follow latency: needs root (a network namespace and nftables); skipped")
        return
    work = tempfile.mkdtemp(prefix="cg-follow-")
    log = os.path.join(work, "dovecot.log")
    open(log, "w").close()
    with open(os.path.join(work, "coastguard.toml"), "w") as f:
        f.write(f'[[logs]]\npath = "{log}"\nformat = "dovecot"\n\n'
                f'[firewall]\nnftables = true\ntable = "{TABLE}"\n')
    subprocess.run(["ip", "netns", "add", NS], check=True)
    daemon = monitor = None
    try:
        subprocess.run(["ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up"], check=True)
        daemon = subprocess.Popen(
            ["ip", "netns", "exec", NS, BIN, "serve", "--listen", "127.0.0.1:0",
             "--data-dir", os.path.join(work, "data"), "--config",
             os.path.join(work, "coastguard.toml")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in daemon.stdout:
            if "listening on" in line:
                break
        else:
            sys.exit("coastguard did not start")
        threading.Thread(target=lambda: [None for _ in daemon.stdout], daemon=True).start()
        seen = {}
        ready = threading.Event()
        monitor = subprocess.Popen(["ip", "netns", "exec", NS, "nft", "monitor", "elements"],
                                   stdout=subprocess.PIPE, text=True)

        def watch():
            ready.set()
            for line in monitor.stdout:
                if line.startswith("add element"):
                    address = line.split("{", 1)[1].split()[0]
                    seen.setdefault(address, time.monotonic())

        threading.Thread(target=watch, daemon=True).start()
        ready.wait()
        time.sleep(0.5)  # nft monitor subscribes after it starts; no event to await here
        latencies = []
        with open(log, "a") as out:
            for i in range(SAMPLES):
                address = f"10.{100 + i // 250}.{i % 250}.7"
                burst = "".join(
                    f"Nov 27 09:17:44 imap-login: Info: Disconnected (auth failed, 1 attempts in "
                    f"2 secs): user=<alice@example.com>, method=PLAIN, rip={address}, "
                    f"lip=192.0.2.10, TLS, session=<b{i}x{k}>\n" for k in range(30))
                start = time.monotonic()
                out.write(burst)
                out.flush()
                deadline = start + 5
                while address not in seen and time.monotonic() < deadline:
                    time.sleep(0.0005)
                if address in seen:
                    latencies.append(seen[address] - start)
        latencies.sort()
        if not latencies:
            print("log follow latency: no element appeared")
            return
        pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
        print(f"log follow latency, write to nftables element ({len(latencies)}/{SAMPLES} "
              f"bursts): p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max "
              f"{latencies[-1] * 1000:.1f} ms")
    finally:
        for p in (monitor, daemon):
            if p and p.poll() is None:
                p.terminate()
                p.wait(timeout=10)
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)


main()
