#!/usr/bin/python3
"""Dovecot allow latency while the daemon's listeners are flooded (`make bench`).

Starts `coastguard serve` on loopback, then measures POST /?command=allow on one kept-alive
connection (what Dovecot does before every password check):
  quiet      nothing else going on;
  postfix    a client pipelining 100,000 Postfix policy requests without reading the replies,
             plus 2,000 idle connections to each port (the fault suite's flood (a));
  read       400,000 pipelined Postfix requests from a client that reads the replies, so the
             daemon is busy serving them while Dovecot asks;
  slowloris  2,000 HTTP connections sending their headers one byte a second (flood (b)).
Prints p50, p99 and the worst answer of each. Asserts nothing.

usage: bench/listener_floods.py [BINARY] [REQUESTS=5000]
"""
import http.client
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/release/src/coastguard"
REQUESTS = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
IDLE = 2000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(500):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"port {port} never opened")


def measure(port, key, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies = []
    for i in range(n):
        body = json.dumps({"login": f"user{i % 500}@example.com",
                           "remote": f"198.51.100.{i % 250}", "protocol": "imap"})
        start = time.perf_counter()
        conn.request("POST", "/?command=allow", body,
                     {"X-API-Key": key, "Content-Type": "application/json"})
        conn.getresponse().read()
        latencies.append(time.perf_counter() - start)
    conn.close()
    latencies.sort()
    return (latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)], latencies[-1])


def idle(port, count, source):
    out = []
    for _ in range(count):
        s = socket.socket()
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        out.append(s)
    return out


def policy_request(n):
    return (f"request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
            f"client_address=203.0.113.{n % 250}\nsasl_method=PLAIN\n"
            f"sasl_username=sender{n % 5000}@example.com\nsender=sender@example.com\n"
            f"recipient=r{n}@remote.example\nqueue_id=Q{n}\n\n").encode()


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    work = tempfile.mkdtemp(prefix="coastguard-bench-")
    port, postfix_port = free_port(), free_port()
    config = os.path.join(work, "coastguard.toml")
    with open(config, "w") as f:
        f.write(f'[postfix]\nlisten = "127.0.0.1:{postfix_port}"\n')
    log = open(os.path.join(work, "serve.log"), "wb")
    proc = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}", "--config", config,
                             "--data-dir", os.path.join(work, "data")],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_port(port)
        wait_port(postfix_port)
        with open(os.path.join(work, "data", "policy_key")) as f:
            key = f.read().strip()
        measure(port, key, 200)  # warm
        rows = [("quiet", measure(port, key, REQUESTS))]

        held = idle(postfix_port, IDLE, "127.0.0.2") + idle(port, IDLE, "127.0.0.2")
        flood = socket.socket()
        flood.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        flood.bind(("127.0.0.3", 0))
        flood.connect(("127.0.0.1", postfix_port))
        payload = b"".join(policy_request(n) for n in range(100_000))
        threading.Thread(target=flood.sendall, args=(payload,), daemon=True).start()
        rows.append(("postfix pipeline + 4,000 idle", measure(port, key, REQUESTS)))
        flood.close()
        for s in held:
            s.close()

        # The same pipeline from a client that reads: the daemon serves it flat out meanwhile.
        busy = socket.socket()
        busy.bind(("127.0.0.5", 0))
        busy.connect(("127.0.0.1", postfix_port))
        done = threading.Event()

        def pour_and_read():
            threading.Thread(target=busy.sendall, args=(payload * 4,), daemon=True).start()
            while not done.is_set():
                if not busy.recv(1 << 20):
                    return

        threading.Thread(target=pour_and_read, daemon=True).start()
        rows.append(("postfix pipeline, read", measure(port, key, REQUESTS)))
        done.set()
        busy.close()

        slow = idle(port, IDLE, "127.0.0.4")
        header = b"POST /?command=allow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
        stop = threading.Event()

        def trickle():
            for i in range(len(header)):
                for s in slow:
                    try:
                        s.send(header[i:i + 1])
                    except OSError:
                        pass
                if stop.wait(1.0):
                    return

        threading.Thread(target=trickle, daemon=True).start()
        rows.append(("slowloris, 2,000 connections", measure(port, key, REQUESTS)))
        stop.set()
        for s in slow:
            s.close()
        print(f"Dovecot allow on a kept-alive connection, {REQUESTS} requests each:")
        for name, (p50, p99, worst) in rows:
            print(f"  {name:32} p50 {p50 * 1e3:6.2f} ms   p99 {p99 * 1e3:6.2f} ms   "
                  f"worst {worst * 1e3:6.1f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
